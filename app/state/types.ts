/**
 * View models the UI renders. The core's results (src/index.ts) are converted into these by
 * app/lib/analyze-rule.ts (main thread) and app/workers/events.worker.ts (worker), so the
 * components stay independent of the core's internal shapes.
 */
import type { Diagnostic, SourceRange } from '../../src/diagnostics.ts';

export type Verdict = 'match' | 'filtered' | 'nomatch';
export const VERDICT_CODES: readonly Verdict[] = ['match', 'filtered', 'nomatch'];

export interface SourceSpan {
  /** Offsets in the KQL query. */
  start: number;
  end: number;
  /** Range in the rule text. */
  range: SourceRange;
}

export interface KqlPreview {
  targetId: string;
  ok: boolean;
  query: string;
  table?: string;
  diagnostics: Diagnostic[];
  sourceMap: SourceSpan[];
}

/** One node of an event's explanation tree, ready to render. */
export interface ExplainView {
  /** What the node is: `condition`, `not`, `and`, `or`, `of`, `identifier`, `item`, `value`, `logsource`. */
  kind: string;
  /** Main text, e.g. `selection`, `DestinationPort`, `not`, `1 of filter_main_*`. */
  label: string;
  /** true ✓, false ✗, null not evaluated (short-circuited) or not applicable. */
  ok: boolean | null;
  expected?: string;
  actual?: string;
  reason?: string;
  range?: SourceRange;
  children: ExplainView[];
}

export interface EventDetail {
  index: number;
  verdict: Verdict;
  filteredBy?: string;
  reasons: string[];
  explanation: ExplainView;
  /** The event data as pretty JSON (what the in-place editor shows). */
  json: string;
  line?: number;
  /** Source ranges of the rule that decided this verdict. */
  decisive: SourceRange[];
}

export interface FieldPathInfo {
  path: string;
  /** Events in which the path is present. */
  count: number;
  /** A sample value. */
  sample?: string;
}

export interface RuleFieldInfo {
  field: string;
  /** Events in which the rule's field resolves to a value. */
  present: number;
}

/** The evaluation of the current rule over the current events (one generation). */
export interface ResultsSnapshot {
  generation: number;
  total: number;
  /** 0 match, 1 filtered, 2 nomatch, per event. */
  verdicts: Uint8Array;
  /** Index into `filterNames` of the filter that removed the event, or -1. */
  filteredBy: Int32Array;
  filterNames: string[];
  /** Column headers: the fields the rule uses. */
  columns: string[];
  /** All cells, row-major, joined; cell (r, c) is cells.slice(offsets[r*cols+c], offsets[r*cols+c+1]). */
  cells: string;
  offsets: Uint32Array;
  /** Source line of each event (0 when unknown). */
  lines: Uint32Array;
  counts: { match: number; filtered: number; nomatch: number };
  /** Events whose logsource hints (EventID/Channel) say they cannot be what the rule is about. */
  logsourceMismatch: Uint8Array;
  evaluateMs: number;
  /** Why nothing could be evaluated (rule has errors, no rule). */
  error?: string;
}

export interface EventsLoadInfo {
  format?: string;
  count: number;
  bytes: number;
  diagnostics: Diagnostic[];
  parseMs: number;
  fieldPaths: FieldPathInfo[];
}
