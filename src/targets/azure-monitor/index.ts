/**
 * Azure Monitor / Log Analytics (also what a Microsoft Sentinel workspace holds without ASIM):
 * Windows Security events in SecurityEvent, Sysmon and every other Windows channel in
 * WindowsEvent, Entra ID in SigninLogs/AuditLogs, Azure control plane in AzureActivity,
 * Microsoft 365 in OfficeActivity, Linux in Syslog, IIS in W3CIISLog, DNS servers in DnsEvents.
 *
 * Column types: src/targets/azure-monitor/tables.json (copied from the shared reference by
 * scripts/extract-target-schemas.mjs).
 */
import type { LogsourceMapping, TableSchema, TargetDefinition } from '../types.ts';
import tablesJson from './tables.json';
import { windowsLogsources } from './windows.ts';
import { linuxSysmonLogsources } from './linux.ts';

const tables = tablesJson as unknown as Record<string, TableSchema>;

const CLOUD_LOGSOURCES: LogsourceMapping[] = [
  { product: 'azure', service: 'signinlogs', table: 'SigninLogs' },
  {
    product: 'azure',
    service: 'auditlogs',
    table: 'AuditLogs',
    // The activity-log export names the operation properties.message; Log Analytics stores it
    // as OperationName ("Add user"), and the outcome (success/failure) as Result.
    fields: { 'properties.message': 'OperationName', Status: 'Result' },
  },
  { product: 'azure', service: 'activitylogs', table: 'AzureActivity' },
  {
    product: 'm365',
    table: 'OfficeActivity',
    warning: 'Microsoft 365 audit records are matched in OfficeActivity by their column names; the Management Activity API field names Sigma uses differ for some workloads.',
  },
  ...linuxSysmonLogsources(),
  {
    product: 'macos',
    category: 'process_creation',
    table: '',
    unsupported:
      'Log Analytics has no table of macOS process events; Defender for Endpoint on macOS records them in DeviceProcessEvents: use the defender-xdr or sentinel-asim target.',
  },
  { product: 'linux', table: 'Syslog', keywordColumns: ['SyslogMessage'] },
  {
    category: 'webserver',
    table: 'W3CIISLog',
    fields: {
      'cs-method': 'csMethod',
      'cs-uri-query': 'csUriQuery',
      'cs-uri-stem': 'csUriStem',
      'cs-user-agent': 'csUserAgent',
      'c-useragent': 'csUserAgent',
      'cs-referrer': 'csReferer',
      'cs-host': 'csHost',
      'sc-status': 'scStatus',
      'c-ip': 'cIP',
      'cs-username': 'csUserName',
    },
    keywordColumns: ['csUriStem', 'csUriQuery'],
    warning: 'webserver rules are matched against IIS logs (W3CIISLog).',
  },
  { category: 'dns', table: 'DnsEvents', fields: { query: 'Name', answer: 'IPAddresses', 'src_ip': 'ClientIP' } },
];

export const target: TargetDefinition = {
  id: 'azure-monitor',
  label: 'Azure Monitor / Log Analytics',
  description:
    'Log Analytics tables as a Sentinel or Azure Monitor workspace stores them: SecurityEvent for the Security channel, WindowsEvent for Sysmon and every other Windows channel, SigninLogs, AuditLogs, AzureActivity, OfficeActivity, Syslog.',
  tables,
  timestampColumns: Object.fromEntries(Object.keys(tables).map((t) => [t, 'TimeGenerated'])),
  logsources: [...windowsLogsources(tables.SecurityEvent), ...CLOUD_LOGSOURCES],
  fields: {},
};
