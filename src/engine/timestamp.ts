/**
 * Timestamps for the time-part modifiers (minute/hour/day/week/month/year).
 *
 * The specification says these modifiers do not convert time zones, so a timestamp written
 * with a date and time is taken as written (`2024-01-01T23:30:00+02:00` has hour 23). Epoch
 * numbers carry no zone and are read as UTC. Accepted: ISO 8601 / RFC 3339 (`T` or space,
 * any fraction such as Windows' 7 digits, `Z` or an offset), `YYYY/MM/DD hh:mm:ss`, epoch
 * seconds or milliseconds (numbers or digit strings), and as a last resort what `Date.parse`
 * understands (RFC 2822), read in UTC.
 */
import type { TimePart } from '../sigma/model.ts';

export interface TimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO 8601 week number (1..53). */
  week: number;
}

// Anchored, no nested quantifiers: cannot backtrack badly.
const DATE_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?\s?(?:Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO 8601 week of a calendar date. */
export function isoWeek(year: number, month: number, day: number): number {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.ceil(((date.getTime() - yearStart) / 86400000 + 1) / 7);
}

function fromUtc(ms: number): TimeParts | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return undefined;
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return { year, month, day, hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), week: isoWeek(year, month, day) };
}

/** Epoch seconds below 1e11 (year 5138), milliseconds above. */
function fromEpoch(n: number): TimeParts | undefined {
  return fromUtc(Math.abs(n) < 1e11 ? n * 1000 : n);
}

export function parseTimestamp(value: unknown): TimeParts | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s.length === 0 || s.length > 64) return undefined;
  if (/^-?\d{9,16}(?:\.\d+)?$/.test(s)) return fromEpoch(Number(s));
  const m = DATE_TIME.exec(s);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const hour = m[4] === undefined ? 0 : Number(m[4]);
    const minute = m[5] === undefined ? 0 : Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return undefined;
    return { year, month, day, hour, minute, second, week: isoWeek(year, month, day) };
  }
  if (!/[a-z]/i.test(s)) return undefined;
  return fromUtc(Date.parse(s));
}

export function timePart(parts: TimeParts, part: TimePart): number {
  return parts[part];
}
