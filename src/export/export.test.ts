import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseDocument, isMap, isScalar } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { attackTactic } from '../attack/attack.ts';
import { loadKustoLanguageService, validateKql } from '../kql/validate.ts';
import { loadRules } from '../sigma/load.ts';
import type { SigmaRule } from '../sigma/model.ts';
import { getTarget } from '../targets/index.ts';
import { microsoftTactic, sentinelSeverity, stableRuleGuid } from './common.ts';
import { exportDefenderDetection } from './defender-detection.ts';
import { exportSentinelRule } from './sentinel-rule.ts';

const SIGMA = path.resolve(__dirname, '../../../shared/sigma');
const RULES = [
  'rules/windows/process_creation/proc_creation_win_whoami_all_execution.yml',
  'rules/windows/network_connection/net_connection_win_susp_malware_callback_ports_uncommon.yml',
  'rules/windows/registry/registry_set/registry_set_dsrm_tampering.yml',
  'rules/windows/file/file_event/file_event_win_susp_lnk_double_extension.yml',
  'rules/windows/builtin/security/win_security_account_backdoor_dcsync_rights.yml',
  'rules/cloud/azure/signin_logs/azure_account_lockout.yml',
];
const SENTINEL_KEYS = ['id', 'name', 'description', 'severity', 'status', 'requiredDataConnectors', 'queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold', 'tactics', 'relevantTechniques', 'query', 'entityMappings', 'version', 'kind'];

function load(rel: string): SigmaRule {
  const r = loadRules(readFileSync(path.join(SIGMA, rel), 'utf8'));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.rules[0];
}

function tagTactics(rule: SigmaRule): string[] {
  return [...new Set(rule.tags.map((t) => (t.startsWith('attack.') ? attackTactic(t.slice(7)) : undefined)).filter((t) => t).map((t) => microsoftTactic(t!)!))];
}
function tagTechniques(rule: SigmaRule): string[] {
  return rule.tags.filter((t) => /^attack\.t\d{4}(\.\d{3})?$/i.test(t)).map((t) => t.slice(7).toUpperCase());
}

beforeAll(async () => {
  await loadKustoLanguageService();
});

describe.skipIf(!existsSync(SIGMA))('exports of SigmaHQ rules', () => {
  for (const rel of RULES) {
    it(`Sentinel analytics rule: ${path.basename(rel)}`, () => {
      const rule = load(rel);
      const target = rel.includes('/builtin/security/') || rel.includes('/cloud/') ? 'azure-monitor' : 'sentinel-asim';
      const out = exportSentinelRule(rule, { target });
      expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(out.ok).toBe(true);
      const doc = parseDocument(out.yaml);
      expect(doc.errors).toEqual([]);
      expect(isMap(doc.contents) && doc.contents.items.map((p) => (isScalar(p.key) ? p.key.value : undefined))).toEqual(SENTINEL_KEYS);
      const y = parse(out.yaml);
      expect(y).toEqual(JSON.parse(JSON.stringify(out.rule)));
      expect(y.id).toBe(rule.id);
      expect(y.name).toBe(rule.title);
      expect(y.description).toBe(rule.description?.trim());
      expect(y.severity).toBe(sentinelSeverity(rule.level));
      expect(y.kind).toBe('Scheduled');
      expect(y.version).toBe('1.0.0');
      expect(y).toMatchObject({ queryFrequency: '1h', queryPeriod: '1h', triggerOperator: 'gt', triggerThreshold: 0 });
      expect(y.requiredDataConnectors.length).toBeGreaterThan(0);
      for (const c of y.requiredDataConnectors) expect(c).toEqual({ connectorId: expect.any(String), dataTypes: [expect.any(String)] });
      expect([...y.tactics].sort()).toEqual(tagTactics(rule).sort());
      expect(y.tactics.length).toBeGreaterThan(0);
      for (const t of tagTechniques(rule)) {
        expect(y.relevantTechniques).toContain(t);
        if (t.includes('.')) expect(y.relevantTechniques).toContain(t.split('.')[0]);
      }
      const tables = getTarget(target)!.tables;
      expect(validateKql(y.query, tables).filter((d) => d.severity === 'error')).toEqual([]);
      expect(y.query).not.toMatch(/^\/\/ id:/m);
      expect(y.entityMappings.length).toBeGreaterThan(0);
      const schema = tables[out.table!];
      for (const m of y.entityMappings) for (const f of m.fieldMappings) expect(Object.hasOwn(schema, f.columnName)).toBe(true);
    });
  }

  for (const rel of RULES.slice(0, 4)) {
    it(`Defender custom detection: ${path.basename(rel)}`, () => {
      const rule = load(rel);
      const out = exportDefenderDetection(rule);
      expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const j = JSON.parse(out.json);
      expect(j).toEqual(JSON.parse(JSON.stringify(out.rule)));
      expect(j.displayName).toBe(rule.title);
      expect(j.isEnabled).toBe(true);
      expect(j.schedule).toEqual({ period: '1H' });
      expect(j.queryCondition.queryText).toMatch(/\n\| project-reorder Timestamp, DeviceId, ReportId\n$/);
      expect(validateKql(j.queryCondition.queryText, getTarget('defender-xdr')!.tables).filter((d) => d.severity === 'error')).toEqual([]);
      const t = j.detectionAction.alertTemplate;
      expect(t.title).toBe(rule.title);
      expect(['informational', 'low', 'medium', 'high']).toContain(t.severity);
      expect(t.mitreTechniques).toEqual(tagTechniques(rule));
      expect(t.category).toBe(tagTactics(rule)[0]);
      expect(t.impactedAssets[0]).toEqual({ '@odata.type': '#microsoft.graph.security.impactedDeviceAsset', identifier: 'deviceId' });
      expect(j.detectionAction.responseActions).toEqual([]);
    });
  }
});

describe('export details', () => {
  const rule = (extra: string) =>
    loadRules(`title: T\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: '\\x.exe'}\n  condition: sel\n${extra}`).rules[0];

  it('derives a stable GUID when the rule has no id', () => {
    const a = stableRuleGuid(rule(''));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableRuleGuid(rule(''))).toBe(a);
    expect(stableRuleGuid(rule('level: high\n'))).toBe(a);
    expect(exportSentinelRule(rule('')).diagnostics.map((d) => d.code)).toContain('sentinel-derived-id');
  });

  it('maps v19 tactics and levels the way Microsoft spells them', () => {
    const r = exportSentinelRule(rule('level: critical\ntags: [attack.stealth, attack.defense-impairment, attack.t1685.001, attack.command-and-control]\n'));
    expect(r.rule.tactics).toEqual(['DefenseEvasion', 'CommandAndControl']);
    expect(r.rule.relevantTechniques).toEqual(['T1685', 'T1685.001']);
    expect(r.rule.severity).toBe('High');
  });

  it('uses the timeframe as query period and checks durations', () => {
    const tf = loadRules(`title: T\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image: x}\n  timeframe: 2h\n  condition: sel\n`).rules[0];
    expect(exportSentinelRule(tf).rule.queryPeriod).toBe('2h');
    expect(exportSentinelRule(tf, { queryFrequency: 'soon' }).ok).toBe(false);
    expect(exportSentinelRule(tf, { queryPeriod: '20d' }).diagnostics.map((d) => d.code)).toContain('sentinel-invalid-duration');
  });

  it('fails exports whose query does not compile', () => {
    const linux = loadRules('title: L\nlogsource: {product: linux, service: auditd}\ndetection:\n  sel: {type: EXECVE}\n  condition: sel\n').rules[0];
    expect(exportDefenderDetection(linux).ok).toBe(false);
    expect(exportDefenderDetection(linux).diagnostics[0].code).toBe('unsupported-logsource');
    expect(exportDefenderDetection(rule(''), { period: '2H' as '1H' }).ok).toBe(false);
  });
});

describe.skipIf(!existsSync(SIGMA))('exports over a sample of the SigmaHQ windows corpus', () => {
  it('every rule that compiles exports with its ATT&CK tags and a query the language service accepts', async () => {
    const { readdirSync, statSync } = await import('node:fs');
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d).sort()) {
        const p = path.join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.yml')) files.push(p);
      }
    };
    walk(path.join(SIGMA, 'rules/windows'));
    const sample = files.filter((_, i) => i % 25 === 0);
    let exported = 0;
    for (const file of sample) {
      const loaded = loadRules(readFileSync(file, 'utf8'));
      const rule = loaded.rules[0];
      if (!rule || loaded.diagnostics.some((d) => d.severity === 'error')) continue;
      for (const target of ['sentinel-asim', 'defender-xdr'] as const) {
        const s = exportSentinelRule(rule, { target });
        const compileErrors = s.diagnostics.filter((d) => d.severity === 'error');
        if (compileErrors.length) {
          // A rule the target cannot express fails the export for the compiler's reason, never silently.
          expect(s.ok).toBe(false);
          continue;
        }
        exported++;
        expect([...s.rule.tactics].sort(), file).toEqual(tagTactics(rule).sort());
        for (const t of tagTechniques(rule)) expect(s.rule.relevantTechniques).toContain(t);
        expect(validateKql(s.rule.query, getTarget(target)!.tables).filter((d) => d.severity === 'error'), file).toEqual([]);
        if (target === 'defender-xdr') {
          const d = exportDefenderDetection(rule);
          expect(d.ok, file).toBe(true);
          expect(d.rule.detectionAction.alertTemplate.mitreTechniques).toEqual(tagTechniques(rule));
        }
      }
    }
    expect(exported).toBeGreaterThan(120);
  });
});
