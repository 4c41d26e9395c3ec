/**
 * The shared target suite: every target's data is checked the same way — tables and types,
 * logsource mappings and their fixed predicates, every field mapping (columns exist, types agree,
 * expressions bind in the Kusto language service), the Sigma fields SigmaHQ's Windows rules use
 * most, and the copy of the reference schemas.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadKustoLanguageService, validateKql } from '../kql/validate.ts';
import { runKql } from '../kql/eval/run.ts';
import { TARGETS, getTarget } from './index.ts';
import { findLogsourceMapping, lookupField, mappingColumns } from './lookup.ts';
import { KQL_TYPES, type FieldMapping, type FixedPredicate, type KqlType, type LogsourceMapping, type TargetDefinition } from './types.ts';

const SHARED = join(process.cwd(), '..', 'shared');
const NUMERIC: ReadonlySet<KqlType> = new Set(['int', 'long', 'real', 'decimal']);

function literal(v: string | number | boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** KQL for a fixed predicate, as a compiler would write it (literals typed by the value). */
function predicateKql(p: FixedPredicate): string {
  if ('kql' in p) return `(${p.kql})`;
  const values = Array.isArray(p.value) ? p.value : [p.value];
  if (p.op.includes('in')) return `${p.column} ${p.op} (${values.map(literal).join(', ')})`;
  return `${p.column} ${p.op} ${literal(values[0])}`;
}

/** A scalar KQL expression reading a mapping (the first column for multi-column forms). */
function fieldExpressions(mapping: FieldMapping): { kql: string; type?: KqlType }[] {
  if (typeof mapping === 'string') return [{ kql: mapping }];
  if ('unsupported' in mapping) return [];
  if ('anyOf' in mapping) return mapping.anyOf.map((c) => ({ kql: c }));
  if ('expression' in mapping) return [{ kql: `(${mapping.expression})`, type: mapping.type }];
  if ('hashes' in mapping) return [...Object.values(mapping.hashes), ...(mapping.column ? [mapping.column] : [])].map((c) => ({ kql: c }));
  if ('values' in mapping) return mapping.column ? [{ kql: mapping.column }] : [];
  return [{ kql: mapping.column, type: mapping.type }];
}

function predicatesOf(mapping: FieldMapping): FixedPredicate[] {
  return typeof mapping === 'object' && 'values' in mapping ? Object.values(mapping.values).flat() : [];
}

function typeCheckPredicate(t: TargetDefinition, table: string, p: FixedPredicate): string[] {
  const cols = t.tables[table];
  if ('kql' in p) return (p.columns ?? []).filter((c) => !Object.hasOwn(cols, c)).map((c) => `${table}: raw predicate reads missing column ${c}`);
  const problems: string[] = [];
  const type = cols[p.column];
  if (!type) return [`${table}: predicate on missing column ${p.column}`];
  const values = Array.isArray(p.value) ? p.value : [p.value];
  if (p.op.includes('in') !== Array.isArray(p.value)) problems.push(`${table}.${p.column}: op ${p.op} with ${Array.isArray(p.value) ? 'an array' : 'a scalar'}`);
  if (p.op.includes('~') && type !== 'string') problems.push(`${table}.${p.column}: case-insensitive ${p.op} on ${type}`);
  for (const v of values) {
    const ok = NUMERIC.has(type) ? typeof v === 'number' : type === 'bool' ? typeof v === 'boolean' : type === 'string' ? typeof v === 'string' : false;
    if (!ok) problems.push(`${table}.${p.column} (${type}) compared with ${JSON.stringify(v)}`);
  }
  return problems;
}

/** Problems with one field mapping on one table (empty when fine). */
function checkMapping(t: TargetDefinition, table: string, field: string, mapping: FieldMapping): string[] {
  const cols = t.tables[table];
  const where = `${t.id} ${table}.${field}`;
  if (typeof mapping === 'object' && 'unsupported' in mapping) {
    return mapping.unsupported.trim().length < 20 ? [`${where}: unsupported without a useful reason`] : [];
  }
  const problems = mappingColumns(mapping)
    .filter((c) => !Object.hasOwn(cols, c))
    .map((c) => `${where}: column ${c} does not exist`);
  if (typeof mapping === 'object' && 'anyOf' in mapping) {
    const families = new Set(mapping.anyOf.map((c) => (NUMERIC.has(cols[c]) ? 'number' : cols[c])));
    if (families.size > 1) problems.push(`${where}: anyOf columns of different types ${[...families].join(', ')}`);
    if (mapping.anyOf.length < 2) problems.push(`${where}: anyOf with fewer than two columns`);
  }
  if (typeof mapping === 'object' && 'expression' in mapping && !KQL_TYPES.includes(mapping.type)) problems.push(`${where}: unknown type ${mapping.type}`);
  if (typeof mapping === 'object' && 'values' in mapping) {
    for (const [k, preds] of Object.entries(mapping.values)) {
      if (k !== k.toLowerCase()) problems.push(`${where}: value key ${k} is not lower-case`);
      if (preds.length === 0) problems.push(`${where}: value ${k} maps to no predicate`);
      for (const p of preds) problems.push(...typeCheckPredicate(t, table, p).map((s) => `${where}: ${s}`));
    }
  }
  if (typeof mapping === 'object' && 'hashes' in mapping) {
    for (const algo of Object.keys(mapping.hashes)) if (!['md5', 'sha1', 'sha256', 'sha512', 'imphash'].includes(algo)) problems.push(`${where}: unknown hash algorithm ${algo}`);
  }
  return problems;
}

/** Every (table, field, mapping) a target can produce, with the logsource it belongs to. */
function* allMappings(t: TargetDefinition): Generator<{ m?: LogsourceMapping; table: string; field: string; mapping: FieldMapping }> {
  for (const m of t.logsources) {
    if (m.unsupported) continue;
    for (const [field, mapping] of Object.entries(m.fields ?? {})) yield { m, table: m.table, field, mapping };
    // Generic mappings apply on a table only when every column they read exists there.
    for (const [field, mapping] of Object.entries(t.fields)) {
      if (m.fields && Object.hasOwn(m.fields, field)) continue;
      if (mappingColumns(mapping).every((c) => Object.hasOwn(t.tables[m.table], c))) yield { m, table: m.table, field, mapping };
    }
  }
}

/** The Sigma fields SigmaHQ Windows rules use most, per logsource (counted over rules/windows). */
const FREQUENT_FIELDS: Record<string, string[]> = {
  process_creation: ['Image', 'CommandLine', 'OriginalFileName', 'ParentImage', 'Description', 'ParentCommandLine', 'Product', 'Hashes', 'IntegrityLevel', 'Company', 'User', 'CurrentDirectory', 'ParentUser', 'LogonId', 'FileVersion'],
  registry_set: ['TargetObject', 'Details', 'Image', 'User'],
  registry_event: ['TargetObject', 'Details', 'Image', 'EventType', 'NewName'],
  registry_delete: ['TargetObject', 'EventType', 'Image'],
  file_event: ['TargetFilename', 'Image', 'CommandLine', 'ParentImage'],
  file_delete: ['TargetFilename', 'Image', 'User'],
  ps_script: ['ScriptBlockText'],
  ps_module: ['Payload', 'ContextInfo'],
  image_load: ['ImageLoaded', 'Image', 'Signed', 'SignatureStatus', 'Description', 'OriginalFileName', 'Signature', 'Hashes', 'Product', 'CommandLine', 'Company'],
  network_connection: ['Initiated', 'Image', 'DestinationHostname', 'DestinationPort', 'DestinationIp', 'CommandLine', 'SourcePort', 'ParentImage', 'SourceIp', 'Protocol', 'SourceHostname', 'SourceIsIpv6', 'User'],
  process_access: ['TargetImage', 'SourceImage', 'GrantedAccess', 'CallTrace', 'SourceUser'],
  dns_query: ['QueryName', 'Image'],
  pipe_created: ['PipeName', 'Image'],
  create_remote_thread: ['TargetImage', 'SourceImage', 'StartModule', 'StartFunction', 'StartAddress', 'SourceCommandLine', 'SourceParentImage'],
  driver_load: ['ImageLoaded', 'Hashes'],
};

const SERVICE_FIELDS: Record<string, string[]> = {
  security: ['EventID', 'ObjectName', 'ServiceFileName', 'ObjectType', 'RelativeTargetName', 'SubjectUserName', 'ProcessName', 'ShareName', 'LogonType', 'AccessMask', 'TargetUserName', 'AccessList', 'IpAddress', 'AttributeLDAPDisplayName', 'ServiceName', 'AttributeValue', 'AuthenticationPackageName', 'ObjectClass', 'TicketEncryptionType', 'Provider_Name'],
  system: ['EventID', 'Provider_Name', 'ImagePath', 'ServiceName', 'param1', 'Binary'],
  application: ['EventID', 'Provider_Name', 'Data'],
  windefend: ['EventID', 'NewValue', 'ProcessName'],
};

describe.each(TARGETS.map((t) => [t.id, t] as const))('target %s', (_id, t) => {
  it('has an id, label and description', () => {
    expect(t.id).toMatch(/^[a-z][a-z0-9-]+$/);
    expect(t.label.length).toBeGreaterThan(3);
    expect(t.description.length).toBeGreaterThan(20);
    expect(getTarget(t.id)).toBe(t);
  });

  it('declares a known KQL type for every column and a datetime timestamp per table', () => {
    expect(Object.keys(t.tables).length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const [table, cols] of Object.entries(t.tables)) {
      for (const [col, type] of Object.entries(cols)) if (!KQL_TYPES.includes(type)) problems.push(`${table}.${col}: ${type}`);
      const ts = t.timestampColumns[table];
      if (!ts || cols[ts] !== 'datetime') problems.push(`${table}: timestamp column ${ts} is not a datetime column`);
    }
    expect(problems).toEqual([]);
  });

  it('maps every logsource to a declared table with type-correct fixed predicates', () => {
    const problems: string[] = [];
    for (const m of t.logsources) {
      const name = `${m.product ?? '*'}/${m.category ?? '*'}/${m.service ?? '*'}`;
      if (m.unsupported !== undefined) {
        if (m.unsupported.trim().length < 20) problems.push(`${name}: unsupported without a useful reason`);
        continue;
      }
      if (!Object.hasOwn(t.tables, m.table)) {
        problems.push(`${name}: table ${m.table} is not declared`);
        continue;
      }
      for (const p of m.where ?? []) problems.push(...typeCheckPredicate(t, m.table, p).map((s) => `${name}: ${s}`));
      for (const c of m.keywordColumns ?? []) if (!Object.hasOwn(t.tables[m.table], c)) problems.push(`${name}: keyword column ${c} missing`);
    }
    expect(problems).toEqual([]);
  });

  it('has no logsource mapping that an earlier one shadows', () => {
    const seen = new Set<string>();
    const dupes: string[] = [];
    for (const m of t.logsources) {
      const key = `${m.product ?? '*'}/${m.category ?? '*'}/${m.service ?? '*'}`.toLowerCase();
      if (seen.has(key)) dupes.push(key);
      seen.add(key);
      // A mapping is dead when an earlier one already matches every logsource it would match.
      const probe = { product: m.product, category: m.category, service: m.service };
      if (findLogsourceMapping(t, probe) !== m && !dupes.includes(key)) dupes.push(`${key} (shadowed)`);
    }
    expect(dupes).toEqual([]);
  });

  it('maps fields only to existing columns, with consistent types', () => {
    const problems: string[] = [];
    for (const { table, field, mapping } of allMappings(t)) problems.push(...checkMapping(t, table, field, mapping));
    expect([...new Set(problems)]).toEqual([]);
  });

  it('maps or explains every frequent Sigma field of each supported Windows logsource', () => {
    const missing: string[] = [];
    const check = (logsource: { product: string; category?: string; service?: string }, fields: string[]) => {
      const m = findLogsourceMapping(t, logsource);
      expect(m, JSON.stringify(logsource)).toBeDefined();
      if (!m || m.unsupported) return;
      for (const f of fields) if (lookupField(t, m, f).kind === 'unmapped') missing.push(`${logsource.category ?? logsource.service} ${m.table}.${f}`);
    };
    for (const [category, fields] of Object.entries(FREQUENT_FIELDS)) check({ product: 'windows', category }, fields);
    for (const [service, fields] of Object.entries(SERVICE_FIELDS)) check({ product: 'windows', service }, fields);
    expect(missing).toEqual([]);
  });

  describe('with the Kusto language service', () => {
    beforeAll(async () => {
      await loadKustoLanguageService();
    }, 60_000);

    it('accepts a trivial query on every table', () => {
      const errors: string[] = [];
      for (const [table, cols] of Object.entries(t.tables)) {
        const q = `${table}\n| where ${t.timestampColumns[table]} > ago(1d)\n| project ${Object.keys(cols).map((c) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(c) ? c : `['${c}']`)).join(', ')}\n| take 10`;
        for (const d of validateKql(q, t.tables)) if (d.severity === 'error') errors.push(`${table}: ${d.code} ${d.message}`);
      }
      expect(errors).toEqual([]);
    });

    it('binds every fixed predicate and every field mapping on its table', () => {
      const errors: string[] = [];
      const check = (table: string, what: string, condition: string) => {
        const q = `${table}\n| where ${condition}`;
        for (const d of validateKql(q, t.tables)) if (d.severity === 'error') errors.push(`${what}: ${d.code} ${d.message} in: ${q.replace(/\n/g, ' ')}`);
      };
      for (const m of t.logsources) {
        if (m.unsupported) continue;
        if (m.where?.length) check(m.table, `${m.category ?? m.service} where`, m.where.map(predicateKql).join(' and '));
        for (const c of m.keywordColumns ?? []) check(m.table, `${m.table} keyword column ${c}`, `tostring(${c}) contains "x"`);
      }
      const seen = new Set<string>();
      for (const { table, field, mapping } of allMappings(t)) {
        const key = `${table}\u0000${JSON.stringify(mapping)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        for (const { kql, type } of fieldExpressions(mapping)) {
          const declared = type ?? t.tables[table][kql];
          // Compare the way the compiler will: string operators on strings, numbers on numbers.
          const cond = declared === 'string' || declared === undefined ? `${kql} =~ "x" or ${kql} contains "y" or isempty(${kql})` : NUMERIC.has(declared) ? `${kql} in (1, 2) or isnull(${kql})` : `isnotnull(${kql})`;
          check(table, `${table}.${field}`, cond);
        }
        for (const p of predicatesOf(mapping)) check(table, `${table}.${field} value predicate`, predicateKql(p));
      }
      expect(errors).toEqual([]);
    });
  });
});

describe('target data decisions', () => {
  const asim = getTarget('sentinel-asim')!;
  const xdr = getTarget('defender-xdr')!;
  const monitor = getTarget('azure-monitor')!;
  const lookup = (t: TargetDefinition, category: string, field: string) => {
    const m = findLogsourceMapping(t, { product: 'windows', category })!;
    const l = lookupField(t, m, field);
    return { m, mapping: l.kind === 'mapped' ? l.mapping : undefined };
  };

  it('has unique ids and labels', () => {
    expect(new Set(TARGETS.map((t) => t.id)).size).toBe(TARGETS.length);
    expect(new Set(TARGETS.map((t) => t.label)).size).toBe(TARGETS.length);
    expect(TARGETS.map((t) => t.id).sort()).toEqual(['azure-monitor', 'defender-xdr', 'sentinel-asim']);
  });

  it('ASIM: Initiated is NetworkDirection Outbound/Inbound, ports are int, process ids strings', () => {
    const { m, mapping } = lookup(asim, 'network_connection', 'Initiated');
    expect(m.table).toBe('imNetworkSession');
    expect(mapping).toEqual({
      values: {
        true: [{ column: 'NetworkDirection', op: '==', value: 'Outbound' }],
        false: [{ column: 'NetworkDirection', op: '==', value: 'Inbound' }],
      },
    });
    expect(asim.tables.imNetworkSession.DstPortNumber).toBe('int');
    expect(asim.tables.imProcessCreate.TargetProcessId).toBe('string');
    expect(lookup(asim, 'network_connection', 'DestinationPort').mapping).toBe('DstPortNumber');
  });

  it('ASIM: the parent of a created process is the acting process, not ParentProcess*', () => {
    expect(lookup(asim, 'process_creation', 'ParentImage').mapping).toBe('ActingProcessName');
    expect(lookup(asim, 'process_creation', 'Image').mapping).toBe('TargetProcessName');
    expect(lookup(asim, 'process_creation', 'OriginalFileName').mapping).toBe('TargetProcessFileOriginalName');
  });

  it('ASIM: logsources without an ASIM schema fall back to the azure-monitor table with a warning', () => {
    for (const category of ['image_load', 'pipe_created', 'ps_script', 'driver_load', 'create_remote_thread', 'process_access']) {
      const m = findLogsourceMapping(asim, { product: 'windows', category })!;
      expect(m.table, category).toBe('WindowsEvent');
      expect(m.warning, category).toMatch(/ASIM has no schema/);
    }
    const sec = findLogsourceMapping(asim, { product: 'windows', service: 'security' })!;
    expect(sec.table).toBe('SecurityEvent');
    expect(sec.warning).toMatch(/ASIM has no schema/);
  });

  it('Defender: Initiated is an ActionType set; OriginalFileName exists for the process, not the loaded image', () => {
    expect(lookup(xdr, 'network_connection', 'Initiated').mapping).toMatchObject({
      values: { true: [{ column: 'ActionType', op: 'in', value: ['ConnectionSuccess', 'ConnectionFailed', 'ConnectionRequest'] }] },
    });
    expect(lookup(xdr, 'process_creation', 'OriginalFileName').mapping).toBe('ProcessVersionInfoOriginalFileName');
    expect(lookup(xdr, 'image_load', 'OriginalFileName').mapping).toHaveProperty('unsupported');
    expect(xdr.tables.DeviceNetworkEvents.RemotePort).toBe('int');
    const pipe = findLogsourceMapping(xdr, { product: 'windows', category: 'pipe_created' })!;
    expect(pipe.where).toEqual([{ column: 'ActionType', op: '==', value: 'NamedPipeEvent' }]);
    expect(findLogsourceMapping(xdr, { product: 'windows', service: 'security' })!.unsupported).toMatch(/azure-monitor/);
  });

  it('Azure Monitor: Security channel on SecurityEvent (EventID int), Sysmon on WindowsEvent by channel and EventID', () => {
    const sec = findLogsourceMapping(monitor, { product: 'windows', service: 'security' })!;
    expect(sec.table).toBe('SecurityEvent');
    expect(monitor.tables.SecurityEvent.EventID).toBe('int');
    expect(lookupField(monitor, sec, 'TargetUserName')).toEqual({ kind: 'mapped', mapping: 'TargetUserName', source: 'column' });
    const pc = findLogsourceMapping(monitor, { product: 'windows', category: 'process_creation' })!;
    expect(pc.table).toBe('WindowsEvent');
    expect(pc.where).toEqual([
      { column: 'Channel', op: '==', value: 'Microsoft-Windows-Sysmon/Operational' },
      { column: 'EventID', op: '==', value: 1 },
    ]);
    expect(lookupField(monitor, pc, 'Image')).toMatchObject({ mapping: { expression: 'tostring(EventData.Image)', type: 'string' } });
  });
});

describe('field mappings evaluated on target rows', () => {
  /** The value a field mapping gives on one row of the logsource's table, by the KQL evaluator. */
  const read = (targetId: string, logsource: Record<string, string>, field: string, row: Record<string, unknown>): unknown => {
    const t = getTarget(targetId)!;
    const m = findLogsourceMapping(t, logsource)!;
    const l = lookupField(t, m, field);
    if (l.kind !== 'mapped') throw new Error(`${field} unmapped on ${m.table}`);
    const mapping = l.mapping;
    const kql = typeof mapping === 'string' ? mapping : 'expression' in mapping ? mapping.expression : 'column' in mapping ? mapping.column : undefined;
    if (!kql) throw new Error(`${field} on ${m.table} is not a scalar mapping: ${JSON.stringify(mapping)}`);
    const res = runKql(`${m.table} | project V = (${kql})`, { [m.table]: [row] }, { schemas: { [m.table]: t.tables[m.table] }, explain: false });
    expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return res.output.rows[0]?.V;
  };
  const registryEvent = { product: 'windows', category: 'registry_event' };

  it('registry renames: TargetObject is the old name, NewName the new one (ASIM and Defender)', () => {
    const asimRename = {
      EventType: 'RegistryKeyRenamed',
      RegistryKey: 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\MiniNt',
      RegistryPreviousKey: 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Old',
    };
    expect(read('sentinel-asim', registryEvent, 'TargetObject', asimRename)).toBe('HKLM\\SYSTEM\\CurrentControlSet\\Control\\Old');
    expect(read('sentinel-asim', registryEvent, 'NewName', asimRename)).toBe('HKLM\\SYSTEM\\CurrentControlSet\\Control\\MiniNt');
    const asimSet = { EventType: 'RegistryValueSet', RegistryKey: 'HKEY_USERS\\S-1-5-21\\Run', RegistryValue: 'evil', RegistryPreviousKey: 'HKEY_USERS\\S-1-5-21\\Run' };
    expect(read('sentinel-asim', registryEvent, 'TargetObject', asimSet)).toBe('HKU\\S-1-5-21\\Run\\evil');
    expect(read('sentinel-asim', registryEvent, 'NewName', asimSet)).toBe('');
    const xdrRename = { ActionType: 'RegistryKeyRenamed', RegistryKey: 'HKEY_CLASSES_ROOT\\CLSID\\x\\shell\\open', PreviousRegistryKey: 'HKEY_CLASSES_ROOT\\CLSID\\x\\shell\\old' };
    expect(read('defender-xdr', registryEvent, 'TargetObject', xdrRename)).toBe('HKCR\\CLSID\\x\\shell\\old');
    expect(read('defender-xdr', registryEvent, 'NewName', xdrRename)).toBe('HKCR\\CLSID\\x\\shell\\open');
    const xdrSet = { ActionType: 'RegistryValueSet', RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Run', RegistryValueName: 'evil', PreviousRegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Run' };
    expect(read('defender-xdr', registryEvent, 'TargetObject', xdrSet)).toBe('HKLM\\SOFTWARE\\Run\\evil');
    expect(read('defender-xdr', registryEvent, 'NewName', xdrSet)).toBe('');
  });

  it('WindowsEvent Channel: the payload Channel (the cleared log of EventID 104) over the event channel', () => {
    for (const target of ['azure-monitor', 'sentinel-asim']) {
      const system = { product: 'windows', service: 'system' };
      expect(read(target, system, 'Channel', { Channel: 'System', EventID: 104, EventData: { Channel: 'Security', BackupPath: '' } })).toBe('Security');
      expect(read(target, system, 'Channel', { Channel: 'System', EventID: 7045, EventData: { ServiceName: 'x' } })).toBe('System');
    }
  });

  it('ASIM network sessions: the local process and user by NetworkDirection (Src outbound, Dst otherwise)', () => {
    const net = { product: 'windows', category: 'network_connection' };
    const row = (NetworkDirection: string) => ({ NetworkDirection, SrcProcessName: 'C:\\a.exe', DstProcessName: 'C:\\b.exe', SrcUsername: 'A\\u', DstUsername: 'B\\v' });
    expect(read('sentinel-asim', net, 'Image', row('Outbound'))).toBe('C:\\a.exe');
    expect(read('sentinel-asim', net, 'User', row('Outbound'))).toBe('A\\u');
    for (const d of ['Inbound', 'Listen', 'Unknown']) expect(read('sentinel-asim', net, 'Image', row(d)), d).toBe('C:\\b.exe');
    // A resolved name: the FQDN whole, not its first label.
    expect(read('sentinel-asim', net, 'DestinationHostname', { DstHostname: 'evil', DstFQDN: 'evil.example.com' })).toBe('evil.example.com');
    expect(read('sentinel-asim', net, 'DestinationHostname', { DstHostname: 'fileserver', DstFQDN: '' })).toBe('fileserver');
  });

  it('Computer: ASIM Dvc FQDN or host name, Defender DeviceName', () => {
    const pc = { product: 'windows', category: 'process_creation' };
    expect(read('sentinel-asim', pc, 'Computer', { DvcHostname: 'ws1', DvcFQDN: 'ws1.contoso.com' })).toBe('ws1.contoso.com');
    expect(read('sentinel-asim', pc, 'Computer', { DvcHostname: 'ws1', DvcFQDN: '' })).toBe('ws1');
    expect(read('defender-xdr', pc, 'Computer', { DeviceName: 'ws1.contoso.com' })).toBe('ws1.contoso.com');
  });

  it('Defender users: DOMAIN\\name, or the bare name when Defender records no domain', () => {
    const pc = { product: 'windows', category: 'process_creation' };
    expect(read('defender-xdr', pc, 'User', { AccountDomain: 'nt authority', AccountName: 'system' })).toBe('nt authority\\system');
    expect(read('defender-xdr', pc, 'User', { AccountDomain: '', AccountName: 'root' })).toBe('root');
    expect(read('defender-xdr', { product: 'linux', category: 'process_creation' }, 'User', { AccountDomain: 'host1', AccountName: 'root' })).toBe('root');
  });

  it('Sysmon for Linux: imProcessCreate, DeviceProcessEvents, and the event XML in Syslog', () => {
    const lnx = { product: 'linux', category: 'process_creation' };
    expect(findLogsourceMapping(getTarget('sentinel-asim')!, lnx)!.table).toBe('imProcessCreate');
    expect(findLogsourceMapping(getTarget('defender-xdr')!, lnx)!.table).toBe('DeviceProcessEvents');
    const xml =
      '<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>1</EventID></System><EventData>' +
      '<Data Name="Image">/usr/bin/curl</Data><Data Name="CommandLine">curl -d &quot;a&amp;b&quot; http://x</Data></EventData></Event>';
    expect(read('azure-monitor', lnx, 'Image', { SyslogMessage: xml })).toBe('/usr/bin/curl');
    expect(read('azure-monitor', lnx, 'CommandLine', { SyslogMessage: xml })).toBe('curl -d "a&b" http://x');
    const m = findLogsourceMapping(getTarget('azure-monitor')!, lnx)!;
    const where = m.where!.map((p) => ('kql' in p ? p.kql : '')).join(' and ');
    const kept = (msg: string) => runKql(`Syslog | where ${where}`, { Syslog: [{ SyslogMessage: msg }] }, { target: 'azure-monitor', explain: false }).rows[0]?.kept;
    expect(kept(xml)).toBe(true);
    expect(kept(xml.replace('<EventID>1</EventID>', '<EventID>3</EventID>'))).toBe(false);
  });

  it('explains the fields a target has no column for', () => {
    const sec = findLogsourceMapping(getTarget('azure-monitor')!, { product: 'windows', service: 'security' })!;
    expect(lookupField(getTarget('azure-monitor')!, sec, 'User')).toMatchObject({ mapping: { unsupported: expect.stringMatching(/TargetUserName.*SubjectUserName/) } });
    const pc = { product: 'windows', category: 'process_creation' };
    for (const id of ['sentinel-asim', 'defender-xdr']) {
      const t = getTarget(id)!;
      const m = findLogsourceMapping(t, pc)!;
      for (const f of ['EventID', 'Channel']) expect(lookupField(t, m, f), `${id} ${f}`).toMatchObject({ mapping: { unsupported: expect.any(String) } });
    }
    // Registry EventIDs stay value-mapped.
    const reg = findLogsourceMapping(getTarget('defender-xdr')!, { product: 'windows', category: 'registry_event' })!;
    expect(lookupField(getTarget('defender-xdr')!, reg, 'EventID')).toMatchObject({ mapping: { values: expect.any(Object) } });
  });
});

describe('schema copies', () => {
  const ref = join(SHARED, 'reference', 'schemas');
  it.skipIf(!existsSync(ref))('match the shared reference schemas column for column', () => {
    const load = (f: string) => JSON.parse(readFileSync(join(ref, f), 'utf8')) as Record<string, Record<string, string>>;
    const sources: Record<string, Record<string, Record<string, string>>> = {
      'sentinel-asim': { ...load('asim.json'), ...load('azure_monitor.json') },
      'defender-xdr': load('defender_xdr.json'),
      'azure-monitor': load('azure_monitor.json'),
    };
    for (const t of TARGETS) {
      for (const [table, cols] of Object.entries(t.tables)) expect(cols, `${t.id} ${table}`).toEqual(sources[t.id][table]);
    }
  });
});

describe('coverage of the SigmaHQ Windows corpus by the target data', () => {
  const dir = join(SHARED, 'sigma', 'rules', 'windows');
  it.skipIf(!existsSync(dir))('expresses the logsource and every field of nearly all rules', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (e.endsWith('.yml')) files.push(p);
      }
    };
    walk(dir);
    const rules: { logsource: Record<string, string>; fields: Set<string> }[] = [];
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
        const r = doc.toJS() as { logsource?: Record<string, string>; detection?: Record<string, unknown> } | null;
        if (!r?.detection) continue;
        const fields = new Set<string>();
        const visit = (x: unknown): void => {
          if (Array.isArray(x)) x.forEach(visit);
          else if (x && typeof x === 'object') for (const k of Object.keys(x)) if (k.split('|')[0]) fields.add(k.split('|')[0]);
        };
        for (const [k, v] of Object.entries(r.detection)) if (k !== 'condition' && k !== 'timeframe') visit(v);
        rules.push({ logsource: r.logsource ?? {}, fields });
      }
    }
    expect(rules.length).toBeGreaterThan(2000);
    const share = (t: TargetDefinition) =>
      rules.filter((r) => {
        const m = findLogsourceMapping(t, r.logsource);
        if (!m || m.unsupported) return false;
        return [...r.fields].every((f) => {
          const l = lookupField(t, m, f);
          return l.kind === 'mapped' && !(typeof l.mapping === 'object' && 'unsupported' in l.mapping);
        });
      }).length / rules.length;
    expect(share(getTarget('sentinel-asim')!)).toBeGreaterThanOrEqual(0.99);
    expect(share(getTarget('azure-monitor')!)).toBeGreaterThanOrEqual(0.99);
    expect(share(getTarget('defender-xdr')!)).toBeGreaterThanOrEqual(0.815);
  });
});
