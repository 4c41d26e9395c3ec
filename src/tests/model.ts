/**
 * Rule tests: a Sigma rule, events, and the verdict each event should get. The model behind
 * siglab's own YAML test files (read-test-file.ts, documented in the README), the playground's
 * expectation marks, and the imports/exports of SigmaHQ regression data, Zircolite
 * `--test-rules` JSON and sigma-test `testcases`.
 */
import type { SourceRange } from '../diagnostics.ts';

/**
 * What an event should get:
 * - `match`: the rule fires;
 * - `filtered`: the selection holds but a filter (`not ...`) excludes it; with `by`, that filter
 *   must be among the ones that did (`filtered: filter_main_local_ranges`);
 * - `nomatch`: the rule does not fire and no filter was needed (verdict `nomatch`);
 * - `no-alert`: the rule does not fire, by filter or otherwise (`nomatch` or `filtered`): the
 *   "should not match" of sigma-test's `dont-match` and Zircolite's `true_negative`.
 */
export type ExpectedVerdict = 'match' | 'filtered' | 'nomatch' | 'no-alert';

export interface Expectation {
  verdict: ExpectedVerdict;
  /** `filtered` only: the filter identifier that must have excluded the event. */
  by?: string;
}

export const EXPECTED_VERDICTS: readonly ExpectedVerdict[] = ['match', 'filtered', 'nomatch', 'no-alert'];

/** Where a test case's events come from. */
export type EventSource =
  /** Event objects written in the test file (read like a pasted JSON array, so evtx-JSON shapes are reshaped). */
  | { kind: 'inline'; events: unknown[]; range?: SourceRange }
  /** A file in any format `siglab match` reads (JSON, NDJSON, CSV, XML, evtx-JSON, .evtx), relative to the test file. */
  | { kind: 'file'; path: string; range?: SourceRange };

export interface TestCase {
  name?: string;
  events: EventSource;
  /**
   * Per-event expectations. One expectation applies to every event of the case; a list gives
   * one per event, in order (its length must equal the number of events).
   */
  expect?: Expectation | Expectation[];
  /** The rule fires for exactly this many of the case's events (SigmaHQ's `match_count`). */
  matchCount?: number;
  /** The rule fires for at least this many of the case's events (Zircolite's `true_positive`: 1). */
  minMatches?: number;
  range?: SourceRange;
  /** The `expect` (or `matchCount`/`minMatches`) value, for diagnostics. */
  expectRange?: SourceRange;
}

/** The rule under test. */
export type RuleSource =
  /**
   * The rule's YAML, written in the test file. `lineOffset`/`columnOffset` place the rule's
   * line 1, column 1 inside the test file (0 when the text is not from a file), so rule
   * diagnostics can point into the test file.
   */
  | { kind: 'inline'; text: string; lineOffset: number; columnOffset: number; range?: SourceRange }
  /** A rule file, relative to the test file. */
  | { kind: 'file'; path: string; range?: SourceRange };

export interface TestFile {
  name?: string;
  rule: RuleSource;
  /** Which rule of a multi-document file (0-based document order among rules); default 0. */
  ruleIndex?: number;
  /** Values for `%placeholder%` under `expand`. */
  placeholders?: Record<string, string[]>;
  /** Targets the rule must also compile for without errors (`sentinel-asim`, ...). */
  targets?: string[];
  cases: TestCase[];
  /**
   * Data of the format the tests were imported from that siglab's model does not use (e.g.
   * SigmaHQ info.yml `id`, `author`, `provider`), kept so that exporting gives the input back.
   */
  origin?: Record<string, unknown>;
}
