/**
 * The playground's rule tests: per event, the verdict it should get ("should match", "should not
 * match", "should be filtered [by X]"), checked live against the verdicts the events worker
 * already computed (no re-evaluation here), carried by share links and drafts.
 */
import { create } from 'zustand';
import { checkExpectation, describeExpectation, expectationToken, parseExpectationToken } from '../../src/tests/expectations.ts';
import type { Expectation } from '../../src/tests/model.ts';
import type { EventResult } from '../../src/engine/evaluate.ts';
import { VERDICT_CODES, type ResultsSnapshot } from '../state/types.ts';
import { useStore } from '../state/store.ts';

export type { Expectation };
export { describeExpectation, expectationToken, parseExpectationToken };

export interface ExpectationsState {
  /** By event index. Cleared when new event input replaces the events (in-place edits keep them). */
  byIndex: Record<number, Expectation>;
  /** Show only the rows whose expectation fails. */
  failingOnly: boolean;
  setExpectation(index: number, e: Expectation | undefined): void;
  setAll(byIndex: Record<number, Expectation>): void;
  setFailingOnly(on: boolean): void;
}

export const useExpectations = create<ExpectationsState>()((set) => ({
  byIndex: {},
  failingOnly: false,
  setExpectation: (index, e) =>
    set((s) => {
      const byIndex = { ...s.byIndex };
      if (e) byIndex[index] = e;
      else delete byIndex[index];
      return { byIndex, failingOnly: s.failingOnly && Object.keys(byIndex).length > 0 };
    }),
  setAll: (byIndex) => set({ byIndex, failingOnly: false }),
  setFailingOnly: (failingOnly) => set({ failingOnly }),
}));

/** The check of one event's expectation against the snapshot's verdict. */
export interface RowCheck {
  passed: boolean;
  /** `match`, or `expected match, got filtered by filter_main`. */
  message: string;
}

/** The verdict of event `index` in the snapshot, in the core's shape (what `checkExpectation` reads). */
function resultOf(r: ResultsSnapshot, index: number): EventResult {
  const verdict = VERDICT_CODES[r.verdicts[index]];
  const fb = r.filteredBy[index];
  return {
    index,
    verdict,
    reasons: [],
    ...(verdict === 'filtered' && fb >= 0 ? { filteredBy: [r.filterNames[fb]] } : {}),
    explanation: { kind: 'rule', label: '', ok: verdict === 'match', children: [] } as unknown as EventResult['explanation'],
  };
}

export function checkRow(r: ResultsSnapshot, index: number, e: Expectation): RowCheck | undefined {
  if (r.error || index >= r.total) return undefined;
  return checkExpectation(resultOf(r, index), e);
}

export interface TestSummary {
  /** Expectations on events that exist in the snapshot. */
  total: number;
  passed: number;
  failed: number;
  /** Failing event indexes, ascending. */
  failing: number[];
  /** Expectations on events past the end of the current events. */
  orphaned: number;
  /** `12/12 pass`; empty without expectations. */
  text: string;
}

export function summarize(r: ResultsSnapshot | undefined, byIndex: Record<number, Expectation>): TestSummary {
  const failing: number[] = [];
  let total = 0;
  let orphaned = 0;
  for (const [k, e] of Object.entries(byIndex)) {
    const i = Number(k);
    if (!r || r.error) continue;
    if (i >= r.total) {
      orphaned++;
      continue;
    }
    total++;
    if (!checkExpectation(resultOf(r, i), e).passed) failing.push(i);
  }
  failing.sort((a, b) => a - b);
  const passed = total - failing.length;
  return { total, passed, failed: failing.length, failing, orphaned, text: total ? `${passed}/${total} pass` : '' };
}

/** The filters (negated identifiers) the current rule has, for "should be filtered by …". */
export function ruleFilterNames(): string[] {
  const s = useStore.getState();
  const fromResults = s.results?.filterNames ?? [];
  return [...new Set(fromResults)].sort();
}

// ---------------------------------------------------------------------------------------------
// Share links and drafts carry expectations as tokens (`match`, `no-alert`, `filtered:filter_x`).

export function expectationsToTokens(byIndex: Record<number, Expectation>): Record<number, string> | undefined {
  const entries = Object.entries(byIndex);
  if (!entries.length) return undefined;
  return Object.fromEntries(entries.map(([k, e]) => [k, expectationToken(e)]));
}

export function expectationsFromTokens(tokens: Record<number, string> | undefined): Record<number, Expectation> {
  const out: Record<number, Expectation> = {};
  for (const [k, t] of Object.entries(tokens ?? {})) {
    const e = parseExpectationToken(t);
    if (e && /^(0|[1-9]\d*)$/.test(k)) out[Number(k)] = e;
  }
  return out;
}

/** Expectations from a link (after its events are set): tag 8 tokens win over tag 4's v1 verdicts. */
export function restoreExpectations(v1: Record<number, string> | undefined, tokens: Record<number, string> | undefined): void {
  const next = expectationsFromTokens({ ...v1, ...tokens });
  // Nothing to restore over nothing: no state change (and no autosave for it).
  if (!Object.keys(next).length && !Object.keys(useExpectations.getState().byIndex).length) return;
  useExpectations.getState().setAll(next);
}

/**
 * New event input (paste, file, example, link, draft) replaces the events: their expectations go
 * with them. Whoever loads events together with expectations sets them right after the events
 * (this subscription runs synchronously inside `setEventsText`).
 */
useStore.subscribe((s, prev) => {
  if (s.eventsVersion !== prev.eventsVersion && Object.keys(useExpectations.getState().byIndex).length) useExpectations.getState().setAll({});
});
