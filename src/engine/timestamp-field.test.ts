import { describe, expect, it } from 'vitest';
import { detectTimestampField, eventTime, parseInstant } from './timestamp-field.ts';
import { readEvents } from './read-events.ts';
import type { LogEvent } from './event.ts';

const T = Date.UTC(2024, 4, 1, 10, 0, 0);

function events(rows: Array<Record<string, unknown>>): LogEvent[] {
  return rows.map((data, index) => ({ index, data, origin: { format: 'json' }, hints: {} }));
}

describe('parseInstant', () => {
  it.each([
    ['2024-05-01T10:00:00Z', T],
    ['2024-05-01T10:00:00.123Z', T + 123],
    ['2024-05-01T12:00:00+02:00', T],
    ['2024-05-01T05:30:00-0430', T],
    ['2024-05-01 10:00:00', T],
    ['2024-05-01 10:00:00.000', T],
    ['2024/05/01 10:00:00', T],
    ['2024-05-01T10:00:00.1234567Z', T + 123.4567],
    [String(T / 1000), T],
    [T, T],
    [T / 1000, T],
    [T * 1000, T],
    [String(T * 1000), T],
    ['Wed, 01 May 2024 10:00:00 GMT', T],
    [{ '#attributes': { SystemTime: '2024-05-01T10:00:00.000Z' } }, T],
  ])('%s', (value, expected) => {
    expect(parseInstant(value)).toBeCloseTo(expected as number, 3);
  });

  it('reads Windows FILETIME ticks', () => {
    expect(parseInstant(String(T * 10_000 + 116_444_736_000_000_000))).toBe(T);
  });

  it.each([['not a time'], [''], ['2024-13-01T00:00:00Z'], ['12345'], [null], [true], ['9'.repeat(80)]])('rejects %s', (value) => {
    expect(parseInstant(value)).toBeUndefined();
  });
});

describe('detectTimestampField', () => {
  it('prefers the well-known names', () => {
    const d = detectTimestampField(events([{ TimeGenerated: '2024-05-01T10:00:00Z', CreatedAt: '2020-01-01T00:00:00Z' }]));
    expect(d.field).toBe('TimeGenerated');
    expect(d.candidates.map((c) => c.field)).toEqual(['TimeGenerated', 'CreatedAt']);
  });

  it('says when two fields cover the events equally and disagree, and honours the user choice', () => {
    const rows = events([
      { '@timestamp': '2024-05-01T10:00:00Z', UtcTime: '2024-05-01 09:59:58.000' },
      { '@timestamp': '2024-05-01T10:00:05Z', UtcTime: '2024-05-01 10:00:01.000' },
    ]);
    const d = detectTimestampField(rows);
    expect(d.field).toBe('@timestamp');
    expect(d.ambiguous).toBe(true);
    const chosen = detectTimestampField(rows, { field: 'UtcTime' });
    expect(chosen).toMatchObject({ field: 'UtcTime', ambiguous: false });
    // Fields that agree are not a question.
    expect(detectTimestampField(events([{ Timestamp: '2024-05-01T10:00:00Z', time: T }])).ambiguous).toBe(false);
  });

  it('finds TimeCreated in evtx-JSON events and nested paths', () => {
    const evtx = JSON.stringify({ Event: { System: { EventID: 4625, Channel: 'Security', TimeCreated: { '#attributes': { SystemTime: '2024-05-01T10:00:00.000000Z' } } }, EventData: { TargetUserName: 'bob' } } });
    const read = readEvents(evtx);
    const d = detectTimestampField(read.events);
    expect(d.field).toBeDefined();
    expect(eventTime(read.events[0], d.field!)).toBe(T);
    const nested = events([{ event: { created: '2024-05-01T10:00:00Z' } }]);
    expect(detectTimestampField(nested).field).toBe('event.created');
  });

  it('no timestamp at all', () => {
    expect(detectTimestampField(events([{ a: 1, b: 'x' }]))).toEqual({ candidates: [], ambiguous: false });
  });
});
