/**
 * Sigma verdict vs. KQL verdict for the same events: each event (Sigma field names) is judged
 * by the matcher, written as the target's row (`toTargetRows`) and judged by the compiled query
 * run in the evaluator. A disagreement is a translation problem (or a field the target cannot
 * hold); the result carries both explanations. Used by the playground's side-by-side view and
 * by the differential tests.
 */
import type { Diagnostic } from '../../diagnostics.ts';
import type { LogEvent } from '../../engine/event.ts';
import type { SigmaRule } from '../../sigma/model.ts';
import type { TargetDefinition } from '../../targets/types.ts';
import { evaluateEvents, type EventResult } from '../../engine/evaluate.ts';
import { toTargetRows } from '../../engine/to-target-rows.ts';
import { compileRule, type CompileOptions } from '../compile.ts';
import { runKql, type InputRow, type RowVerdict } from './run.ts';

export interface VerdictPair {
  index: number;
  /** Sigma: the rule fires. */
  sigma: boolean;
  sigmaResult: EventResult;
  /** KQL: the query keeps the row. */
  kql: boolean | 'undetermined';
  kqlResult?: RowVerdict;
  row?: InputRow;
  /** Fields the target row could not hold (toTargetRows notes). */
  notes: string[];
  agree: boolean;
}

export interface DifferentialResult {
  /** False when the rule does not compile for the target (nothing to compare). */
  compiled: boolean;
  query: string;
  table?: string;
  pairs: VerdictPair[];
  diagnostics: Diagnostic[];
}

function asEvent(data: Record<string, unknown>, index: number): LogEvent {
  return { index, data, origin: { format: 'json' }, hints: {} };
}

/** Judges `events` (Sigma field names) by the matcher and by the rule's KQL on `target`. */
export function compareVerdicts(
  rule: SigmaRule,
  events: ReadonlyArray<LogEvent | Record<string, unknown>>,
  target: string | TargetDefinition,
  options: CompileOptions & { explain?: boolean } = {},
): DifferentialResult {
  const compiled = compileRule(rule, target, { ...options, validate: false });
  if (!compiled.ok || !compiled.table) return { compiled: false, query: compiled.query, pairs: [], diagnostics: compiled.diagnostics };
  const logEvents = events.map((e, i) => ('origin' in e && 'data' in e ? (e as LogEvent) : asEvent(e as Record<string, unknown>, i)));
  const sigma = evaluateEvents(rule, logEvents, { placeholders: options.placeholders });
  const written = logEvents.map((e) => toTargetRows(e, rule, target, options.mapping));
  const table = compiled.table;
  const rows = written.map((w) => w.row ?? {});
  const run = runKql(compiled.query, { [table]: rows }, { target, explain: options.explain });
  const pairs: VerdictPair[] = logEvents.map((_, i) => {
    const s = sigma.results[i];
    const k = run.rows.find((r) => r.table === table && r.index === i);
    const fires = s.verdict === 'match';
    const kept = k ? k.kept : 'undetermined';
    return { index: i, sigma: fires, sigmaResult: s, kql: kept, kqlResult: k, row: written[i].row, notes: written[i].notes, agree: kept === fires };
  });
  return { compiled: true, query: compiled.query, table, pairs, diagnostics: [...sigma.diagnostics, ...run.diagnostics] };
}
