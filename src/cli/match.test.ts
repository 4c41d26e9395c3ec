import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { matchCommand } from './match.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'siglab-match-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await matchCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const RULE = file(
  'ports.yml',
  `title: Uncommon Destination Ports
logsource:
    category: network_connection
    product: windows
detection:
    selection:
        Initiated: 'true'
        DestinationPort:
            - 8080
            - 8888
    filter_main_local_ranges:
        DestinationIp|cidr:
            - '10.0.0.0/8'
            - 'fc00::/7'
    condition: selection and not 1 of filter_main_*
`,
);
const EVENTS = file(
  'events.json',
  JSON.stringify([
    { Initiated: 'true', DestinationPort: 8080, DestinationIp: '8.8.8.8' },
    { Initiated: 'true', DestinationPort: 8080, DestinationIp: '10.0.0.1' },
    { Initiated: 'true', DestinationPort: 443, DestinationIp: '8.8.8.8' },
  ]),
);

describe('siglab match', () => {
  it('prints one line per event with verdict and reason', async () => {
    const r = await run(RULE, EVENTS);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^index\s+verdict\s+reason$/);
    expect(lines[1]).toMatch(/^0\s+match\s+matched selection \(Initiated true = true, DestinationPort 8080 = 8080\)$/);
    expect(lines[2]).toMatch(/^1\s+filtered\s+filtered by filter_main_local_ranges \(DestinationIp 10\.0\.0\.1 in 10\.0\.0\.0\/8\)/);
    expect(lines[3]).toMatch(/^2\s+nomatch\s+no match: selection \(DestinationPort 443 ≠ 8080\|8888\)$/);
    expect(lines.at(-1)).toBe('3 events: 1 match, 1 filtered, 1 nomatch');
  });

  it('--json prints events with reasons and explanation trees, and a summary', async () => {
    const r = await run(RULE, EVENTS, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toEqual({ match: 1, filtered: 1, nomatch: 1 });
    expect(out.events.map((e: { index: number; verdict: string }) => [e.index, e.verdict])).toEqual([
      [0, 'match'],
      [1, 'filtered'],
      [2, 'nomatch'],
    ]);
    expect(out.events[1].filteredBy).toEqual(['filter_main_local_ranges']);
    expect(out.events[0].explanation).toMatchObject({ kind: 'rule', result: true });
    expect(Array.isArray(out.events[0].reasons)).toBe(true);
  });

  it('exit 2 on usage errors', async () => {
    expect((await run()).code).toBe(2);
    expect((await run(RULE)).code).toBe(2);
    expect((await run(RULE, EVENTS, '--frobnicate')).code).toBe(2);
  });

  it('exit 1 when a file cannot be read', async () => {
    const r = await run(RULE, path.join(dir, 'missing.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.json');
    expect((await run(path.join(dir, 'missing.yml'), EVENTS)).code).toBe(1);
  });

  it('exit 1 when the rule has errors, reported as file:line:col', async () => {
    const broken = file('broken.yml', 'title: Broken\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Image|endswit: x.exe\n  condition: sel and missing\n');
    const r = await run(broken, EVENTS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.yml:\d+:\d+: error \S+ /);
  });

  it('exit 1 when the events cannot be read', async () => {
    const bad = file('bad.json', '[{"Initiated": "true",');
    const r = await run(RULE, bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.json:\d+:\d+: error /);
  });

  it('--placeholders resolves expand placeholders; without it the rule is in error', async () => {
    const rule = file('ph.yml', "title: DC logon\nlogsource:\n  product: windows\n  service: security\ndetection:\n  sel:\n    Computer|expand: '%DomainControllers%'\n  condition: sel\n");
    const events = file('ph.json', JSON.stringify([{ Computer: 'DC01.corp' }, { Computer: 'WS01.corp' }]));
    const without = await run(rule, events, '--json');
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('DomainControllers');
    const values = file('ph-values.yml', 'DomainControllers:\n  - DC*\n');
    const withValues = await run(rule, events, '--json', '--placeholders', values);
    expect(withValues.code).toBe(0);
    expect(JSON.parse(withValues.stdout).events.map((e: { verdict: string }) => e.verdict)).toEqual(['match', 'nomatch']);
  });
});
