/** The playground page: layout, and the wiring between editors, store, core and workers. */
import { useEffect, useRef } from 'react';
import { Header } from './components/Header.tsx';
import { RuleEditor } from './components/RuleEditor.tsx';
import { RuleCard } from './components/RuleCard.tsx';
import { DiagnosticsPanel } from './components/DiagnosticsPanel.tsx';
import { KqlPanel } from './components/KqlPanel.tsx';
import { EventsPanel } from './components/EventsPanel.tsx';
import { Gallery, openExample } from './components/Gallery.tsx';
import { Toast } from './components/Toast.tsx';
import { Splitter } from './components/Splitter.tsx';
import { monaco } from './monaco/setup.ts';
import { kqlModel, ruleModel, setMarkersIfChanged, setModelText, toMarkers } from './monaco/models.ts';
import { THEME_DARK, THEME_LIGHT } from './monaco/themes.ts';
import { registerSigmaFeatures } from './monaco/sigma-features.ts';
import { useStore } from './state/store.ts';
import { analyzeRule, type RuleAnalysis } from './lib/analyze-rule.ts';
import { analyzeOffThread, dropOffThreadAnalysis, OFF_THREAD_CHARS } from './lib/analyze-client.ts';
import { ruleSettings, type RuleSettings } from './lib/rule-settings.ts';
import { checkKql, cancelKqlCheck } from './lib/kql-client.ts';
import { eventsClient } from './lib/events-client.ts';
import { afterNextPaint } from './lib/after-paint.ts';
import { DEFAULT_EXAMPLE, loadExample, loadExampleIndex } from './lib/examples.ts';
import type { Diagnostic } from '../src/diagnostics.ts';
import { readLinkState, type LinkState } from './lib/share.ts';
import { decodesOffThread, readLinkStateAsync } from './lib/link-decoder.ts';
import { restoreExpectations } from './lib/expectations.ts';
import { downloadText, fileStem } from './lib/download.ts';
import { TARGET_OPTIONS } from './lib/core.ts';
import { keepDraftBeforeLink, reopenLatestDraft, useDraftAutosave } from './persistence/autosave.ts';
import { DraftBanner } from './components/DraftBanner.tsx';
import { RuleFileDrop } from './components/RuleFileDrop.tsx';
import { RuleSettingsPanel } from './components/RuleSettingsPanel.tsx';

registerSigmaFeatures();

// Stable hooks for browser tests (this repo's and outside acceptance tests).
(window as unknown as { __siglab: Record<string, unknown> }).__siglab = {
  ...((window as unknown as { __siglab?: Record<string, unknown> }).__siglab ?? {}),
  monaco,
  ruleModel,
  kqlModel,
  store: useStore,
};

function useWiring() {
  // Rule text or target changed: analyse and compile (now for SigmaHQ-sized rules, in a worker for
  // very large ones: app/lib/analyze-client.ts), evaluate in the events worker.
  useEffect(() => {
    let lastText: string | undefined;
    let lastTarget: string | undefined;
    let lastMapping: string | undefined;
    let lastPlaceholders: string | undefined;
    // The text (or the placeholder values) changed since the last analysis that was applied (an
    // off-thread answer may be dropped for a newer request that only changed the target).
    let textChangedSinceApplied = false;
    const run = () => {
      const s = useStore.getState();
      if (s.ruleText === lastText && s.targetId === lastTarget && s.mappingText === lastMapping && s.placeholdersText === lastPlaceholders) return;
      textChangedSinceApplied ||= s.ruleText !== lastText || s.placeholdersText !== lastPlaceholders;
      lastText = s.ruleText;
      lastTarget = s.targetId;
      lastMapping = s.mappingText;
      lastPlaceholders = s.placeholdersText;
      // The user's mapping and placeholder values (app/lib/rule-settings.ts): placeholders go to the
      // matcher too, so the query and the verdicts read the rule the same way.
      const settings = ruleSettings(s.mappingText, s.placeholdersText);
      const t0 = performance.now();
      if (s.ruleText.length >= OFF_THREAD_CHARS) {
        analyzeOffThread(s.ruleText, s.targetId, (a) => apply(a, t0, performance.now(), settings), settings);
        return;
      }
      dropOffThreadAnalysis();
      const a = analyzeRule(s.ruleText, s.targetId, settings);
      apply(a, t0, performance.now(), settings);
    };
    const apply = (a: RuleAnalysis, t0: number, t1: number, settings: RuleSettings) => {
      const textChanged = textChangedSinceApplied;
      textChangedSinceApplied = false;
      const s = useStore.getState();
      s.setRuleAnalysis(a.rule, a.diagnostics);
      s.setPreview(a.preview);
      setMarkersIfChanged(ruleModel, 'siglab', toMarkers(a.diagnostics, ruleModel));
      // User timings (visible in the browser's performance panel; read by bench/app.bench.ts).
      performance.measure('siglab:analyze', { start: t0, end: t1 });
      performance.measure('siglab:preview', { start: t0, end: performance.now() });
      // A broken rule would judge events wrongly (a filter with a typo filters nothing): keep the
      // last verdicts, marked stale, until the rule loads cleanly again.
      if (a.ruleHasErrors) {
        if (!s.resultsStale) useStore.setState({ resultsStale: true });
      } else {
        if (s.resultsStale) useStore.setState({ resultsStale: false });
        if (textChanged || s.resultsStale) eventsClient().setRule(s.ruleText, settings.placeholders);
      }
    };
    // A keystroke's own task is Monaco's (the edit, the suggest widget, the view): the analysis
    // and the preview follow in a task of their own (a MessageChannel message, not a clamped
    // timer), so that together they do not exceed the page's 50 ms budget for one task. Several
    // changes within one task are analysed once.
    // A whole new rule (a link, an example, a draft: Monaco's setValue) re-renders the rule editor
    // in the next frame; its query then waits for that frame to be painted, so that the two editors
    // (and the page around them) are not laid out and rendered in one long frame. Keystrokes are
    // analysed at once.
    let replaced = false;
    const onReplace = ruleModel.onDidChangeContent((e) => {
      if (e.isFlush) replaced = true;
    });
    let scheduled = false;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      if (replaced) {
        replaced = false;
        afterNextPaint(() => {
          scheduled = false;
          run();
        });
        return;
      }
      scheduled = false;
      run();
    };
    run();
    const unsubscribe = useStore.subscribe((s, prev) => {
      if (scheduled) return;
      if (s.ruleText !== prev.ruleText || s.targetId !== prev.targetId || s.mappingText !== prev.mappingText || s.placeholdersText !== prev.placeholdersText) {
        scheduled = true;
        channel.port2.postMessage(null);
      }
    });
    return () => {
      unsubscribe();
      onReplace.dispose();
      channel.port1.close();
    };
  }, []);

  // The preview changed: show it (or keep the last good one), and check it with Kusto.
  useEffect(() => {
    return useStore.subscribe((s, prev) => {
      if (s.preview === prev.preview) return;
      // While the rule has errors: the last good query for this target, or else the partial one.
      const shown = s.preview?.ok ? s.preview : (s.lastGoodPreview ?? s.preview);
      const text = shown?.query ?? '';
      setModelText(kqlModel, text);
      if (s.preview?.ok) checkKql(s.preview.query, s.preview.targetId);
      else cancelKqlCheck();
    });
  }, []);

  useEffect(() => {
    return useStore.subscribe((s, prev) => {
      if (s.kqlDiagnostics !== prev.kqlDiagnostics) setMarkersIfChanged(kqlModel, 'kusto', toMarkers(s.kqlDiagnostics, kqlModel));
    });
  }, []);

  // New event text: read and evaluate in the worker.
  useEffect(() => {
    return useStore.subscribe((s, prev) => {
      if (s.eventsVersion !== prev.eventsVersion) eventsClient().setEvents(s.eventsText, s.eventsBinary, s.eventsBinaryFiles?.slice(1), s.eventsBinaryFiles?.[0]?.name ?? s.eventsSource);
    });
  }, []);

  // monaco-yaml's JSON-schema findings join the Problems panel.
  useEffect(() => {
    const sub = monaco.editor.onDidChangeMarkers((uris) => {
      if (!uris.some((u) => u.toString() === ruleModel.uri.toString())) return;
      const markers = monaco.editor.getModelMarkers({ resource: ruleModel.uri }).filter((m) => m.owner !== 'siglab');
      const diags: Diagnostic[] = markers.map((m) => {
        const start = ruleModel.getOffsetAt({ lineNumber: m.startLineNumber, column: m.startColumn });
        const end = ruleModel.getOffsetAt({ lineNumber: m.endLineNumber, column: m.endColumn });
        return {
          code: 'schema',
          severity: m.severity >= monaco.MarkerSeverity.Error ? 'error' : m.severity >= monaco.MarkerSeverity.Warning ? 'warning' : 'info',
          message: m.message,
          range: { start, end, startLine: m.startLineNumber, startColumn: m.startColumn, endLine: m.endLineNumber, endColumn: m.endColumn },
        };
      });
      useStore.getState().setSchemaDiagnostics(diags);
    });
    return () => sub.dispose();
  }, []);

  // Theme.
  const theme = useStore((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    monaco.editor.setTheme(theme === 'dark' ? THEME_DARK : THEME_LIGHT);
  }, [theme]);
}

/**
 * Opens the state carried by a share link; false when the fragment holds none (or a broken one).
 * A large link is decoded in a worker (app/lib/link-decoder.ts): then this returns true at once
 * and `otherwise` runs if the link turns out to hold nothing.
 */
function restoreFromLink(hash: string, otherwise?: () => void): boolean {
  if (decodesOffThread(hash)) {
    void readLinkStateAsync(hash).then((link) => {
      if (link && !applyLink(link)) otherwise?.();
    });
    return true;
  }
  return applyLink(readLinkState(hash));
}

function applyLink(link: LinkState): boolean {
  if (!link.state) {
    if (link.message) useStore.getState().showToast(link.message);
    return false;
  }
  // The user's own work is kept as a draft (persistence/autosave.ts), never overwritten.
  keepDraftBeforeLink();
  useStore.getState().showToast(link.message ?? 'Restored from the link.');
  const st = link.state;
  if (st.target && TARGET_OPTIONS.some((t) => t.id === st.target)) useStore.getState().setTarget(st.target);
  useStore.setState({ exampleSlug: undefined });
  // The link's field mapping and placeholder values belong to its rule; a link without them has none.
  useStore.getState().setMappingText(st.mapping ?? '');
  useStore.getState().setPlaceholdersText(st.placeholders ?? '');
  // The rule replaces the work now (the kept draft is offered back once it differs, autosave.ts);
  // its query follows after the next paint (useWiring), the events after the one after that: each
  // step is a task and a frame of its own, so that opening a link is never one long task, and the
  // events worker gets the link's rule before its events.
  ruleModel.setValue(st.rule);
  const gen = ++linkGeneration;
  afterNextPaint(() =>
    afterNextPaint(() => {
      // A newer link opened meanwhile: it owns the page now.
      if (gen !== linkGeneration) return;
      useStore.getState().setEventsText(st.events ?? '', 'link');
      restoreExpectations(st.expectations, st.expectationTokens);
      if (st.selectedRow !== undefined) useStore.getState().selectEvent(st.selectedRow);
    }),
  );
  return true;
}

/** Counts links opened, so that the steps of an older link stop once a newer one opens. */
let linkGeneration = 0;

function useLinkNavigation() {
  // A link pasted into the address bar of an open tab changes only the fragment.
  useEffect(() => {
    const onHash = () => void restoreFromLink(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
}

function useStartupExample() {
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    // A link or an earlier session may already have filled the rule; only an empty page gets the example.
    if (ruleModel.getValue() !== '') return;
    const otherwise = () => {
      if (ruleModel.getValue() !== '') return;
      if (reopenLatestDraft()) return;
      void loadExampleIndex()
        .then(async (index) => {
          const e = index.examples.find((x) => x.slug === DEFAULT_EXAMPLE) ?? index.examples[0];
          const { rule, events } = await loadExample(e);
          if (ruleModel.getValue() === '') openExample(rule, events, e);
        })
        .catch((e: Error) => useStore.getState().showToast(`Could not load the example rule: ${e.message}`));
    };
    if (restoreFromLink(location.hash, otherwise)) return;
    otherwise();
  }, []);
}

export function App() {
  useWiring();
  useStartupExample();
  useLinkNavigation();
  useDraftAutosave();
  return (
    <div className="app">
      <Header />
      <DraftBanner />
      <RuleFileDrop />
      <main className="workspace">
        <Splitter id="main" direction="row" initial={0.46} min={0.28} max={0.7}>
          <section className="panel rule-panel" aria-label="Sigma rule">
            <header className="panel-head">
              <h2>Rule</h2>
              <RuleCard />
              <button
                className="btn btn-ghost btn-sm"
                title="Download the rule (.yml); drop a .yml file anywhere to open one"
                data-testid="download-rule"
                onClick={() => downloadText(`${fileStem(useStore.getState().rule?.title)}.yml`, ruleModel.getValue(), 'application/yaml')}
              >
                ⤓ .yml
              </button>
            </header>
            <div className="rule-editor-wrap">
              <RuleEditor />
            </div>
            <RuleSettingsPanel />
            <DiagnosticsPanel />
          </section>
          <Splitter id="right" direction="column" initial={0.36} min={0.16} max={0.8}>
            <KqlPanel />
            <EventsPanel />
          </Splitter>
        </Splitter>
      </main>
      <Gallery />
      <Toast />
    </div>
  );
}
