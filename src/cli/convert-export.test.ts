import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKustoLanguageService } from '../kql/validate.ts';
import { exportText } from './convert-export.ts';
import { main } from './main.ts';

const RULE = path.resolve(__dirname, '../../tests/rules/whoami-discovery.yml');

async function convert(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['convert', ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  await loadKustoLanguageService();
});

describe('exportText', () => {
  const text = readFileSync(RULE, 'utf8');

  it('writes one Sentinel YAML document per rule', () => {
    const two = `${text}---\n${text.replace('Account Discovery With Whoami', 'Second').replace(/^id: .*$/m, 'id: 6e3b7d9f-5a2c-4d4b-8f8e-3c9a2b7d5e01')}`;
    const r = exportText(two, 'sentinel-rule', 'sentinel-asim', {});
    expect(r.ok).toBe(true);
    const docs = parseAllDocuments(r.output);
    expect(Array.isArray(docs) && docs.map((d) => d.toJS().name)).toEqual(['Account Discovery With Whoami', 'Second']);
  });

  it('writes the Defender Graph body as JSON', () => {
    const r = exportText(text, 'defender-detection', 'defender-xdr', {});
    expect(r.ok).toBe(true);
    expect(JSON.parse(r.output)).toMatchObject({ displayName: 'Account Discovery With Whoami', schedule: { period: '1H' } });
  });

  it('fails files without rules or with rules the target cannot express', () => {
    expect(exportText('title: x\n', 'sentinel-rule', 'sentinel-asim', {}).ok).toBe(false);
    const linux = 'title: L\nlogsource: {product: linux, service: auditd}\ndetection:\n  sel: {type: EXECVE}\n  condition: sel\n';
    const r = exportText(linux, 'defender-detection', 'defender-xdr', {});
    expect(r.ok).toBe(false);
    expect(r.rules[0].diagnostics[0].code).toBe('unsupported-logsource');
  });
});

describe('siglab convert --format', () => {
  it('exports a Sentinel analytics rule', async () => {
    const r = await convert(RULE, '--target', 'sentinel-asim', '--format', 'sentinel-rule');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^id: 5d2a6c8e-4f1b-4c3a-9e7d-2b8f1a6c4d90$/m);
    expect(r.stdout).toMatch(/^kind: Scheduled$/m);
  });

  it('exports a Defender custom detection (target defender-xdr implied)', async () => {
    const r = await convert(RULE, '--format=defender-detection');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).queryCondition.queryText).toMatch(/project-reorder Timestamp, DeviceId, ReportId/);
  });

  it('writes one JSON line per file with --json', async () => {
    const r = await convert(RULE, '--target', 'azure-monitor', '--format', 'sentinel-rule', '--json');
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout);
    expect(line).toMatchObject({ ok: true, format: 'sentinel-rule' });
    expect(line.output).toMatch(/connectorId: WindowsForwardedEvents|connectorId: SecurityEvents/);
  });

  it('exits 1 when a rule cannot be exported', async () => {
    const r = await convert(path.resolve(__dirname, '../../tests/ssh-root-login.sigma-test.yml'), '--format', 'defender-detection');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error unsupported-logsource/);
  });

  it('rejects unknown formats and conflicting targets as usage errors', async () => {
    const r = await convert(RULE, '--target', 'sentinel-asim', '--format', 'splunk');
    expect(r.code).toBe(2);
    const conflict = await convert(RULE, '--target', 'sentinel-asim', '--format', 'defender-detection');
    expect(conflict.code).toBe(2);
  });
});
