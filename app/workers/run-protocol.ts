/**
 * Messages between the page and the events worker for running the compiled KQL over the
 * pasted rows (issue 7) and for evaluating correlations (issue 8). Handled by
 * app/workers/run-handlers.ts inside the events worker, which holds the events.
 */
import type { RuleSettings } from '../lib/rule-settings.ts';
import type { CorrelationEvaluation } from '../../src/engine/correlate.ts';
import type { RowExplanation } from '../../src/kql/eval/index.ts';
import type { EventDetail } from '../state/types.ts';

/** A verdict of the KQL evaluator, compact: 1 kept, 0 dropped, 2 undetermined. */
export type KeptCode = 0 | 1 | 2;

export interface TargetRowsInfo {
  /** The table recognised by its columns (undefined: the rows are not a table of this target). */
  table?: string;
  candidates: Array<{ table: string; score: number }>;
  /** Column names of the rows as read (time-zone suffixes like ` [UTC]` removed). */
  columns: string[];
  count: number;
}

export interface KqlRunSummary {
  table: string;
  total: number;
  /** Per row: `KeptCode`. */
  kept: Uint8Array;
  /** Per row: one sentence (why it was kept or dropped). */
  summaries: string[];
  counts: { kept: number; dropped: number; undetermined: number };
  /** Columns the query reads, in the rows' order, with their cell text per row (row-major). */
  columns: string[];
  cells: string[];
  /** Run problems (unsupported constructs, parse errors), already phrased for the user. */
  messages: string[];
  runMs: number;
  /** Stopped early (a newer request); the counts cover the rows done. */
  stopped?: boolean;
}

export interface ComparePair {
  index: number;
  sigma: boolean;
  kql: KeptCode;
  agree: boolean;
  summary: string;
}

export interface CompareSummary {
  table?: string;
  /** The rule does not compile for the target: nothing to compare. */
  error?: string;
  pairs: ComparePair[];
  counts: { agree: number; disagree: number; undetermined: number };
  runMs: number;
}

export interface CompareDetail {
  index: number;
  sigma: EventDetail;
  kql?: RowExplanation;
  kqlKept: KeptCode;
  row?: Record<string, unknown>;
  notes: string[];
  table?: string;
}

export type RunToWorker =
  /** Are the current events rows of one of the target's tables? */
  | { type: 'kql-detect'; reqId: number; targetId: string }
  /** Run `query` over the current events read as `table` rows (verdicts only, cancellable). */
  | { type: 'kql-run'; reqId: number; query: string; targetId: string; table: string }
  /** The explanation of one row under `query`. */
  | { type: 'kql-explain'; reqId: number; query: string; targetId: string; table: string; index: number }
  /** Sigma verdict vs KQL verdict for every event (events in Sigma field names). */
  | { type: 'kql-compare'; reqId: number; ruleText: string; targetId: string; settings: RuleSettings }
  /** Both explanations and the written row for one event. */
  | { type: 'kql-compare-explain'; reqId: number; ruleText: string; targetId: string; index: number; settings: RuleSettings }
  /** Correlations of `ruleText` over the current events. */
  | { type: 'correlate'; reqId: number; ruleText: string; timestampField?: string; settings: RuleSettings };

export type RunFromWorker =
  | { type: 'kql-detected'; reqId: number; info: TargetRowsInfo }
  | { type: 'kql-ran'; reqId: number; summary?: KqlRunSummary; error?: string }
  | { type: 'kql-explained'; reqId: number; explanation?: RowExplanation; kept?: KeptCode; row?: Record<string, unknown>; error?: string }
  | { type: 'kql-compared'; reqId: number; summary?: CompareSummary; error?: string }
  | { type: 'kql-compare-explained'; reqId: number; detail?: CompareDetail; error?: string }
  | { type: 'correlated'; reqId: number; evaluation?: CorrelationEvaluation; error?: string };
