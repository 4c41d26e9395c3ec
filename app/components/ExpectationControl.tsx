/**
 * The per-row test mark: what the event should get ("should match", "should not match", "should
 * be filtered [by X]") and, once set, whether it passes under the current rule. A native select,
 * so it works by keyboard and screen reader as is; on a selected row the keys m / n / f / x set
 * or clear it (expectationShortcut).
 */
import { useStore } from '../state/store.ts';
import { checkRow, describeExpectation, expectationToken, parseExpectationToken, useExpectations, type Expectation } from '../lib/expectations.ts';
import type { ResultsSnapshot } from '../state/types.ts';
import './tests.css';

const BASE_OPTIONS: Array<{ token: string; label: string; title: string }> = [
  { token: 'match', label: 'should match', title: 'The rule fires for this event' },
  { token: 'no-alert', label: 'should not match', title: 'The rule does not fire (no match, or removed by a filter)' },
  { token: 'filtered', label: 'should be filtered', title: 'The selection holds but a filter removes the event' },
  { token: 'nomatch', label: 'should not be selected', title: 'No selection holds (verdict "no match", not needing a filter)' },
];

/** Short label for the closed control. */
function shortLabel(e: Expectation): string {
  switch (e.verdict) {
    case 'match':
      return 'match';
    case 'no-alert':
      return 'no alert';
    case 'nomatch':
      return 'not selected';
    case 'filtered':
      return e.by ? `filtered · ${e.by}` : 'filtered';
  }
}

/** `tabIndex`: the events table keeps one tab stop per table, so only the focused row's control takes Tab. */
export function ExpectationControl({ index, results, tabIndex }: { index: number; results: ResultsSnapshot; tabIndex?: number }) {
  const e = useExpectations((s) => s.byIndex[index]);
  const set = useExpectations((s) => s.setExpectation);
  const check = e ? checkRow(results, index, e) : undefined;
  const filters = [...new Set(results.filterNames)].sort();
  const token = e ? expectationToken(e) : '';
  const state = !e ? 'none' : check?.passed ? 'pass' : check ? 'fail' : 'unknown';
  return (
    <span
      className={`expect expect-${state}`}
      data-testid="expectation"
      data-state={state}
      title={e ? `Expected ${describeExpectation(e)} — ${check ? (check.passed ? 'passes' : check.message) : 'not evaluated'}` : 'No test: choose what this event should get'}
      onClick={(ev) => ev.stopPropagation()}
    >
      <span className="expect-icon" aria-hidden>
        {state === 'pass' ? '✓' : state === 'fail' ? '✗' : state === 'unknown' ? '…' : '○'}
      </span>
      <select
        className="expect-select"
        data-testid="expect-select"
        tabIndex={tabIndex}
        aria-label={`Event ${index + 1}: expected verdict${e ? ` (${check?.passed ? 'passes' : check ? 'fails' : 'not evaluated'})` : ''}`}
        value={token}
        onKeyDown={(ev) => ev.stopPropagation()}
        onChange={(ev) => set(index, ev.target.value ? parseExpectationToken(ev.target.value) : undefined)}
      >
        <option value="">{e ? 'no test' : 'test…'}</option>
        {BASE_OPTIONS.map((o) => (
          <option key={o.token} value={o.token} title={o.title}>
            {o.label}
          </option>
        ))}
        {filters.map((f) => (
          <option key={f} value={`filtered:${f}`}>
            should be filtered by {f}
          </option>
        ))}
        {/* An expectation naming a filter the rule no longer has stays selectable (and fails). */}
        {e?.verdict === 'filtered' && e.by && !filters.includes(e.by) && <option value={token}>should be filtered by {e.by} (not in rule)</option>}
      </select>
      <span className="expect-short" aria-hidden>
        {e ? shortLabel(e) : 'test…'}
      </span>
      {/* Unmarked rows show a quiet dash; the "test…" pill appears on hover, focus and the open row (tests.css). */}
      {!e && (
        <span className="expect-dash" aria-hidden>
          –
        </span>
      )}
    </span>
  );
}

/**
 * Keyboard marks on the selected row: m should match, n should not match, f should be filtered
 * (by the filter that removed it, when it was filtered), x clears. True when the key was used.
 */
export function expectationShortcut(key: string, index: number | undefined): boolean {
  if (index === undefined) return false;
  const results = useStore.getState().results;
  const { setExpectation } = useExpectations.getState();
  switch (key.toLowerCase()) {
    case 'm':
      setExpectation(index, { verdict: 'match' });
      return true;
    case 'n':
      setExpectation(index, { verdict: 'no-alert' });
      return true;
    case 'f': {
      const fb = results && index < results.total ? results.filteredBy[index] : -1;
      setExpectation(index, fb >= 0 && results ? { verdict: 'filtered', by: results.filterNames[fb] } : { verdict: 'filtered' });
      return true;
    }
    case 'x':
      setExpectation(index, undefined);
      return true;
    default:
      return false;
  }
}

/** The failure stated above the explanation tree of a failing row. */
export function ExpectationFailure({ index }: { index: number }) {
  const e = useExpectations((s) => s.byIndex[index]);
  const results = useStore((s) => s.results);
  if (!e || !results) return null;
  const check = checkRow(results, index, e);
  if (!check) return null;
  return (
    <div className={`expect-banner expect-banner-${check.passed ? 'pass' : 'fail'}`} data-testid="expectation-result" data-state={check.passed ? 'pass' : 'fail'} role="status">
      <span className="expect-banner-icon" aria-hidden>
        {check.passed ? '✓' : '✗'}
      </span>
      {check.passed ? (
        <span>
          Test passes: expected <b>{describeExpectation(e)}</b>, got <b>{check.message}</b>.
        </span>
      ) : (
        <span>
          Test fails: <b>{check.message}</b>. The tree below shows why.
        </span>
      )}
    </div>
  );
}
