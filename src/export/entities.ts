/**
 * Which columns of a table identify the entities an alert is about (host, account, process,
 * file, IP, ...), as Sentinel entity mappings and Defender impacted assets name them. Data, read
 * against the target's declared table schema, so a mapping never names a column the query does
 * not return.
 */
import type { TableSchema } from '../targets/types.ts';

/** One Sentinel entity mapping: `entityType` with up to three identifier → column pairs. */
export interface EntityMapping {
  entityType: string;
  fieldMappings: Array<{ identifier: string; columnName: string }>;
}

/**
 * Candidates per entity, in order of preference. Each alternative is a set of identifiers that
 * together identify the entity strongly (Sentinel's rule: e.g. Account by FullName, or by Name
 * and NTDomain, or by Sid); the first alternative whose columns all exist wins, and within an
 * identifier the first existing column.
 */
const CANDIDATES: Array<{ entityType: string; alternatives: Array<Record<string, string[]>> }> = [
  { entityType: 'Host', alternatives: [{ HostName: ['DvcHostname', 'DeviceName', 'Computer', 'HostName', 'SrcHostname', 'Hostname'] }] },
  {
    entityType: 'Account',
    alternatives: [
      { Name: ['AccountName'], NTDomain: ['AccountDomain'] },
      { FullName: ['ActorUsername', 'TargetUsername', 'SrcUsername', 'AccountUpn', 'UserPrincipalName', 'Caller', 'SubjectAccount', 'Account', 'UserId', 'UserName', 'User'] },
      { Name: ['InitiatingProcessAccountName'], NTDomain: ['InitiatingProcessAccountDomain'] },
      { Sid: ['AccountSid', 'InitiatingProcessAccountSid', 'SubjectUserSid'] },
    ],
  },
  {
    entityType: 'Process',
    alternatives: [
      { ProcessId: ['TargetProcessId', 'ProcessId', 'NewProcessId'], CommandLine: ['TargetProcessCommandLine', 'ProcessCommandLine', 'CommandLine'] },
      { ProcessId: ['ActingProcessId', 'InitiatingProcessId'], CommandLine: ['ActingProcessCommandLine', 'InitiatingProcessCommandLine'] },
    ],
  },
  { entityType: 'File', alternatives: [{ Directory: ['TargetFilePath', 'FolderPath'], Name: ['TargetFileName', 'FileName'] }] },
  { entityType: 'IP', alternatives: [{ Address: ['SrcIpAddr', 'LocalIP', 'IPAddress', 'CallerIpAddress', 'IpAddress', 'ClientIP', 'ClientIPAddress', 'HostIP', 'SourceIP', 'cIP'] }] },
  { entityType: 'IP', alternatives: [{ Address: ['DstIpAddr', 'RemoteIP', 'DestinationIP', 'sIP'] }] },
  { entityType: 'RegistryKey', alternatives: [{ Key: ['RegistryKey'] }] },
  { entityType: 'DNS', alternatives: [{ DomainName: ['DnsQuery'] }] },
  { entityType: 'URL', alternatives: [{ Url: ['Url', 'RemoteUrl', 'RequestURL'] }] },
];

/** Sentinel allows at most ten entity mappings per rule. */
const MAX_MAPPINGS = 10;

/** Entity mappings for the columns a query over `schema` returns (every column: siglab queries do not project). */
export function entityMappingsFor(schema: TableSchema): EntityMapping[] {
  const has = (c: string): boolean => Object.hasOwn(schema, c);
  const used = new Set<string>();
  const out: EntityMapping[] = [];
  for (const cand of CANDIDATES) {
    for (const alt of cand.alternatives) {
      const pairs: Array<{ identifier: string; columnName: string }> = [];
      for (const [identifier, columns] of Object.entries(alt)) {
        const column = columns.find((c) => has(c) && !used.has(c));
        if (!column) break;
        pairs.push({ identifier, columnName: column });
      }
      if (pairs.length === Object.keys(alt).length) {
        for (const p of pairs) used.add(p.columnName);
        out.push({ entityType: cand.entityType, fieldMappings: pairs });
        break;
      }
    }
    if (out.length === MAX_MAPPINGS) break;
  }
  return out;
}
