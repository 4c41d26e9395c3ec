/**
 * Sentinel data connectors (the `connectorId` values of the Azure-Sentinel repository's
 * analytics rules) that bring each table a siglab target queries. ASIM parsers list the
 * connectors of the sources they normalise, as Microsoft's own ASIM rules do.
 */
export interface RequiredDataConnector {
  connectorId: string;
  dataTypes: string[];
}

const DEFENDER_XDR = (table: string): RequiredDataConnector => ({ connectorId: 'MicrosoftThreatProtection', dataTypes: [table] });
const SECURITY_EVENT: RequiredDataConnector[] = [
  { connectorId: 'SecurityEvents', dataTypes: ['SecurityEvent'] },
  { connectorId: 'WindowsSecurityEvents', dataTypes: ['SecurityEvent'] },
];
const WINDOWS_EVENT: RequiredDataConnector = { connectorId: 'WindowsForwardedEvents', dataTypes: ['WindowsEvent'] };

const BY_TABLE: Record<string, RequiredDataConnector[]> = {
  SecurityEvent: SECURITY_EVENT,
  WindowsEvent: [WINDOWS_EVENT],
  Syslog: [
    { connectorId: 'Syslog', dataTypes: ['Syslog'] },
    { connectorId: 'SyslogAma', dataTypes: ['Syslog'] },
  ],
  SigninLogs: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }],
  AADNonInteractiveUserSignInLogs: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['AADNonInteractiveUserSignInLogs'] }],
  AuditLogs: [{ connectorId: 'AzureActiveDirectory', dataTypes: ['AuditLogs'] }],
  AzureActivity: [{ connectorId: 'AzureActivity', dataTypes: ['AzureActivity'] }],
  OfficeActivity: [{ connectorId: 'Office365', dataTypes: ['OfficeActivity'] }],
  CommonSecurityLog: [
    { connectorId: 'CefAma', dataTypes: ['CommonSecurityLog'] },
    { connectorId: 'CEF', dataTypes: ['CommonSecurityLog'] },
  ],
  DnsEvents: [{ connectorId: 'DNS', dataTypes: ['DnsEvents'] }],
  W3CIISLog: [{ connectorId: 'AzureMonitor(IIS)', dataTypes: ['W3CIISLog'] }],
  DeviceProcessEvents: [DEFENDER_XDR('DeviceProcessEvents')],
  DeviceNetworkEvents: [DEFENDER_XDR('DeviceNetworkEvents')],
  DeviceFileEvents: [DEFENDER_XDR('DeviceFileEvents')],
  DeviceRegistryEvents: [DEFENDER_XDR('DeviceRegistryEvents')],
  DeviceImageLoadEvents: [DEFENDER_XDR('DeviceImageLoadEvents')],
  DeviceEvents: [DEFENDER_XDR('DeviceEvents')],
  DeviceLogonEvents: [DEFENDER_XDR('DeviceLogonEvents')],
  imProcessCreate: [...SECURITY_EVENT, WINDOWS_EVENT, DEFENDER_XDR('DeviceProcessEvents')],
  imFileEvent: [DEFENDER_XDR('DeviceFileEvents'), WINDOWS_EVENT],
  imRegistry: [...SECURITY_EVENT, WINDOWS_EVENT, DEFENDER_XDR('DeviceRegistryEvents')],
  imNetworkSession: [...SECURITY_EVENT, WINDOWS_EVENT, DEFENDER_XDR('DeviceNetworkEvents'), { connectorId: 'AzureFirewall', dataTypes: ['AzureDiagnostics'] }],
  imDns: [{ connectorId: 'DNS', dataTypes: ['DnsEvents'] }],
  imAuthentication: [...SECURITY_EVENT, { connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] }, DEFENDER_XDR('DeviceLogonEvents')],
  imWebSession: [{ connectorId: 'CefAma', dataTypes: ['CommonSecurityLog'] }],
  imAuditEvent: [{ connectorId: 'AzureActivity', dataTypes: ['AzureActivity'] }],
};

/** The connectors for a table, or undefined when no Sentinel connector is known to bring it (e.g. `Event`). */
export function connectorsForTable(table: string): RequiredDataConnector[] | undefined {
  return Object.hasOwn(BY_TABLE, table) ? BY_TABLE[table].map((c) => ({ connectorId: c.connectorId, dataTypes: [...c.dataTypes] })) : undefined;
}
