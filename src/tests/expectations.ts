/**
 * Expected verdicts against actual ones: the pure core of `siglab test` and of the playground's
 * "should match / should not match / should be filtered" marks.
 */
import type { LogEvent } from '../engine/event.ts';
import { compileMatcher, type CompiledRule, type MatcherOptions } from '../engine/compile-matcher.ts';
import { explainEvent, type EventResult } from '../engine/evaluate.ts';
import type { SigmaRule } from '../sigma/model.ts';
import type { Expectation } from './model.ts';

export interface ExpectationCheck {
  passed: boolean;
  /** `expected match, got filtered by filter_main (User bob = bob)`; for a pass, `match`. */
  message: string;
}

/** Expectation in words: `match`, `filtered by filter_x`, `no alert (nomatch or filtered)`. */
export function describeExpectation(e: Expectation): string {
  switch (e.verdict) {
    case 'filtered':
      return e.by ? `filtered by ${e.by}` : 'filtered';
    case 'no-alert':
      return 'no alert (nomatch or filtered)';
    default:
      return e.verdict;
  }
}

function describeActual(result: EventResult): string {
  const why = result.reasons[0];
  const verdict = result.verdict === 'filtered' && result.filteredBy?.length ? `filtered by ${result.filteredBy.join(', ')}` : result.verdict;
  return why && !why.startsWith(`${verdict} `) && why !== verdict ? `${verdict} (${why})` : verdict;
}

export function checkExpectation(result: EventResult, expectation: Expectation): ExpectationCheck {
  let passed: boolean;
  switch (expectation.verdict) {
    case 'match':
      passed = result.verdict === 'match';
      break;
    case 'nomatch':
      passed = result.verdict === 'nomatch';
      break;
    case 'no-alert':
      passed = result.verdict !== 'match';
      break;
    case 'filtered':
      passed = result.verdict === 'filtered' && (!expectation.by || (result.filteredBy ?? []).includes(expectation.by));
      break;
  }
  return passed
    ? { passed, message: describeActual(result) }
    : { passed, message: `expected ${describeExpectation(expectation)}, got ${describeActual(result)}` };
}

export interface ExpectationOutcome {
  /** Position of the event in the list given. */
  index: number;
  expectation: Expectation;
  result: EventResult;
  passed: boolean;
  message: string;
}

export interface ExpectationsResult {
  /** One per event that has an expectation, in event order. */
  outcomes: ExpectationOutcome[];
  passed: number;
  failed: number;
  /** `12/12 pass`, `11/12 pass`; empty when no event has an expectation. */
  summary: string;
}

/**
 * Checks the events that carry an expectation (`expectations[i]` for `events[i]`; undefined =
 * none). Pass a `CompiledRule` to reuse a compilation across edits of the expectations only.
 */
export function evaluateExpectations(
  rule: SigmaRule | CompiledRule,
  events: readonly LogEvent[],
  expectations: ReadonlyArray<Expectation | undefined>,
  options: MatcherOptions = {},
): ExpectationsResult {
  const compiled = 'verdict' in rule && typeof rule.verdict === 'function' ? rule : compileMatcher(rule as SigmaRule, options);
  const outcomes: ExpectationOutcome[] = [];
  for (let i = 0; i < events.length; i++) {
    const expectation = expectations[i];
    if (!expectation) continue;
    const result = explainEvent(compiled, events[i]);
    const check = checkExpectation(result, expectation);
    outcomes.push({ index: i, expectation, result, ...check });
  }
  const passed = outcomes.filter((o) => o.passed).length;
  return { outcomes, passed, failed: outcomes.length - passed, summary: outcomes.length ? `${passed}/${outcomes.length} pass` : '' };
}

/**
 * An expectation as one short token, for permalinks and compact storage: `match`, `nomatch`,
 * `no-alert`, `filtered`, `filtered:<identifier>`.
 */
export function expectationToken(e: Expectation): string {
  return e.verdict === 'filtered' && e.by ? `filtered:${e.by}` : e.verdict;
}

/** Reads a token written by `expectationToken`; undefined for anything else. */
export function parseExpectationToken(token: string): Expectation | undefined {
  if (typeof token !== 'string') return undefined;
  const t = token.trim();
  if (t === 'match' || t === 'nomatch' || t === 'no-alert' || t === 'filtered') return { verdict: t };
  const m = /^filtered:(.+)$/.exec(t);
  return m && m[1].trim() ? { verdict: 'filtered', by: m[1].trim() } : undefined;
}
