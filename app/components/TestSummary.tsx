/**
 * The events header's test summary: "12/12 pass" (or "11/12 pass · 1 failing"), a "failing only"
 * filter, the next failing event, and "Import tests…" (shown with no events too: an import brings
 * them). (The test exports are in the Export menu.)
 */
import { useMemo } from 'react';
import { useStore } from '../state/store.ts';
import { summarize, useExpectations } from '../lib/expectations.ts';
import { TestImport } from './TestImport.tsx';
import './tests.css';

export function TestSummary() {
  const results = useStore((s) => s.results);
  const byIndex = useExpectations((s) => s.byIndex);
  const failingOnly = useExpectations((s) => s.failingOnly);
  const setFailingOnly = useExpectations((s) => s.setFailingOnly);
  const summary = useMemo(() => summarize(results, byIndex), [results, byIndex]);
  const hasEvents = useStore((s) => (s.load?.count ?? 0) > 0);
  const count = Object.keys(byIndex).length;
  if (!count) {
    return (
      <div className="tests-summary" role="group" aria-label="Tests">
        {hasEvents && (
          <span className="tests-hint" title="Mark events with the verdict they should get (the Test column, or m / n / f on a selected row); every mark is checked live as the rule changes">
            No tests yet
          </span>
        )}
        <TestImport />
      </div>
    );
  }
  const ok = summary.failed === 0 && summary.total > 0;
  const reveal = () => {
    const next = summary.failing[0];
    if (next === undefined) return;
    setFailingOnly(true);
    // After the filtered table has rendered: the row opens with its explanation, the failure stated at the top.
    requestAnimationFrame(() => window.dispatchEvent(new CustomEvent('siglab:open-event', { detail: next })));
  };
  return (
    <div className="tests-summary" role="group" aria-label="Tests">
      <span className={`tests-chip ${ok ? 'tests-pass' : summary.total ? 'tests-fail' : 'tests-none'}`} data-testid="test-summary" data-failed={summary.failed} data-passed={summary.passed} role="status" title={summary.orphaned ? `${summary.orphaned} expectation(s) refer to events that are no longer there` : 'Expected verdicts that hold under the current rule'}>
        <span aria-hidden>{ok ? '✓' : summary.total ? '✗' : '…'}</span> {summary.text || `${count} test${count === 1 ? '' : 's'}`}
      </span>
      {summary.failed > 0 && (
        <button className="btn btn-ghost btn-sm tests-next" onClick={reveal} data-testid="test-next-failure" title="Open the first failing event and its explanation">
          {summary.failed} failing →
        </button>
      )}
      <button
        className={`btn btn-ghost btn-sm tests-toggle${failingOnly ? ' is-active' : ''}`}
        aria-pressed={failingOnly}
        onClick={() => setFailingOnly(!failingOnly)}
        data-testid="failing-only"
        disabled={!failingOnly && summary.failed === 0}
        title="Show only the events whose expected verdict does not hold"
      >
        Failing only
      </button>
      <TestImport compact />
    </div>
  );
}
