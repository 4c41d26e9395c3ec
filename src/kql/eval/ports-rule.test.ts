/**
 * "Communication To Uncommon Destination Ports" compiled for each target and run over
 * hand-written rows (IPv4 and IPv6, public and private, Program Files and not): the expected
 * kept/dropped rows hold under every documented reading of nulls (no row is undetermined).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../sigma/load.ts';
import { compileRule } from '../compile.ts';
import { runKql } from './run.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const file = path.resolve(root, '../shared/sigma/rules/windows/network_connection/net_connection_win_susp_malware_callback_ports_uncommon.yml');
const present = existsSync(file);
if (!present) console.warn(`ports-rule test skipped: ${file} not found`);

interface Case {
  name: string;
  ip: string;
  port: number;
  image: string;
  outbound: boolean;
  kept: boolean;
}

const CASES: Case[] = [
  { name: 'public IPv4 on 8080', ip: '93.184.216.34', port: 8080, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: true },
  { name: 'public IPv6 on 8888', ip: '2001:db8:85a3::8a2e:370:7334', port: 8888, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: true },
  { name: 'private IPv4 10/8', ip: '10.1.2.3', port: 8080, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: false },
  { name: 'private IPv4 172.16/12', ip: '172.31.255.1', port: 8080, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: false },
  { name: 'IPv4 just outside 172.16/12', ip: '172.32.0.1', port: 8080, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: true },
  { name: 'IPv6 loopback', ip: '::1', port: 8080, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: false },
  { name: 'IPv6 link-local', ip: 'fe80::1', port: 8080, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: false },
  { name: 'IPv6 unique local', ip: 'fd12:3456::1', port: 8888, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: false },
  { name: 'other port', ip: '93.184.216.34', port: 443, image: 'C:\\Users\\x\\evil.exe', outbound: true, kept: false },
  { name: 'Program Files process', ip: '93.184.216.34', port: 8080, image: 'C:\\Program Files\\App\\app.exe', outbound: true, kept: false },
  { name: 'Program Files (x86) process, IPv6', ip: '2606:4700::1111', port: 8080, image: 'C:\\Program Files (x86)\\App\\app.exe', outbound: true, kept: false },
  { name: 'inbound', ip: '93.184.216.34', port: 8080, image: 'C:\\Users\\x\\evil.exe', outbound: false, kept: false },
];

const ROWS = {
  'sentinel-asim': (c: Case) => ({
    imNetworkSession: {
      NetworkDirection: c.outbound ? 'Outbound' : 'Inbound',
      DstPortNumber: c.port,
      DstIpAddr: c.ip,
      SrcIpAddr: c.ip.includes(':') ? 'fe80::2' : '192.168.1.5',
      [c.outbound ? 'SrcProcessName' : 'DstProcessName']: c.image,
    },
  }),
  'defender-xdr': (c: Case) => ({
    DeviceNetworkEvents: c.outbound
      ? { ActionType: 'ConnectionSuccess', RemoteIP: c.ip, RemotePort: String(c.port), LocalIP: '192.168.1.5', LocalPort: '50000', InitiatingProcessFolderPath: c.image }
      : { ActionType: 'InboundConnectionAccepted', LocalIP: c.ip, LocalPort: String(c.port), RemoteIP: '203.0.113.9', RemotePort: '50000', InitiatingProcessFolderPath: c.image },
  }),
  'azure-monitor': (c: Case) => ({
    WindowsEvent: {
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventID: 3,
      EventData: JSON.stringify({ Initiated: c.outbound ? 'true' : 'false', DestinationPort: String(c.port), DestinationIp: c.ip, Image: c.image }),
    },
  }),
} as const;

describe.skipIf(!present)('the uncommon-destination-ports rule over hand-written target rows', () => {
  const rule = present ? loadRules(readFileSync(file, 'utf8')).rules[0] : undefined;
  for (const [target, make] of Object.entries(ROWS)) {
    it(`${target}: kept/dropped as expected under every reading, IPv4 and IPv6`, () => {
      const compiled = compileRule(rule!, target, { validate: false });
      expect(compiled.ok, compiled.diagnostics.map((d) => d.message).join('\n')).toBe(true);
      const table = compiled.table!;
      const rows = CASES.map((c) => Object.values(make(c))[0] as Record<string, unknown>);
      const res = runKql(compiled.query, { [table]: rows }, { target });
      expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      CASES.forEach((c, i) => {
        const v = res.rows.find((r) => r.index === i)!;
        expect(v.kept, `${c.name}: ${v.explanation.summary}`).toBe(c.kept);
        // Every reading the row reached gave the same verdict.
        for (const r of v.explanation.readings ?? []) expect(r.kept, `${c.name} under ${JSON.stringify(r.reading)}`).toBe(c.kept);
      });
      // The rows did reach open questions (e.g. ipv6_is_in_range on IPv4 text), so the
      // verdicts above hold under several readings, not under one guess.
      expect(res.rows.some((r) => (r.explanation.readings?.length ?? 0) > 1)).toBe(true);
    });
  }

  it('a negation that depends on ipv4_is_in_range(IPv6) is undetermined, not guessed', () => {
    const q = 'T | where not(ipv4_is_in_range(Ip, "10.0.0.0/8") or ipv6_is_in_range(Ip, "fc00::/7"))';
    const res = runKql(q, { T: [{ Ip: '2001:db8::1' }, { Ip: '10.0.0.1' }, { Ip: '8.8.8.8' }] }, { schemas: { T: { Ip: 'string' } } });
    expect(res.rows.map((r) => r.kept)).toEqual(['undetermined', false, 'undetermined']);
    const ex = res.rows[0].explanation;
    expect(ex.summary).toMatch(/undetermined: depends on a null reading/);
    expect(ex.readings!.some((r) => r.kept) && ex.readings!.some((r) => !r.kept)).toBe(true);
    expect(ex.readings![0].choices[0].range.startLine).toBe(1);
  });
});
