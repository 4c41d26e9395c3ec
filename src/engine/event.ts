/**
 * Events as the matcher sees them. Produced by `readEvents` (src/engine/read-events.ts) from
 * JSON, NDJSON, CSV, Windows event XML and evtx-JSON text.
 */
import type { Diagnostic } from '../diagnostics.ts';

export type EventFormat = 'json' | 'ndjson' | 'csv' | 'xml' | 'evtx-json' | 'evtx';

export interface EventOrigin {
  format: EventFormat;
  /** 1-based line where the event starts in the pasted text, when known. */
  line?: number;
  /** 0-based offset where the event starts in the pasted text, when known. */
  offset?: number;
}

/** Where an event comes from, as far as the event itself tells (Windows System values). */
export interface EventSourceHints {
  eventId?: number;
  channel?: string;
  provider?: string;
}

export interface LogEvent {
  /** 0-based position in the input. */
  index: number;
  /**
   * The event's data as parsed (nested objects kept), with Windows events already reshaped the
   * way Sigma rules name their fields: EventData `X` and `<Data Name="X">` become `X`; System
   * values become `EventID`, `Channel`, `Computer`, `Provider_Name`, ... Objects are created
   * with a null prototype, so keys such as `__proto__` are plain data.
   */
  data: Record<string, unknown>;
  origin: EventOrigin;
  hints: EventSourceHints;
  /**
   * The event as it arrived, before Windows reshaping (evtx-JSON shape; Windows XML converted to
   * that shape). Present only for reshaped Windows events; `getField` falls back to full paths
   * in it, e.g. `Event.UserData.LogFileCleared.Channel`.
   */
  raw?: unknown;
}

export interface ReadEventsResult {
  events: LogEvent[];
  /** The detected (or requested) format; undefined when nothing could be read. */
  format?: EventFormat;
  diagnostics: Diagnostic[];
}

/** What a rule's field name resolved to in one event. */
export interface FieldLookup {
  found: boolean;
  /** The value (null when present but null; an array stays an array). */
  value?: unknown;
  /** The key path actually used, e.g. `process.executable` or `Event.EventData.Image`. */
  path?: string;
}
