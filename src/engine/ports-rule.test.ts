/**
 * Acceptance: SigmaHQ's "Communication To Uncommon Destination Ports" rule against events that
 * cover each branch of its condition `selection and not 1 of filter_main_* and not 1 of
 * filter_optional_*`, in plain JSON, evtx-JSON and Windows event XML shapes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../sigma/load.ts';
import { readEvents } from './read-events.ts';
import { compileMatcher } from './compile-matcher.ts';
import { evaluateEvents, explainEvent, type EventResult } from './evaluate.ts';
import type { ExplainNode } from './explain.ts';

const RULE = path.resolve('../shared/sigma/rules/windows/network_connection/net_connection_win_susp_malware_callback_ports_uncommon.yml');
const present = existsSync(RULE);
if (!present) console.warn(`skipping ports-rule acceptance: ${RULE} is absent`);

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function evtxJson(eventId: number, data: Record<string, unknown>): unknown {
  return {
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' } },
        EventID: eventId,
        Version: 5,
        Level: 4,
        Task: eventId,
        TimeCreated: { '#attributes': { SystemTime: '2024-03-12T10:15:42.1234567Z' } },
        EventRecordID: 4711,
        Execution: { '#attributes': { ProcessID: 3124, ThreadID: 4412 } },
        Channel: SYSMON,
        Computer: 'WS042.corp.example.com',
        Security: { '#attributes': { UserID: 'S-1-5-18' } },
      },
      EventData: data,
    },
  };
}

function net(image: string, ip: string, port: number, initiated = 'true'): Record<string, unknown> {
  return {
    RuleName: '-',
    UtcTime: '2024-03-12 10:15:42.117',
    ProcessGuid: '{8f3a1b2c-0d4e-65f0-1a02-000000001c00}',
    ProcessId: 6144,
    Image: image,
    User: 'CORP\\bob',
    Protocol: 'tcp',
    Initiated: initiated,
    SourceIsIpv6: ip.includes(':') ? 'true' : 'false',
    SourceIp: ip.includes(':') ? 'fe80::5d1:2c3a:9b7e:1f20' : '10.20.30.40',
    SourceHostname: 'WS042.corp.example.com',
    SourcePort: 50123,
    DestinationIsIpv6: ip.includes(':') ? 'true' : 'false',
    DestinationIp: ip,
    DestinationHostname: '-',
    DestinationPort: port,
  };
}

const USER_EXE = 'C:\\Users\\bob\\AppData\\Local\\Temp\\updater.exe';

/** [description, event data, expected verdict, reason fragment, filteredBy] */
const CASES: Array<[string, Record<string, unknown>, 'match' | 'filtered' | 'nomatch', string, string[]?]> = [
  ['public IPv4 on 8080', net(USER_EXE, '203.0.113.7', 8080), 'match', 'matched selection (Initiated true = true, DestinationPort 8080 = 8080)'],
  ['public IPv6 on 8888', net(USER_EXE, '2001:db8:4860::8888', 8888), 'match', 'DestinationPort 8888 = 8888'],
  ['10/8', net(USER_EXE, '10.1.2.3', 8080), 'filtered', 'filtered by filter_main_local_ranges (DestinationIp 10.1.2.3 in 10.0.0.0/8)', ['filter_main_local_ranges']],
  ['172.16/12', net(USER_EXE, '172.20.14.2', 8080), 'filtered', 'DestinationIp 172.20.14.2 in 172.16.0.0/12', ['filter_main_local_ranges']],
  ['192.168/16', net(USER_EXE, '192.168.178.20', 8888), 'filtered', 'DestinationIp 192.168.178.20 in 192.168.0.0/16', ['filter_main_local_ranges']],
  ['loopback', net(USER_EXE, '127.0.0.1', 8080), 'filtered', 'DestinationIp 127.0.0.1 in 127.0.0.0/8', ['filter_main_local_ranges']],
  ['link-local v4', net(USER_EXE, '169.254.10.1', 8080), 'filtered', 'in 169.254.0.0/16', ['filter_main_local_ranges']],
  ['IPv6 loopback', net(USER_EXE, '::1', 8080), 'filtered', 'DestinationIp ::1 in ::1/128', ['filter_main_local_ranges']],
  ['IPv6 link-local with zone', net(USER_EXE, 'fe80::1c2d:3e4f:5a6b:7c8d%12', 8080), 'filtered', 'in fe80::/10', ['filter_main_local_ranges']],
  ['IPv6 unique local', net(USER_EXE, 'fd12:3456:789a::1', 8888), 'filtered', 'DestinationIp fd12:3456:789a::1 in fc00::/7', ['filter_main_local_ranges']],
  ['IPv4-mapped private', net(USER_EXE, '::ffff:10.9.8.7', 8080), 'filtered', 'in 10.0.0.0/8', ['filter_main_local_ranges']],
  [
    'Program Files',
    net('C:\\Program Files\\Mozilla Firefox\\firefox.exe', '203.0.113.7', 8080),
    'filtered',
    "filtered by filter_optional_sys_directories (Image 'C:\\Program Files\\Mozilla Firefox\\firefox.exe' startswith 'C:\\Program Files\\')",
    ['filter_optional_sys_directories'],
  ],
  [
    'Program Files (x86)',
    net('C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe', '203.0.113.7', 8080),
    'filtered',
    "startswith 'C:\\Program Files (x86)\\'",
    ['filter_optional_sys_directories'],
  ],
  [
    'both filters',
    net('c:\\program files\\app\\app.exe', '10.0.0.5', 8080),
    'filtered',
    'filtered by filter_main_local_ranges',
    ['filter_main_local_ranges', 'filter_optional_sys_directories'],
  ],
  ['other port', net(USER_EXE, '203.0.113.7', 443), 'nomatch', 'no match: selection (DestinationPort 443 ≠ 8080|8888)'],
  ['not initiated', net(USER_EXE, '203.0.113.7', 8080, 'false'), 'nomatch', 'no match: selection (Initiated false ≠ true)'],
];

function collect(node: ExplainNode, kind: string): ExplainNode[] {
  return [...(node.kind === kind ? [node] : []), ...node.children.flatMap((c) => collect(c, kind))];
}

describe.skipIf(!present)('Communication To Uncommon Destination Ports (SigmaHQ)', () => {
  const text = present ? readFileSync(RULE, 'utf8') : '';
  const loaded = loadRules(text);
  const rule = loaded.rules[0];
  const compiled = rule ? compileMatcher(rule) : undefined;

  it('loads cleanly', () => {
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(compiled?.diagnostics).toEqual([]);
  });

  for (const shape of ['evtx-json', 'xml', 'flat-json'] as const) {
    it(`gives the right verdict and reason for every branch (${shape})`, () => {
      let input: string;
      if (shape === 'evtx-json') input = CASES.map(([, data]) => JSON.stringify(evtxJson(3, data))).join('\n');
      else if (shape === 'flat-json') input = JSON.stringify(CASES.map(([, data]) => data));
      else input = `<Events>${CASES.map(([, data]) => xmlEvent(3, data)).join('\n')}</Events>`;
      const read = readEvents(input);
      expect(read.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(read.events).toHaveLength(CASES.length);
      const result = evaluateEvents(compiled!, read.events);
      CASES.forEach(([name, , verdict, fragment, filteredBy], i) => {
        const r = result.results[i];
        expect({ name, verdict: r.verdict }).toEqual({ name, verdict });
        expect(r.reasons.join(' | '), name).toContain(fragment);
        if (filteredBy) expect(r.filteredBy, name).toEqual(filteredBy);
        else expect(r.filteredBy, name).toBeUndefined();
        // The fast path agrees with the explained one.
        expect(compiled!.verdict(read.events[i]), name).toBe(verdict);
      });
      expect(result.results[0].notes).toEqual([
        'not filtered by filter_main_local_ranges (DestinationIp 203.0.113.7 not in 127.0.0.0/8|10.0.0.0/8|172.16.0.0/12|192.168.0.0/16|… (+4 more))',
        "not filtered by filter_optional_sys_directories (Image C:\\Users\\bob\\AppData\\Local\\Temp\\updater.exe does not start with 'C:\\Program Files\\'|'C:\\Program Files (x86)\\')",
      ]);
      expect(result.summary).toEqual({
        match: CASES.filter((c) => c[2] === 'match').length,
        filtered: CASES.filter((c) => c[2] === 'filtered').length,
        nomatch: CASES.filter((c) => c[2] === 'nomatch').length,
      });
    });
  }

  it('rejects a Sysmon event of another category by its log source', () => {
    const read = readEvents(JSON.stringify(evtxJson(1, { ...net(USER_EXE, '203.0.113.7', 8080), CommandLine: 'updater.exe' })));
    const r: EventResult = explainEvent(compiled!, read.events[0]);
    expect(r.verdict).toBe('nomatch');
    expect(r.logsource?.verdict).toBe('other');
    expect(r.reasons[0]).toMatch(/^logsource: event is .*1/);
    expect(r.reasons.join(' ')).toContain('the fields alone would give a match');
    expect(compiled!.verdict(read.events[0])).toBe('nomatch');
  });

  it('builds an explanation tree that mirrors the rule, with source ranges', () => {
    const read = readEvents(JSON.stringify(evtxJson(3, net(USER_EXE, '10.1.2.3', 8080))));
    const r = explainEvent(compiled!, read.events[0]);
    const root = r.explanation;
    expect(root.kind).toBe('rule');
    const condition = root.children.find((c) => c.kind === 'condition')!;
    expect(condition.label).toBe('selection and not 1 of filter_main_* and not 1 of filter_optional_*');
    expect(text.slice(condition.range!.start, condition.range!.end)).toBe(condition.label);
    const and = condition.children[0];
    expect(and.kind).toBe('and');
    expect(and.children.map((c) => c.kind)).toEqual(['identifier', 'not', 'not']);
    const [selection, notMain, notOptional] = and.children;
    expect(selection).toMatchObject({ identifier: 'selection', result: true });
    expect(text.slice(selection.refRange!.start, selection.refRange!.end)).toBe('selection');
    expect(notMain).toMatchObject({ result: false });
    expect(notMain.children[0]).toMatchObject({ kind: 'of', label: '1 of filter_main_*', result: true });
    expect(notOptional.children[0]).toMatchObject({ kind: 'of', result: false });

    const items = collect(selection, 'item');
    expect(items.map((i) => i.field)).toEqual(['Initiated', 'DestinationPort']);
    const port = items[1];
    expect(text.slice(port.range!.start, port.range!.end)).toMatch(/^DestinationPort:/);
    expect(port.children.map((v) => [v.expected, v.result])).toEqual([
      ['8080', true],
      ['8888', false],
    ]);

    const cidrItem = collect(notMain, 'item')[0];
    expect(cidrItem).toMatchObject({ field: 'DestinationIp', modifiers: ['cidr'], actual: '10.1.2.3', result: true });
    const values = cidrItem.children;
    const hit = values.find((v) => v.result)!;
    expect(hit).toMatchObject({ expected: 'in 10.0.0.0/8', actual: '10.1.2.3', code: 'in-range' });
    expect(text.slice(hit.range!.start, hit.range!.end)).toBe("'10.0.0.0/8'");
    expect(values.find((v) => v.expected === 'in 192.168.0.0/16')).toMatchObject({ result: false, reason: 'not in range' });
    expect(values.find((v) => v.expected === 'in fc00::/7')).toMatchObject({ result: false, code: 'ip-family' });

    const image = collect(notOptional, 'item')[0];
    expect(image.children.every((v) => v.result === false && v.reason === 'does not start with it')).toBe(true);
  });
});

function xmlEvent(eventId: number, data: Record<string, unknown>): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const fields = Object.entries(data)
    .map(([k, v]) => `<Data Name="${k}">${esc(String(v))}</Data>`)
    .join('');
  return (
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>' +
    '<Provider Name="Microsoft-Windows-Sysmon" Guid="{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"/>' +
    `<EventID>${eventId}</EventID><Version>5</Version><Level>4</Level><Task>${eventId}</Task><Opcode>0</Opcode>` +
    '<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2024-03-12T10:15:42.1234567Z"/>' +
    '<EventRecordID>4711</EventRecordID><Correlation/><Execution ProcessID="3124" ThreadID="4412"/>' +
    `<Channel>${SYSMON}</Channel><Computer>WS042.corp.example.com</Computer><Security UserID="S-1-5-18"/></System>` +
    `<EventData>${fields}</EventData></Event>`
  );
}
