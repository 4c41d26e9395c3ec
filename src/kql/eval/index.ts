/** The KQL evaluator's public API (see run.ts, parser.ts, read-target-rows.ts). */
export { parseKql, type ParseResult } from './parser.ts';
export { runKql, type InputRow, type RunOptions, type RunResult, type RowVerdict, type RowExplanation, type ReadingOutcome } from './run.ts';
export { readTargetRows, type TargetRowsResult } from './read-target-rows.ts';
export { DIMENSIONS, type DimensionId } from './readings.ts';
export type { PredicateFact, SeenValue } from './explain.ts';
export type { QueryAst, Span } from './ast.ts';
export { compareVerdicts, type DifferentialResult, type VerdictPair } from './differential.ts';
export { deriveEvents } from './derive-events.ts';
export { toTargetRows, type TargetRow } from '../../engine/to-target-rows.ts';
