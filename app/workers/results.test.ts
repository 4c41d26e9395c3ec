import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileMatcher, loadRules, readEvents } from '../../src/index.ts';
import { VERDICT_CODES } from '../state/types.ts';
import { cellText, evaluateSnapshot, explainDetail, negatedIdentifiers, ruleFieldNames } from './results.ts';

const ruleText = readFileSync(new URL('../../public/examples/uncommon-destination-ports.yml', import.meta.url), 'utf8');
const eventsText = readFileSync(new URL('../../public/examples/uncommon-destination-ports.events.json', import.meta.url), 'utf8');
const rule = loadRules(ruleText).rules[0];
const compiled = compileMatcher(rule);
const events = readEvents(eventsText).events;
const lineOf = (needle: string) => ruleText.slice(0, ruleText.indexOf(needle)).split('\n').length;

describe('the results snapshot the events table renders', () => {
  it('has one verdict per event, the filter that removed each filtered event, and counts', async () => {
    const r = await evaluateSnapshot(compiled, events, 7);
    const s = r!.snapshot;
    expect(s.generation).toBe(7);
    expect(s.total).toBe(9);
    expect([...s.verdicts].map((v) => VERDICT_CODES[v])).toEqual(['match', 'match', 'filtered', 'filtered', 'filtered', 'filtered', 'nomatch', 'nomatch', 'nomatch']);
    expect([...s.filteredBy].map((f) => (f < 0 ? '' : s.filterNames[f]))).toEqual([
      '', '', 'filter_main_local_ranges', 'filter_main_local_ranges', 'filter_main_local_ranges', 'filter_optional_sys_directories', '', '', '',
    ]);
    expect(s.counts).toEqual({ match: 2, filtered: 4, nomatch: 3 });
    // The last event is a process creation (Sysmon 1): another log source, not just a non-match.
    expect([...s.logsourceMismatch]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('table cells hold the rule fields of each event, found or empty', async () => {
    const s = (await evaluateSnapshot(compiled, events, 1))!.snapshot;
    expect(s.columns).toEqual(['Initiated', 'DestinationPort', 'DestinationIp', 'Image']);
    const cell = (row: number, col: number) => s.cells.slice(s.offsets[row * s.columns.length + col], s.offsets[row * s.columns.length + col + 1]);
    expect(cell(0, 1)).toBe('8080');
    expect(cell(1, 2)).toBe('2a03:2880:f12f:83:face:b00c:0:25de');
    expect(cell(8, 1)).toBe(''); // the process-creation event has no port
    expect(cell(5, 3)).toBe('C:\\Program Files\\Proxy Agent\\agent.exe');
  });

  it('counts, per rule field, the events where it is present', async () => {
    const r = await evaluateSnapshot(compiled, events, 1);
    expect(r!.ruleFields).toEqual([
      { field: 'Initiated', present: 8 },
      { field: 'DestinationPort', present: 8 },
      { field: 'DestinationIp', present: 8 },
      { field: 'Image', present: 9 },
    ]);
  });

  it('stops between chunks when newer input supersedes it', async () => {
    let calls = 0;
    const r = await evaluateSnapshot(compiled, events, 1, { chunk: 2, between: async () => ++calls < 2 });
    expect(r).toBeUndefined();
    expect(calls).toBe(2);
    const progress: number[] = [];
    const done = await evaluateSnapshot(compiled, events, 2, { chunk: 4, onProgress: (d) => progress.push(d), between: async () => true });
    expect(done?.snapshot.total).toBe(9);
    expect(progress).toEqual([4, 8]);
  });
});

describe('explanations and the rule lines that decided a verdict', () => {
  it('a filtered event points at the filter that removed it, not at the selection', () => {
    const d = explainDetail(compiled, events[2], 2);
    expect(d.verdict).toBe('filtered');
    expect(d.filteredBy).toBe('filter_main_local_ranges');
    const lines = d.decisive.map((r) => r.startLine);
    expect(lines).toContain(lineOf('DestinationIp|cidr'));
    expect(lines).not.toContain(lineOf('DestinationPort:'));
  });

  it('a match points at the selection items; a non-match at the item that failed', () => {
    const m = explainDetail(compiled, events[0], 0);
    expect(m.decisive.map((r) => r.startLine).sort()).toEqual([lineOf("Initiated: 'true'"), lineOf('DestinationPort:')].sort());
    const n = explainDetail(compiled, events[6], 6);
    expect(n.verdict).toBe('nomatch');
    expect(n.decisive.map((r) => r.startLine)).toEqual([lineOf('DestinationPort:')]);
    expect(JSON.parse(n.json).DestinationPort).toBe(443);
  });

  it('identifier nodes show their items directly, with ✓/✗ and expected/actual values', () => {
    const d = explainDetail(compiled, events[6], 6);
    const flat: Array<{ kind: string; label: string; ok: boolean | null; actual?: string }> = [];
    const walk = (n: typeof d.explanation) => {
      flat.push(n);
      n.children.forEach(walk);
    };
    walk(d.explanation);
    expect(flat.some((n) => n.kind === 'selection')).toBe(false);
    const port = flat.find((n) => n.kind === 'item' && n.label.startsWith('DestinationPort'));
    expect(port?.ok).toBe(false);
    expect(port?.actual).toContain('443');
  });
});

describe('helpers', () => {
  it('rule fields in rule order, including fieldref targets; filters are the negated identifiers', () => {
    const r = loadRules(
      'title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n    A: x\n    B|fieldref: C\n  f1:\n    D: y\n  f2:\n    A: z\n  condition: sel and not (f1 or f2)\n',
    ).rules[0];
    expect(ruleFieldNames(r)).toEqual(['A', 'B', 'C', 'D']);
    expect(negatedIdentifiers(r)).toEqual(['f1', 'f2']);
  });

  it('cells are one line, bounded, and never throw on odd values', () => {
    expect(cellText('a\r\nb\tc')).toBe('a b c');
    expect(cellText('x'.repeat(1000)).length).toBe(240);
    expect(cellText(null)).toBe('');
    expect(cellText([1, { a: 2 }])).toBe('[1,{"a":2}]');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(typeof cellText(cyclic)).toBe('string');
  });
});
