import { describe, expect, it } from 'vitest';
import { isoWeek, parseTimestamp } from './timestamp.ts';

describe('timestamps for time-part modifiers', () => {
  it('reads ISO 8601 as written, without zone conversion', () => {
    expect(parseTimestamp('2024-03-05T23:30:15+02:00')).toMatchObject({ year: 2024, month: 3, day: 5, hour: 23, minute: 30, second: 15 });
    expect(parseTimestamp('2024-03-05T10:00:00.1234567Z')).toMatchObject({ hour: 10, minute: 0 });
    expect(parseTimestamp('2024-01-01 10:05:00.123')).toMatchObject({ year: 2024, month: 1, day: 1, hour: 10, minute: 5 });
    expect(parseTimestamp('2024/12/31 07:08:09')).toMatchObject({ month: 12, day: 31, hour: 7 });
    expect(parseTimestamp('2024-02-29')).toMatchObject({ day: 29, hour: 0 });
  });

  it('reads epoch seconds and milliseconds as UTC', () => {
    expect(parseTimestamp(1704103200)).toMatchObject({ year: 2024, month: 1, day: 1, hour: 10 });
    expect(parseTimestamp(1704103200000)).toMatchObject({ year: 2024, month: 1, day: 1, hour: 10 });
    expect(parseTimestamp('1704103200000')).toMatchObject({ hour: 10 });
  });

  it('reads RFC 2822 dates through Date.parse', () => {
    expect(parseTimestamp('Mon, 01 Jan 2024 10:00:00 GMT')).toMatchObject({ year: 2024, hour: 10 });
  });

  it('rejects what is not a timestamp', () => {
    for (const bad of ['2024-13-01', '2023-02-29', '2024-01-01T25:00:00', 'hello', '', '12', true, null, {}]) expect(parseTimestamp(bad)).toBeUndefined();
  });

  it('computes ISO weeks', () => {
    expect(isoWeek(2024, 1, 1)).toBe(1);
    expect(isoWeek(2021, 1, 3)).toBe(53);
    expect(isoWeek(2024, 12, 30)).toBe(1);
    expect(parseTimestamp('2024-06-15T00:00:00Z')?.week).toBe(24);
  });
});
