import { describe, expect, it } from 'vitest';
import { readTargetRows } from './read-target-rows.ts';
import { runKql } from './run.ts';

const CSV = `Timestamp [UTC],DeviceName,ActionType,RemoteIP,RemotePort,LocalIP,LocalPort,InitiatingProcessFolderPath,AdditionalFields
"2024-05-01T10:00:00.123Z",pc1,ConnectionSuccess,93.184.216.34,8080,10.0.0.5,50000,"C:\\Users\\u\\evil.exe","{""x"":1}"
2024-05-01T10:01:00Z,pc1,ConnectionSuccess,2001:db8::1,8888,fe80::2,50001,C:\\Program Files\\a.exe,
`;

describe('readTargetRows', () => {
  it('recognises a Defender CSV export by its columns and types it by the schema', () => {
    const r = readTargetRows(CSV, 'defender-xdr');
    expect(r.table).toBe('DeviceNetworkEvents');
    expect(r.rows).toHaveLength(2);
    expect(r.rows[0].Timestamp).toBe('2024-05-01T10:00:00.123Z');
    const res = runKql(
      'DeviceNetworkEvents | where RemotePort > 8000 and Timestamp > datetime(2024-05-01T10:00:30Z) and isempty(AdditionalFields)',
      { DeviceNetworkEvents: r.rows },
      { target: 'defender-xdr' },
    );
    expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(res.rows.map((x) => x.kept)).toEqual([false, true]);
  });

  it('reads JSON exports and honours an explicit table', () => {
    const json = JSON.stringify([{ TimeGenerated: '2024-05-01T10:00:00Z', EventID: 4688, NewProcessName: 'C:\\x.exe', Channel: 'Security' }]);
    const r = readTargetRows(json, 'azure-monitor');
    expect(r.table).toBe('SecurityEvent');
    expect(readTargetRows(json, 'azure-monitor', 'WindowsEvent').table).toBe('WindowsEvent');
    expect(readTargetRows(json, 'azure-monitor', 'Nope').diagnostics[0].code).toBe('unknown-table');
  });

  it('parses dynamic columns from JSON text (WindowsEvent.EventData)', () => {
    const csv = 'TimeGenerated,Channel,EventID,EventData\n2024-05-01T10:00:00Z,Microsoft-Windows-Sysmon/Operational,3,"{""DestinationPort"":""8080"",""Image"":""C:\\\\x.exe""}"\n';
    const r = readTargetRows(csv, 'azure-monitor');
    expect(r.table).toBe('WindowsEvent');
    const res = runKql('WindowsEvent | where EventID == 3 and toint(EventData.DestinationPort) == 8080 and tostring(EventData.Image) endswith "x.exe"', { WindowsEvent: r.rows }, { target: 'azure-monitor' });
    expect(res.rows[0].kept).toBe(true);
  });

  it('says when the columns match no table', () => {
    const r = readTargetRows('a,b\n1,2\n', 'defender-xdr');
    expect(r.table).toBeUndefined();
    expect(r.diagnostics.some((d) => d.code === 'table-not-recognised' && d.severity === 'error')).toBe(true);
  });
});
