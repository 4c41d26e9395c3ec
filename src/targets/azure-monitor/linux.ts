/**
 * Sysmon for Linux as a Sentinel workspace stores it: the Syslog connector writes each event's
 * XML as the text of `SyslogMessage` (`<Provider Name="Linux-Sysmon" .../>`, `<EventID>1</EventID>`,
 * `<Data Name="Image">/usr/bin/curl</Data>`, ...), which is what ASIM's vimProcessCreateLinuxSysmon
 * parser reads too. SigmaHQ's linux process_creation, file_event and network_connection rules are
 * written against these events.
 */
import type { FieldMapping, LogsourceMapping } from '../types.ts';
import { xmlDataItem } from './windows.ts';

/** Sigma linux categories that are Sysmon for Linux events, with their EventIDs. */
export const LINUX_SYSMON_CATEGORIES: Record<string, number> = {
  process_creation: 1,
  network_connection: 3,
  file_event: 11,
};

/** The Sysmon data items of those events (Sysmon for Linux writes the Windows Sysmon schema). */
const LINUX_SYSMON_FIELDS: readonly string[] = [
  'RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'FileVersion', 'Description', 'Product', 'Company',
  'OriginalFileName', 'CommandLine', 'CurrentDirectory', 'User', 'LogonGuid', 'LogonId', 'TerminalSessionId',
  'IntegrityLevel', 'Hashes', 'ParentProcessGuid', 'ParentProcessId', 'ParentImage', 'ParentCommandLine', 'ParentUser',
  'Protocol', 'Initiated', 'SourceIsIpv6', 'SourceIp', 'SourceHostname', 'SourcePortName', 'DestinationIsIpv6',
  'DestinationIp', 'DestinationHostname', 'DestinationPortName', 'TargetFilename', 'CreationUtcTime',
];

/** Items Sigma compares as numbers. */
const LINUX_SYSMON_INT_FIELDS: readonly string[] = ['SourcePort', 'DestinationPort'];

function linuxSysmonFields(): Record<string, FieldMapping> {
  const out: Record<string, FieldMapping> = {};
  for (const name of LINUX_SYSMON_FIELDS) out[name] = { expression: xmlDataItem('SyslogMessage', name), type: 'string', columns: ['SyslogMessage'] };
  for (const name of LINUX_SYSMON_INT_FIELDS) out[name] = { expression: `toint(${xmlDataItem('SyslogMessage', name)})`, type: 'int', columns: ['SyslogMessage'] };
  out.Computer = 'Computer';
  return out;
}

/** The Syslog logsources for Sysmon for Linux, most specific first (before a generic linux → Syslog). */
export function linuxSysmonLogsources(): LogsourceMapping[] {
  const fields = linuxSysmonFields();
  return Object.entries(LINUX_SYSMON_CATEGORIES).map(([category, eventId]) => ({
    product: 'linux',
    category,
    table: 'Syslog',
    where: [
      {
        kql: `SyslogMessage contains "<Provider Name=\\"Linux-Sysmon\\"" and SyslogMessage contains "<EventID>${eventId}</EventID>"`,
        columns: ['SyslogMessage'],
      },
    ],
    fields,
    keywordColumns: ['SyslogMessage'],
    warning: `Sysmon for Linux events are read from the event XML in Syslog.SyslogMessage (EventID ${eventId}); each field is extracted from its <Data> item and unescaped.`,
  }));
}
