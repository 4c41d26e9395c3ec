/**
 * Windows event-log data shared by the azure-monitor target and the sentinel-asim fallback:
 * which channel and EventIDs each Sigma Windows logsource means, and how a Sigma field (the
 * `<Data Name="...">` of the event) is read from the two tables a Sentinel workspace stores
 * Windows events in.
 *
 * - `SecurityEvent` (Security channel, "Windows Security Events" connector): the common
 *   EventData items are typed columns (`EventID` int, `LogonType` int, `TargetUserName` string,
 *   ...). Items without a column stay in `EventData`, which is the event's XML *text*; they are
 *   read with `extract()` on `<Data Name="X">value</Data>` and their XML escapes undone, which
 *   gives the item's text exactly (a raw `<` cannot occur inside it).
 * - `WindowsEvent` (every other channel, Azure Monitor Agent DCR with the `Microsoft-WindowsEvent`
 *   stream / Windows Event Forwarding connector): `EventData` is *dynamic*, one property per Data
 *   item, so `tostring(EventData.Image)` is the exact Sysmon value. The legacy `Event` table
 *   keeps EventData as XML text (field matching there is XML-text matching); WindowsEvent is the
 *   table that gives Sigma's field semantics, so it is the one queried.
 */
import type { FieldMapping, FixedPredicate, LogsourceMapping } from '../types.ts';

export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';

/** Sigma Windows categories that are Sysmon events, with their Sysmon EventIDs. */
export const SYSMON_CATEGORIES: Record<string, number[]> = {
  process_creation: [1],
  file_change: [2],
  network_connection: [3],
  sysmon_status: [4, 16],
  process_termination: [5],
  driver_load: [6],
  image_load: [7],
  create_remote_thread: [8],
  raw_access_thread: [9],
  process_access: [10],
  file_event: [11],
  registry_add: [12],
  registry_delete: [12],
  registry_set: [13],
  registry_rename: [14],
  registry_event: [12, 13, 14],
  create_stream_hash: [15],
  pipe_created: [17, 18],
  wmi_event: [19, 20, 21],
  dns_query: [22],
  file_delete: [23, 26],
  clipboard_capture: [24],
  process_tampering: [25],
  file_delete_detected: [26],
  file_block_executable: [27],
  file_block_shredding: [28],
  file_executable_detected: [29],
  sysmon_error: [255],
};

/**
 * Sysmon registry EventID 12 covers both key/value creation and deletion; Sigma tells them apart
 * by `EventType`, which the rules of registry_add/registry_delete also test, so the category
 * adds it as a fixed condition.
 */
export const SYSMON_CATEGORY_EXTRA: Record<string, FixedPredicate[]> = {
  registry_add: [{ kql: 'tostring(EventData.EventType) =~ "CreateKey"', columns: ['EventData'] }],
  registry_delete: [{ kql: 'tostring(EventData.EventType) in~ ("DeleteKey", "DeleteValue")', columns: ['EventData'] }],
};

/** PowerShell categories: channel and EventIDs. */
export const POWERSHELL_CATEGORIES: Record<string, { channel: string; eventIds: number[] }> = {
  ps_script: { channel: 'Microsoft-Windows-PowerShell/Operational', eventIds: [4104] },
  ps_module: { channel: 'Microsoft-Windows-PowerShell/Operational', eventIds: [4103] },
  ps_classic_start: { channel: 'Windows PowerShell', eventIds: [400] },
  ps_classic_provider_start: { channel: 'Windows PowerShell', eventIds: [600] },
  ps_classic_script: { channel: 'Windows PowerShell', eventIds: [800] },
};

/** Sigma Windows `service` → event-log channel(s), as Sigma's Windows logsource conventions define them. */
export const SERVICE_CHANNELS: Record<string, string[]> = {
  system: ['System'],
  application: ['Application'],
  sysmon: [SYSMON_CHANNEL],
  powershell: ['Microsoft-Windows-PowerShell/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'msexchange-management': ['MSExchange Management'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  'smbserver-connectivity': ['Microsoft-Windows-SMBServer/Connectivity'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
  'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
  'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing/Admin'],
  'sense': ['Microsoft-Windows-SENSE/Operational'],
};

/**
 * EventData item names Sigma Windows rules use (Sysmon's schema, the PowerShell, System,
 * Application and other channels' items, and those of SigmaHQ's rules), read from WindowsEvent's
 * dynamic EventData. Items that are WindowsEvent columns (`EventID`, `Channel`, `Provider_Name`,
 * `Computer`, `Level`, `Keywords`) are mapped to those columns instead.
 */
export const EVENT_DATA_FIELDS: readonly string[] = [
  // Sysmon
  'RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'FileVersion', 'Description', 'Product', 'Company',
  'OriginalFileName', 'CommandLine', 'CurrentDirectory', 'User', 'LogonGuid', 'LogonId', 'TerminalSessionId',
  'IntegrityLevel', 'Hashes', 'ParentProcessGuid', 'ParentProcessId', 'ParentImage', 'ParentCommandLine', 'ParentUser',
  'TargetFilename', 'CreationUtcTime', 'PreviousCreationUtcTime', 'Protocol', 'Initiated', 'SourceIsIpv6', 'SourceIp',
  'SourceHostname', 'SourcePortName', 'DestinationIsIpv6', 'DestinationIp', 'DestinationHostname',
  'DestinationPortName', 'State', 'Version', 'SchemaVersion', 'ImageLoaded', 'Signed', 'Signature', 'SignatureStatus',
  'SourceProcessGuid', 'SourceProcessId', 'SourceImage', 'TargetProcessGuid', 'TargetProcessId', 'TargetImage',
  'NewThreadId', 'StartAddress', 'StartModule', 'StartFunction', 'SourceUser', 'TargetUser', 'Device', 'SourceThreadId',
  'GrantedAccess', 'CallTrace', 'EventType', 'TargetObject', 'Details', 'NewName', 'Hash', 'Contents', 'Configuration',
  'ConfigurationFileHash', 'PipeName', 'Operation', 'Type', 'Name', 'Query', 'EventNamespace', 'Destination', 'Consumer',
  'Filter', 'QueryName', 'QueryStatus', 'QueryResults', 'IsExecutable', 'Archived', 'Session', 'ClientInfo',
  'SourceCommandLine', 'SourceParentImage', 'TargetParentProcessId',
  // PowerShell
  'ScriptBlockText', 'ScriptBlockId', 'MessageNumber', 'MessageTotal', 'Path', 'Payload', 'ContextInfo', 'HostApplication',
  'EngineVersion', 'HostName', 'HostVersion',
  // System, Application and the other channels (as SigmaHQ rules name them)
  'AccessList', 'AccessMask', 'AccountName', 'Action', 'AdditionalInfo', 'Address', 'AllowedToDelegateTo', 'AppID',
  'AppName', 'Application', 'ApplicationPath', 'AttributeLDAPDisplayName', 'AttributeValue', 'AuditPolicyChanges',
  'AuditSourceName', 'AuthenticationPackageName', 'Binary', 'CallingProcess', 'Caption', 'CertThumbprint', 'ClassName',
  'ClientAddress', 'ClientProcessId', 'ComputerName', 'DestAddress', 'DestPort', 'DeviceDescription', 'DeviceName',
  'DistinguishedName', 'EncyptionUsed', 'ErrorCode', 'ExceptionCode', 'Feature_Name', 'FileName', 'FileNameBuffer',
  'FilterName', 'FilterOrigin', 'Flags', 'HasFullTrust', 'HiveName', 'ImageName', 'ImagePath', 'ImpersonationLevel',
  'IpAddress', 'IpPort', 'IsatapRouter', 'KeyLength', 'LayerRTID', 'LocalName', 'LogonProcessName', 'LogonType',
  'Message', 'ModifyingApplication', 'NewTargetUserName', 'NewTemplateContent', 'NewUacValue', 'NewValue', 'ObjectClass',
  'ObjectDN', 'ObjectName', 'ObjectServer', 'ObjectType', 'ObjectValueName', 'OldUacValue', 'OldValue', 'Origin',
  'PackageFullName', 'PackagePath', 'PackageSourceUri', 'PasswordLastSet', 'PossibleCause', 'PreAuthType',
  'PrivilegeList', 'ProcessName', 'ProcessNameBuffer', 'ProcessPath', 'Properties', 'Provider', 'ProviderContextName',
  'Reason', 'RelativeTargetName', 'RemoteName', 'RequestedPolicy', 'SamAccountName', 'SearchFilter', 'ServerName',
  'Service', 'ServiceFileName', 'ServiceName', 'ServicePrincipalNames', 'ServiceStartType', 'ServiceType', 'ShareName',
  'SidHistory', 'SidList', 'SigningUsed', 'SourceAddress', 'SourceName', 'Status', 'SubStatus',
  'SubcategoryGuid', 'SubjectAccountName', 'SubjectDomainName', 'SubjectLogonId', 'SubjectUserName', 'SubjectUserSid',
  'TargetInfo', 'TargetLogonId', 'TargetName', 'TargetOutboundUserName', 'TargetServerName', 'TargetSid',
  'TargetUserName', 'TargetUserSid', 'TaskContent', 'TaskContentNew', 'TaskName', 'TemplateContent',
  'TicketEncryptionType', 'TicketOptions', 'UserName', 'Value', 'Workstation', 'WorkstationName', 'param1', 'param2',
  'param3', 'param4', 'param5', 'payload', 'process', 'processPath', 'subjectName',
];

/** Items Sigma compares as numbers; read as int so `lt`/`gt` and list literals are typed. */
const EVENT_DATA_INT_FIELDS = new Set(['SourcePort', 'DestinationPort']);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function eventDataAccess(name: string): string {
  return IDENTIFIER.test(name) ? `EventData.${name}` : `EventData[${JSON.stringify(name)}]`;
}

function buildWindowsEventFields(): Record<string, FieldMapping> {
  const out: Record<string, FieldMapping> = {};
  for (const name of [...EVENT_DATA_FIELDS, ...EVENT_DATA_INT_FIELDS]) {
    out[name] = EVENT_DATA_INT_FIELDS.has(name)
      ? { expression: `toint(${eventDataAccess(name)})`, type: 'int', columns: ['EventData'] }
      : { expression: `tostring(${eventDataAccess(name)})`, type: 'string', columns: ['EventData'] };
  }
  // System properties are WindowsEvent columns.
  out.EventID = 'EventID';
  // As the event reader does, a payload item named Channel takes the name over the System one:
  // in EventID 104 (log cleared) it is the cleared log (UserData/LogFileCleared/Channel), which
  // SigmaHQ's log-cleared rules test. WindowsEvent flattens UserData's items into EventData (the
  // Sentinel "Security Event log cleared" rule reads EventData.SubjectUserName of EventID 1102),
  // so the cleared log is EventData.Channel; coalesce() falls back to the event's own channel.
  out.Channel = { expression: 'coalesce(tostring(EventData.Channel), Channel)', type: 'string', columns: ['EventData', 'Channel'] };
  out.Provider_Name = 'Provider';
  out.Computer = 'Computer';
  out.Level = 'EventLevel';
  out.Keywords = 'Keywords';
  // Classic PowerShell (400/600/800) and some Application events carry unnamed <Data> items,
  // which have no property name in EventData.
  out.Data = {
    expression: 'tostring(EventData)',
    type: 'string',
    columns: ['EventData'],
    warning: 'This event has unnamed <Data> items: `Data` is matched against the whole EventData serialised as JSON text (use contains-style matches).',
  };
  return out;
}

/** Field mappings for any logsource queried on WindowsEvent. */
export const WINDOWS_EVENT_FIELDS: Record<string, FieldMapping> = buildWindowsEventFields();

/**
 * Security-channel items that SigmaHQ rules use and that SecurityEvent has no column for: read
 * from the EventData XML text.
 */
export const SECURITY_EVENT_XML_FIELDS: readonly string[] = [
  'AccessList', 'Application', 'AttributeLDAPDisplayName', 'AttributeValue', 'AuditSourceName', 'CertThumbprint',
  'ClientProcessId', 'ComputerName', 'DestAddress', 'DestPort', 'FileName', 'FilterName', 'FilterOrigin',
  'ImpersonationLevel', 'LayerRTID', 'LayerName', 'NewTargetUserName', 'NewTemplateContent', 'ObjectClass', 'ObjectDN',
  'ObjectGUID', 'OperationType', 'ParentProcessId', 'PreAuthType', 'ProviderContextName', 'Service',
  'ServicePrincipalNames', 'SourceAddress', 'SourcePort', 'SubjectAccountName', 'TargetName', 'TaskContent',
  'TaskContentNew', 'TaskName', 'TicketEncryptionType', 'TicketOptions', 'param1', 'param2', 'Protocol', 'Direction',
  'CallerProcessName', 'ShareLocalPath', 'AccountName', 'NewSd', 'OldSd', 'AttributeSyntaxOID', 'OpCorrelationID',
  'DSName', 'DSType', 'AppCorrelationID', 'Hashes', 'ProcessCreationTime', 'ProductName', 'RelativeTargetName',
];

// The escapes Windows writes in event XML; `&amp;` last so `&amp;lt;` stays `&lt;`.
const XML_ESCAPES: Array<[string, string]> = [
  ['&lt;', '<'],
  ['&gt;', '>'],
  ['&quot;', '"'],
  ['&apos;', "'"],
  ['&#xD;', '\r'],
  ['&#xA;', '\n'],
  ['&#x9;', '\t'],
  ['&amp;', '&'],
];

/** KQL reading one `<Data Name="name">` item from an XML text column, unescaped. */
export function xmlDataItem(column: string, name: string): string {
  let e = `extract(${JSON.stringify(`<Data Name="${name}">([^<]*)</Data>`)}, 1, ${column})`;
  for (const [from, to] of XML_ESCAPES) e = `replace_string(${e}, ${JSON.stringify(from)}, ${JSON.stringify(to)})`;
  return e;
}

function buildSecurityEventFields(securityColumns: Record<string, string>): Record<string, FieldMapping> {
  const out: Record<string, FieldMapping> = {};
  for (const name of SECURITY_EVENT_XML_FIELDS) {
    if (Object.hasOwn(securityColumns, name)) continue; // a typed column exists: the compiler uses it by name
    out[name] = { expression: xmlDataItem('EventData', name), type: 'string', columns: ['EventData'] };
  }
  out.Provider_Name = 'EventSourceName';
  // SigmaHQ's Security rules name the accounts TargetUserName/SubjectUserName; Sysmon's `User`
  // (DOMAIN\name of a process's user) is no Security-channel item, so a value would have no
  // certain column.
  out.User = {
    unsupported:
      'Security events have no User item: use TargetUserName (the account logged on, 4624/4625, or acted upon) or SubjectUserName (the account that acted, e.g. 4688); SecurityEvent.Account holds the event\'s main account as DOMAIN\\name.',
  };
  // Sysmon-style names that security rules (4688, 4663, 5145, ...) use for the same data.
  out.Image = 'NewProcessName';
  out.ParentImage = 'ParentProcessName';
  return out;
}

export function securityEventFields(securityColumns: Record<string, string>): Record<string, FieldMapping> {
  return buildSecurityEventFields(securityColumns);
}

/** `Channel == x` or `Channel in (...)` for WindowsEvent. */
export function channelPredicate(channels: readonly string[]): FixedPredicate {
  return channels.length === 1
    ? { column: 'Channel', op: '==', value: channels[0] }
    : { column: 'Channel', op: 'in', value: [...channels] };
}

export function eventIdPredicate(eventIds: readonly number[]): FixedPredicate {
  return eventIds.length === 1 ? { column: 'EventID', op: '==', value: eventIds[0] } : { column: 'EventID', op: 'in', value: [...eventIds] };
}

/**
 * The Windows logsources as Sentinel stores them: Security → SecurityEvent, Sysmon categories,
 * PowerShell categories and every other channel → WindowsEvent.
 */
export function windowsLogsources(securityColumns: Record<string, string>): LogsourceMapping[] {
  const out: LogsourceMapping[] = [];
  const securityFields = securityEventFields(securityColumns);
  for (const [category, ids] of Object.entries(SYSMON_CATEGORIES)) {
    out.push({
      product: 'windows',
      category,
      table: 'WindowsEvent',
      where: [channelPredicate([SYSMON_CHANNEL]), eventIdPredicate(ids), ...(SYSMON_CATEGORY_EXTRA[category] ?? [])],
      fields: WINDOWS_EVENT_FIELDS,
    });
  }
  for (const [category, { channel, eventIds }] of Object.entries(POWERSHELL_CATEGORIES)) {
    out.push({
      product: 'windows',
      category,
      table: 'WindowsEvent',
      where: [channelPredicate([channel]), eventIdPredicate(eventIds)],
      fields: WINDOWS_EVENT_FIELDS,
    });
  }
  out.push(
    {
      product: 'windows',
      category: 'file_access',
      table: '',
      unsupported:
        'file_access comes from the Microsoft-Windows-Kernel-File ETW provider, which no Windows event log (and so no Sentinel table) records; Sysmon and the Security channel (EventID 4663, object access auditing) are the closest sources.',
    },
    {
      product: 'windows',
      category: 'file_rename',
      table: '',
      unsupported:
        'file_rename comes from the Microsoft-Windows-Kernel-File ETW provider, which no Windows event log records; use the defender-xdr target (DeviceFileEvents, ActionType FileRenamed).',
    },
    {
      product: 'windows',
      service: 'security',
      table: 'SecurityEvent',
      fields: securityFields,
      keywordColumns: ['EventData'],
    },
  );
  for (const [service, channels] of Object.entries(SERVICE_CHANNELS)) {
    out.push({
      product: 'windows',
      service,
      table: 'WindowsEvent',
      where: [channelPredicate(channels)],
      fields: WINDOWS_EVENT_FIELDS,
      keywordColumns: ['EventData'],
    });
  }
  out.push({
    product: 'windows',
    table: 'WindowsEvent',
    fields: WINDOWS_EVENT_FIELDS,
    keywordColumns: ['EventData'],
    warning: 'This Windows logsource names no channel siglab knows: the query searches every channel in WindowsEvent.',
  });
  return out;
}
