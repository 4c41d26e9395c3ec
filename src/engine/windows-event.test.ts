import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readEvents } from './read-events.ts';
import { getField } from './fields.ts';
import { hintsFromData, isEvtxJson, windowsEventFromEvtxJson, windowsEventFromWinlogbeat } from './windows-event.ts';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('Windows events: XML and evtx-JSON of the same events', () => {
  const xml = readEvents(fixture('windows-events.xml'));
  const json = readEvents(fixture('windows-events.evtx.json'));

  it('read without diagnostics in their formats', () => {
    expect(xml.diagnostics).toEqual([]);
    expect(json.diagnostics).toEqual([]);
    expect(xml.format).toBe('xml');
    expect(json.format).toBe('evtx-json');
    expect(xml.events.length).toBe(6);
    expect(json.events.length).toBe(6);
  });

  it('give identical data, keys in the same order', () => {
    for (let i = 0; i < 6; i++) {
      expect(Object.keys(xml.events[i].data)).toEqual(Object.keys(json.events[i].data));
      expect(xml.events[i].data).toStrictEqual(json.events[i].data);
      expect(xml.events[i].hints).toEqual(json.events[i].hints);
    }
  });

  it('name fields the way Sigma rules do (Sysmon process creation)', () => {
    const d = xml.events[0].data;
    expect(d.EventID).toBe(1);
    expect(d.Channel).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(d.Provider_Name).toBe('Microsoft-Windows-Sysmon');
    expect(d.Provider_Guid).toBe('{5770385f-c22a-43e0-bf4c-06f5698ffbd9}');
    expect(d.Computer).toBe('WKS-0142.corp.example.com');
    expect(d.EventRecordID).toBe(48213);
    expect(d.TimeCreated).toBe('2024-05-14T09:21:07.4418220Z');
    expect([d.Version, d.Level, d.Task, d.Opcode, d.Keywords]).toEqual([5, 4, 1, 0, '0x8000000000000000']);
    expect([d.ProcessID, d.ThreadID, d.Security_UserID]).toEqual([3104, 4412, 'S-1-5-18']);
    expect(d.Image).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(d.CommandLine).toMatch(/DownloadString\('http:\/\/10\.13\.37\.5\/a\.ps1'\) & whoami <x>"$/);
    expect(d.ProcessId).toBe('7316');
    expect(xml.events[0].hints).toEqual({ eventId: 1, channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon' });
  });

  it('renders typed evtx-JSON values as the text Windows XML has', () => {
    const d = json.events[1].data;
    expect([d.Initiated, d.SourceIsIpv6, d.DestinationPort, d.RuleName]).toEqual(['true', 'false', '8080', '']);
  });

  it('flattens UserData; its Channel (the cleared log, as SigmaHQ rules mean it) takes the flat name', () => {
    const d = xml.events[3].data;
    expect([d.EventID, d.Channel, d.SubjectUserName, d.SubjectDomainName, d.BackupPath]).toEqual([104, 'Security', 'jdoe', 'CORP', '']);
    expect(Object.keys(d).slice(0, 4)).toEqual(['EventID', 'Provider_Name', 'Provider_Guid', 'Channel']);
    for (const e of [xml.events[3], json.events[3]]) {
      expect(e.hints).toEqual({ eventId: 104, channel: 'System', provider: 'Microsoft-Windows-Eventlog' });
      expect(getField(e, 'Event.System.Channel')).toMatchObject({ found: true, value: 'System' });
      expect(getField(e, 'Event.UserData.LogFileCleared.Channel')).toMatchObject({ found: true, value: 'Security' });
    }
  });

  it('never lets a payload field replace the identity of the event', () => {
    const e = windowsEventFromEvtxJson({
      Event: { System: { EventID: 4688, Provider: { '#attributes': { Name: 'P' } }, Computer: 'sys-host' }, EventData: { EventID: 'x', Provider_Name: 'y', Computer: 'payload-host', A: '1', a: '2' } },
    });
    expect(plain(e?.data)).toEqual({ EventID: 4688, Provider_Name: 'P', Computer: 'payload-host', A: '1', a: '2' });
  });

  it('lists unnamed Data elements under Data and reads EventID with Qualifiers', () => {
    const d = xml.events[4].data;
    expect(d.EventID).toBe(400);
    expect(Array.isArray(d.Data)).toBe(true);
    expect((d.Data as string[])[2]).toMatch(/^\tNewEngineState=Available\n.*HostApplication=powershell\.exe -nop/s);
    expect(xml.events[5].data.EventID).toBe(7045);
  });

  it('decodes CDATA and ignores RenderingInfo', () => {
    const d = xml.events[5].data;
    expect(d.ImagePath).toBe('%COMSPEC% /c "echo <payload> & C:\\ProgramData\\u.exe"');
    expect('Message' in d).toBe(false);
  });

  it('keeps the original event as raw and records where each event starts', () => {
    const starts = (text: string, re: RegExp) => text.split('\n').flatMap((l, i) => (re.test(l) ? [i + 1] : []));
    expect(xml.events.map((e) => e.origin.line)).toEqual(starts(fixture('windows-events.xml'), /^<Event /));
    expect(json.events.map((e) => e.origin.line)).toEqual(starts(fixture('windows-events.evtx.json'), /^\{$/));
    expect(xml.events[0].origin.offset).toBe(fixture('windows-events.xml').indexOf('<Event '));
    expect(getField(xml.events[0], 'Event.EventData.Image').value).toBe(xml.events[0].data.Image);
    expect(getField(xml.events[0], 'Event.System.TimeCreated.SystemTime').value).toBe('2024-05-14T09:21:07.4418220Z');
  });

  it('read the same from wevtutil-style XML (no wrapper, no declaration, no line breaks between events)', () => {
    const bare = fixture('windows-events.xml')
      .replace(/<\?xml[^>]*\?>/, '')
      .replace(/<\/?Events>/g, '')
      .replace(/<\/Event>\s*<Event/g, '</Event><Event');
    const r = readEvents(bare);
    expect(r.diagnostics).toEqual([]);
    expect(r.events.map((e) => plain(e.data))).toEqual(xml.events.map((e) => plain(e.data)));
  });

  it('read the same from evtx-JSON as NDJSON and as an array', () => {
    const objects = fixture('windows-events.evtx.json')
      .split(/^Record \d+\n/m)
      .filter((s) => s.trim() !== '')
      .map((s) => JSON.parse(s));
    for (const text of [objects.map((o) => JSON.stringify(o)).join('\n'), JSON.stringify(objects)]) {
      const r = readEvents(text);
      expect(r.format).toBe('evtx-json');
      expect(r.events.map((e) => plain(e.data))).toEqual(xml.events.map((e) => plain(e.data)));
    }
  });
});

describe('windowsEventFromEvtxJson: converter shapes', () => {
  const system = { EventID: 4688, Channel: 'Security', Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } } };

  it('returns undefined for other shapes', () => {
    for (const v of [null, 1, 'x', [], {}, { Event: {} }, { Event: { System: 'x' } }, { System: {} }]) {
      expect(windowsEventFromEvtxJson(v)).toBeUndefined();
      expect(isEvtxJson(v)).toBe(false);
    }
  });

  it('reads EventData.Data as a list of named items (#attributes, @Name)', () => {
    const a = windowsEventFromEvtxJson({
      Event: { System: system, EventData: { Data: [{ '#attributes': { Name: 'NewProcessName' }, '#text': 'C:\\x.exe' }, { '@Name': 'CommandLine', '#text': 'x /y' }, { '#attributes': { Name: 'Empty' } }] } },
    });
    expect(plain(a?.data)).toMatchObject({ EventID: 4688, NewProcessName: 'C:\\x.exe', CommandLine: 'x /y', Empty: '' });
    expect(a?.hints).toEqual({ eventId: 4688, channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing' });
  });

  it('reads xmltodict-style attributes and an EventID object', () => {
    const a = windowsEventFromEvtxJson({
      Event: {
        '@xmlns': 'http://schemas.microsoft.com/win/2004/08/events/event',
        System: { Provider: { '@Name': 'P', '@Guid': '{g}' }, EventID: { '@Qualifiers': '16384', '#text': '7036' }, TimeCreated: { '@SystemTime': 't' }, Execution: { '@ProcessID': '4', '@ThreadID': '8' } },
        EventData: { Data: [{ '@Name': 'param1', '#text': 'Svc' }, { '@Name': 'param2', '#text': 'running' }], Binary: '0A0B' },
      },
    });
    expect(plain(a?.data)).toEqual({ EventID: 7036, Provider_Name: 'P', Provider_Guid: '{g}', TimeCreated: 't', ProcessID: 4, ThreadID: 8, param1: 'Svc', param2: 'running', Binary: '0A0B' });
  });

  it('reads evtx-rs separate attributes and unnamed Data in every spelling', () => {
    const sep = windowsEventFromEvtxJson({ Event: { System: { EventID: 1, Provider: null, Provider_attributes: { Name: 'P' } }, EventData: { Data: 'only' } } });
    expect(plain(sep?.data)).toEqual({ EventID: 1, Provider_Name: 'P', Data: 'only' });
    const list = windowsEventFromEvtxJson({ Event: { System: { EventID: 1 }, EventData: { Data: ['a', 'b'] } } });
    expect(plain(list?.data.Data)).toEqual(['a', 'b']);
    const text = windowsEventFromEvtxJson({ Event: { System: { EventID: 1 }, EventData: { Data: { '#text': ['a', 2] } } } });
    expect(plain(text?.data.Data)).toEqual(['a', '2']);
  });

  it('accepts an event without the Event wrapper', () => {
    expect(windowsEventFromEvtxJson({ System: { EventID: '4624' }, EventData: { LogonType: 3 } })?.data).toMatchObject({ EventID: 4624, LogonType: '3' });
  });

  it('keeps __proto__, constructor and prototype as data without polluting anything', () => {
    const xmlText =
      '<Event><System><EventID>1</EventID></System><EventData><Data Name="__proto__">a</Data><Data Name="constructor">b</Data><Data Name="prototype">c</Data></EventData></Event>';
    const fromXml = readEvents(xmlText).events[0];
    const fromJson = windowsEventFromEvtxJson(JSON.parse('{"Event":{"System":{"EventID":1},"EventData":{"__proto__":"a","constructor":"b","prototype":"c"}}}'));
    for (const data of [fromXml.data, fromJson!.data]) {
      expect(Object.getPrototypeOf(data)).toBeNull();
      expect(Object.keys(data)).toEqual(['EventID', '__proto__', 'constructor', 'prototype']);
      expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toBe('a');
    }
    expect(({} as Record<string, unknown>).a).toBeUndefined();
    expect(getField(fromXml, '__proto__')).toMatchObject({ found: true, value: 'a' });
    expect(getField(fromXml, 'constructor')).toMatchObject({ found: true, value: 'b' });
  });
});

describe('Winlogbeat documents and flat events', () => {
  it('adds Sigma names beside winlog.* and takes hints from it', () => {
    const doc = { '@timestamp': 't', winlog: { event_id: '4688', channel: 'Security', provider_name: 'Microsoft-Windows-Security-Auditing', computer_name: 'h', event_data: { NewProcessName: 'C:\\a.exe', Channel: 'payload', EventID: 'payload' } } };
    const r = windowsEventFromWinlogbeat(doc);
    expect(plain(r?.data)).toMatchObject({ '@timestamp': 't', EventID: 4688, Channel: 'payload', Provider_Name: 'Microsoft-Windows-Security-Auditing', Computer: 'h', NewProcessName: 'C:\\a.exe' });
    expect(r?.hints).toEqual({ eventId: 4688, channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing' });
    const hostile = windowsEventFromWinlogbeat(JSON.parse('{"__proto__": {"p": 1}, "winlog": {"event_data": {"__proto__": "x", "constructor": "y"}}}'));
    expect(Object.getPrototypeOf(hostile?.data)).toBeNull();
    expect(Object.keys(hostile!.data)).toEqual(['__proto__', 'winlog', 'constructor']);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
    const read = readEvents(JSON.stringify(doc)).events[0];
    expect(getField(read, 'winlog.event_data.NewProcessName').value).toBe('C:\\a.exe');
    expect(getField(read, 'NewProcessName').value).toBe('C:\\a.exe');
  });

  it('takes hints from flat events and Event Viewer CSV columns', () => {
    expect(hintsFromData({ EventID: '1', Channel: 'Microsoft-Windows-Sysmon/Operational' })).toEqual({ eventId: 1, channel: 'Microsoft-Windows-Sysmon/Operational' });
    expect(readEvents('Level,Date and Time,Source,Event ID,Task Category\nInformation,5/14/2024,Microsoft-Windows-Sysmon,1,Process Create\n').events[0].hints).toEqual({
      eventId: 1,
      provider: 'Microsoft-Windows-Sysmon',
    });
    expect(hintsFromData({ source: 'x', value: 1 })).toEqual({});
  });
});
