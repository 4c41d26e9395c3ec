import { describe, expect, it } from 'vitest';
import { checkRow, expectationsFromTokens, expectationsToTokens, restoreExpectations, summarize, useExpectations } from './expectations.ts';
import { useStore } from '../state/store.ts';
import type { ResultsSnapshot } from '../state/types.ts';

/** A snapshot with verdicts (0 match, 1 filtered, 2 nomatch) and the filter that removed each filtered event. */
function snapshot(verdicts: number[], filteredBy: number[], filterNames: string[], extra: Partial<ResultsSnapshot> = {}): ResultsSnapshot {
  return {
    generation: 1,
    total: verdicts.length,
    verdicts: Uint8Array.from(verdicts),
    filteredBy: Int32Array.from(filteredBy),
    filterNames,
    columns: [],
    cells: '',
    offsets: new Uint32Array(1),
    lines: new Uint32Array(verdicts.length),
    counts: { match: 0, filtered: 0, nomatch: 0 },
    logsourceMismatch: new Uint8Array(verdicts.length),
    evaluateMs: 0,
    ...extra,
  };
}

describe('expectations against a results snapshot', () => {
  const r = snapshot([0, 1, 2, 1], [-1, 0, -1, 1], ['filter_admin', 'filter_svc']);

  it('checks each verdict kind, with the filter that removed the event', () => {
    expect(checkRow(r, 0, { verdict: 'match' })).toEqual({ passed: true, message: 'match' });
    expect(checkRow(r, 1, { verdict: 'filtered', by: 'filter_admin' })?.passed).toBe(true);
    expect(checkRow(r, 1, { verdict: 'filtered', by: 'filter_svc' })).toEqual({ passed: false, message: 'expected filtered by filter_svc, got filtered by filter_admin' });
    expect(checkRow(r, 1, { verdict: 'no-alert' })?.passed).toBe(true);
    expect(checkRow(r, 2, { verdict: 'no-alert' })?.passed).toBe(true);
    expect(checkRow(r, 2, { verdict: 'filtered' })).toEqual({ passed: false, message: 'expected filtered, got nomatch' });
    expect(checkRow(r, 0, { verdict: 'no-alert' })).toEqual({ passed: false, message: 'expected no alert (nomatch or filtered), got match' });
  });

  it('has no verdict for events past the end or a snapshot with an error', () => {
    expect(checkRow(r, 9, { verdict: 'match' })).toBeUndefined();
    expect(checkRow(snapshot([0], [-1], [], { error: 'rule has errors' }), 0, { verdict: 'match' })).toBeUndefined();
  });

  it('summarizes: N/M pass, failing indexes in order, expectations on missing events counted apart', () => {
    const s = summarize(r, { 3: { verdict: 'match' }, 0: { verdict: 'match' }, 1: { verdict: 'nomatch' }, 2: { verdict: 'nomatch' }, 7: { verdict: 'match' } });
    expect(s).toEqual({ total: 4, passed: 2, failed: 2, failing: [1, 3], orphaned: 1, text: '2/4 pass' });
    expect(summarize(r, {}).text).toBe('');
    expect(summarize(undefined, { 0: { verdict: 'match' } }).total).toBe(0);
  });
});

describe('tokens for links and drafts', () => {
  it('round-trip every expectation kind and drop what is not one', () => {
    const byIndex = { 0: { verdict: 'match' as const }, 4: { verdict: 'filtered' as const, by: 'filter_main' }, 9: { verdict: 'no-alert' as const }, 10: { verdict: 'nomatch' as const }, 11: { verdict: 'filtered' as const } };
    const tokens = expectationsToTokens(byIndex)!;
    expect(tokens).toEqual({ 0: 'match', 4: 'filtered:filter_main', 9: 'no-alert', 10: 'nomatch', 11: 'filtered' });
    expect(expectationsFromTokens(tokens)).toEqual(byIndex);
    expect(expectationsToTokens({})).toBeUndefined();
    expect(expectationsFromTokens({ 0: 'maybe', 1: 42 as unknown as string, ['-1' as unknown as number]: 'match', 2: 'match' })).toEqual({ 2: { verdict: 'match' } });
  });

  it('restoring from a link: full tokens win over the v1 reading; new events clear the marks', () => {
    restoreExpectations({ 0: 'match', 1: 'filtered' }, { 1: 'filtered:filter_x', 2: 'no-alert' });
    expect(useExpectations.getState().byIndex).toEqual({ 0: { verdict: 'match' }, 1: { verdict: 'filtered', by: 'filter_x' }, 2: { verdict: 'no-alert' } });
    useExpectations.getState().setExpectation(2, undefined);
    expect(Object.keys(useExpectations.getState().byIndex)).toEqual(['0', '1']);
    useStore.getState().setEventsText('{"a":1}', 'paste');
    expect(useExpectations.getState().byIndex).toEqual({});
  });
});
