/**
 * The field mapping and placeholder values of the rule, under the rule editor: two small YAML
 * editors in the formats of `siglab convert --mapping FILE` and `--placeholders FILE`. The mapping
 * changes the KQL; placeholder values resolve `%name%` under `|expand` for the KQL and the verdicts
 * alike. Problems are listed with their line (and marked in the editor); a text with YAML errors
 * is kept as typed and applies nothing until it reads cleanly.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { MonacoHost } from './MonacoHost.tsx';
import { monaco } from '../monaco/setup.ts';
import { setMarkersIfChanged, toMarkers } from '../monaco/models.ts';
import { mappingModel, placeholdersModel } from '../monaco/settings-models.ts';
import { ruleItems } from '../monaco/sigma-features.ts';
import { useStore } from '../state/store.ts';
import { checkFieldMapping, getTarget, unusedPlaceholders, type Diagnostic } from '../../src/index.ts';
import { MAPPING_FILE, PLACEHOLDERS_FILE, readMappingText, readPlaceholdersText } from '../lib/rule-settings.ts';
import { downloadText } from '../lib/download.ts';
import { registerMappingCompletion } from '../monaco/mapping-completion.ts';
import './rule-settings.css';

registerMappingCompletion();

type Tab = 'mapping' | 'placeholders';

const EDITOR_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  lineNumbers: 'on',
  folding: false,
  glyphMargin: false,
  lineDecorationsWidth: 4,
  lineNumbersMinChars: 3,
  renderLineHighlight: 'line',
  wordBasedSuggestions: 'off',
  tabSize: 2,
  padding: { top: 6, bottom: 6 },
};

/** The names in the rule's `unresolved-placeholder` diagnostics: the values the rule still needs. */
function missingPlaceholders(diagnostics: readonly Diagnostic[]): string[] {
  const names = diagnostics.filter((d) => d.code === 'unresolved-placeholder').flatMap((d) => [...d.message.matchAll(/%([^%\s]+)%/g)].map((m) => m[1]));
  return [...new Set(names)];
}

function useSettingsDiagnostics() {
  const mappingText = useStore((s) => s.mappingText);
  const placeholdersText = useStore((s) => s.placeholdersText);
  const targetId = useStore((s) => s.targetId);
  const table = useStore((s) => s.preview?.table);
  const rule = useStore((s) => s.rule);
  const ruleText = useStore((s) => s.ruleText);
  const mapping = useMemo(() => {
    const read = readMappingText(mappingText);
    const target = getTarget(targetId);
    // Only a mapping is checked against the target (the rule's fields decide error or warning).
    const checked =
      target && read.mapping ? checkFieldMapping(read, target, table, rule ? ruleItems(rule).flatMap((i) => (i.field ? [i.field] : [])) : []) : [];
    return { read, diagnostics: [...read.diagnostics, ...checked].sort((a, b) => (a.range?.start ?? 0) - (b.range?.start ?? 0)) };
  }, [mappingText, targetId, table, rule]);
  const placeholders = useMemo(() => {
    const read = readPlaceholdersText(placeholdersText);
    return {
      read,
      diagnostics: [...read.diagnostics, ...(read.placeholders ? unusedPlaceholders(read, ruleText) : [])].sort(
        (a, b) => (a.range?.start ?? 0) - (b.range?.start ?? 0),
      ),
    };
  }, [placeholdersText, ruleText]);
  return { mapping, placeholders, mappingText, placeholdersText, table, targetId };
}

export function RuleSettingsPanel() {
  const [open, setOpen] = useState(false);
  // The editors are created the first time the panel opens: two Monaco editors cost page-load time
  // most sessions never need (the models, and so the store, are in step without them).
  const [created, setCreated] = useState(false);
  if (open && !created) setCreated(true);
  const [tab, setTab] = useState<Tab>('mapping');
  const { mapping, placeholders, mappingText, placeholdersText, table, targetId } = useSettingsDiagnostics();
  const missing = missingPlaceholders(useStore((s) => s.ruleDiagnostics));
  const editors = useRef<Partial<Record<Tab, monaco.editor.IStandaloneCodeEditor>>>({});

  // Markers in the two editors (the YAML worker adds its own syntax markers under another owner).
  useEffect(() => setMarkersIfChanged(mappingModel, 'siglab', toMarkers(mapping.diagnostics, mappingModel)), [mapping.diagnostics]);
  useEffect(() => setMarkersIfChanged(placeholdersModel, 'siglab', toMarkers(placeholders.diagnostics, placeholdersModel)), [placeholders.diagnostics]);

  const show = (t: Tab) => {
    setTab(t);
    setOpen(true);
  };
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next: Tab = tab === 'mapping' ? 'placeholders' : 'mapping';
    show(next);
    (e.currentTarget.parentElement?.querySelector(`[data-tab=${next}]`) as HTMLElement | null)?.focus();
  };
  const onMappingEditor = useCallback((e: monaco.editor.IStandaloneCodeEditor) => void (editors.current.mapping = e), []);
  const onPlaceholdersEditor = useCallback((e: monaco.editor.IStandaloneCodeEditor) => void (editors.current.placeholders = e), []);

  const reveal = (t: Tab, d: Diagnostic) => {
    const editor = editors.current[t];
    if (!editor || !d.range) return;
    editor.setSelection({ startLineNumber: d.range.startLine, startColumn: d.range.startColumn, endLineNumber: d.range.endLine, endColumn: d.range.endColumn });
    editor.revealLineInCenterIfOutsideViewport(d.range.startLine);
    editor.focus();
  };

  /** Adds `name: ` lines for the placeholders the rule still needs, and puts the cursor on the first. */
  const addMissing = () => {
    const text = useStore.getState().placeholdersText;
    const lines = missing.map((n) => `${n}: `);
    const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    useStore.getState().setPlaceholdersText(`${prefix}${lines.join('\n')}\n`);
    show('placeholders');
    requestAnimationFrame(() => {
      const editor = editors.current.placeholders;
      if (!editor) return;
      const line = prefix.split('\n').length;
      editor.setPosition({ lineNumber: line, column: lines[0].length + 1 });
      editor.focus();
    });
  };

  const mappingState = summary(mappingText, mapping.diagnostics, mapping.read.entries.length, 'entry', 'entries');
  const placeholderState = summary(placeholdersText, placeholders.diagnostics, Object.keys(placeholders.read.placeholders ?? {}).length, 'name', 'names');
  const active = tab === 'mapping' ? mapping : placeholders;
  const activeText = tab === 'mapping' ? mappingText : placeholdersText;
  const target = getTarget(targetId);

  return (
    <section className={`rule-settings${open ? ' is-open' : ''}`} data-testid="rule-settings" aria-label="Field mapping and placeholder values">
      <header className="rs-head">
        <button
          className="rs-toggle"
          aria-expanded={open}
          aria-controls="rule-settings-body"
          onClick={() => setOpen(!open)}
          data-testid="settings-toggle"
          title={open ? 'Hide the field mapping and placeholder values' : 'Show the field mapping and placeholder values'}
        >
          <span className="rs-chevron" aria-hidden>
            {open ? '▾' : '▸'}
          </span>
          <span className="sr-only">{open ? 'Hide' : 'Show'} the field mapping and placeholder values</span>
        </button>
        <div className="tabs rs-tabs" role="tablist" aria-label="Conversion settings">
          <button
            role="tab"
            data-tab="mapping"
            id="rs-tab-mapping"
            aria-selected={open && tab === 'mapping'}
            aria-controls="rule-settings-body"
            tabIndex={tab === 'mapping' ? 0 : -1}
            className={`tab${open && tab === 'mapping' ? ' is-active' : ''}`}
            onClick={() => show('mapping')}
            onKeyDown={onTabKey}
            data-testid="mapping-tab"
          >
            Field mapping <StateBadge state={mappingState} testId="mapping-state" />
          </button>
          <button
            role="tab"
            data-tab="placeholders"
            id="rs-tab-placeholders"
            aria-selected={open && tab === 'placeholders'}
            aria-controls="rule-settings-body"
            tabIndex={tab === 'placeholders' ? 0 : -1}
            className={`tab${open && tab === 'placeholders' ? ' is-active' : ''}`}
            onClick={() => show('placeholders')}
            onKeyDown={onTabKey}
            data-testid="placeholders-tab"
          >
            Placeholders <StateBadge state={placeholderState} testId="placeholders-state" />
          </button>
        </div>
        {missing.length > 0 && (
          <button
            className="btn btn-sm btn-fix"
            onClick={addMissing}
            data-testid="add-placeholders"
            title="The rule uses these placeholders under |expand; give them values to compile and match it"
          >
            Add values for {missing.map((n) => `%${n}%`).join(', ')}
          </button>
        )}
      </header>
      <div id="rule-settings-body" className="rs-body" role="tabpanel" aria-labelledby={`rs-tab-${tab}`} hidden={!open}>
        <p
          className="rs-help"
          title={
            tab === 'mapping' && table ? `On ${target?.label ?? targetId} this rule queries ${table}: a column under fields: must exist there.` : undefined
          }
        >
          {tab === 'mapping' ? (
            <>
              Sigma field → column, as <code>--mapping</code> reads it
              {table ? (
                <>
                  {' '}
                  · this rule's table: <b className="mono">{table}</b>
                </>
              ) : null}
            </>
          ) : (
            <>
              Values for <code>%name%</code> under <code>|expand</code>, as <code>--placeholders</code> reads them
            </>
          )}
        </p>
        {created && (
          <div className="rs-editor">
            <div className="rs-editor-host" hidden={tab !== 'mapping'}>
              {!mappingText && (
                <EmptyHint
                  testId="mapping-example"
                  lines={[
                    '# Sigma field → column, any table:',
                    'Image: <column>',
                    '# or for one table only:',
                    'tables:',
                    `  ${table ?? '<table>'}:`,
                    '    CommandLine: <column>',
                  ]}
                />
              )}
              <MonacoHost
                model={mappingModel}
                testId="mapping-editor"
                className="editor-host"
                ariaLabel={`Field mapping (YAML, as siglab convert --mapping reads it)`}
                options={EDITOR_OPTIONS}
                onEditor={onMappingEditor}
              />
            </div>
            <div className="rs-editor-host" hidden={tab !== 'placeholders'}>
              {!placeholdersText && (
                <EmptyHint
                  testId="placeholders-example"
                  lines={['# values of %admin_hosts%, one value of %domain%:', 'admin_hosts: [ADMIN01, ADMIN02]', 'domain: corp.example']}
                />
              )}
              <MonacoHost
                model={placeholdersModel}
                testId="placeholders-editor"
                className="editor-host"
                ariaLabel="Placeholder values (YAML, as --placeholders reads it)"
                options={EDITOR_OPTIONS}
                onEditor={onPlaceholdersEditor}
              />
            </div>
          </div>
        )}
        <footer className="rs-foot">
          {active.diagnostics.length > 0 ? (
            <ul className="rs-issues" data-testid="settings-issues" aria-live="polite">
              {active.diagnostics.map((d, i) => (
                <li key={i} className={`issue issue-${d.severity}`} data-testid="settings-issue" data-code={d.code}>
                  <button className="diag-main" onClick={() => reveal(tab, d)}>
                    <span className="issue-icon" aria-hidden>
                      {d.severity === 'error' ? '●' : d.severity === 'warning' ? '▲' : 'ℹ'}
                    </span>
                    <span className="issue-pos mono">{d.range ? `line ${d.range.startLine}:${d.range.startColumn}` : '—'}</span>
                    <span className="issue-msg">{d.message}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <span className="rs-ok">
              {activeText.trim()
                ? tab === 'mapping'
                  ? 'Mapping applied to the KQL.'
                  : 'Values applied to the KQL and the verdicts.'
                : 'Empty: nothing applied.'}
            </span>
          )}
          <button
            className="btn btn-ghost btn-sm"
            disabled={!activeText.trim()}
            onClick={() => downloadText(tab === 'mapping' ? MAPPING_FILE : PLACEHOLDERS_FILE, activeText, 'application/yaml')}
            title={`Download as ${tab === 'mapping' ? MAPPING_FILE : PLACEHOLDERS_FILE}, the file the CLI command under the KQL names`}
            data-testid="download-settings"
          >
            ⤓ {tab === 'mapping' ? MAPPING_FILE : PLACEHOLDERS_FILE}
          </button>
        </footer>
      </div>
    </section>
  );
}

interface SettingsState {
  kind: 'empty' | 'applied' | 'partial' | 'broken';
  text: string;
}

/** How much of a text applies: nothing (empty or YAML errors), all of it, or all but broken entries. */
function summary(text: string, diagnostics: readonly Diagnostic[], count: number, one: string, many: string): SettingsState {
  if (!text.trim()) return { kind: 'empty', text: 'none' };
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const syntax = errors.some((d) => /-(yaml-syntax|not-a-map|too-deep|too-large|alias-limit|several-documents)$/.test(d.code));
  if (syntax) return { kind: 'broken', text: `not applied: line ${errors[0].range?.startLine ?? 1}` };
  const n = `${count} ${count === 1 ? one : many}`;
  if (errors.length) return { kind: 'partial', text: `${n}, ${errors.length} error${errors.length > 1 ? 's' : ''}` };
  return { kind: 'applied', text: n };
}

/** An example in the empty editor's place, until the user types (the editor has no placeholder text). */
function EmptyHint({ lines, testId }: { lines: string[]; testId: string }) {
  return (
    <pre className="rs-empty-hint" aria-hidden data-testid={testId}>
      {lines.join('\n')}
    </pre>
  );
}

function StateBadge({ state, testId }: { state: SettingsState; testId: string }) {
  return (
    <span className={`rs-badge rs-${state.kind}`} data-testid={testId} data-state={state.kind}>
      {state.text}
    </span>
  );
}
