/**
 * When did an event happen? Correlations need an instant per event; this finds the field that
 * holds it and reads it.
 *
 * `detectTimestampField` looks at the events for the usual names, in this order of preference:
 * `@timestamp` (Elastic/ECS), `TimeGenerated` (Sentinel, Azure Monitor), `Timestamp` (Defender XDR),
 * `UtcTime` (Sysmon), `TimeCreated` / `Event.System.TimeCreated` (Windows; the evtx reshaping
 * keeps it as `TimeCreated` or `SystemTime`), `EventTime`, `timestamp`, `time`, `_time`, `ts`,
 * `date`, then any other field whose name mentions time or date and whose values read as instants.
 * A field counts when most events carry a readable instant in it. When two or more candidates
 * cover the events equally well but disagree, the result says `ambiguous` and the caller lets the
 * user choose (`TimestampChoice.field`).
 *
 * `parseInstant` reads, unlike the time-part modifiers (timestamp.ts, which read wall time as
 * written), an absolute instant: ISO 8601 / RFC 3339 with `Z` or an offset (no zone = UTC, as
 * Sysmon's UtcTime and evtx SystemTime are), `YYYY/MM/DD hh:mm:ss`, epoch seconds / milliseconds /
 * microseconds / nanoseconds by magnitude, Windows FILETIME digit strings, and what `Date.parse`
 * reads with an explicit zone (RFC 2822).
 */
import type { LogEvent } from './event.ts';
import { getField } from './fields.ts';

export const PREFERRED_TIMESTAMP_FIELDS = [
  '@timestamp',
  'TimeGenerated',
  'Timestamp',
  'UtcTime',
  'TimeCreated',
  'Event.System.TimeCreated.SystemTime',
  'Event.System.TimeCreated',
  'SystemTime',
  'EventTime',
  'timestamp',
  'time',
  '_time',
  'ts',
  'date',
  'datetime',
  'eventTime',
  'event.created',
  'CreationTime',
] as const;

// Anchored, bounded repetitions: linear time on any input.
const ISO = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s?(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$/i;
const DIGITS = /^-?\d{9,19}(?:\.\d+)?$/;
/** 1601-01-01 to 1970-01-01 in 100-ns ticks (Windows FILETIME epoch offset). */
const FILETIME_EPOCH = 116_444_736_000_000_000;

function fromNumber(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  const a = Math.abs(n);
  // By magnitude: seconds (until year 5138), milliseconds, microseconds, then FILETIME ticks or nanoseconds.
  if (a < 1e11) return n * 1000;
  if (a < 1e14) return n;
  if (a < 1e17) return n / 1000;
  if (n > 1.1e17 && n < 3e17) return (n - FILETIME_EPOCH) / 10_000;
  return n / 1e6;
}

/** Milliseconds since the Unix epoch, or undefined when the value is not an instant. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number') return fromNumber(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (value !== null && typeof value === 'object') {
    // evtx-JSON: {"#attributes": {"SystemTime": "..."}} or {"SystemTime": "..."}
    const o = value as Record<string, unknown>;
    const inner = (o['#attributes'] as Record<string, unknown> | undefined)?.SystemTime ?? o.SystemTime ?? o['#text'];
    return inner === undefined || inner === value ? undefined : parseInstant(inner);
  }
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s.length === 0 || s.length > 64) return undefined;
  if (DIGITS.test(s)) return fromNumber(Number(s));
  const m = ISO.exec(s);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone = 'Z'] = m;
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return undefined;
    let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(sec), Number((frac + '000').slice(0, 3)));
    // Sub-millisecond digits are kept as a fraction so ordering of close events survives.
    if (frac.length > 3) ms += Number(`0.${frac.slice(3)}`);
    const z = zone.toUpperCase();
    if (z !== 'Z' && z !== 'UTC' && z !== 'GMT') {
      const sign = z[0] === '-' ? -1 : 1;
      const digits = z.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
    }
    return Number.isFinite(ms) ? ms : undefined;
  }
  // RFC 2822 and similar only with letters (a month name); a bare number-ish string was handled above.
  if (!/[a-z]/i.test(s)) return undefined;
  const parsed = Date.parse(s);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export interface TimestampCandidate {
  field: string;
  /** Events (of those sampled) with a readable instant in this field. */
  readable: number;
  /** Events sampled. */
  sampled: number;
}

export interface TimestampDetection {
  /** The chosen field; undefined when no field holds instants. */
  field?: string;
  /** Fields that hold instants, best first. */
  candidates: TimestampCandidate[];
  /** True when another candidate covers the events as well as the chosen one and its instants differ: ask the user. */
  ambiguous: boolean;
}

export interface TimestampChoice {
  /** The user's choice (a field name as `getField` resolves it); overrides detection. */
  field?: string;
  /** Events inspected for detection (default 500, spread over the input). */
  sample?: number;
}

function sampleOf(events: readonly LogEvent[], n: number): LogEvent[] {
  if (events.length <= n) return events.slice();
  const out: LogEvent[] = [];
  const step = events.length / n;
  for (let i = 0; i < n; i++) out.push(events[Math.floor(i * step)]);
  return out;
}

function otherTimeKeys(sample: readonly LogEvent[]): string[] {
  const keys = new Set<string>();
  for (const e of sample.slice(0, 20)) {
    for (const k of Object.keys(e.data)) if (/time|date|created|^ts$/i.test(k)) keys.add(k);
  }
  return [...keys];
}

/** Finds the event-time field of a set of events. */
export function detectTimestampField(events: readonly LogEvent[], choice: TimestampChoice = {}): TimestampDetection {
  const sample = sampleOf(events, Math.max(1, choice.sample ?? 500));
  const names = [...PREFERRED_TIMESTAMP_FIELDS, ...otherTimeKeys(sample).filter((k) => !(PREFERRED_TIMESTAMP_FIELDS as readonly string[]).includes(k))];
  const candidates: Array<TimestampCandidate & { values: Array<number | undefined>; path?: string }> = [];
  const seenPaths = new Set<string>();
  for (const field of names) {
    let readable = 0;
    let path: string | undefined;
    const values: Array<number | undefined> = [];
    for (const e of sample) {
      const f = getField(e, field);
      const t = f.found ? parseInstant(f.value) : undefined;
      values.push(t);
      if (t !== undefined) {
        readable++;
        path ??= f.path;
      }
    }
    // Loose resolution finds `Timestamp` for `timestamp`: count each underlying key once.
    if (readable === 0 || (path && seenPaths.has(path))) continue;
    if (path) seenPaths.add(path);
    candidates.push({ field, readable, sampled: sample.length, values, path });
  }
  const ordered = candidates
    .map((c, order) => ({ c, order }))
    .sort((a, b) => b.c.readable - a.c.readable || a.order - b.order)
    .map((x) => x.c);
  const best = ordered.find((c) => c.readable * 2 >= c.sampled) ?? ordered[0];
  let ambiguous = false;
  if (best) {
    ambiguous = ordered.some(
      (c) => c !== best && c.readable === best.readable && c.values.some((v, i) => v !== undefined && best.values[i] !== undefined && Math.abs(v - best.values[i]!) >= 1000),
    );
  }
  const field = choice.field ?? best?.field;
  return {
    ...(field ? { field } : {}),
    candidates: ordered.map(({ field: f, readable, sampled }) => ({ field: f, readable, sampled })),
    ambiguous: choice.field ? false : ambiguous,
  };
}

/** The event's instant in `field` (milliseconds since the epoch), or undefined. */
export function eventTime(event: LogEvent, field: string): number | undefined {
  const f = getField(event, field);
  return f.found ? parseInstant(f.value) : undefined;
}

/** `2024-05-01T10:00:00.000Z` for an instant (UTC, as KQL prints datetimes). */
export function formatInstant(ms: number): string {
  const d = new Date(Math.floor(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
