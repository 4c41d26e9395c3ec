/**
 * Reads a binary `.evtx` file into LogEvents: one per record, reshaped by the same
 * `windowsEventFromEvtxJson` that evtx-JSON text and Windows event XML go through, so a rule
 * sees the same fields whichever way an event arrived. Never throws: damage becomes warnings.
 */
import type { Diagnostic } from '../../diagnostics.ts';
import type { LogEvent, ReadEventsResult } from '../event.ts';
import { windowsEventFromEvtxJson } from '../windows-event.ts';
import { evtxJson } from './evtx-json.ts';
import { iterateEvtxRecords } from './iterate-evtx-records.ts';
import { binaryRange } from './binary-range.ts';

export interface ReadEvtxOptions {
  /** Called after each 64 KiB chunk with bytes done and total bytes. */
  onProgress?: (done: number, total: number) => void;
  /** Polled between records; returning true stops reading (events so far are returned). */
  shouldStop?: () => boolean;
  /** Stop after this many events (an `events-truncated` warning says so). */
  maxEvents?: number;
}

/** Warnings beyond this many are summarised in one, so a shredded file cannot flood the UI. */
const MAX_DIAGNOSTICS = 200;

/**
 * LogEvents one at a time, for callers that stream them (a Web Worker posting batches to the
 * page). Warnings are pushed to `diagnostics` as they are found. Never throws.
 */
export function* iterateEvtxEvents(bytes: Uint8Array, diagnostics: Diagnostic[], options: ReadEvtxOptions = {}): Generator<LogEvent, void, undefined> {
  let stopped = false;
  let index = 0;
  const maxEvents = typeof options.maxEvents === 'number' && options.maxEvents >= 0 ? Math.floor(options.maxEvents) : Infinity;
  const shouldStop = options.shouldStop
    ? () => {
        if (!stopped && options.shouldStop!()) stopped = true;
        return stopped;
      }
    : undefined;
  try {
    for (const record of iterateEvtxRecords(bytes, { diagnostics, onProgress: options.onProgress, shouldStop })) {
      if (index >= maxEvents) {
        diagnostics.push({ code: 'events-truncated', severity: 'warning', message: `read the first ${maxEvents} events; the rest of the file was not read` });
        return;
      }
      const where = `chunk ${record.chunk}: event record ${record.recordId} at file offset 0x${record.offset.toString(16)}`;
      if (!record.event) {
        diagnostics.push({ code: 'evtx-bad-record', severity: 'warning', message: `${where} holds no event element; skipped`, range: binaryRange(record.offset, record.offset + 24) });
        continue;
      }
      const raw = evtxJson(record.event);
      const win = windowsEventFromEvtxJson(raw);
      if (!win) {
        diagnostics.push({
          code: 'evtx-not-windows-event',
          severity: 'warning',
          message: `${where} is <${record.event.name}>, not a Windows <Event> with <System>; skipped`,
          range: binaryRange(record.offset, record.offset + 24),
        });
        continue;
      }
      yield { index: index++, data: win.data, hints: win.hints, origin: { format: 'evtx', offset: record.offset }, raw };
    }
  } catch (e) {
    // The record iterator guards every record; this only catches a defect outside that guard.
    diagnostics.push({ code: 'evtx-internal', severity: 'error', message: `reading stopped: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (stopped) diagnostics.push({ code: 'evtx-cancelled', severity: 'info', message: `reading stopped on request after ${index} events` });
}

export function readEvtx(bytes: Uint8Array, options: ReadEvtxOptions = {}): ReadEventsResult {
  const diagnostics: Diagnostic[] = [];
  const events: LogEvent[] = [];
  for (const event of iterateEvtxEvents(bytes, diagnostics, options)) events.push(event);
  const unreadable = events.length === 0 && diagnostics.some((d) => d.severity === 'error');
  return { events, format: unreadable ? undefined : 'evtx', diagnostics: capped(diagnostics) };
}

function capped(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
  const kept = diagnostics.slice(0, MAX_DIAGNOSTICS);
  kept.push({ code: 'evtx-more-warnings', severity: 'warning', message: `${diagnostics.length - MAX_DIAGNOSTICS} more warnings not shown` });
  return kept;
}
