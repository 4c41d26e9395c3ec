import { describe, expect, it } from 'vitest';
import { loadRules } from '../sigma/load.ts';
import { toTargetRows } from './to-target-rows.ts';

const network = loadRules(`title: t
logsource: {product: windows, category: network_connection}
detection:
  sel: {Initiated: 'true', DestinationPort: 8080}
  condition: sel`).rules[0];

const registry = loadRules(`title: r
logsource: {product: windows, category: registry_set}
detection:
  sel: {TargetObject|endswith: '\\Run\\evil'}
  condition: sel`).rules[0];

const process = loadRules(`title: p
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\cmd.exe'}
  condition: sel`).rules[0];

describe('toTargetRows', () => {
  it('runs value mappings backwards: Initiated true → Outbound / an outbound ActionType', () => {
    const ev = { Initiated: 'true', DestinationPort: 8080, DestinationIp: '2001:db8::1' };
    expect(toTargetRows(ev, network, 'sentinel-asim').row).toMatchObject({ NetworkDirection: 'Outbound', DstPortNumber: 8080, DstIpAddr: '2001:db8::1' });
    // Defender: outbound, so the destination is the remote side.
    expect(toTargetRows(ev, network, 'defender-xdr').row).toMatchObject({ ActionType: 'ConnectionSuccess', RemotePort: 8080, RemoteIP: '2001:db8::1' });
    expect(toTargetRows({ ...ev, Initiated: 'false' }, network, 'defender-xdr').row).toMatchObject({ ActionType: 'InboundConnectionAccepted', LocalPort: 8080, LocalIP: '2001:db8::1' });
    expect(toTargetRows(ev, network, 'azure-monitor').row).toMatchObject({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 3, EventData: { Initiated: 'true', DestinationPort: '8080' } });
  });

  it('splits Hashes into per-algorithm columns and DOMAIN\\user into two columns', () => {
    const ev = { Image: 'C:\\Windows\\cmd.exe', Hashes: 'SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD', User: 'NT AUTHORITY\\SYSTEM' };
    const d = toTargetRows(ev, process, 'defender-xdr');
    expect(d.row).toMatchObject({ FolderPath: 'C:\\Windows\\cmd.exe', SHA1: 'AA', MD5: 'BB', SHA256: 'CC', AccountDomain: 'NT AUTHORITY', AccountName: 'SYSTEM' });
    expect(toTargetRows(ev, process, 'sentinel-asim').row).toMatchObject({ TargetProcessName: 'C:\\Windows\\cmd.exe', TargetProcessIMPHASH: 'DD', TargetUsername: 'NT AUTHORITY\\SYSTEM' });
  });

  it('rebuilds registry paths with full hive names and a separate value name', () => {
    const ev = { EventType: 'SetValue', TargetObject: 'HKLM\\SOFTWARE\\Run\\evil', Details: 'DWORD (0x0000002a)' };
    const d = toTargetRows(ev, registry, 'defender-xdr');
    expect(d.row).toMatchObject({ ActionType: 'RegistryValueSet', RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Run', RegistryValueName: 'evil', RegistryValueType: 'Dword', RegistryValueData: '42' });
    expect(d.notes).toEqual([]);
  });

  it('leaves out (with a note) what the target cannot hold', () => {
    const r = toTargetRows({ Initiated: 'true', DestinationPortName: 'http' }, network, 'sentinel-asim');
    expect(r.notes.join(' ')).toMatch(/DestinationPortName/);
    expect(r.row).not.toHaveProperty('DestinationPortName');
  });
});
