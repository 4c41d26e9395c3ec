import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from './run.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'siglab-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const RULE = file(
  'ports.yml',
  `title: Uncommon Destination Ports
logsource: {category: network_connection, product: windows}
detection:
    selection:
        Initiated: 'true'
        DestinationPort: [8080, 8888]
    filter_main_local_ranges:
        DestinationIp|cidr: ['10.0.0.0/8', 'fc00::/7']
    condition: selection and not 1 of filter_main_*
`,
);
const ROWS = file(
  'rows.csv',
  `Timestamp [UTC],ActionType,RemoteIP,RemotePort,LocalIP,LocalPort,InitiatingProcessFolderPath
2024-05-01T10:00:00Z,ConnectionSuccess,93.184.216.34,8080,10.0.0.5,50000,C:\\evil.exe
2024-05-01T10:01:00Z,ConnectionSuccess,fd00::1,8888,fe80::2,50001,C:\\evil.exe
2024-05-01T10:02:00Z,ConnectionSuccess,93.184.216.34,443,10.0.0.5,50002,C:\\evil.exe
`,
);

describe('siglab run', () => {
  it('compiles the rule for the target and judges each exported row', async () => {
    const r = await run(RULE, ROWS, '--target', 'defender-xdr');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^0\s+kept/);
    expect(lines[2]).toMatch(/^1\s+dropped.*ipv6_is_in_range/);
    expect(lines[3]).toMatch(/^2\s+dropped.*DestinationPort = 443/);
  });

  it('--json prints rows with explanations; a .kql query runs as written', async () => {
    const q = file('q.kql', 'DeviceNetworkEvents | where RemotePort == 8080');
    const r = await run(q, ROWS, '--target', 'defender-xdr', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.table).toBe('DeviceNetworkEvents');
    expect(out.rows.map((x: { kept: unknown }) => x.kept)).toEqual([true, false, false]);
    expect(out.summary).toEqual({ kept: 1, dropped: 2, undetermined: 0 });
  });

  it('--sigma-events compares the Sigma verdict with the KQL verdict', async () => {
    const ev = file('ev.ndjson', '{"Initiated":"true","DestinationPort":8080,"DestinationIp":"2001:db8::1"}\n{"Initiated":"true","DestinationPort":8080,"DestinationIp":"fd00::1"}\n');
    const r = await run(RULE, ev, '--target', 'sentinel-asim', '--sigma-events', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.events.map((e: { sigma: string; kql: unknown }) => [e.sigma, e.kql])).toEqual([['match', true], ['filtered', false]]);
  });

  it('exit 1 for a broken query, 2 for usage errors', async () => {
    const bad = file('bad.kql', 'DeviceNetworkEvents | where (');
    expect((await run(bad, ROWS, '--target', 'defender-xdr')).code).toBe(1);
    expect((await run(RULE, ROWS)).code).toBe(2);
    expect((await run(RULE, ROWS, '--target', 'nope')).code).toBe(2);
    expect((await run(RULE, '--target', 'defender-xdr')).code).toBe(2);
  });
});
