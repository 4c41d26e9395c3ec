/**
 * Microsoft Defender XDR advanced hunting (the Device* tables of Defender for Endpoint).
 *
 * Sysmon concepts map onto Defender's "initiating process" model: the process that performed an
 * action is `InitiatingProcess*`; in DeviceProcessEvents the created process is the row's own
 * `FolderPath`/`ProcessCommandLine` and Sysmon's Parent* is the initiating process. Paths
 * (`FolderPath`, `InitiatingProcessFolderPath`) include the file name, like Sysmon's Image.
 * Events without a table of their own (named pipes, remote threads, process access, driver
 * loads, DNS, PowerShell) are DeviceEvents rows told apart by `ActionType`, with details in the
 * JSON text of `AdditionalFields`.
 *
 * Column types: src/targets/defender-xdr/tables.json (copied from the shared reference by
 * scripts/extract-target-schemas.mjs). ProcessId columns are long, ports int.
 */
import type { FieldMapping, FixedPredicate, LogsourceMapping, TableSchema, TargetDefinition } from '../types.ts';
import tablesJson from './tables.json';
import { sysmonRegistryDetails, sysmonTargetObject } from '../registry-path.ts';

const tables = tablesJson as unknown as Record<string, TableSchema>;

const actionType = (...values: string[]): FixedPredicate =>
  values.length === 1 ? { column: 'ActionType', op: '==', value: values[0] } : { column: 'ActionType', op: 'in', value: values };

const userOf = (domain: string, name: string): FieldMapping => ({
  // Sysmon writes users as DOMAIN\name (NT AUTHORITY\SYSTEM); Defender splits them. An account
  // without a domain is its bare name, as the ASIM Defender parsers write ActorUsername.
  expression: `iff(isempty(${domain}), ${name}, strcat(${domain}, "\\\\", ${name}))`,
  type: 'string',
  columns: [domain, name],
});

const additionalField = (key: string): string => `tostring(parse_json(AdditionalFields).${key})`;

const NO_PARENT_PATH =
  'Defender records only the parent\'s file name (InitiatingProcessParentFileName), not its path or command line, outside DeviceProcessEvents; correlate with DeviceProcessEvents on InitiatingProcessId.';

/** The process that performed the action (Sysmon's Image/CommandLine/User in non-process events). */
const INITIATING_PROCESS_FIELDS: Record<string, FieldMapping> = {
  Image: 'InitiatingProcessFolderPath',
  CommandLine: 'InitiatingProcessCommandLine',
  ProcessId: 'InitiatingProcessId',
  User: userOf('InitiatingProcessAccountDomain', 'InitiatingProcessAccountName'),
  IntegrityLevel: 'InitiatingProcessIntegrityLevel',
  OriginalFileName: 'InitiatingProcessVersionInfoOriginalFileName',
  Description: 'InitiatingProcessVersionInfoFileDescription',
  Product: 'InitiatingProcessVersionInfoProductName',
  Company: 'InitiatingProcessVersionInfoCompanyName',
  Hashes: { hashes: { md5: 'InitiatingProcessMD5', sha1: 'InitiatingProcessSHA1', sha256: 'InitiatingProcessSHA256' } },
  ParentImage: { unsupported: NO_PARENT_PATH },
  ParentCommandLine: { unsupported: NO_PARENT_PATH },
  ProcessGuid: { unsupported: 'Defender has no process GUID; InitiatingProcessUniqueId is its own identifier and differs from Sysmon\'s ProcessGuid.' },
  // Windows calls the device Computer; Defender's DeviceName is the same name (the FQDN of a
  // domain member, the host name otherwise).
  Computer: 'DeviceName',
  EventID: {
    unsupported:
      'Defender tables have no Windows EventID: the table and its ActionType select the kind of event (DeviceProcessEvents is Sysmon EventID 1, DeviceNetworkEvents 3, ...). Drop the EventID condition or convert the rule with the azure-monitor target.',
  },
  Channel: {
    unsupported: 'Defender tables record Defender for Endpoint telemetry, not Windows event-log channels; convert rules on event-log channels with the azure-monitor or sentinel-asim target.',
  },
  // Rules use Provider_Name to exclude events of a particular Windows event provider (e.g. the
  // SystemTrace ETW provider); Defender's own telemetry has none, so the field is empty.
  Provider_Name: {
    expression: '""',
    type: 'string',
    columns: [],
    warning: 'Defender events come from no Windows event provider: Provider_Name is treated as empty.',
  },
};

// Well-known logon sessions: Sysmon writes the LUID in hex, Defender as a number.
const LOGON_ID_VALUES = (column: string): FieldMapping => ({
  // Other values are compared with the column itself (null → isnull).
  column,
  values: {
    '0x3e7': [{ column, op: '==', value: 999 }],
    '0x3e4': [{ column, op: '==', value: 996 }],
    '0x3e5': [{ column, op: '==', value: 997 }],
    // Some sources write a missing logon id as the text "null"; Defender leaves the long empty.
    null: [{ kql: `isnull(${column})`, columns: [column] }],
  },
});

const PROCESS_CREATION_FIELDS: Record<string, FieldMapping> = {
  Image: 'FolderPath',
  CommandLine: 'ProcessCommandLine',
  OriginalFileName: 'ProcessVersionInfoOriginalFileName',
  Description: 'ProcessVersionInfoFileDescription',
  Product: 'ProcessVersionInfoProductName',
  Company: 'ProcessVersionInfoCompanyName',
  FileVersion: {
    column: 'ProcessVersionInfoProductVersion',
    warning: 'Defender records the product version (ProcessVersionInfoProductVersion), not the file version: they usually but not always agree.',
  },
  IntegrityLevel: 'ProcessIntegrityLevel',
  ProcessId: 'ProcessId',
  User: userOf('AccountDomain', 'AccountName'),
  LogonId: LOGON_ID_VALUES('LogonId'),
  TerminalSessionId: 'CreatedProcessSessionId',
  Hashes: { hashes: { md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256' } },
  ParentImage: 'InitiatingProcessFolderPath',
  ParentCommandLine: 'InitiatingProcessCommandLine',
  ParentProcessId: 'InitiatingProcessId',
  ParentUser: userOf('InitiatingProcessAccountDomain', 'InitiatingProcessAccountName'),
  ProcessGuid: INITIATING_PROCESS_FIELDS.ProcessGuid,
  ParentProcessGuid: INITIATING_PROCESS_FIELDS.ProcessGuid,
  CurrentDirectory: {
    unsupported: 'DeviceProcessEvents has no current-directory column; the working directory is not recorded by Defender for Endpoint.',
  },
};

// Sysmon's Destination/Source are the connection's initiator and target; Defender's Remote/Local
// are relative to the device, so they swap for inbound connections.
const INBOUND = 'ActionType == "InboundConnectionAccepted"';
const NETWORK_FIELDS: Record<string, FieldMapping> = {
  Initiated: {
    values: {
      true: [actionType('ConnectionSuccess', 'ConnectionFailed', 'ConnectionRequest')],
      false: [actionType('InboundConnectionAccepted')],
    },
  },
  DestinationIp: { expression: `iff(${INBOUND}, LocalIP, RemoteIP)`, type: 'string', columns: ['ActionType', 'LocalIP', 'RemoteIP'] },
  DestinationPort: { expression: `iff(${INBOUND}, LocalPort, RemotePort)`, type: 'int', columns: ['ActionType', 'LocalPort', 'RemotePort'] },
  SourceIp: { expression: `iff(${INBOUND}, RemoteIP, LocalIP)`, type: 'string', columns: ['ActionType', 'LocalIP', 'RemoteIP'] },
  SourcePort: { expression: `iff(${INBOUND}, RemotePort, LocalPort)`, type: 'int', columns: ['ActionType', 'LocalPort', 'RemotePort'] },
  DestinationHostname: {
    column: 'RemoteUrl',
    warning: 'DestinationHostname is matched against RemoteUrl, the remote host name Defender saw for outbound connections (empty for inbound ones).',
  },
  SourceHostname: {
    column: 'DeviceName',
    warning: 'SourceHostname is matched against DeviceName, the local device (the source of outbound connections).',
  },
  Protocol: 'Protocol',
  DestinationIsIpv6: {
    values: {
      true: [{ kql: 'RemoteIP contains ":"', columns: ['RemoteIP'] }],
      false: [{ kql: 'RemoteIP !contains ":"', columns: ['RemoteIP'] }],
    },
  },
  SourceIsIpv6: {
    values: {
      true: [{ kql: 'LocalIP contains ":"', columns: ['LocalIP'] }],
      false: [{ kql: 'LocalIP !contains ":"', columns: ['LocalIP'] }],
    },
  },
  DestinationPortName: { unsupported: 'DeviceNetworkEvents has no port-name column; use DestinationPort.' },
  SourcePortName: { unsupported: 'DeviceNetworkEvents has no port-name column; use SourcePort.' },
};

const RENAMED = 'ActionType == "RegistryKeyRenamed"';
const REGISTRY_FIELDS: Record<string, FieldMapping> = {
  // Sysmon registry EventIDs: 12 create/delete, 13 value set, 14 rename.
  EventID: {
    values: {
      '12': [actionType('RegistryKeyCreated', 'RegistryKeyDeleted', 'RegistryValueDeleted')],
      '13': [actionType('RegistryValueSet')],
      '14': [actionType('RegistryKeyRenamed')],
    },
  },
  // Sysmon's TargetObject is the key, plus \valueName for value events; for a rename (EventID 14)
  // it is the old name, which Defender keeps in PreviousRegistryKey/PreviousRegistryValueName
  // (RegistryKey holds the new name).
  TargetObject: {
    expression: `iff(${RENAMED}, ${sysmonTargetObject('PreviousRegistryKey', 'PreviousRegistryValueName')}, ${sysmonTargetObject('RegistryKey', 'RegistryValueName')})`,
    type: 'string',
    columns: ['ActionType', 'RegistryKey', 'RegistryValueName', 'PreviousRegistryKey', 'PreviousRegistryValueName'],
  },
  Details: {
    expression: sysmonRegistryDetails('RegistryValueType', 'RegistryValueData'),
    type: 'string',
    columns: ['RegistryValueType', 'RegistryValueData'],
  },
  // Only rename events have a new name; Sysmon writes no NewName item for the other events.
  NewName: {
    expression: `iff(${RENAMED}, ${sysmonTargetObject('RegistryKey', 'RegistryValueName')}, "")`,
    type: 'string',
    columns: ['ActionType', 'RegistryKey', 'RegistryValueName'],
  },
  EventType: {
    values: {
      setvalue: [actionType('RegistryValueSet')],
      createkey: [actionType('RegistryKeyCreated')],
      deletekey: [actionType('RegistryKeyDeleted')],
      deletevalue: [actionType('RegistryValueDeleted')],
      renamekey: [actionType('RegistryKeyRenamed')],
    },
  },
};

const FILE_FIELDS: Record<string, FieldMapping> = {
  TargetFilename: 'FolderPath',
  Hashes: { hashes: { md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256' } },
  SourceFilename: {
    unsupported: 'DeviceFileEvents keeps the old name split in PreviousFolderPath and PreviousFileName; map SourceFilename to one of them with --mapping.',
  },
  CreationUtcTime: { unsupported: 'DeviceFileEvents has no file creation-time column.' },
};

const NO_SIGNATURE =
  'The load events carry no signature information; Defender keeps certificates in DeviceFileCertificateInfo (join on SHA1).';
const NO_MODULE_VERSION =
  'DeviceImageLoadEvents has no version information of the loaded module (the InitiatingProcessVersionInfo* columns describe the loading process).';

const IMAGE_LOAD_FIELDS: Record<string, FieldMapping> = {
  ImageLoaded: 'FolderPath',
  Hashes: { hashes: { md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256' } },
  Signed: { unsupported: NO_SIGNATURE },
  Signature: { unsupported: NO_SIGNATURE },
  SignatureStatus: { unsupported: NO_SIGNATURE },
  OriginalFileName: { unsupported: NO_MODULE_VERSION },
  Description: { unsupported: NO_MODULE_VERSION },
  Product: { unsupported: NO_MODULE_VERSION },
  Company: { unsupported: NO_MODULE_VERSION },
  FileVersion: { unsupported: NO_MODULE_VERSION },
};

const DRIVER_LOAD_FIELDS: Record<string, FieldMapping> = {
  ImageLoaded: 'FolderPath',
  Hashes: { hashes: { md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256' } },
  Signed: { unsupported: NO_SIGNATURE },
  Signature: { unsupported: NO_SIGNATURE },
  SignatureStatus: { unsupported: NO_SIGNATURE },
};

/** Process-to-process events (remote thread, process access): initiating process → target process. */
const CROSS_PROCESS_FIELDS: Record<string, FieldMapping> = {
  SourceImage: 'InitiatingProcessFolderPath',
  SourceCommandLine: 'InitiatingProcessCommandLine',
  SourceProcessId: 'InitiatingProcessId',
  SourceUser: userOf('InitiatingProcessAccountDomain', 'InitiatingProcessAccountName'),
  TargetImage: 'FolderPath',
  TargetProcessId: 'ProcessId',
  SourceParentImage: { unsupported: NO_PARENT_PATH },
  TargetUser: { unsupported: 'DeviceEvents records the target process\'s path and id, not its user.' },
  TargetParentProcessId: { unsupported: 'DeviceEvents records the target process\'s path and id, not its parent.' },
  SourceProcessGuid: INITIATING_PROCESS_FIELDS.ProcessGuid,
  TargetProcessGuid: INITIATING_PROCESS_FIELDS.ProcessGuid,
  StartAddress: { unsupported: 'CreateRemoteThreadApiCall events do not record the thread start address.' },
  StartModule: { unsupported: 'CreateRemoteThreadApiCall events do not record the thread start module.' },
  StartFunction: { unsupported: 'CreateRemoteThreadApiCall events do not record the thread start function.' },
  GrantedAccess: {
    unsupported: 'Defender\'s OpenProcessApiCall records the requested access as a number in AdditionalFields (DesiredAccess), not Sysmon\'s hex GrantedAccess text.',
  },
  CallTrace: { unsupported: 'Defender does not record the call stack of process access (Sysmon CallTrace).' },
};

const NO_EVENT_LOG =
  'Defender XDR has no Windows event-log tables: it records its own telemetry (DeviceProcessEvents, DeviceLogonEvents, DeviceEvents, ...), not the %s. Convert this rule with the azure-monitor or sentinel-asim target.';

const LOGSOURCES: LogsourceMapping[] = [
  { product: 'windows', category: 'process_creation', table: 'DeviceProcessEvents', fields: PROCESS_CREATION_FIELDS, keywordColumns: ['ProcessCommandLine'] },
  { product: 'windows', category: 'network_connection', table: 'DeviceNetworkEvents', fields: NETWORK_FIELDS },
  { product: 'windows', category: 'file_event', table: 'DeviceFileEvents', where: [actionType('FileCreated', 'FileModified')], fields: FILE_FIELDS },
  { product: 'windows', category: 'file_delete', table: 'DeviceFileEvents', where: [actionType('FileDeleted')], fields: FILE_FIELDS },
  { product: 'windows', category: 'file_delete_detected', table: 'DeviceFileEvents', where: [actionType('FileDeleted')], fields: FILE_FIELDS },
  { product: 'windows', category: 'file_rename', table: 'DeviceFileEvents', where: [actionType('FileRenamed')], fields: FILE_FIELDS },
  { product: 'windows', category: 'file_change', table: 'DeviceFileEvents', where: [actionType('FileModified')], fields: FILE_FIELDS, warning: 'Sysmon file_change is a change of a file\'s creation time; Defender has no such event, so this matches any modification of the file (FileModified).' },
  { product: 'windows', category: 'file_access', table: '', unsupported: 'Defender for Endpoint does not record file reads in DeviceFileEvents (only creation, modification, rename and deletion).' },
  { product: 'windows', category: 'create_stream_hash', table: '', unsupported: 'Defender for Endpoint records no separate event for alternate data streams (Sysmon EventID 15).' },
  { product: 'windows', category: 'file_executable_detected', table: '', unsupported: 'Defender for Endpoint has no "executable file detected" event (Sysmon EventID 29); DeviceFileEvents FileCreated covers all files.' },
  { product: 'windows', category: 'registry_set', table: 'DeviceRegistryEvents', where: [actionType('RegistryValueSet')], fields: REGISTRY_FIELDS },
  { product: 'windows', category: 'registry_add', table: 'DeviceRegistryEvents', where: [actionType('RegistryKeyCreated')], fields: REGISTRY_FIELDS },
  { product: 'windows', category: 'registry_delete', table: 'DeviceRegistryEvents', where: [actionType('RegistryKeyDeleted', 'RegistryValueDeleted')], fields: REGISTRY_FIELDS },
  { product: 'windows', category: 'registry_rename', table: 'DeviceRegistryEvents', where: [actionType('RegistryKeyRenamed')], fields: REGISTRY_FIELDS },
  { product: 'windows', category: 'registry_event', table: 'DeviceRegistryEvents', fields: REGISTRY_FIELDS },
  { product: 'windows', category: 'image_load', table: 'DeviceImageLoadEvents', fields: IMAGE_LOAD_FIELDS },
  { product: 'windows', category: 'driver_load', table: 'DeviceEvents', where: [actionType('DriverLoad')], fields: DRIVER_LOAD_FIELDS },
  {
    product: 'windows',
    category: 'pipe_created',
    table: 'DeviceEvents',
    where: [actionType('NamedPipeEvent')],
    fields: {
      // Defender reports \Device\NamedPipe\name; Sysmon reports \name.
      PipeName: { expression: `replace_regex(${additionalField('PipeName')}, @"(?i)^\\\\Device\\\\NamedPipe", "")`, type: 'string', columns: ['AdditionalFields'] },
    },
  },
  { product: 'windows', category: 'create_remote_thread', table: 'DeviceEvents', where: [actionType('CreateRemoteThreadApiCall')], fields: CROSS_PROCESS_FIELDS },
  { product: 'windows', category: 'process_access', table: 'DeviceEvents', where: [actionType('OpenProcessApiCall')], fields: CROSS_PROCESS_FIELDS },
  {
    product: 'windows',
    category: 'dns_query',
    table: 'DeviceEvents',
    where: [actionType('DnsQueryResponse')],
    fields: {
      // Both property names occur in published hunting queries.
      QueryName: { expression: `coalesce(${additionalField('DnsQueryString')}, ${additionalField('QueryName')})`, type: 'string', columns: ['AdditionalFields'] },
      QueryResults: { unsupported: 'DnsQueryResponse events keep answers in AdditionalFields in a different format from Sysmon\'s QueryResults.' },
      QueryStatus: { unsupported: 'DnsQueryResponse events do not record the DNS status code.' },
    },
  },
  {
    product: 'windows',
    category: 'ps_script',
    table: 'DeviceEvents',
    where: [actionType('AmsiScriptContent', 'AmsiScriptDetection')],
    fields: {
      ScriptBlockText: { expression: additionalField('ScriptContent'), type: 'string', columns: ['AdditionalFields'] },
      Path: { unsupported: 'AMSI script events do not record the script path.' },
      ScriptBlockId: { unsupported: 'AMSI script events have no script-block id.' },
    },
    warning:
      'Defender has no PowerShell script-block log: ScriptBlockText is matched against the script content AMSI saw (ActionType AmsiScriptContent, recorded only with a custom data-collection rule, and AmsiScriptDetection for scripts AMSI flagged).',
  },
  {
    product: 'windows',
    category: 'ps_module',
    table: 'DeviceEvents',
    where: [actionType('PowerShellCommand')],
    fields: {
      Payload: { expression: additionalField('Command'), type: 'string', columns: ['AdditionalFields'] },
      ContextInfo: 'InitiatingProcessCommandLine',
    },
    warning:
      'Defender has no PowerShell module log: Payload is matched against the command name of PowerShellCommand events (no parameters), and ContextInfo against the PowerShell host\'s command line.',
  },
  { product: 'windows', category: 'ps_classic_start', table: '', unsupported: NO_EVENT_LOG.replace('%s', 'Windows PowerShell classic log (EventID 400)') },
  { product: 'windows', category: 'ps_classic_provider_start', table: '', unsupported: NO_EVENT_LOG.replace('%s', 'Windows PowerShell classic log (EventID 600)') },
  { product: 'windows', category: 'ps_classic_script', table: '', unsupported: NO_EVENT_LOG.replace('%s', 'Windows PowerShell classic log (EventID 800)') },
  {
    product: 'windows',
    category: 'process_tampering',
    table: '',
    unsupported: 'Defender for Endpoint has no process-tampering event (Sysmon EventID 25).',
  },
  {
    product: 'windows',
    category: 'raw_access_thread',
    table: '',
    unsupported: 'Defender for Endpoint has no raw disk access event (Sysmon EventID 9).',
  },
  {
    product: 'windows',
    category: 'wmi_event',
    table: '',
    unsupported: 'Sysmon WMI events (19-21) have no Defender equivalent with the same fields; DeviceEvents WmiBindEventFilterToConsumer records bindings with AdditionalFields.',
  },
  // Defender for Endpoint on Linux fills the same tables; Sysmon for Linux writes users as bare names.
  {
    product: 'linux',
    category: 'process_creation',
    table: 'DeviceProcessEvents',
    fields: { ...PROCESS_CREATION_FIELDS, User: 'AccountName', ParentUser: 'InitiatingProcessAccountName' },
    keywordColumns: ['ProcessCommandLine'],
  },
  {
    product: 'macos',
    category: 'process_creation',
    table: 'DeviceProcessEvents',
    fields: { ...PROCESS_CREATION_FIELDS, User: 'AccountName', ParentUser: 'InitiatingProcessAccountName' },
    keywordColumns: ['ProcessCommandLine'],
  },
  { product: 'linux', category: 'network_connection', table: 'DeviceNetworkEvents', fields: { ...NETWORK_FIELDS, User: 'InitiatingProcessAccountName' } },
  {
    product: 'linux',
    category: 'file_event',
    table: 'DeviceFileEvents',
    where: [actionType('FileCreated', 'FileModified')],
    fields: { ...FILE_FIELDS, User: 'InitiatingProcessAccountName' },
  },
  { product: 'windows', service: 'security', table: '', unsupported: NO_EVENT_LOG.replace('%s', 'Security event log') },
  { product: 'windows', service: 'sysmon', table: '', unsupported: NO_EVENT_LOG.replace('%s', 'Sysmon event log (rules on Sysmon EventIDs)') },
  { product: 'windows', table: '', unsupported: NO_EVENT_LOG.replace('%s', 'Windows event-log channels (System, Application, ...)') },
];

export const target: TargetDefinition = {
  id: 'defender-xdr',
  label: 'Microsoft Defender XDR',
  description:
    'Microsoft Defender XDR advanced hunting: DeviceProcessEvents, DeviceNetworkEvents, DeviceFileEvents, DeviceRegistryEvents, DeviceImageLoadEvents and DeviceEvents (named pipes, remote threads, process access, driver loads, DNS, PowerShell by ActionType).',
  tables,
  timestampColumns: Object.fromEntries(Object.keys(tables).map((t) => [t, 'Timestamp'])),
  logsources: LOGSOURCES,
  fields: INITIATING_PROCESS_FIELDS,
};
