/** Problems in the rule: the core's diagnostics and the Sigma JSON-schema check, with quick fixes. */
import { useStore } from '../state/store.ts';
import { ruleModel } from '../monaco/models.ts';
import { monaco } from '../monaco/setup.ts';
import type { Diagnostic, QuickFix } from '../../src/diagnostics.ts';

function reveal(d: Diagnostic) {
  if (!d.range) return;
  const editor = monaco.editor.getEditors().find((e) => e.getModel() === ruleModel);
  if (!editor) return;
  editor.setSelection({ startLineNumber: d.range.startLine, startColumn: d.range.startColumn, endLineNumber: d.range.endLine, endColumn: d.range.endColumn });
  editor.revealLineInCenterIfOutsideViewport(d.range.startLine);
  editor.focus();
}

export function applyFix(fix: QuickFix) {
  ruleModel.pushEditOperations(
    [],
    [{ range: { startLineNumber: fix.range.startLine, startColumn: fix.range.startColumn, endLineNumber: fix.range.endLine, endColumn: fix.range.endColumn }, text: fix.text }],
    () => null,
  );
}

export function DiagnosticsPanel() {
  const core = useStore((s) => s.ruleDiagnostics);
  const schema = useStore((s) => s.schemaDiagnostics);
  // The schema and the core often flag the same thing (an invalid `level`); the core's message is the more specific one.
  const coreLines = new Set(core.filter((d) => d.range).map((d) => d.range!.startLine));
  const all = [...core, ...schema.filter((d) => !d.range || !coreLines.has(d.range.startLine))].sort((a, b) => (a.range?.start ?? 0) - (b.range?.start ?? 0));
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  return (
    <section className="diagnostics" data-testid="diagnostics" aria-label="Problems" aria-live="polite">
      <header className="diag-head">
        <h2>Problems</h2>
        {all.length === 0 ? (
          <span className="status status-ok">No problems</span>
        ) : (
          <>
            {errors > 0 && <span className="count count-error">{errors} error{errors > 1 ? 's' : ''}</span>}
            {warnings > 0 && <span className="count count-warn">{warnings} warning{warnings > 1 ? 's' : ''}</span>}
          </>
        )}
      </header>
      {all.length > 0 && (
        <ul className="diag-list">
          {all.map((d, i) => (
            <li key={i} className={`issue issue-${d.severity}`} data-testid="diagnostic" data-code={d.code}>
              <button className="diag-main" onClick={() => reveal(d)}>
                <span className="issue-icon" aria-hidden>{d.severity === 'error' ? '●' : d.severity === 'warning' ? '▲' : 'ℹ'}</span>
                <span className="issue-pos mono">{d.range ? `${d.range.startLine}:${d.range.startColumn}` : '—'}</span>
                <span className="issue-code mono">{d.code}</span>
                <span className="issue-msg">{d.message}</span>
              </button>
              {d.fixes?.slice(0, 2).map((f, j) => (
                <button key={j} className="btn btn-sm btn-fix" onClick={() => applyFix(f)} title="Apply this fix">
                  {f.title}
                </button>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
