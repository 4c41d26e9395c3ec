/**
 * Microsoft Sentinel with ASIM (Advanced Security Information Model): rules query the
 * normalising parsers `imProcessCreate`, `imNetworkSession`, `imFileEvent`, `imRegistry`,
 * `imDns`, `imWebSession`, `imAuthentication`, `imAuditEvent`, which union every source
 * (Sysmon, Security events, Defender for Endpoint, ...) into one schema.
 *
 * The parsers are KQL functions; the schema declares them as tables with the columns they emit
 * (src/targets/sentinel-asim/tables.json, copied from the ASIM `vim*Empty` parser definitions by
 * scripts/extract-target-schemas.mjs), which is how the language service checks queries that
 * call them without arguments.
 *
 * Field semantics that differ from Sysmon (and that other converters get wrong):
 * - Process creation: the *acting* process is the creator, i.e. Sysmon's Parent*; ASIM's
 *   `ParentProcess*` is the creator's parent (the grandparent).
 * - Network sessions: `Initiated` is `NetworkDirection` (Outbound/Inbound), and the local process
 *   is `SrcProcessName` for outbound and `DstProcessName` for inbound connections (chosen by
 *   `NetworkDirection` in the query).
 * - All process ids are strings; ports are int.
 * Logsources without an ASIM schema (image_load, pipe_created, PowerShell, the Security and other
 * channels, ...) use the azure-monitor mapping (SecurityEvent / WindowsEvent) with a warning.
 */
import type { FieldMapping, FixedPredicate, LogsourceMapping, TableSchema, TargetDefinition } from '../types.ts';
import { target as azureMonitor } from '../azure-monitor/index.ts';
import asimTablesJson from './tables.json';
import { sysmonTargetObject } from '../registry-path.ts';

const asimTables = asimTablesJson as unknown as Record<string, TableSchema>;

const eventType = (...values: string[]): FixedPredicate =>
  values.length === 1 ? { column: 'EventType', op: '==', value: values[0] } : { column: 'EventType', op: 'in', value: values };

const PROCESS_CREATE_FIELDS: Record<string, FieldMapping> = {
  Image: 'TargetProcessName',
  CommandLine: 'TargetProcessCommandLine',
  OriginalFileName: 'TargetProcessFileOriginalName',
  Description: 'TargetProcessFileDescription',
  Product: 'TargetProcessFileProduct',
  Company: 'TargetProcessFileCompany',
  FileVersion: 'TargetProcessFileVersion',
  CurrentDirectory: 'TargetProcessCurrentDirectory',
  IntegrityLevel: 'TargetProcessIntegrityLevel',
  ProcessId: 'TargetProcessId',
  ProcessGuid: 'TargetProcessGuid',
  User: 'TargetUsername',
  LogonId: 'TargetUserSessionId',
  Hashes: {
    hashes: { md5: 'TargetProcessMD5', sha1: 'TargetProcessSHA1', sha256: 'TargetProcessSHA256', imphash: 'TargetProcessIMPHASH' },
  },
  // The acting process created the new one: it is Sysmon's parent.
  ParentImage: 'ActingProcessName',
  ParentCommandLine: 'ActingProcessCommandLine',
  ParentProcessId: 'ActingProcessId',
  ParentProcessGuid: 'ActingProcessGuid',
  ParentUser: 'ActorUsername',
  Provider_Name: {
    column: 'EventProduct',
    warning: 'Provider_Name is compared with ASIM\'s EventProduct (Sysmon, Security Events, M365 Defender for Endpoint, ...): Windows event provider names do not occur there.',
  },
  TerminalSessionId: { unsupported: 'imProcessCreate has no terminal-session column (TargetUserSessionId is the logon id).' },
};

const localProcessSide = (outbound: string, otherwise: string): FieldMapping => ({
  expression: `iff(NetworkDirection == "Outbound", ${outbound}, ${otherwise})`,
  type: 'string',
  columns: ['NetworkDirection', outbound, otherwise],
});

const NETWORK_FIELDS: Record<string, FieldMapping> = {
  Initiated: {
    values: {
      true: [{ column: 'NetworkDirection', op: '==', value: 'Outbound' }],
      false: [{ column: 'NetworkDirection', op: '==', value: 'Inbound' }],
    },
  },
  // The local process and its user are Src* for outbound sessions and Dst* for every other
  // direction (the Sysmon parser: Initiated false is Inbound; the Defender parser: Inbound,
  // Listen and Unknown). Choosing by direction keeps empty tests exact, which matching either
  // column cannot: the other side is always empty.
  Image: localProcessSide('SrcProcessName', 'DstProcessName'),
  ProcessId: localProcessSide('SrcProcessId', 'DstProcessId'),
  ProcessGuid: localProcessSide('SrcProcessGuid', 'DstProcessGuid'),
  User: localProcessSide('SrcUsername', 'DstUsername'),
  DestinationIp: 'DstIpAddr',
  DestinationPort: 'DstPortNumber',
  // ASIM splits a name with _ASIM_Resolve*FQDN: a dotted name goes whole to *FQDN (*Hostname keeps
  // its first label), a bare name to *Hostname; Sysmon's value is the name as resolved.
  DestinationHostname: { expression: 'coalesce(DstFQDN, DstHostname)', type: 'string', columns: ['DstFQDN', 'DstHostname'] },
  SourceIp: 'SrcIpAddr',
  SourcePort: 'SrcPortNumber',
  SourceHostname: { expression: 'coalesce(SrcFQDN, SrcHostname)', type: 'string', columns: ['SrcFQDN', 'SrcHostname'] },
  Protocol: 'NetworkProtocol',
  SourceIsIpv6: {
    values: {
      true: [{ column: 'NetworkProtocolVersion', op: '==', value: 'IPv6' }],
      false: [{ column: 'NetworkProtocolVersion', op: '==', value: 'IPv4' }],
    },
  },
  DestinationIsIpv6: {
    values: {
      true: [{ column: 'NetworkProtocolVersion', op: '==', value: 'IPv6' }],
      false: [{ column: 'NetworkProtocolVersion', op: '==', value: 'IPv4' }],
    },
  },
  DestinationPortName: { unsupported: 'imNetworkSession has no port-name column; use DestinationPort (DstPortNumber).' },
  SourcePortName: { unsupported: 'imNetworkSession has no port-name column; use SourcePort (SrcPortNumber).' },
  CommandLine: {
    unsupported: 'imNetworkSession records the process name (SrcProcessName/DstProcessName) but not its command line; correlate with imProcessCreate on the process id.',
  },
  ParentImage: { unsupported: 'imNetworkSession has no parent-process column; correlate with imProcessCreate on the process id.' },
};

const FILE_FIELDS: Record<string, FieldMapping> = {
  TargetFilename: 'TargetFilePath',
  FileName: 'TargetFilePath',
  SourceFilename: 'SrcFilePath',
  Image: 'ActingProcessName',
  CommandLine: 'ActingProcessCommandLine',
  ProcessId: 'ActingProcessId',
  ProcessGuid: 'ActingProcessGuid',
  User: 'ActorUsername',
  Hashes: { hashes: { md5: 'TargetFileMD5', sha1: 'TargetFileSHA1', sha256: 'TargetFileSHA256' } },
  ParentImage: { unsupported: 'imFileEvent has no parent-process columns (only the acting process); correlate with imProcessCreate.' },
  ParentCommandLine: { unsupported: 'imFileEvent has no parent-process columns (only the acting process); correlate with imProcessCreate.' },
  CreationUtcTime: { unsupported: 'imFileEvent records TargetFileCreationTime as a datetime, not Sysmon\'s CreationUtcTime text.' },
};

const REGISTRY_EVENT_TYPES: Record<string, FixedPredicate[]> = {
  setvalue: [eventType('RegistryValueSet')],
  createkey: [eventType('RegistryKeyCreated')],
  deletekey: [eventType('RegistryKeyDeleted')],
  deletevalue: [eventType('RegistryValueDeleted')],
  renamekey: [eventType('RegistryKeyRenamed')],
  createvalue: [eventType('RegistryValueSet')],
};

// ASIM writes hives in full and splits Sysmon's TargetObject into RegistryKey and RegistryValue;
// sysmonTargetObject rebuilds Sysmon's form (see ../registry-path.ts).
const HKCR = { classesUnderLocalMachine: true };
const ASIM_RENAMED = 'EventType == "RegistryKeyRenamed"';
const REGISTRY_FIELDS: Record<string, FieldMapping> = {
  // Sysmon registry EventIDs: 12 create/delete, 13 value set, 14 rename.
  EventID: {
    values: {
      '12': [eventType('RegistryKeyCreated', 'RegistryKeyDeleted', 'RegistryValueDeleted')],
      '13': [eventType('RegistryValueSet')],
      '14': [eventType('RegistryKeyRenamed')],
    },
  },
  // Sysmon EventID 14 (RenameKey): TargetObject is the old name, NewName the new one. ASIM keeps
  // the new name in RegistryKey/RegistryValue and the old one in RegistryPreviousKey/Value.
  TargetObject: {
    expression: `iff(${ASIM_RENAMED}, ${sysmonTargetObject('RegistryPreviousKey', 'RegistryPreviousValue', HKCR)}, ${sysmonTargetObject('RegistryKey', 'RegistryValue', HKCR)})`,
    type: 'string',
    columns: ['EventType', 'RegistryKey', 'RegistryValue', 'RegistryPreviousKey', 'RegistryPreviousValue'],
  },
  Details: 'RegistryValueData',
  // Only rename events have a new name; Sysmon writes no NewName item for the other events.
  NewName: {
    expression: `iff(${ASIM_RENAMED}, ${sysmonTargetObject('RegistryKey', 'RegistryValue', HKCR)}, "")`,
    type: 'string',
    columns: ['EventType', 'RegistryKey', 'RegistryValue'],
  },
  EventType: { values: REGISTRY_EVENT_TYPES },
  Image: 'ActingProcessName',
  ProcessId: 'ActingProcessId',
  ProcessGuid: 'ActingProcessGuid',
  User: 'ActorUsername',
  ParentImage: 'ParentProcessName',
  ParentCommandLine: 'ParentProcessCommandLine',
};

const DNS_FIELDS: Record<string, FieldMapping> = {
  QueryName: 'DnsQuery',
  QueryResults: 'DnsResponseName',
  QueryStatus: 'DnsResponseCode',
  Image: 'SrcProcessName',
  ProcessId: 'SrcProcessId',
  ProcessGuid: 'SrcProcessGuid',
  User: 'SrcUsername',
};

// ASIM keeps the whole URL in one column; Sigma's URL parts are matched inside it.
const URL_PART = (part: string): FieldMapping => ({
  column: 'Url',
  warning: `imWebSession has no separate ${part} column: the value is matched against the whole Url, so only contains-style matches mean the same.`,
});

const WEB_FIELDS: Record<string, FieldMapping> = {
  'c-uri': 'Url',
  'c-uri-query': URL_PART('query'),
  'c-uri-stem': URL_PART('path'),
  'c-uri-extension': URL_PART('file extension'),
  'cs-uri-query': URL_PART('query'),
  'cs-uri-stem': URL_PART('path'),
  'c-useragent': 'HttpUserAgent',
  'cs-user-agent': 'HttpUserAgent',
  'cs-method': 'HttpRequestMethod',
  'cs-host': 'HttpHost',
  'cs-referrer': 'HttpReferrer',
  'cs-cookie': 'HttpCookie',
  'sc-status': 'HttpStatusCode',
  'r-dns': 'DstHostname',
  'dst_ip': 'DstIpAddr',
  'src_ip': 'SrcIpAddr',
  'cs-username': 'SrcUsername',
};

/**
 * Windows System names every ASIM parser can answer. `Computer` is what ASIM splits with
 * _ASIM_ResolveDvcFQDN: a name with a domain goes to DvcFQDN (DvcHostname keeps the short
 * name), a bare host name to DvcHostname (DvcFQDN empty). The parsers union several sources, so
 * Windows event ids and channels have no column.
 */
const ASIM_COMMON_FIELDS: Record<string, FieldMapping> = {
  Computer: { expression: 'coalesce(DvcFQDN, DvcHostname)', type: 'string', columns: ['DvcFQDN', 'DvcHostname'] },
  EventID: {
    unsupported:
      'ASIM parsers union several sources (Sysmon, Security events, Defender for Endpoint, ...) and have no Windows EventID column: the parser itself selects the kind of event. EventOriginalType holds each source\'s own id (Sysmon "1", Security "4688", a Defender ActionType); map EventID to it with --mapping if your workspace has one source.',
  },
  Channel: {
    unsupported: 'ASIM parsers have no event-log channel column; EventProduct names the source (Sysmon, Security Events, M365 Defender for Endpoint, ...).',
  },
};

const withCommon = (fields: Record<string, FieldMapping>): Record<string, FieldMapping> => ({ ...ASIM_COMMON_FIELDS, ...fields });

const ASIM_LOGSOURCES: LogsourceMapping[] = [
  { product: 'windows', category: 'process_creation', table: 'imProcessCreate', fields: withCommon(PROCESS_CREATE_FIELDS), keywordColumns: ['TargetProcessCommandLine'] },
  { product: 'windows', category: 'network_connection', table: 'imNetworkSession', fields: withCommon(NETWORK_FIELDS) },
  { product: 'windows', category: 'file_event', table: 'imFileEvent', where: [eventType('FileCreated', 'FileModified', 'FileCreatedOrModified')], fields: withCommon(FILE_FIELDS) },
  { product: 'windows', category: 'file_delete', table: 'imFileEvent', where: [eventType('FileDeleted')], fields: withCommon(FILE_FIELDS) },
  { product: 'windows', category: 'file_delete_detected', table: 'imFileEvent', where: [eventType('FileDeleted')], fields: withCommon(FILE_FIELDS) },
  { product: 'windows', category: 'file_rename', table: 'imFileEvent', where: [eventType('FileRenamed')], fields: withCommon(FILE_FIELDS) },
  { product: 'windows', category: 'file_access', table: 'imFileEvent', where: [eventType('FileAccessed')], fields: withCommon(FILE_FIELDS) },
  { product: 'windows', category: 'registry_set', table: 'imRegistry', where: [eventType('RegistryValueSet')], fields: withCommon(REGISTRY_FIELDS) },
  { product: 'windows', category: 'registry_add', table: 'imRegistry', where: [eventType('RegistryKeyCreated')], fields: withCommon(REGISTRY_FIELDS) },
  { product: 'windows', category: 'registry_delete', table: 'imRegistry', where: [eventType('RegistryKeyDeleted', 'RegistryValueDeleted')], fields: withCommon(REGISTRY_FIELDS) },
  { product: 'windows', category: 'registry_rename', table: 'imRegistry', where: [eventType('RegistryKeyRenamed')], fields: withCommon(REGISTRY_FIELDS) },
  { product: 'windows', category: 'registry_event', table: 'imRegistry', fields: withCommon(REGISTRY_FIELDS) },
  { product: 'windows', category: 'dns_query', table: 'imDns', fields: withCommon(DNS_FIELDS) },
  // Sysmon for Linux: the ASIM parsers (vimProcessCreateLinuxSysmon, ...) normalise it like Sysmon.
  { product: 'linux', category: 'process_creation', table: 'imProcessCreate', fields: withCommon(PROCESS_CREATE_FIELDS), keywordColumns: ['TargetProcessCommandLine'] },
  // macOS process events reach imProcessCreate through the Defender for Endpoint parser.
  { product: 'macos', category: 'process_creation', table: 'imProcessCreate', fields: withCommon(PROCESS_CREATE_FIELDS), keywordColumns: ['TargetProcessCommandLine'] },
  { product: 'linux', category: 'network_connection', table: 'imNetworkSession', fields: withCommon(NETWORK_FIELDS) },
  { product: 'linux', category: 'file_event', table: 'imFileEvent', where: [eventType('FileCreated', 'FileModified', 'FileCreatedOrModified')], fields: withCommon(FILE_FIELDS) },
  { category: 'proxy', table: 'imWebSession', fields: withCommon(WEB_FIELDS) },
  { category: 'webserver', table: 'imWebSession', where: [eventType('WebServerSession')], fields: withCommon(WEB_FIELDS) },
  { category: 'dns', table: 'imDns', fields: withCommon({ query: 'DnsQuery', answer: 'DnsResponseName', 'src_ip': 'SrcIpAddr', 'dst_ip': 'DstIpAddr' }) },
  {
    category: 'firewall',
    table: 'imNetworkSession',
    fields: withCommon({ 'src_ip': 'SrcIpAddr', 'dst_ip': 'DstIpAddr', 'src_port': 'SrcPortNumber', 'dst_port': 'DstPortNumber', action: 'DvcAction' }),
  },
];

function withFallbackWarning(m: LogsourceMapping): LogsourceMapping {
  if (m.unsupported) return m;
  const what = [m.product, m.category ?? m.service].filter(Boolean).join('/');
  const note = `ASIM has no schema for ${what || 'this logsource'}: querying the ${m.table} table (the azure-monitor mapping) instead of an im* parser.`;
  return { ...m, warning: m.warning ? `${note} ${m.warning}` : note };
}

const logsourceKey = (m: LogsourceMapping) => [m.product, m.category, m.service].map((k) => (k ?? '*').toLowerCase()).join('/');
const ASIM_KEYS = new Set(ASIM_LOGSOURCES.map(logsourceKey));

const tables: Record<string, TableSchema> = { ...asimTables, ...azureMonitor.tables };

export const target: TargetDefinition = {
  id: 'sentinel-asim',
  label: 'Microsoft Sentinel (ASIM)',
  description:
    'Microsoft Sentinel through the ASIM normalising parsers (imProcessCreate, imNetworkSession, imFileEvent, imRegistry, imDns, imWebSession, imAuthentication, imAuditEvent); logsources without an ASIM schema fall back to SecurityEvent/WindowsEvent.',
  tables,
  timestampColumns: Object.fromEntries(Object.keys(tables).map((t) => [t, 'TimeGenerated'])),
  logsources: [
    ...ASIM_LOGSOURCES,
    ...azureMonitor.logsources.filter((m) => !ASIM_KEYS.has(logsourceKey(m))).map(withFallbackWarning),
  ],
  fields: {},
};
