/** Messages between the page and the events worker (app/workers/events.worker.ts). */
import type { EventDetail, EventsLoadInfo, ResultsSnapshot, RuleFieldInfo } from '../state/types.ts';
import type { RunFromWorker, RunToWorker } from './run-protocol.ts';

export type ToWorker =
  /** KQL runs over the rows and correlations (app/workers/run-protocol.ts). */
  | RunToWorker
  /** New event input: read it (replaces the previous events and any edits). */
  /** `blob`, when given, holds the same text (a dropped file): the worker reads it, so the page does not copy the text across. */
  | { type: 'events'; gen: number; text: string; blob?: Blob }
  /** A binary .evtx file (transferred); `files` adds more files read after it, in order. */
  | { type: 'evtx'; gen: number; bytes: Uint8Array; name?: string; files?: Array<{ name: string; bytes: Uint8Array }> }
  /** Stop a streamed .evtx read; the events read so far stay loaded. */
  | { type: 'cancel' }
  /** The current events (with in-place edits) as a JSON array, for download. */
  | { type: 'export'; reqId: number }
  /** New rule text or placeholder values (`%name%` under `expand`): (re)evaluate the current events. */
  | { type: 'rule'; gen: number; ruleText: string; placeholders?: Record<string, string[]> }
  /** The explanation of one event under the current rule. */
  | { type: 'explain'; reqId: number; index: number }
  /** Replace one event's data with edited JSON and re-evaluate. */
  | { type: 'edit'; reqId: number; gen: number; index: number; json: string };

export type FromWorker =
  | RunFromWorker
  | { type: 'progress'; gen: number; phase: 'reading' | 'evaluating'; done: number; total: number }
  /** `partial`: more events are still being read (streamed .evtx); the table shows what is read so far. */
  | { type: 'loaded'; gen: number; load: EventsLoadInfo; partial?: boolean }
  | { type: 'exported'; reqId: number; json: string; count: number }
  | { type: 'results'; gen: number; snapshot: ResultsSnapshot; ruleFields: RuleFieldInfo[] }
  | { type: 'detail'; reqId: number; detail?: EventDetail; error?: string }
  | { type: 'edited'; reqId: number; ok: boolean; error?: string; edited: number };
