import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  expectedEventSource,
  fieldsForLogsource,
  judgeEventSource,
  LOGSOURCE_CATEGORIES,
  LOGSOURCE_PRODUCTS,
  LOGSOURCE_SERVICES,
  SYSMON_CHANNEL,
  SYSMON_EVENT_FIELDS,
  WINDOWS_CATEGORIES,
  WINDOWS_SERVICES,
} from './taxonomy.ts';
import { CORPUS_FIELDS } from './taxonomy-fields.ts';

const PC = { product: 'windows', category: 'process_creation' };
const sysmon = (eventId?: number) => ({ channel: SYSMON_CHANNEL, eventId, provider: 'Microsoft-Windows-Sysmon' });

describe('expectedEventSource', () => {
  it('process_creation is Sysmon 1 or Security 4688', () => {
    const e = expectedEventSource(PC)!;
    expect(e.description).toBe('process_creation (Sysmon 1, Security 4688)');
    expect(e.alternatives.map((a) => [a.channels, a.eventIds])).toEqual([
      [[SYSMON_CHANNEL], [1]],
      [['Security'], [4688]],
    ]);
  });

  it('categories from the taxonomy appendix', () => {
    const ids = (category: string) => expectedEventSource({ product: 'windows', category })!.alternatives[0].eventIds;
    expect(ids('network_connection')).toEqual([3]);
    expect(ids('image_load')).toEqual([7]);
    expect(ids('registry_event')).toEqual([12, 13, 14]);
    expect(ids('registry_set')).toEqual([13]);
    expect(ids('pipe_created')).toEqual([17, 18]);
    expect(ids('dns_query')).toEqual([22]);
    expect(ids('file_delete')).toEqual([23, 26]);
    expect(ids('create_remote_thread')).toEqual([8]);
    expect(ids('process_access')).toEqual([10]);
    expect(ids('driver_load')).toEqual([6]);
    expect(ids('sysmon_error')).toEqual([255]);
    const ps = expectedEventSource({ product: 'windows', category: 'ps_script' })!;
    expect(ps.alternatives).toMatchObject([
      { channels: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'], eventIds: [4104] },
    ]);
    expect(expectedEventSource({ product: 'windows', category: 'ps_module' })!.alternatives[0].eventIds).toEqual([4103]);
    expect(expectedEventSource({ product: 'windows', category: 'ps_classic_start' })!.alternatives).toMatchObject([
      { channels: ['Windows PowerShell'], eventIds: [400] },
    ]);
    expect(expectedEventSource({ product: 'windows', category: 'file_access' })!.alternatives).toMatchObject([
      { channels: [], providers: ['Microsoft-Windows-Kernel-File'] },
    ]);
  });

  it('services map to channels, case-insensitively', () => {
    expect(expectedEventSource({ product: 'windows', service: 'security' })).toMatchObject({
      description: 'service security (channel Security)',
      alternatives: [{ channels: ['Security'] }],
    });
    expect(expectedEventSource({ product: 'Windows', service: 'PowerShell' })!.alternatives[0].channels).toEqual([
      'Microsoft-Windows-PowerShell/Operational',
      'PowerShellCore/Operational',
    ]);
    expect(expectedEventSource({ product: 'windows', service: 'windefend' })!.alternatives[0].channels).toEqual([
      'Microsoft-Windows-Windows Defender/Operational',
    ]);
    expect(expectedEventSource({ product: 'windows', service: 'taskscheduler' })!.alternatives[0].channels).toEqual([
      'Microsoft-Windows-TaskScheduler/Operational',
    ]);
  });

  it('a service narrows a category to the matching channel', () => {
    const e = expectedEventSource({ product: 'windows', category: 'process_creation', service: 'security' })!;
    expect(e.alternatives.map((a) => a.label)).toEqual(['Security']);
  });

  it('linux categories are Sysmon for Linux; cloud and unknown sources have none', () => {
    expect(expectedEventSource({ product: 'linux', category: 'process_creation' })!.alternatives).toMatchObject([
      { label: 'Sysmon for Linux', channels: ['Linux-Sysmon/Operational'], eventIds: [1] },
    ]);
    expect(expectedEventSource({ product: 'aws', service: 'cloudtrail' })).toBeUndefined();
    expect(expectedEventSource({ product: 'windows' })).toBeUndefined();
    expect(expectedEventSource({ product: 'windows', category: 'no_such_category' })).toBeUndefined();
    expect(expectedEventSource({})).toBeUndefined();
  });
});

describe('judgeEventSource', () => {
  it('Sysmon EventID 3 is another source for a process_creation rule, with the brief reason', () => {
    expect(judgeEventSource(PC, sysmon(3))).toEqual({
      verdict: 'other',
      reason: 'event is Sysmon EventID 3 (network_connection); rule expects process_creation (Sysmon 1, Security 4688)',
    });
  });

  it('Sysmon 1 and Security 4688 are the same source', () => {
    expect(judgeEventSource(PC, sysmon(1)).verdict).toBe('same');
    expect(judgeEventSource(PC, { channel: 'Security', eventId: 4688 }).verdict).toBe('same');
    expect(judgeEventSource(PC, { channel: 'security', eventId: 4688 }).verdict).toBe('same');
    expect(judgeEventSource(PC, { channel: 'WinEventLog:Security', eventId: 4688 }).verdict).toBe('same');
  });

  it('the right channel without an EventID is the same source', () => {
    expect(judgeEventSource(PC, { channel: SYSMON_CHANNEL }).verdict).toBe('same');
  });

  it('Security events of other categories are another source', () => {
    const r = judgeEventSource(PC, { channel: 'Security', eventId: 4624 });
    expect(r.verdict).toBe('other');
    expect(r.reason).toBe('event is Security EventID 4624; rule expects process_creation (Sysmon 1, Security 4688)');
  });

  it('events with no recognisable source are unknown', () => {
    expect(judgeEventSource(PC, {})).toEqual({ verdict: 'unknown' });
    expect(judgeEventSource(PC, { eventId: 3 })).toEqual({ verdict: 'unknown' });
    expect(judgeEventSource(PC, { provider: 'SomeVendorAgent' })).toEqual({ verdict: 'unknown' });
    expect(judgeEventSource({ product: 'windows' }, sysmon(3))).toEqual({ verdict: 'unknown' });
    expect(judgeEventSource({ product: 'aws', service: 'cloudtrail' }, {})).toEqual({ verdict: 'unknown' });
  });

  it('a provider alone decides when the channel is missing', () => {
    expect(judgeEventSource(PC, { provider: 'Microsoft-Windows-Sysmon', eventId: 1 }).verdict).toBe('same');
    const r = judgeEventSource(PC, { provider: 'Microsoft-Windows-Sysmon', eventId: 22 });
    expect(r).toEqual({ verdict: 'other', reason: 'event is Sysmon EventID 22 (dns_query); rule expects process_creation (Sysmon 1, Security 4688)' });
    expect(judgeEventSource({ product: 'windows', service: 'security' }, { provider: 'Microsoft-Windows-Sysmon', eventId: 1 }).verdict).toBe('other');
  });

  it('service rules accept any EventID on their channel', () => {
    const sec = { product: 'windows', service: 'security' };
    expect(judgeEventSource(sec, { channel: 'Security', eventId: 4624 }).verdict).toBe('same');
    const r = judgeEventSource(sec, sysmon(1));
    expect(r.verdict).toBe('other');
    expect(r.reason).toBe('event is Sysmon EventID 1 (process_creation); rule expects service security (channel Security)');
    expect(judgeEventSource({ product: 'windows', service: 'system' }, { channel: 'System', eventId: 7045 }).verdict).toBe('same');
  });

  it('an unfamiliar channel is another source for a rule that names its channel', () => {
    const r = judgeEventSource(PC, { channel: 'Microsoft-Windows-Foo/Operational', eventId: 1 });
    expect(r.verdict).toBe('other');
    expect(r.reason).toBe('event is EventID 1 from channel Microsoft-Windows-Foo/Operational; rule expects process_creation (Sysmon 1, Security 4688)');
  });

  it('PowerShell: 4103 is not a ps_script event', () => {
    const ps = { product: 'windows', category: 'ps_script' };
    expect(judgeEventSource(ps, { channel: 'Microsoft-Windows-PowerShell/Operational', eventId: 4104 }).verdict).toBe('same');
    expect(judgeEventSource(ps, { channel: 'PowerShellCore/Operational', eventId: 4104 }).verdict).toBe('same');
    expect(judgeEventSource(ps, { channel: 'Microsoft-Windows-PowerShell/Operational', eventId: 4103 }).verdict).toBe('other');
  });

  it('registry categories', () => {
    expect(judgeEventSource({ product: 'windows', category: 'registry_set' }, sysmon(13)).verdict).toBe('same');
    expect(judgeEventSource({ product: 'windows', category: 'registry_set' }, sysmon(12)).reason).toBe(
      'event is Sysmon EventID 12 (registry_add/registry_delete); rule expects registry_set (Sysmon 13, Security 4657)',
    );
    expect(judgeEventSource({ product: 'windows', category: 'registry_event' }, sysmon(14)).verdict).toBe('same');
  });

  it('ETW sources: a Sysmon event is another source for file_access', () => {
    const fa = { product: 'windows', category: 'file_access' };
    expect(judgeEventSource(fa, sysmon(11)).verdict).toBe('other');
    expect(judgeEventSource(fa, { provider: 'Microsoft-Windows-Kernel-File', eventId: 12 }).verdict).toBe('same');
  });

  it('a Windows event is another source for a rule of another product', () => {
    const r = judgeEventSource({ product: 'aws', service: 'cloudtrail' }, { channel: 'Security', eventId: 4624 });
    expect(r.verdict).toBe('other');
    expect(r.reason).toMatch(/rule expects product aws/);
    expect(judgeEventSource({ product: 'linux', category: 'process_creation' }, sysmon(1)).verdict).toBe('other');
    expect(judgeEventSource({ product: 'linux', category: 'process_creation' }, { channel: 'Linux-Sysmon/Operational', eventId: 1 }).verdict).toBe('same');
  });

  it('a rule without product accepts Windows and Linux sources of its category', () => {
    expect(judgeEventSource({ category: 'process_creation' }, sysmon(1)).verdict).toBe('same');
    expect(judgeEventSource({ category: 'process_creation' }, { channel: 'Linux-Sysmon/Operational', eventId: 1 }).verdict).toBe('same');
    expect(judgeEventSource({ category: 'process_creation' }, sysmon(3)).verdict).toBe('other');
  });
});

describe('completion lists and fields', () => {
  it('lists hold the taxonomy and corpus values, most used first, without duplicates', () => {
    expect(LOGSOURCE_PRODUCTS[0]).toBe('windows');
    expect(LOGSOURCE_CATEGORIES[0]).toBe('process_creation');
    for (const list of [LOGSOURCE_PRODUCTS, LOGSOURCE_CATEGORIES, LOGSOURCE_SERVICES]) {
      expect(new Set(list).size).toBe(list.length);
    }
    for (const c of Object.keys(WINDOWS_CATEGORIES)) expect(LOGSOURCE_CATEGORIES).toContain(c);
    for (const s of Object.keys(WINDOWS_SERVICES)) expect(LOGSOURCE_SERVICES).toContain(s);
    expect(LOGSOURCE_PRODUCTS).toContain('modsecurity');
    expect(LOGSOURCE_SERVICES).toContain('cloudtrail');
  });

  it('process_creation fields: corpus usage first, then the Sysmon schema and System fields', () => {
    const fields = fieldsForLogsource(PC);
    expect(fields.slice(0, 2)).toEqual(['CommandLine', 'Image']);
    for (const f of SYSMON_EVENT_FIELDS[1]) expect(fields).toContain(f);
    expect(fields).toContain('EventID');
    expect(fields).toContain('OriginalFileName');
    expect(new Set(fields).size).toBe(fields.length);
  });

  it('fields for other log sources', () => {
    expect(fieldsForLogsource({ product: 'windows', category: 'network_connection' })).toEqual(
      expect.arrayContaining(['DestinationIp', 'DestinationPort', 'Initiated', 'SourceIp']),
    );
    expect(fieldsForLogsource({ product: 'windows', category: 'ps_script' })).toContain('ScriptBlockText');
    expect(fieldsForLogsource({ product: 'windows', service: 'security' })).toContain('EventID');
    expect(fieldsForLogsource({ product: 'aws', service: 'cloudtrail' })).toContain('eventName');
    // Unknown category of a known product: the product's fields in general.
    expect(fieldsForLogsource({ product: 'aws', service: 'no_such_service' })).toContain('eventName');
    expect(fieldsForLogsource({})).toEqual([]);
  });
});

describe('corpus-derived data', () => {
  const root = path.resolve(__dirname, '../../../shared/sigma');
  const present = fs.existsSync(root);
  it.skipIf(!present)('CORPUS_FIELDS matches the SigmaHQ corpus (skipped when ../shared/sigma is absent)', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) files.push(p);
      }
    };
    fs.readdirSync(root).filter((d) => d.startsWith('rules')).forEach((d) => walk(path.join(root, d)));
    const byKey = new Map<string, Set<string>>();
    const collect = (body: unknown, out: Set<string>) => {
      if (Array.isArray(body)) body.forEach((b) => b && typeof b === 'object' && !Array.isArray(b) && collect(b, out));
      else if (body && typeof body === 'object') for (const k of Object.keys(body)) if (k.split('|')[0]) out.add(k.split('|')[0]);
    };
    for (const f of files) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
        const o = doc.toJS() as { detection?: Record<string, unknown>; logsource?: Record<string, unknown> } | null;
        if (!o?.detection || !o.logsource) continue;
        const ls = o.logsource;
        const key = [ls.product, ls.category, ls.service].map((v) => String(v ?? '').toLowerCase()).join('|');
        const set = byKey.get(key) ?? new Set<string>();
        for (const [k, v] of Object.entries(o.detection)) if (k !== 'condition' && k !== 'timeframe') collect(v, set);
        byKey.set(key, set);
      }
    }
    expect(new Set(Object.keys(CORPUS_FIELDS))).toEqual(new Set(byKey.keys()));
    for (const [key, set] of byKey) expect(new Set(CORPUS_FIELDS[key]), key).toEqual(set);
  });
  if (!present) it('corpus check skipped: ../shared/sigma is absent', () => expect(present).toBe(false));
});
