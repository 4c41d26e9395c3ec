/**
 * The matcher's collaborators: field resolution (fields.ts) and the log-source judge
 * (sigma/taxonomy.ts). Named in one place so tests and other evaluators can substitute them
 * through `MatcherOptions`.
 */
import type { EventSourceHints } from './event.ts';
import type { Logsource } from '../sigma/model.ts';
import { getField } from './fields.ts';
import { judgeEventSource, type SourceJudgement } from '../sigma/taxonomy.ts';

export type { SourceJudgement } from '../sigma/taxonomy.ts';
export type EventSourceJudge = (logsource: Logsource, hints: EventSourceHints) => SourceJudgement;

export const defaultGetField = getField;
export const defaultJudgeEventSource: EventSourceJudge = judgeEventSource;
