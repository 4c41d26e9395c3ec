/**
 * The Sigma log source taxonomy as data: which Windows channels, providers and EventIDs each
 * `logsource` (product/category/service) stands for, and what field names rules use for it.
 *
 * Facts from the Sigma specification's Taxonomy appendix (v2.1.0), pySigma's
 * `windows_logsource_mapping` (services to channels), pySigma-pipeline-sysmon (categories to
 * Sysmon EventIDs) and pySigma-pipeline-windows' `windows_audit_pipeline` (the Security channel
 * equivalents: process_creation = 4688, registry_* = 4657). siglab adds the Security events that
 * carry the same telemetry for network_connection (5156, Windows Filtering Platform) and
 * process_termination (4689), so such events are not wrongly reported as "another log source".
 *
 * The matcher calls `judgeEventSource` to tell an event that clearly comes from another log
 * source (verdict `nomatch`, reason `logsource`) from one that cannot be placed (judged on fields).
 */
import type { EventSourceHints } from '../engine/event.ts';
import type { Logsource } from './model.ts';
import { CORPUS_FIELDS, CORPUS_LOGSOURCE_COUNTS } from './taxonomy-fields.ts';

export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
export const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon';
export const LINUX_SYSMON_CHANNEL = 'Linux-Sysmon/Operational';
export const SECURITY_CHANNEL = 'Security';
export const SECURITY_PROVIDER = 'Microsoft-Windows-Security-Auditing';
const POWERSHELL_CHANNELS = ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'] as const;
const POWERSHELL_CLASSIC_CHANNEL = 'Windows PowerShell';
const KERNEL_FILE_PROVIDER = 'Microsoft-Windows-Kernel-File';

/** One concrete way a log source can be collected: a channel (or ETW provider) and EventIDs. */
export interface SourceAlternative {
  /** Short name used in messages: `Sysmon`, `Security`, `PowerShell`, a channel name. */
  readonly label: string;
  /** Windows event log channels; empty for ETW-only sources, which are known by provider. */
  readonly channels: readonly string[];
  /** Provider names (`<Provider Name=...>`), used when an event names no channel. */
  readonly providers?: readonly string[];
  /** The EventIDs of this log source on that channel; absent means any EventID. */
  readonly eventIds?: readonly number[];
}

/** Shared and cached: treat as read-only. */
export interface ExpectedSource {
  /** E.g. `process_creation (Sysmon 1, Security 4688)` or `service security (channel Security)`. */
  readonly description: string;
  readonly alternatives: readonly SourceAlternative[];
}

export interface SourceJudgement {
  verdict: 'same' | 'other' | 'unknown';
  reason?: string;
}

interface CategoryEntry {
  sysmon?: readonly number[];
  security?: readonly number[];
  /** Channels other than Sysmon/Security (PowerShell categories). */
  channels?: readonly string[];
  channelIds?: readonly number[];
  channelLabel?: string;
  /** ETW providers (file_access, file_rename). */
  providers?: readonly string[];
}

/** product: windows, category → source. */
export const WINDOWS_CATEGORIES: Readonly<Record<string, CategoryEntry>> = {
  process_creation: { sysmon: [1], security: [4688] },
  file_change: { sysmon: [2] },
  network_connection: { sysmon: [3], security: [5156] },
  sysmon_status: { sysmon: [4, 16] },
  process_termination: { sysmon: [5], security: [4689] },
  driver_load: { sysmon: [6] },
  image_load: { sysmon: [7] },
  create_remote_thread: { sysmon: [8] },
  raw_access_thread: { sysmon: [9] },
  process_access: { sysmon: [10] },
  file_event: { sysmon: [11] },
  registry_event: { sysmon: [12, 13, 14], security: [4657] },
  registry_add: { sysmon: [12], security: [4657] },
  registry_delete: { sysmon: [12], security: [4657] },
  registry_set: { sysmon: [13], security: [4657] },
  registry_rename: { sysmon: [14] },
  create_stream_hash: { sysmon: [15] },
  pipe_created: { sysmon: [17, 18] },
  wmi_event: { sysmon: [19, 20, 21] },
  dns_query: { sysmon: [22] },
  file_delete: { sysmon: [23, 26] },
  clipboard_capture: { sysmon: [24] },
  process_tampering: { sysmon: [25] },
  file_delete_detected: { sysmon: [26] },
  file_block_executable: { sysmon: [27] },
  file_block_shredding: { sysmon: [28] },
  file_executable_detected: { sysmon: [29] },
  sysmon_error: { sysmon: [255] },
  file_access: { providers: [KERNEL_FILE_PROVIDER] },
  file_rename: { providers: [KERNEL_FILE_PROVIDER] },
  ps_classic_start: { channels: [POWERSHELL_CLASSIC_CHANNEL], channelIds: [400], channelLabel: 'Windows PowerShell' },
  ps_classic_provider_start: { channels: [POWERSHELL_CLASSIC_CHANNEL], channelIds: [600], channelLabel: 'Windows PowerShell' },
  ps_classic_script: { channels: [POWERSHELL_CLASSIC_CHANNEL], channelIds: [800], channelLabel: 'Windows PowerShell' },
  ps_module: { channels: POWERSHELL_CHANNELS, channelIds: [4103], channelLabel: 'PowerShell' },
  ps_script: { channels: POWERSHELL_CHANNELS, channelIds: [4104], channelLabel: 'PowerShell' },
};

/** product: linux categories that Sysmon for Linux provides (taxonomy appendix, Linux folder). */
export const LINUX_SYSMON_CATEGORIES: Readonly<Record<string, readonly number[]>> = {
  process_creation: [1],
  network_connection: [3],
  file_event: [11],
};

interface ServiceEntry {
  channels: readonly string[];
  providers?: readonly string[];
}

/** product: windows, service → channel(s), and providers where they identify the source. */
export const WINDOWS_SERVICES: Readonly<Record<string, ServiceEntry>> = {
  application: { channels: ['Application'] },
  'application-experience': {
    channels: [
      'Microsoft-Windows-Application-Experience/Program-Telemetry',
      'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant',
    ],
  },
  applocker: {
    channels: [
      'Microsoft-Windows-AppLocker/MSI and Script',
      'Microsoft-Windows-AppLocker/EXE and DLL',
      'Microsoft-Windows-AppLocker/Packaged app-Deployment',
      'Microsoft-Windows-AppLocker/Packaged app-Execution',
    ],
    providers: ['Microsoft-Windows-AppLocker'],
  },
  'appmodel-runtime': { channels: ['Microsoft-Windows-AppModel-Runtime/Admin'] },
  'appxdeployment-server': { channels: ['Microsoft-Windows-AppXDeploymentServer/Operational'] },
  'appxpackaging-om': { channels: ['Microsoft-Windows-AppxPackaging/Operational'] },
  bitlocker: { channels: ['Microsoft-Windows-BitLocker/BitLocker Management'] },
  'bits-client': { channels: ['Microsoft-Windows-Bits-Client/Operational'], providers: ['Microsoft-Windows-Bits-Client'] },
  capi2: { channels: ['Microsoft-Windows-CAPI2/Operational'] },
  'certificateservicesclient-lifecycle-system': {
    channels: ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  },
  'codeintegrity-operational': {
    channels: ['Microsoft-Windows-CodeIntegrity/Operational'],
    providers: ['Microsoft-Windows-CodeIntegrity'],
  },
  dhcp: { channels: ['Microsoft-Windows-DHCP-Server/Operational'] },
  'diagnosis-scripted': { channels: ['Microsoft-Windows-Diagnosis-Scripted/Operational'] },
  'dns-client': { channels: ['Microsoft-Windows-DNS Client Events/Operational'], providers: ['Microsoft-Windows-DNS-Client'] },
  'dns-server': { channels: ['DNS Server'] },
  'dns-server-analytic': { channels: ['Microsoft-Windows-DNS-Server/Analytical'] },
  'dns-server-audit': { channels: ['Microsoft-Windows-DNS-Server/Audit'] },
  'driver-framework': { channels: ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'] },
  'firewall-as': {
    channels: ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
    providers: ['Microsoft-Windows-Windows Firewall With Advanced Security'],
  },
  'hyper-v-worker': { channels: ['Microsoft-Windows-Hyper-V-Worker', 'Microsoft-Windows-Hyper-V-Worker-Admin'] },
  'iis-configuration': { channels: ['Microsoft-IIS-Configuration/Operational'] },
  'kernel-event-tracing': { channels: ['Microsoft-Windows-Kernel-EventTracing', 'Microsoft-Windows-Kernel-EventTracing/Admin'] },
  'kernel-shimengine': {
    channels: ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic'],
  },
  ldap: { channels: ['Microsoft-Windows-LDAP-Client/Debug'] },
  ldap_debug: { channels: ['Microsoft-Windows-LDAP-Client/Debug'] },
  'lsa-server': { channels: ['Microsoft-Windows-LSA/Operational'] },
  'msexchange-management': { channels: ['MSExchange Management'] },
  ntfs: { channels: ['Microsoft-Windows-Ntfs/Operational'] },
  ntlm: { channels: ['Microsoft-Windows-NTLM/Operational'], providers: ['Microsoft-Windows-NTLM'] },
  openssh: { channels: ['OpenSSH/Operational'] },
  powershell: { channels: POWERSHELL_CHANNELS, providers: ['Microsoft-Windows-PowerShell', 'PowerShellCore'] },
  'powershell-classic': { channels: [POWERSHELL_CLASSIC_CHANNEL], providers: ['PowerShell'] },
  'printservice-admin': { channels: ['Microsoft-Windows-PrintService/Admin'] },
  'printservice-operational': { channels: ['Microsoft-Windows-PrintService/Operational'] },
  security: { channels: [SECURITY_CHANNEL], providers: [SECURITY_PROVIDER, 'Microsoft-Windows-Eventlog'] },
  'security-mitigations': {
    channels: ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  },
  sense: { channels: ['Microsoft-Windows-SENSE/Operational'] },
  'servicebus-client': { channels: ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin'] },
  'microsoft-servicebus-client': {
    channels: ['Microsoft-ServiceBus-Client', 'Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin'],
  },
  'shell-core': { channels: ['Microsoft-Windows-Shell-Core/Operational'] },
  'smbclient-connectivity': { channels: ['Microsoft-Windows-SmbClient/Connectivity'] },
  'smbclient-security': { channels: ['Microsoft-Windows-SmbClient/Security'] },
  'smbserver-connectivity': { channels: ['Microsoft-Windows-SMBServer/Connectivity'] },
  sysmon: { channels: [SYSMON_CHANNEL], providers: [SYSMON_PROVIDER] },
  system: { channels: ['System'] },
  taskscheduler: { channels: ['Microsoft-Windows-TaskScheduler/Operational'], providers: ['Microsoft-Windows-TaskScheduler'] },
  'terminalservices-localsessionmanager': {
    channels: ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
    providers: ['Microsoft-Windows-TerminalServices-LocalSessionManager'],
  },
  vhdmp: { channels: ['Microsoft-Windows-VHDMP/Operational'] },
  windefend: {
    channels: ['Microsoft-Windows-Windows Defender/Operational'],
    providers: ['Microsoft-Windows-Windows Defender'],
  },
  wmi: { channels: ['Microsoft-Windows-WMI-Activity/Operational'], providers: ['Microsoft-Windows-WMI-Activity'] },
};

/** Sysmon event schema (v15): the EventData fields of each Sysmon EventID. */
export const SYSMON_EVENT_FIELDS: Readonly<Record<number, readonly string[]>> = (() => {
  const fileDeleteLike = ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'User', 'Image', 'TargetFilename', 'Hashes', 'IsExecutable'];
  const pipe = ['RuleName', 'EventType', 'UtcTime', 'ProcessGuid', 'ProcessId', 'PipeName', 'Image', 'User'];
  return {
    1: [
      'RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'FileVersion', 'Description', 'Product', 'Company',
      'OriginalFileName', 'CommandLine', 'CurrentDirectory', 'User', 'LogonGuid', 'LogonId', 'TerminalSessionId',
      'IntegrityLevel', 'Hashes', 'ParentProcessGuid', 'ParentProcessId', 'ParentImage', 'ParentCommandLine', 'ParentUser',
    ],
    2: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'TargetFilename', 'CreationUtcTime', 'PreviousCreationUtcTime', 'User'],
    3: [
      'RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'User', 'Protocol', 'Initiated', 'SourceIsIpv6', 'SourceIp',
      'SourceHostname', 'SourcePort', 'SourcePortName', 'DestinationIsIpv6', 'DestinationIp', 'DestinationHostname',
      'DestinationPort', 'DestinationPortName',
    ],
    4: ['UtcTime', 'State', 'Version', 'SchemaVersion'],
    5: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'User'],
    6: ['RuleName', 'UtcTime', 'ImageLoaded', 'Hashes', 'Signed', 'Signature', 'SignatureStatus'],
    7: [
      'RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'ImageLoaded', 'FileVersion', 'Description', 'Product',
      'Company', 'OriginalFileName', 'Hashes', 'Signed', 'Signature', 'SignatureStatus', 'User',
    ],
    8: [
      'RuleName', 'UtcTime', 'SourceProcessGuid', 'SourceProcessId', 'SourceImage', 'TargetProcessGuid', 'TargetProcessId',
      'TargetImage', 'NewThreadId', 'StartAddress', 'StartModule', 'StartFunction', 'SourceUser', 'TargetUser',
    ],
    9: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'Device', 'User'],
    10: [
      'RuleName', 'UtcTime', 'SourceProcessGUID', 'SourceProcessId', 'SourceThreadId', 'SourceImage', 'TargetProcessGUID',
      'TargetProcessId', 'TargetImage', 'GrantedAccess', 'CallTrace', 'SourceUser', 'TargetUser',
    ],
    11: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'TargetFilename', 'CreationUtcTime', 'User'],
    12: ['RuleName', 'EventType', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'TargetObject', 'User'],
    13: ['RuleName', 'EventType', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'TargetObject', 'Details', 'User'],
    14: ['RuleName', 'EventType', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'TargetObject', 'NewName', 'User'],
    15: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'TargetFilename', 'CreationUtcTime', 'Hash', 'Contents', 'User'],
    16: ['UtcTime', 'Configuration', 'ConfigurationFileHash'],
    17: pipe,
    18: pipe,
    19: ['RuleName', 'EventType', 'UtcTime', 'Operation', 'User', 'EventNamespace', 'Name', 'Query'],
    20: ['RuleName', 'EventType', 'UtcTime', 'Operation', 'User', 'Name', 'Type', 'Destination'],
    21: ['RuleName', 'EventType', 'UtcTime', 'Operation', 'User', 'Consumer', 'Filter'],
    22: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'QueryName', 'QueryStatus', 'QueryResults', 'Image', 'User'],
    23: [...fileDeleteLike, 'Archived'],
    24: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'Session', 'ClientInfo', 'Hashes', 'Archived', 'User'],
    25: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'Type', 'User'],
    26: fileDeleteLike,
    27: fileDeleteLike,
    28: fileDeleteLike,
    29: ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'User', 'Image', 'TargetFilename', 'Hashes'],
    255: ['UtcTime', 'ID', 'Description'],
  };
})();

/** Fields every Windows event has, named as Sigma rules name them. */
const WINDOWS_SYSTEM_FIELDS = ['EventID', 'Channel', 'Provider_Name', 'Computer'] as const;

/** Log source values from the taxonomy appendix that the corpus may not use. */
const TAXONOMY_PRODUCTS = [
  'windows', 'linux', 'macos', 'aws', 'azure', 'gcp', 'm365', 'okta', 'onelogin', 'github', 'bitbucket', 'cisco',
  'zeek', 'huawei', 'juniper', 'django', 'python', 'rpc_firewall', 'ruby_on_rails', 'spring', 'sql', 'modsecurity',
];
const TAXONOMY_CATEGORIES = [
  ...Object.keys(WINDOWS_CATEGORIES), 'antivirus', 'database', 'application', 'dns', 'firewall', 'proxy', 'webserver', 'network',
];
const TAXONOMY_SERVICES = [
  ...Object.keys(WINDOWS_SERVICES), 'cloudtrail', 'activitylogs', 'auditlogs', 'riskdetection', 'pim', 'signinlogs', 'audit',
  'duo', 'gcp.audit', 'google_workspace.admin', 'exchange', 'threat_detection', 'threat_management', 'okta', 'onelogin.events',
  'auditd', 'auth', 'clamav', 'cron', 'guacamole', 'sudo', 'sshd', 'syslog', 'vsftpd', 'aaa', 'bgp', 'ldp', 'dce_rpc', 'dns',
  'http', 'kerberos', 'rdp', 'smb_files', 'x509', 'apache', 'connection',
];

/** Values used by the corpus first (most used first), then the rest of the taxonomy, alphabetically. */
function completionList(counts: Readonly<Record<string, number>>, taxonomy: readonly string[]): readonly string[] {
  const used = Object.keys(counts).sort((a, b) => counts[b] - counts[a] || a.localeCompare(b));
  const rest = [...new Set(taxonomy)].filter((v) => !(v in counts)).sort();
  return Object.freeze([...used, ...rest]);
}

export const LOGSOURCE_PRODUCTS: readonly string[] = completionList(CORPUS_LOGSOURCE_COUNTS.products, TAXONOMY_PRODUCTS);
export const LOGSOURCE_CATEGORIES: readonly string[] = completionList(CORPUS_LOGSOURCE_COUNTS.categories, TAXONOMY_CATEGORIES);
export const LOGSOURCE_SERVICES: readonly string[] = completionList(CORPUS_LOGSOURCE_COUNTS.services, TAXONOMY_SERVICES);

function norm(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

/** Splunk-style `WinEventLog:Security` and case differences name the same channel. */
function normChannel(value: string | undefined): string {
  return norm(value).replace(/^wineventlog:/, '');
}

function idList(ids: readonly number[]): string {
  return ids.join('/');
}

function categoryAlternatives(category: string, product: string): SourceAlternative[] {
  const alternatives: SourceAlternative[] = [];
  if (product === '' || product === 'windows') {
    const entry = WINDOWS_CATEGORIES[category];
    if (entry?.sysmon) alternatives.push({ label: 'Sysmon', channels: [SYSMON_CHANNEL], providers: [SYSMON_PROVIDER], eventIds: entry.sysmon });
    if (entry?.security) alternatives.push({ label: 'Security', channels: [SECURITY_CHANNEL], providers: [SECURITY_PROVIDER], eventIds: entry.security });
    if (entry?.channels) {
      alternatives.push({ label: entry.channelLabel ?? entry.channels[0], channels: entry.channels, eventIds: entry.channelIds });
    }
    if (entry?.providers) alternatives.push({ label: entry.providers[0], channels: [], providers: entry.providers });
  }
  if (product === '' || product === 'linux') {
    const ids = LINUX_SYSMON_CATEGORIES[category];
    if (ids) alternatives.push({ label: 'Sysmon for Linux', channels: [LINUX_SYSMON_CHANNEL], eventIds: ids });
  }
  return alternatives;
}

function describeAlternatives(alternatives: readonly SourceAlternative[]): string {
  return alternatives
    .map((a) => (a.eventIds ? `${a.label} ${idList(a.eventIds)}` : a.channels.length > 0 ? `channel ${a.channels.join(' or ')}` : `provider ${a.label}`))
    .join(', ');
}

/**
 * Which Windows (or Sysmon for Linux) event sources a log source stands for, by the taxonomy.
 * Undefined when the taxonomy ties it to no channel or provider (cloud, network, or a log source
 * siglab does not know), so the event can only be judged on its fields.
 */
export function expectedEventSource(logsource: Logsource): ExpectedSource | undefined {
  const product = norm(logsource.product);
  const category = norm(logsource.category);
  const service = norm(logsource.service);
  // The matcher asks once per rule and event source; the answer only depends on these three.
  const key = `${product}|${category}|${service}`;
  if (EXPECTED_CACHE.has(key)) return EXPECTED_CACHE.get(key);
  const expected = computeExpected(product, category, service);
  if (EXPECTED_CACHE.size >= 1000) EXPECTED_CACHE.clear();
  EXPECTED_CACHE.set(key, expected);
  return expected;
}

const EXPECTED_CACHE = new Map<string, ExpectedSource | undefined>();

function computeExpected(product: string, category: string, service: string): ExpectedSource | undefined {
  if (product !== '' && product !== 'windows' && product !== 'linux') return undefined;
  const serviceEntry = product === 'linux' || service === '' ? undefined : WINDOWS_SERVICES[service];
  let alternatives = category ? categoryAlternatives(category, product) : [];
  if (serviceEntry) {
    const channels = new Set(serviceEntry.channels.map(normChannel));
    const narrowed = alternatives.filter((a) => a.channels.some((c) => channels.has(normChannel(c))));
    alternatives = narrowed.length > 0
      ? narrowed
      : [{ label: serviceEntry.channels.length === 1 ? serviceEntry.channels[0] : service, channels: serviceEntry.channels, providers: serviceEntry.providers }];
    if (narrowed.length === 0) {
      return {
        description: `service ${service} (channel ${serviceEntry.channels.join(' or ')})`,
        alternatives,
      };
    }
  }
  if (alternatives.length === 0) return undefined;
  return { description: `${category} (${describeAlternatives(alternatives)})`, alternatives };
}

/** Reverse index: normalised channel → service names. */
const CHANNEL_SERVICES: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [service, entry] of Object.entries(WINDOWS_SERVICES)) {
    for (const channel of entry.channels) {
      const key = normChannel(channel);
      map.set(key, [...(map.get(key) ?? []), service]);
    }
  }
  return map;
})();

/** Reverse index: normalised provider → the service it identifies. */
const PROVIDER_SERVICES: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [service, entry] of Object.entries(WINDOWS_SERVICES)) {
    for (const provider of entry.providers ?? []) map.set(norm(provider), service);
  }
  return map;
})();

/** The categories whose Sysmon EventIDs include `id`, single-ID categories first. */
function sysmonCategoriesOf(id: number): string[] {
  const exact = Object.entries(WINDOWS_CATEGORIES).filter(([, e]) => e.sysmon?.length === 1 && e.sysmon[0] === id).map(([c]) => c);
  if (exact.length > 0) return exact;
  return Object.entries(WINDOWS_CATEGORIES).filter(([, e]) => e.sysmon?.includes(id)).map(([c]) => c);
}

function securityCategoriesOf(id: number): string[] {
  return Object.entries(WINDOWS_CATEGORIES).filter(([, e]) => e.security?.includes(id)).map(([c]) => c);
}

/** A short description of where the event comes from: `Sysmon EventID 3 (network_connection)`. */
function describeEvent(hints: EventSourceHints): string {
  const channel = normChannel(hints.channel);
  const id = hints.eventId;
  if (channel === normChannel(SYSMON_CHANNEL) || (!channel && norm(hints.provider) === norm(SYSMON_PROVIDER))) {
    if (id === undefined) return 'a Sysmon event';
    const categories = sysmonCategoriesOf(id);
    return `Sysmon EventID ${id}${categories.length > 0 ? ` (${categories.join('/')})` : ''}`;
  }
  if (channel === normChannel(SECURITY_CHANNEL)) {
    if (id === undefined) return 'a Security event';
    const categories = securityCategoriesOf(id);
    return `Security EventID ${id}${categories.length > 0 ? ` (${categories.join('/')})` : ''}`;
  }
  const where = channel ? `channel ${hints.channel!.trim()}` : `provider ${hints.provider!.trim()}`;
  return id === undefined ? `an event from ${where}` : `EventID ${id} from ${where}`;
}

/**
 * Whether an event comes from the log source a rule reads. `other` only when the event names a
 * channel (or, lacking one, a known provider) that the rule's log source does not cover, or the
 * right channel with an EventID of another category; `unknown` when the event names no source or
 * the rule's log source maps to no channel; `same` otherwise.
 */
export function judgeEventSource(logsource: Logsource, hints: EventSourceHints): SourceJudgement {
  const channel = normChannel(hints.channel);
  const provider = norm(hints.provider);
  if (!channel && !provider) return { verdict: 'unknown' };
  const knownWindowsSource =
    (channel !== '' && (CHANNEL_SERVICES.has(channel) || channel === normChannel(SYSMON_CHANNEL))) ||
    (channel === '' && PROVIDER_SERVICES.has(provider));
  const expected = expectedEventSource(logsource);
  if (!expected) {
    const product = norm(logsource.product);
    if (product !== '' && product !== 'windows' && knownWindowsSource) {
      return { verdict: 'other', reason: `event is ${describeEvent(hints)}, a Windows event log source; rule expects product ${logsource.product}` };
    }
    return { verdict: 'unknown' };
  }

  let sourceMatched = false;
  let sourceKnown = false;
  for (const alt of expected.alternatives) {
    let matches: boolean | undefined;
    if (channel) {
      matches = alt.channels.some((c) => normChannel(c) === channel);
      if (!matches && alt.channels.length === 0 && provider) matches = (alt.providers ?? []).some((p) => norm(p) === provider);
    } else if (alt.providers) {
      matches = alt.providers.some((p) => norm(p) === provider);
    }
    if (matches === undefined) continue;
    sourceKnown = true;
    if (!matches) continue;
    sourceMatched = true;
    if (!alt.eventIds || hints.eventId === undefined || alt.eventIds.includes(hints.eventId)) return { verdict: 'same' };
  }
  const why = `event is ${describeEvent(hints)}; rule expects ${expected.description}`;
  if (sourceMatched) return { verdict: 'other', reason: why };
  // A channel the rule does not read is another source, whatever it is. A provider alone counts
  // only when siglab knows which source it belongs to.
  if (channel) return { verdict: 'other', reason: why };
  if (sourceKnown && PROVIDER_SERVICES.has(provider)) return { verdict: 'other', reason: why };
  return { verdict: 'unknown' };
}

function corpusKey(product: string, category: string, service: string): string {
  return `${product}|${category}|${service}`;
}

/**
 * Field names for editor completion: what SigmaHQ rules use for this log source (most used
 * first), then the Sysmon schema fields of its EventIDs, then the Windows System fields.
 */
export function fieldsForLogsource(logsource: Logsource): string[] {
  const product = norm(logsource.product);
  const category = norm(logsource.category);
  const service = norm(logsource.service);
  const out = new Set<string>();
  const add = (fields: readonly string[] | undefined) => fields?.forEach((f) => out.add(f));
  add(CORPUS_FIELDS[corpusKey(product, category, service)]);
  if (category) {
    add(CORPUS_FIELDS[corpusKey(product, category, '')]);
    if (!product) for (const p of ['windows', 'linux', 'macos']) add(CORPUS_FIELDS[corpusKey(p, category, '')]);
    add(CORPUS_FIELDS[corpusKey('', category, '')]);
  }
  if (service) add(CORPUS_FIELDS[corpusKey(product, '', service)]);
  const windowsLike = product === 'windows' || (product === '' && (category in WINDOWS_CATEGORIES || service in WINDOWS_SERVICES));
  if (windowsLike) {
    const ids = category ? WINDOWS_CATEGORIES[category]?.sysmon ?? [] : service === 'sysmon' ? Object.keys(SYSMON_EVENT_FIELDS).map(Number) : [];
    for (const id of ids) add(SYSMON_EVENT_FIELDS[id]);
    add(WINDOWS_SYSTEM_FIELDS);
  }
  if (product === 'linux' && LINUX_SYSMON_CATEGORIES[category]) {
    for (const id of LINUX_SYSMON_CATEGORIES[category]) add(SYSMON_EVENT_FIELDS[id]);
  }
  if (out.size === 0 && product) {
    // An unfamiliar category or service: offer what the product's rules use in general.
    const prefix = `${product}|`;
    const counts = new Map<string, number>();
    for (const [key, fields] of Object.entries(CORPUS_FIELDS)) {
      if (!key.startsWith(prefix)) continue;
      fields.forEach((f, i) => counts.set(f, (counts.get(f) ?? 0) + (fields.length - i)));
    }
    add([...counts].sort((a, b) => b[1] - a[1]).map(([f]) => f));
  }
  return [...out];
}
