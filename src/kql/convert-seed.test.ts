/**
 * The "Communication To Uncommon Destination Ports" rule, loaded from SigmaHQ's YAML by the real
 * loader and compiled for every real target: each query must mean outbound, ports 8080/8888 as
 * typed ints, not in any listed IPv4 range (ipv4_is_in_range) or IPv6 range (ipv6_is_in_range),
 * null-safe under the negation, and not a process under C:\Program Files\ or (x86).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../sigma/load.ts';
import { compileRule } from './compile.ts';
import { loadKustoLanguageService } from './validate.ts';
import { getTarget } from '../targets/index.ts';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/sigma/rules/windows/network_connection/net_connection_win_susp_malware_callback_ports_uncommon.yml');
const present = existsSync(file);
if (!present) console.warn(`seed-rule test skipped: ${file} not found`);

const V4 = ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];
const V6 = ['::1/128', 'fe80::/10', 'fc00::/7'];

describe.skipIf(!present)('uncommon destination ports rule', () => {
  beforeAll(async () => {
    await loadKustoLanguageService();
  });

  const compile = (id: string) => {
    const { rules, diagnostics } = loadRules(readFileSync(file, 'utf8'));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const res = compileRule(rules[0], id);
    expect(res.diagnostics.filter((d) => d.severity !== 'info'), res.query).toEqual([]);
    expect(res.ok).toBe(true);
    return res.query.slice(res.query.indexOf('\n| '));
  };

  /** Checks the shared meaning; `ip` and `port` are the column or extend names the target uses. */
  function checkCommon(q: string, ip: string, port: string): void {
    expect(q).toMatch(new RegExp(`\\b${port} in \\(8080, 8888\\)`));
    expect(q).not.toMatch(/"8080"/);
    const negation = q.slice(q.indexOf('not('));
    for (const r of V4) expect(negation).toContain(`ipv4_is_in_range(${ip}, "${r}") == true`);
    for (const r of V6) expect(negation).toContain(`ipv6_is_in_range(${ip}, "${r}") == true`);
    expect(q).not.toMatch(/ipv4_is_in_range\([^)]*"[^"]*:[^"]*"\)/);
    expect(q).not.toMatch(/ipv6_is_in_range\([^)]*"\d+\.\d+\.\d+\.\d+\/\d+"\)/);
    expect(q).toContain('startswith @"C:\\Program Files\\"');
    expect(q).toContain('startswith @"C:\\Program Files (x86)\\"');
    expect(q).toMatch(/not\(\s*[\w.()]+ startswith @"C:\\Program Files\\"/);
  }

  it('sentinel-asim: imNetworkSession, NetworkDirection == "Outbound"', () => {
    const q = compile('sentinel-asim');
    expect(q).toContain('NetworkDirection == "Outbound"');
    checkCommon(q, 'DstIpAddr', 'DstPortNumber');
  });

  it('defender-xdr: DeviceNetworkEvents, outbound ActionTypes', () => {
    expect(getTarget('defender-xdr')).toBeDefined();
    const q = compile('defender-xdr');
    expect(q).toMatch(/ActionType in \("ConnectionSuccess", "ConnectionFailed", "ConnectionRequest"\)/);
    const ip = /ipv4_is_in_range\(([^,]+), "10\.0\.0\.0\/8"\)/.exec(q)![1];
    const port = /(\w+) in \(8080, 8888\)/.exec(q)![1];
    checkCommon(q, ip, port);
  });

  it('azure-monitor: Sysmon event 3', () => {
    const q = compile('azure-monitor');
    expect(q).toMatch(/EventID == 3\b/);
    expect(q).toMatch(/Initiated =~ "true"|Initiated == true/);
    const ip = /ipv4_is_in_range\(([^,]+), "10\.0\.0\.0\/8"\)/.exec(q)![1];
    const port = /(\w+) in \(8080, 8888\)/.exec(q)![1];
    checkCommon(q, ip, port);
  });
});
