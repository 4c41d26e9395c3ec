/** The KQL preview: target selector, read-only query editor, status, warnings, copy, CLI command. */
import { useCallback, useMemo, useState } from 'react';
import { MonacoHost } from './MonacoHost.tsx';
import { monaco } from '../monaco/setup.ts';
import { kqlModel } from '../monaco/models.ts';
import { useStore } from '../state/store.ts';
import { TARGET_OPTIONS } from '../lib/core.ts';
import { copyText } from '../lib/clipboard.ts';
import { downloadText, fileStem } from '../lib/download.ts';
import type { Diagnostic } from '../../src/diagnostics.ts';
import { ExportMenu } from './ExportMenu.tsx';
import { MAPPING_FILE, PLACEHOLDERS_FILE } from '../lib/rule-settings.ts';

export function KqlPanel() {
  const targetId = useStore((s) => s.targetId);
  const setTarget = useStore((s) => s.setTarget);
  const preview = useStore((s) => s.preview);
  const lastGood = useStore((s) => s.lastGoodPreview);
  const kqlDiagnostics = useStore((s) => s.kqlDiagnostics);
  const validating = useStore((s) => s.kqlValidating);
  const showToast = useStore((s) => s.showToast);
  const ruleBroken = useStore((s) => s.resultsStale);
  const [copied, setCopied] = useState<'query' | 'command' | undefined>();

  const stale = !!preview && !preview.ok;
  const shown = stale ? (lastGood ?? preview) : preview;
  const compileIssues = (preview?.diagnostics ?? []).filter((d) => d.severity !== 'info' || d.code !== 'kusto');
  const errors = compileIssues.filter((d) => d.severity === 'error');
  const warnings = compileIssues.filter((d) => d.severity !== 'error');
  const mappingBroken = errors.some((d) => d.code.startsWith('mapping-'));
  const lsErrors = stale ? [] : kqlDiagnostics.filter((d) => d.severity === 'error');
  const lsWarnings = stale ? [] : kqlDiagnostics.filter((d) => d.severity !== 'error');
  const target = TARGET_OPTIONS.find((t) => t.id === targetId);
  const hasMapping = useStore((s) => s.mappingText.trim() !== '');
  const hasPlaceholders = useStore((s) => s.placeholdersText.trim() !== '');
  // The files are the ones the Mapping and Placeholders tabs download (app/components/RuleSettingsPanel.tsx).
  const command = `siglab convert rule.yml --target ${targetId}${hasMapping ? ` --mapping ${MAPPING_FILE}` : ''}${hasPlaceholders ? ` --placeholders ${PLACEHOLDERS_FILE}` : ''}`;

  const copy = async (what: 'query' | 'command') => {
    const ok = await copyText(what === 'query' ? (shown?.query ?? '') : command);
    if (ok) {
      setCopied(what);
      setTimeout(() => setCopied(undefined), 1400);
    } else showToast('Copy failed: the browser refused clipboard access. Select the text and copy it by hand.');
  };

  const onEditor = useCallback((editor: monaco.editor.IStandaloneCodeEditor) => {
    const linked = editor.createDecorationsCollection();
    const paint = () => {
      const s = useStore.getState();
      linked.set(
        s.kqlHighlight.map((h) => {
          const a = kqlModel.getPositionAt(h.start);
          const b = kqlModel.getPositionAt(h.end);
          return { range: new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column), options: { className: 'kql-linked', inlineClassName: 'kql-linked-text' } };
        }),
      );
    };
    const unsubscribe = useStore.subscribe((s, prev) => {
      if (s.kqlHighlight !== prev.kqlHighlight) paint();
      if (s.kqlHighlight.length && s.kqlHighlight !== prev.kqlHighlight) {
        const a = kqlModel.getPositionAt(s.kqlHighlight[0].start);
        editor.revealLineInCenterIfOutsideViewport(a.lineNumber);
      }
    });
    // Hovering KQL highlights the Sigma it came from.
    const move = editor.onMouseMove((e) => {
      const s = useStore.getState();
      const p = s.preview?.ok ? s.preview : undefined;
      const pos = e.target.position;
      if (!p || !pos) {
        if (s.ruleHoverRanges.length) s.setRuleHoverRanges([]);
        return;
      }
      const offset = kqlModel.getOffsetAt(pos);
      let best: (typeof p.sourceMap)[number] | undefined;
      for (const m of p.sourceMap) if (m.start <= offset && offset < m.end && (!best || m.end - m.start < best.end - best.start)) best = m;
      const ranges = best ? [best.range] : [];
      if (JSON.stringify(ranges) !== JSON.stringify(s.ruleHoverRanges)) s.setRuleHoverRanges(ranges);
    });
    const leave = editor.onMouseLeave(() => useStore.getState().ruleHoverRanges.length && useStore.getState().setRuleHoverRanges([]));
    return () => {
      unsubscribe();
      move.dispose();
      leave.dispose();
    };
  }, []);

  const status = useMemo(() => {
    if (!preview) return { cls: 'pending', text: 'Compiling…' };
    // Short texts: the chip shares the header with the target select and the buttons at 1280 px.
    if (stale) {
      // Why there is no new query: the rule, the user's field mapping, or the target.
      if (ruleBroken) return { cls: 'stale', text: lastGood ? 'Stale — rule has errors' : 'No query — rule has errors' };
      if (mappingBroken) return { cls: 'stale', text: lastGood ? 'Stale — mapping error' : 'No query — mapping error', title: 'Your field mapping names a column this table does not have: see the Mapping tab' };
      return { cls: 'stale', text: lastGood ? 'Stale — not expressible' : 'Not expressible', title: `${target?.label ?? targetId} cannot express this rule as written` };
    }
    if (validating) return { cls: 'pending', text: 'Checking with Kusto…' };
    if (lsErrors.length) return { cls: 'error', text: `${lsErrors.length} Kusto error${lsErrors.length > 1 ? 's' : ''}` };
    if (warnings.length || lsWarnings.length) return { cls: 'warn', text: `Valid KQL · ${warnings.length + lsWarnings.length} warning${warnings.length + lsWarnings.length > 1 ? 's' : ''}` };
    return { cls: 'ok', text: 'Valid KQL' };
  }, [preview, stale, lastGood, ruleBroken, mappingBroken, validating, lsErrors.length, warnings.length, lsWarnings.length]);

  return (
    <section className="panel kql-panel" aria-label="KQL preview">
      <header className="panel-head">
        <h2>KQL</h2>
        <label className="target-label">
          <span className="sr-only">Target</span>
          <select data-testid="target-select" value={targetId} onChange={(e) => setTarget(e.target.value)} title={target?.description}>
            {TARGET_OPTIONS.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {shown?.table && <span className="chip mono" title={`Table or ASIM parser queried: ${shown.table}`}>{shown.table}</span>}
        <span className={`status status-${status.cls}`} data-testid="kql-status" role="status" title={('title' in status && status.title) || status.text}>
          {status.text}
        </span>
        <span className="spacer" />
        <ExportMenu />
        <button
          className="btn btn-ghost btn-icon"
          onClick={() => downloadText(`${fileStem(useStore.getState().rule?.title)}.${targetId}.kql`, shown?.query ?? '')}
          disabled={!shown?.query}
          title="Download the query (.kql)"
          aria-label="Download the query (.kql)"
          data-testid="download-kql"
        >
          ⤓
        </button>
        <button className="btn" onClick={() => void copy('query')} disabled={!shown?.query} title="Copy the query" aria-label="Copy the query" data-testid="copy-kql">
          {copied === 'query' ? '✓ Copied' : 'Copy'}
        </button>
      </header>
      {stale && (
        <div className="stale-banner" data-testid="kql-stale" role="alert">
          <strong>
            {lastGood
              ? 'Showing the last query that compiled.'
              : ruleBroken
                ? 'The rule has errors.'
                : mappingBroken
                  ? 'Your field mapping has an error.'
                  : `${target?.label ?? targetId} cannot express this rule as written.`}
          </strong>{' '}
          {errors.length > 0 && (
            <span>
              {errors[0].range ? `Line ${errors[0].range.startLine}: ` : ''}
              {errors[0].message}
              {errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}
            </span>
          )}
        </div>
      )}
      <div className={`kql-editor-wrap${stale ? ' is-stale' : ''}`}>
        <MonacoHost
          model={kqlModel}
          testId="kql-preview"
          className="editor-host"
          ariaLabel="KQL preview (read-only)"
          onEditor={onEditor}
          options={{ readOnly: true, domReadOnly: true, lineNumbers: 'on', renderLineHighlight: 'none', wordWrap: 'on', folding: false, lineDecorationsWidth: 4, glyphMargin: false }}
        />
      </div>
      <footer className="kql-foot">
        {!stale && <IssueList items={[...warnings, ...lsErrors, ...lsWarnings]} />}
        <div className="cli-line">
          <span className="cli-prompt">$</span>
          <code className="mono" data-testid="cli-command" title={command}>{command}</code>
          <button className="btn btn-ghost btn-sm" onClick={() => void copy('command')} title="Copy the equivalent CLI command" aria-label="Copy the CLI command">
            {copied === 'command' ? '✓' : 'Copy'}
          </button>
        </div>
      </footer>
    </section>
  );
}

function IssueList({ items }: { items: Diagnostic[] }) {
  const [open, setOpen] = useState(false);
  if (!items.length) return null;
  const shown = open ? items : items.slice(0, 2);
  // Collapsed, each warning takes one line (the query keeps its room at 720 px); open, they wrap.
  const more = items.length > 2 || items.some((d) => d.message.length > 80);
  return (
    <ul className={`issue-list${open ? ' is-open' : ''}`} data-testid="kql-warnings">
      {shown.map((d, i) => (
        <li key={i} className={`issue issue-${d.severity}`}>
          <span className="issue-icon" aria-hidden>
            {d.severity === 'error' ? '●' : '▲'}
          </span>
          <span className="issue-code mono">{d.code}</span>
          <span className="issue-msg" title={open ? undefined : d.message}>
            {d.message}
          </span>
        </li>
      ))}
      {more && (
        <li>
          <button className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? 'Show less' : items.length > 2 ? `Show all ${items.length} in full` : 'Show in full'}
          </button>
        </li>
      )}
    </ul>
  );
}
