import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateCorrelations, nearestRank, orderedPrefix } from './correlate.ts';
import { readEvents } from './read-events.ts';
import { loadRules } from '../sigma/load.ts';
import type { LogEvent } from './event.ts';

const fixture = (name: string): string => readFileSync(new URL(`../sigma/fixtures/correlation/${name}`, import.meta.url), 'utf8');
const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const MIN = 60_000;

function asEvents(rows: Array<Record<string, unknown>>): LogEvent[] {
  return readEvents(JSON.stringify(rows)).events;
}

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the worked example: Failed Logins Followed by Successful Login', () => {
  const load = loadRules(fixture('failed_logins_followed_by_success.yml'));

  it('fires for the user with 10 failures then a success, not for the others', () => {
    const rows: Array<Record<string, unknown>> = [];
    // alice: 10 failures 30 s apart, then a success at +6 min → fires.
    for (let i = 0; i < 10; i++) rows.push({ EventID: 4625, User: 'alice', TimeCreated: iso(T0 + i * 30_000) });
    rows.push({ EventID: 4624, User: 'alice', TimeCreated: iso(T0 + 6 * MIN) });
    // bob: only 9 failures (the inner event_count never fires) and a success.
    for (let i = 0; i < 9; i++) rows.push({ EventID: 4625, User: 'bob', TimeCreated: iso(T0 + i * 1000) });
    rows.push({ EventID: 4624, User: 'bob', TimeCreated: iso(T0 + MIN) });
    // carol: success first, then 10 failures (529, the legacy id): wrong order.
    rows.push({ EventID: 528, User: 'carol', TimeCreated: iso(T0) });
    for (let i = 0; i < 10; i++) rows.push({ EventID: 529, User: 'carol', TimeCreated: iso(T0 + MIN + i * 1000) });
    // dave: 10 failures, success 25 minutes later: outside the 10-minute window.
    for (let i = 0; i < 10; i++) rows.push({ EventID: 4625, User: 'dave', TimeCreated: iso(T0 + i * 1000) });
    rows.push({ EventID: 4624, User: 'dave', TimeCreated: iso(T0 + 25 * MIN) });
    const events = asEvents(rows);
    const out = evaluateCorrelations(load, events);
    expect(out.timestamp.field).toBe('TimeCreated');
    expect(out.diagnostics).toEqual([]);
    const [outer, inner] = out.results;
    expect(inner.windows.filter((w) => w.fired).map((w) => w.group.User)).toEqual(['alice', 'carol', 'dave']);
    expect(inner.windows.find((w) => w.group.User === 'bob')).toMatchObject({ value: 9, fired: false });
    const fired = outer.windows.filter((w) => w.fired);
    expect(fired.map((w) => w.group.User)).toEqual(['alice']);
    // The events forming it: alice's ten failures and her success.
    expect(fired[0].events).toEqual(rows.flatMap((r, i) => (r.User === 'alice' ? [i] : [])));
    expect(fired[0].reason).toBe('multiple_failed_login → successful_login in order');
    const carol = outer.windows.find((w) => w.group.User === 'carol')!;
    expect(carol.fired).toBe(false);
    expect(carol.reason).toMatch(/not in that order/);
    // dave's success opens a window of its own.
    expect(outer.windows.filter((w) => w.group.User === 'dave').map((w) => w.fired)).toEqual([false, false]);
  });
});

describe('the field aliases example', () => {
  it('groups events from two rules by different fields', () => {
    const load = loadRules(fixture('field_aliases.yml'));
    const events = asEvents([
      { '@timestamp': iso(T0), http: { response: { status_code: 500 } }, source: { ip: '10.0.0.9' }, destination: { ip: '10.0.0.1' } },
      { '@timestamp': iso(T0 + 4000), event: { category: 'network', type: 'connection', outcome: 'success' }, source: { ip: '10.0.0.1' }, destination: { ip: '10.0.0.9' } },
      // Same pair reversed the wrong way: a different group.
      { '@timestamp': iso(T0 + 5000), event: { category: 'network', type: 'connection', outcome: 'success' }, source: { ip: '10.0.0.9' }, destination: { ip: '10.0.0.1' } },
    ]);
    const [result] = evaluateCorrelations(load, events).results;
    const fired = result.windows.filter((w) => w.fired);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ group: { internal_ip: '10.0.0.1', remote_ip: '10.0.0.9' }, events: [0, 1], value: 2 });
    expect(result.windows.find((w) => !w.fired)).toMatchObject({ group: { internal_ip: '10.0.0.9', remote_ip: '10.0.0.1' }, events: [2], reason: 'missing internal_error' });
  });
});

/** What a test event says: its time, user, which base rule it is for, and a port. */
interface Row {
  t: number;
  user: string;
  kind: 'whoami' | 'net' | 'conn' | 'other';
  port: number;
  cmd: string;
}

function toData(r: Row): Record<string, unknown> {
  const base = { UtcTime: iso(r.t).replace('T', ' ').replace('Z', ''), User: r.user };
  if (r.kind === 'whoami') return { ...base, EventID: 1, Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: r.cmd };
  if (r.kind === 'net') return { ...base, EventID: 1, Image: 'C:\\Windows\\System32\\net.exe', CommandLine: `net use ${r.cmd}` };
  if (r.kind === 'conn') return { ...base, EventID: 3, Initiated: 'true', DestinationPort: r.port, Image: 'C:\\x.exe' };
  return { ...base, EventID: 1, Image: 'C:\\Windows\\notepad.exe', CommandLine: 'notepad' };
}

/**
 * The reference: session windows per user, computed here from the rows alone with plain loops
 * (no siglab code), for the correlations of every_type.yml.
 */
function expectedWindows(rows: readonly Row[], kinds: Array<Row['kind']>, spanMs: number, value: (members: Row[]) => number | null, fires: (v: number | null, members: Row[]) => boolean) {
  const users = [...new Set(rows.map((r) => r.user))].sort();
  const out: Array<{ user: string; start: number; value: number | null; fired: boolean; count: number }> = [];
  for (const user of users) {
    const mine = rows.filter((r) => r.user === user && kinds.includes(r.kind)).sort((a, b) => a.t - b.t);
    let k = 0;
    while (k < mine.length) {
      const start = mine[k].t;
      const members: Row[] = [];
      while (k < mine.length && mine[k].t - start <= spanMs) members.push(mine[k++]);
      const v = value(members);
      out.push({ user, start, value: v, fired: fires(v, members), count: members.length });
    }
  }
  return out;
}

describe('hand-made event sets: every type against an independent computation', () => {
  const load = loadRules(fixture('every_type.yml'));
  const byName = new Map(load.correlations!.map((c, i) => [c.name!, i]));

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}`, () => {
      const random = rng(seed);
      const users = ['alice', 'bob', 'carol'];
      const kinds: Array<Row['kind']> = ['whoami', 'net', 'conn', 'other'];
      const rows: Row[] = [];
      let t = T0;
      for (let i = 0; i < 160; i++) {
        t += Math.floor(random() * 4 * MIN);
        rows.push({ t, user: users[Math.floor(random() * users.length)], kind: kinds[Math.floor(random() * kinds.length)], port: [80, 443, 8080, 9999, 22][Math.floor(random() * 5)], cmd: ['/all', '/priv', '/groups', 'x:'][Math.floor(random() * 4)] });
      }
      // Shuffle the input order: the evaluator must sort by time itself.
      const shuffled = rows.map((r, i) => ({ r, k: random(), i })).sort((a, b) => a.k - b.k);
      const events = asEvents(shuffled.map((x) => toData(x.r)));
      const rowOf = (index: number): Row => shuffled[index].r;
      const out = evaluateCorrelations(load, events);
      expect(out.timestamp.field).toBe('UtcTime');
      const got = (name: string) =>
        out.results[byName.get(name)!].windows.map((w) => ({ user: w.group.User!, start: w.window.startMs, value: w.value, fired: w.fired, count: w.members.length }));
      const sortKey = (a: { user: string; start: number }, b: { user: string; start: number }) => (a.user < b.user ? -1 : a.user > b.user ? 1 : a.start - b.start);

      const count = expectedWindows(rows, ['whoami'], 60 * MIN, (m) => m.length, (v) => v! >= 3 && v! < 100);
      expect(got('whoami_burst')).toEqual(count.sort(sortKey));

      const distinctCmd = (m: Row[]) => new Set(m.map((r) => (r.kind === 'net' ? `net use ${r.cmd}` : r.cmd))).size;
      expect(got('recon_variety')).toEqual(expectedWindows(rows, ['whoami', 'net'], 30 * MIN, distinctCmd, (v) => v! >= 2).sort(sortKey));

      const kindsIn = (m: Row[]) => new Set(m.map((r) => r.kind)).size;
      expect(got('recon_together')).toEqual(expectedWindows(rows, ['whoami', 'net'], 5 * MIN, kindsIn, (v) => v! >= 2).sort(sortKey));

      const inOrder = (m: Row[]) => {
        const w = m.findIndex((r) => r.kind === 'whoami');
        return w < 0 ? 0 : m.slice(w + 1).some((r) => r.kind === 'net') ? 2 : 1;
      };
      expect(got('recon_in_order')).toEqual(expectedWindows(rows, ['whoami', 'net'], 5 * MIN, inOrder, (v) => v === 2).sort(sortKey));

      expect(got('whoami_alone')).toEqual(
        expectedWindows(rows, ['whoami', 'net'], 5 * MIN, kindsIn, (_, m) => m.some((r) => r.kind === 'whoami') && !m.some((r) => r.kind === 'net')).sort(sortKey),
      );

      const sum = (m: Row[]) => m.reduce((a, r) => a + r.port, 0);
      expect(got('port_sum')).toEqual(expectedWindows(rows, ['conn'], 60 * MIN, sum, (v) => v! > 10000).sort(sortKey));
      const avg = (m: Row[]) => sum(m) / m.length;
      const gotAvg = got('port_avg');
      const wantAvg = expectedWindows(rows, ['conn'], 60 * MIN, avg, (v) => v! >= 1000).sort(sortKey);
      expect(gotAvg.map((w) => ({ ...w, value: Math.round(w.value! * 1e6) }))).toEqual(wantAvg.map((w) => ({ ...w, value: Math.round(w.value! * 1e6) })));
      const p90 = (m: Row[]) => {
        const s = m.map((r) => r.port).sort((a, b) => a - b);
        // Nearest rank: the smallest value with at least 90% of the values at or below it.
        return s.find((_, i) => (i + 1) / s.length >= 0.9)!;
      };
      expect(got('port_p90')).toEqual(expectedWindows(rows, ['conn'], 60 * MIN, p90, (v) => v! >= 8000).sort(sortKey));

      // The chain: each fired burst is one occurrence at its last whoami; then an outbound connection within 10 minutes.
      const bursts = count.filter((w) => w.fired);
      const occurrences: Row[] = [];
      for (const b of bursts) {
        const members = rows.filter((r) => r.user === b.user && r.kind === 'whoami' && r.t >= b.start && r.t - b.start <= 60 * MIN);
        occurrences.push({ t: Math.max(...members.map((r) => r.t)), user: b.user, kind: 'other', port: 0, cmd: 'burst' });
      }
      const chainRows = [...occurrences.map((o) => ({ ...o, kind: 'whoami' as const, cmd: 'burst' })), ...rows.filter((r) => r.kind === 'conn')];
      const chainOrder = (m: Row[]) => {
        const w = m.findIndex((r) => r.cmd === 'burst');
        return w < 0 ? 0 : m.slice(w + 1).some((r) => r.kind === 'conn') ? 2 : 1;
      };
      // Ties at the same instant: occurrences sort before connections only by time, so keep the reference's input order stable.
      const wantChain = expectedWindows(chainRows, ['whoami', 'conn'], 10 * MIN, chainOrder, (v) => v === 2).sort(sortKey);
      expect(got('burst_then_outbound').map((w) => ({ ...w }))).toEqual(wantChain);

      // Every window lists exactly its members' events, and the events are base-rule matches.
      for (const r of out.results) {
        for (const w of r.windows) {
          for (const m of w.members) expect(w.events).toContain(m.index);
          if (r.name !== 'burst_then_outbound') for (const i of w.events) expect(rowOf(i).kind).not.toBe('other');
        }
      }
    });
  }
});

describe('evaluation edge cases', () => {
  it('no timestamp: an error and every correlation skipped with the reason', () => {
    const load = loadRules(fixture('every_type.yml'));
    const out = evaluateCorrelations(load, asEvents([{ Image: 'C:\\whoami.exe', User: 'a' }]));
    expect(out.diagnostics.map((d) => d.code)).toEqual(['no-timestamp']);
    expect(out.results.every((r) => r.skipped === 'no event timestamp')).toBe(true);
  });

  it('matches without a readable time are counted and left out', () => {
    const load = loadRules(fixture('every_type.yml'));
    const out = evaluateCorrelations(load, asEvents([
      { Image: 'C:\\whoami.exe', User: 'a', UtcTime: '2024-05-01 10:00:00' },
      { Image: 'C:\\whoami.exe', User: 'a', UtcTime: 'yesterday-ish' },
    ]), { timestampField: 'UtcTime' });
    expect(out.diagnostics.find((d) => d.code === 'event-without-timestamp')?.message).toMatch(/^1 base-rule match had no readable time/);
    expect(out.results[0].windows[0].events).toEqual([0]);
  });

  it('unresolved references skip the correlation, saying why', () => {
    const load = loadRules('title: C\ncorrelation:\n    type: event_count\n    rules: [missing]\n    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n');
    const out = evaluateCorrelations(load, asEvents([{ '@timestamp': iso(T0) }]));
    expect(out.results[0].skipped).toBe("unresolved rule reference 'missing'");
  });

  it('missing group-by values form their own group', () => {
    const load = loadRules(fixture('every_type.yml'));
    const rows = [0, 1, 2].map((i) => ({ Image: 'C:\\whoami.exe', UtcTime: iso(T0 + i * 1000) }));
    const burst = evaluateCorrelations(load, asEvents(rows)).results[0];
    expect(burst.windows).toMatchObject([{ group: { User: null }, value: 3, fired: true, events: [0, 1, 2] }]);
  });

  it('helpers', () => {
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 100)).toBe(4);
    expect(nearestRank([5], 1)).toBe(5);
    expect(nearestRank([], 50)).toBeNull();
    expect(orderedPrefix(['b', 'a', 'c', 'b'], ['a', 'b', 'c'])).toBe(2);
    expect(orderedPrefix(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(3);
  });
});
