import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { matchCommand } from './match.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'siglab-match-corr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EXAMPLE = fileURLToPath(new URL('../sigma/fixtures/correlation/failed_logins_followed_by_success.yml', import.meta.url));

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await matchCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

function events(rows: object[]): string {
  const p = path.join(dir, `events-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify(rows));
  return p;
}

const T0 = Date.UTC(2024, 4, 1, 10);
const rows = [
  ...Array.from({ length: 10 }, (_, i) => ({ EventID: 4625, User: 'alice', '@timestamp': new Date(T0 + i * 10_000).toISOString() })),
  { EventID: 4624, User: 'alice', '@timestamp': new Date(T0 + 180_000).toISOString() },
  { EventID: 4624, User: 'bob', '@timestamp': new Date(T0 + 180_000).toISOString() },
];

describe('siglab match with a correlation file', () => {
  it('--json lists the groups of every correlation', async () => {
    const r = await run(EXAMPLE, events(rows), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.timestamp).toBe('@timestamp');
    expect(out.events).toHaveLength(12);
    const fired = out.correlations.filter((c: { fired: boolean }) => c.fired);
    expect(fired.map((c: { rule: string; group: unknown }) => [c.rule, c.group])).toEqual([
      ['Correlation - Multiple Failed Logins Followed by Successful Login', { User: 'alice' }],
      ['Multiple failed logons', { User: 'alice' }],
    ]);
    expect(fired[0]).toMatchObject({ value: 2, events: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], window: { start: '2024-05-01T10:01:30.000Z', end: '2024-05-01T10:11:30.000Z' } });
    expect(out.correlations.find((c: { group: { User: string } }) => c.group.User === 'bob')).toMatchObject({ fired: false, events: [11] });
  });

  it('the human output lists the groups; --timestamp picks the field', async () => {
    const r = await run(EXAMPLE, events(rows.map((x) => ({ ...x, other: '2020-01-01T00:00:00Z' }))), '--timestamp', 'other');
    expect(r.code).toBe(0);
    // Every event now happens at the same instant (ties keep the input order), and the report says which field it read.
    expect(r.stdout).toContain('event time: other');
    expect(r.stdout).toMatch(/correlation multiple_failed_login \(event_count\): 1 of 1 group window fired/);
    const plain = await run(EXAMPLE, events(rows));
    expect(plain.stdout).toMatch(/FIRED {2}User=alice {2}2024-05-01T10:01:30.000Z \.\. 2024-05-01T10:11:30.000Z {2}value 2/);
  });

  it('events without any time: exit 1 with a no-timestamp error', async () => {
    const r = await run(EXAMPLE, events([{ EventID: 4625, User: 'x' }]), '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error no-timestamp/);
    expect(JSON.parse(r.stdout).correlations).toEqual([]);
  });
});
