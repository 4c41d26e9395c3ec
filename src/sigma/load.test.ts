import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics.ts';
import { loadRules } from './load.ts';
import type { FieldItem, SigmaRule, SigmaValue } from './model.ts';

const HEAD = 'title: Test rule\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nstatus: test\nlogsource:\n    category: process_creation\n    product: windows\n';

function rule(detection: string, extra = ''): string {
  return `${HEAD}detection:\n${detection}${extra}`;
}

const codes = (ds: Diagnostic[]): string[] => ds.map((d) => d.code);
const errors = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => d.severity === 'error');

function only(text: string): { rule: SigmaRule; diagnostics: Diagnostic[] } {
  const result = loadRules(text);
  expect(result.rules).toHaveLength(1);
  return { rule: result.rules[0], diagnostics: result.diagnostics };
}

function firstItem(r: SigmaRule, id = 'sel'): FieldItem {
  return r.detection.identifiers.get(id)!.selection.items[0] as FieldItem;
}

describe('a complete rule', () => {
  const text = `title: Whoami Execution
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
related:
    - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9
      type: derived
status: test
description: Detects a whoami.exe execution
references:
    - https://example.com/a
author: Florian Roth
date: 2019-10-23
modified: 2024-01-02
tags:
    - attack.discovery
    - attack.t1033
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    filter:
        User: SYSTEM
    condition: selection and not filter
fields:
    - CommandLine
falsepositives:
    - Admin activity
level: high
`;

  it('reads every field and has no diagnostics', () => {
    const { rule: r, diagnostics } = only(text);
    expect(diagnostics).toEqual([]);
    expect(r).toMatchObject({
      type: 'rule',
      documentIndex: 0,
      title: 'Whoami Execution',
      id: '929a690e-bef0-4204-a928-ef5e620d6fcc',
      status: 'test',
      description: 'Detects a whoami.exe execution',
      author: 'Florian Roth',
      references: ['https://example.com/a'],
      date: '2019-10-23',
      modified: '2024-01-02',
      tags: ['attack.discovery', 'attack.t1033'],
      level: 'high',
      fields: ['CommandLine'],
      falsepositives: ['Admin activity'],
      related: [{ id: '08fbc97d-0a2f-491c-ae21-8ffcfd3174e9', type: 'derived' }],
      logsource: { category: 'process_creation', product: 'windows' },
    });
    expect([...r.detection.identifiers.keys()]).toEqual(['selection', 'filter']);
    expect(r.detection.conditions).toHaveLength(1);
    expect(r.detection.conditions[0]).toMatchObject({ text: 'selection and not filter', ast: { kind: 'and' } });
    expect(r.raw.date).toBe('2019-10-23');
    expect(r.ranges.title).toMatchObject({ startLine: 1, startColumn: 8 });
  });

  it('keeps source ranges on identifiers and items', () => {
    const { rule: r } = only(text);
    const sel = r.detection.identifiers.get('selection')!;
    expect(sel.keyRange).toMatchObject({ startLine: 20, startColumn: 5 });
    const item = sel.selection.items[0] as FieldItem;
    expect(item.keyRange).toMatchObject({ startLine: 21, startColumn: 9, endColumn: 23 });
    expect(item.modifiers[0]).toMatchObject({ name: 'endswith', range: { startLine: 21, startColumn: 15 } });
    expect(item.values[0].range).toMatchObject({ startLine: 21, startColumn: 25 });
  });
});

describe('plain scalars keep their source text (YAML 1.1 reading, as Sigma tooling)', () => {
  const value = (v: string): SigmaValue => firstItem(only(rule(`    sel:\n        F: ${v}\n    condition: sel\n`)).rule).values[0];

  it('00000429 is the string "00000429" (registry_set_susp_keyboard_layout_load.yml)', () => {
    expect(value('00000429')).toMatchObject({ kind: 'string', raw: '00000429', patterns: [{ parts: [{ kind: 'text', text: '00000429' }] }] });
    expect(value('00000429')).not.toHaveProperty('number');
  });

  it('0x10 stays "0x10"', () => {
    expect(value('0x10')).toMatchObject({ kind: 'string', raw: '0x10' });
    expect(value('0x10')).not.toHaveProperty('number');
  });

  it('8080 is the string pattern "8080" with number 8080; quoted 8080 has no number', () => {
    expect(value('8080')).toMatchObject({ kind: 'string', raw: '8080', number: 8080 });
    expect(value("'8080'")).not.toHaveProperty('number');
    expect(value('-1')).toMatchObject({ number: -1 });
    expect(value('1.50')).toMatchObject({ raw: '1.50', number: 1.5 });
  });

  it("plain true/false get boolean; 'true' is just a string", () => {
    expect(value('true')).toMatchObject({ kind: 'string', raw: 'true', boolean: true });
    expect(value('False')).toMatchObject({ raw: 'False', boolean: false });
    expect(value("'true'")).toMatchObject({ kind: 'string', raw: 'true' });
    expect(value("'true'")).not.toHaveProperty('boolean');
    expect(value('yes')).not.toHaveProperty('boolean');
  });

  it("null, ~ and nothing are null; '' is the empty string", () => {
    expect(value('null').kind).toBe('null');
    expect(value('~').kind).toBe('null');
    expect(value('').kind).toBe('null');
    expect(value("''")).toMatchObject({ kind: 'string', raw: '', patterns: [{ parts: [] }] });
  });

  it('number/boolean are dropped once a modifier changes the value', () => {
    const item = firstItem(only(rule('    sel:\n        F|contains: 8080\n    condition: sel\n')).rule);
    expect(item.values[0]).toMatchObject({ raw: '8080', patterns: [{ parts: [{ kind: 'any' }, { kind: 'text', text: '8080' }, { kind: 'any' }] }] });
    expect(item.values[0]).not.toHaveProperty('number');
  });
});

describe('detection bodies', () => {
  it('map = AND of field items; a list value = OR of values', () => {
    const { rule: r } = only(rule('    sel:\n        EventLog: Security\n        EventID:\n            - 517\n            - 1102\n    condition: sel\n'));
    const sel = r.detection.identifiers.get('sel')!.selection;
    expect(sel.kind).toBe('and');
    expect(sel.items).toHaveLength(2);
    expect(sel.items[1]).toMatchObject({ kind: 'item', field: 'EventID', combine: 'or', values: [{ number: 517 }, { number: 1102 }] });
  });

  it('list of maps = OR of ANDs', () => {
    const { rule: r } = only(rule("    sel:\n        - Image|endswith: '\\example.exe'\n        - Description|contains: 'Test executable'\n    condition: sel\n"));
    const sel = r.detection.identifiers.get('sel')!.selection;
    expect(sel.kind).toBe('or');
    expect(sel.items).toMatchObject([{ kind: 'and', items: [{ field: 'Image' }] }, { kind: 'and', items: [{ field: 'Description' }] }]);
  });

  it('list of scalars = keyword search (field null, OR)', () => {
    const { rule: r, diagnostics } = only(rule("    keywords:\n        - 'event::clear'\n        - 'event::drop'\n    condition: keywords\n"));
    expect(diagnostics).toEqual([]);
    const sel = r.detection.identifiers.get('keywords')!.selection;
    expect(sel).toMatchObject({ kind: 'or', items: [{ kind: 'item', field: null, combine: 'or', modifiers: [] }] });
    expect((sel.items[0] as FieldItem).values).toHaveLength(2);
  });

  it("'|all' keyword maps: field null, values AND-ed", () => {
    const { rule: r, diagnostics } = only(rule("    keywords_cmdlet:\n        '|all':\n            - 'OabVirtualDirectory'\n            - ' -ExternalUrl '\n    condition: keywords_cmdlet\n"));
    expect(diagnostics).toEqual([]);
    expect(firstItem(r, 'keywords_cmdlet')).toMatchObject({ field: null, combine: 'and', modifiers: [{ name: 'all' }] });
  });

  it('a single value is a one-element list; a single keyword too', () => {
    const { rule: r } = only(rule("    sel:\n        Image: a.exe\n    kw: 'mimikatz'\n    condition: sel or kw\n"));
    expect(firstItem(r).values).toHaveLength(1);
    expect(firstItem(r, 'kw')).toMatchObject({ field: null, values: [{ raw: 'mimikatz' }] });
  });

  it("'field: []' reads as null (as pySigma), with a warning", () => {
    const { rule: r, diagnostics } = only(rule('    sel:\n        PasswordLastSet: []\n    condition: sel\n'));
    expect(firstItem(r).values).toMatchObject([{ kind: 'null' }]);
    expect(codes(diagnostics)).toEqual(['empty-value-list']);
    expect(diagnostics[0].severity).toBe('warning');
  });

  it('condition and timeframe are not identifiers; a condition list is kept in order', () => {
    const { rule: r, diagnostics } = only(rule('    a:\n        X: 1\n    b:\n        Y: 2\n    timeframe: 5m\n    condition:\n        - a\n        - b\n'));
    expect(diagnostics).toEqual([]);
    expect([...r.detection.identifiers.keys()]).toEqual(['a', 'b']);
    expect(r.detection.timeframe).toBe('5m');
    expect(r.detection.conditions.map((c) => c.text)).toEqual(['a', 'b']);
  });

  it('the 4,432-value hash list loads quickly', () => {
    const hashes = Array.from({ length: 4432 }, (_, i) => `            - 'MD5=${i.toString(16).padStart(32, '0')}'`).join('\n');
    const text = rule(`    sel:\n        Hashes|contains:\n${hashes}\n    condition: sel\n`);
    const t0 = performance.now();
    const { rule: r, diagnostics } = only(text);
    const ms = performance.now() - t0;
    expect(diagnostics).toEqual([]);
    expect(firstItem(r).values).toHaveLength(4432);
    // About 0.1 s once warm; the bound is loose because CI machines are shared.
    expect(ms).toBeLessThan(5000);
  });

  it('null in a list of values is a warning (specification: null is its own selection)', () => {
    expect(codes(only(rule("    sel:\n        F:\n            - ''\n            - null\n    condition: sel\n")).diagnostics)).toEqual(['null-in-list']);
  });

  it('empty and malformed bodies', () => {
    expect(codes(only(rule('    sel:\n    condition: sel\n')).diagnostics)).toEqual(['empty-detection']);
    expect(codes(only(rule('    sel: {}\n    condition: sel\n')).diagnostics)).toEqual(['empty-detection']);
    expect(codes(only(rule('    sel:\n        F:\n            a: b\n    condition: sel\n')).diagnostics)).toEqual(['invalid-value']);
    expect(codes(only(rule('    sel:\n        F:\n            - [a]\n    condition: sel\n')).diagnostics)).toEqual(['invalid-value']);
    // An identifier that failed never matches (an empty AND would match everything).
    expect(only(rule('    sel:\n    condition: sel\n')).rule.detection.identifiers.get('sel')!.selection).toMatchObject({ kind: 'or', items: [] });
  });
});

describe('conditions', () => {
  it('undefined identifiers and patterns matching nothing come from the condition parser, with source ranges', () => {
    const { diagnostics } = only(rule('    sel:\n        F: x\n    condition: sel and missing\n'));
    expect(codes(diagnostics)).toEqual(['undefined-identifier']);
    expect(diagnostics[0].range).toMatchObject({ startLine: 10, startColumn: 24, endColumn: 31 });
    expect(codes(only(rule('    sel:\n        F: x\n    condition: sel and not 1 of filter_*\n')).diagnostics)).toContain('pattern-matches-nothing');
  });

  it('maps condition offsets through quoted and block scalars', () => {
    const quoted = only(rule("    sel:\n        F: x\n    condition: 'sel and  missing'\n")).diagnostics[0];
    expect(quoted.range).toMatchObject({ startLine: 10, startColumn: 26, endColumn: 33 });
    const block = only(rule('    sel:\n        F: x\n    condition: |\n        sel and\n        missing\n')).diagnostics[0];
    expect(block).toMatchObject({ code: 'undefined-identifier', range: { startLine: 12, startColumn: 9, endColumn: 16 } });
  });

  it('unused identifiers are warnings', () => {
    const { diagnostics } = only(rule('    sel:\n        F: x\n    filter:\n        G: y\n    condition: sel\n'));
    expect(diagnostics).toMatchObject([{ code: 'unused-identifier', severity: 'warning', range: { startLine: 10 } }]);
  });

  it('missing or empty condition', () => {
    expect(codes(only(rule('    sel:\n        F: x\n')).diagnostics)).toEqual(['missing-condition']);
    expect(codes(only(rule('    sel:\n        F: x\n    condition:\n')).diagnostics)).toEqual(['missing-condition']);
    expect(codes(only(rule('    sel:\n        F: x\n    condition:\n        a: b\n')).diagnostics)).toEqual(['invalid-condition']);
  });
});

describe('top-level fields', () => {
  const field = (yaml: string): string[] => codes(loadRules(`${yaml}`).diagnostics);
  const base = (overrides: Record<string, string>): string => {
    const fields: Record<string, string> = {
      title: 'title: T',
      id: 'id: 929a690e-bef0-4204-a928-ef5e620d6fcc',
      logsource: 'logsource:\n    product: windows',
      detection: 'detection:\n    sel:\n        F: x\n    condition: sel',
      ...overrides,
    };
    return Object.values(fields).filter(Boolean).join('\n') + '\n';
  };

  it('missing title / logsource / detection', () => {
    expect(field(base({ title: '' }))).toEqual(['missing-title']);
    expect(field(base({ title: "title: ''" }))).toEqual(['missing-title']);
    expect(field(base({ logsource: '' }))).toEqual(['missing-logsource']);
    expect(field(base({ detection: '' }))).toEqual(['missing-detection']);
    expect(field(base({ logsource: 'logsource:\n    definition: x' }))).toEqual(['empty-logsource']);
    expect(field(base({ logsource: 'logsource: windows' }))).toEqual(['invalid-logsource']);
  });

  it('title-too-long (256 allowed, 257 not)', () => {
    expect(field(base({ title: `title: ${'a'.repeat(256)}` }))).toEqual([]);
    expect(field(base({ title: `title: ${'a'.repeat(257)}` }))).toEqual(['title-too-long']);
  });

  it('invalid-id (UUID)', () => {
    expect(field(base({ id: 'id: 1234' }))).toEqual(['invalid-id']);
  });

  it('invalid-status and invalid-level, with a fix for case slips', () => {
    expect(field(base({ x: 'status: beta' }))).toEqual(['invalid-status']);
    const level = loadRules(base({ x: 'level: High' })).diagnostics;
    expect(level).toMatchObject([{ code: 'invalid-level', fixes: [{ text: 'high' }] }]);
  });

  it('invalid-date (YYYY-MM-DD with real months and days)', () => {
    expect(field(base({ x: 'date: 2024-01-31' }))).toEqual([]);
    expect(field(base({ x: 'date: 2024-13-01' }))).toEqual(['invalid-date']);
    expect(loadRules(base({ x: 'modified: 2024/01/02' })).diagnostics).toMatchObject([{ code: 'invalid-date', fixes: [{ text: '2024-01-02' }] }]);
    expect(loadRules(base({ x: 'date: 2024-1-5' })).diagnostics).toMatchObject([{ code: 'invalid-date', fixes: [{ text: '2024-01-05' }] }]);
    expect(loadRules(base({ x: 'date: 23.10.2019' })).diagnostics).toMatchObject([{ code: 'invalid-date', fixes: undefined }]);
  });

  it('invalid-tag (schema pattern) and duplicate-tag', () => {
    expect(field(base({ x: 'tags:\n    - attack.t1059.001\n    - cve.2021-44228\n    - detection.emerging-threats' }))).toEqual([]);
    expect(field(base({ x: 'tags:\n    - Attack.T1059' }))).toEqual(['invalid-tag']);
    expect(field(base({ x: 'tags:\n    - attack' }))).toEqual(['invalid-tag']);
    expect(field(base({ x: 'tags:\n    - attack.x\n    - attack.x' }))).toEqual(['duplicate-tag']);
  });

  it('related: types and ids', () => {
    expect(field(base({ x: 'related:\n    - id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n      type: similar' }))).toEqual([]);
    expect(field(base({ x: 'related:\n    - id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n      type: cousin' }))).toEqual(['invalid-related-type']);
    expect(field(base({ x: 'related:\n    - id: nope\n      type: derived' }))).toEqual(['invalid-id']);
    expect(field(base({ x: 'related:\n    - type: derived' }))).toEqual(['invalid-related']);
  });

  it('list fields: types, minimum lengths, duplicates', () => {
    expect(field(base({ x: 'falsepositives:\n    - a' }))).toEqual(['invalid-field-type']);
    expect(field(base({ x: 'references: https://x' }))).toEqual(['invalid-field-type']);
    expect(loadRules(base({ x: 'references: https://x' })).diagnostics[0].severity).toBe('warning');
    expect(field(base({ x: 'references:\n    a: b' }))).toEqual(['invalid-field-type']);
    expect(field(base({ x: 'references:\n    - https://x\n    - https://x' }))).toEqual(['duplicate-reference']);
    expect(field(base({ x: 'description:\n    - a' }))).toEqual(['invalid-field-type']);
  });

  it('name, taxonomy and description lengths', () => {
    expect(field(base({ x: `name: ${'n'.repeat(257)}` }))).toEqual(['name-too-long']);
    expect(field(base({ x: `taxonomy: ${'n'.repeat(257)}` }))).toEqual(['taxonomy-too-long']);
    expect(field(base({ x: `description: ${'d'.repeat(65_536)}` }))).toEqual(['description-too-long']);
  });
});

describe('YAML problems', () => {
  it('broken YAML gives yaml-syntax errors with positions and loading goes on', () => {
    const text = rule('    sel:\n        Image: [a, b\n    condition: sel\n');
    const result = loadRules(text);
    const syntax = result.diagnostics.filter((d) => d.code === 'yaml-syntax');
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax[0].range!.startLine).toBeGreaterThanOrEqual(8);
    expect(result.rules).toHaveLength(1);
    expect(result.rules[0].title).toBe('Test rule');
  });

  it('after a YAML error, missing-* diagnostics are not blamed on the rule', () => {
    const result = loadRules('title: "unterminated\nlogsource: {product: x}\n');
    expect(codes(result.diagnostics)).toEqual(['yaml-syntax']);
    expect(result.diagnostics[0]).toMatchObject({ severity: 'error', message: expect.stringMatching(/^YAML: /) });
  });

  it('tabs as indentation are YAML errors with their line', () => {
    const result = loadRules('title: T\nlogsource: {product: x}\ndetection:\n\tsel:\n    A: x\n  condition: sel\n');
    expect(result.diagnostics.find((d) => d.code === 'yaml-syntax')).toMatchObject({ range: { startLine: 4, startColumn: 1 } });
  });

  it('CRLF line ends and a byte order mark are fine', () => {
    const result = loadRules('\ufefftitle: T\r\nlogsource: {product: x}\r\ndetection:\r\n  sel:\r\n    A|endswit: x\r\n  condition: sel\r\n');
    expect(result.rules[0].title).toBe('T');
    expect(result.diagnostics).toMatchObject([{ code: 'unknown-modifier', range: { startLine: 5, startColumn: 7 } }]);
  });

  it('duplicate keys are errors', () => {
    expect(codes(loadRules(`${HEAD}title: again\ndetection:\n    sel:\n        F: x\n    condition: sel\n`).diagnostics)).toContain('yaml-syntax');
  });

  it('a document that is not a map', () => {
    expect(loadRules('- a\n- b\n').diagnostics).toMatchObject([{ code: 'invalid-document', severity: 'error' }]);
    expect(loadRules('just text\n').diagnostics).toMatchObject([{ code: 'invalid-document' }]);
  });

  it('empty input: no rules, no diagnostics', () => {
    expect(loadRules('')).toEqual({ rules: [], diagnostics: [] });
    expect(loadRules('# only a comment\n')).toEqual({ rules: [], diagnostics: [] });
  });

  it('alias bombs hit a limit instead of exploding', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const text = `${lines.join('\n')}\ntitle: bomb\nlogsource: {product: x}\ndetection:\n    sel:\n        F: *i\n    condition: sel\n`;
    const t0 = performance.now();
    const result = loadRules(text);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(codes(result.diagnostics)).toContain('yaml-alias-limit');
  });
});

describe('multi-document files', () => {
  it('each document with a detection is a rule', () => {
    const text = `${rule('    sel:\n        F: a\n    condition: sel\n')}---\n${rule('    sel:\n        F: b\n    condition: sel\n')}`;
    const result = loadRules(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.rules.map((r) => r.documentIndex)).toEqual([0, 1]);
    expect(result.rules[1].detection.identifiers.get('sel')!.keyRange.startLine).toBe(19);
  });

  it('correlation and filter documents are read as such, not as rules (details in correlation.test.ts, filter.test.ts)', () => {
    const text = `${rule('    sel:\n        F: a\n    condition: sel\n')}---\ntitle: Many\ncorrelation:\n    type: event_count\n    rules: [x]\n---\ntitle: F\nfilter:\n    rules: [x]\n`;
    const result = loadRules(text);
    expect(result.rules).toHaveLength(1);
    expect(result.correlations).toHaveLength(1);
    expect(result.filters).toHaveLength(1);
    expect(result.diagnostics.some((d) => d.code === 'unsupported-document')).toBe(false);
    // The correlation names a rule that does not exist: an error on the reference itself.
    expect(result.diagnostics.find((d) => d.code === 'unknown-rule-reference')?.range?.startLine).toBe(15);
  });

  it('action: global / repeat / reset (Sigma v1 collections, as pySigma reads them)', () => {
    const text = `action: global
title: Shared
logsource:
    product: windows
detection:
    condition: sel
---
logsource:
    service: security
detection:
    sel:
        EventID: 4624
---
action: repeat
detection:
    sel:
        EventID: 4625
---
action: reset
---
title: Alone
logsource: {product: linux}
detection:
    sel:
        F: x
    condition: sel
`;
    const result = loadRules(text);
    expect(errors(result.diagnostics)).toEqual([]);
    expect(result.rules.map((r) => [r.title, r.logsource.product, r.logsource.service])).toEqual([
      ['Shared', 'windows', 'security'],
      ['Shared', 'windows', 'security'],
      ['Alone', 'linux', undefined],
    ]);
    const eventIds = result.rules.slice(0, 2).map((r) => (firstItem(r).values[0] as { raw: string }).raw);
    expect(eventIds).toEqual(['4624', '4625']);
  });
});

describe('remaining diagnostic codes', () => {
  const all = (text: string): string[] => codes(loadRules(text).diagnostics);
  const R = 'title: T\nlogsource: {product: x}\n';

  it('yaml-warning for an unknown directive', () => {
    expect(loadRules(`%FOO bar\n---\n${R}detection:\n  sel:\n    A: x\n  condition: sel\n`).diagnostics).toMatchObject([{ code: 'yaml-warning', severity: 'warning' }]);
  });

  it('invalid-action', () => {
    expect(all(`action: merge\n${R}`)).toEqual(['invalid-action']);
  });

  it('duplicate-field and duplicate-falsepositive (schema uniqueItems) are warnings', () => {
    const text = `${R}fields: [a, a]\nfalsepositives: [Admins, Admins]\ndetection:\n  sel:\n    A: x\n  condition: sel\n`;
    expect(loadRules(text).diagnostics).toMatchObject([
      { code: 'duplicate-field', severity: 'warning' },
      { code: 'duplicate-falsepositive', severity: 'warning' },
    ]);
  });

  it('invalid-detection and missing-search-identifier', () => {
    expect(all(`${R}detection: [a]\n`)).toEqual(['invalid-detection']);
    expect(all(`${R}detection:\n  condition: sel\n`)).toEqual(['missing-search-identifier', 'undefined-identifier']);
  });

  it('invalid-identifier and invalid-field-name for complex keys', () => {
    expect(all(`${R}detection:\n  ? [a]\n  : {F: x}\n  sel:\n    ? {a: b}\n    : c\n  condition: sel\n`)).toEqual(['invalid-identifier', 'invalid-field-name']);
  });

  it('too-deep for absurdly nested lists', () => {
    expect(all(`${R}detection:\n  sel: ${'['.repeat(40)}{a: b}${']'.repeat(40)}\n  condition: sel\n`)).toEqual(['too-deep']);
  });

  it('too-many-alternatives when windash would explode', () => {
    expect(all(`${R}detection:\n  sel:\n    A|windash: "-a -b -c -d -e -f"\n  condition: sel\n`)).toEqual(['too-many-alternatives']);
  });

  it('control-character: an escape slip in a double-quoted Windows path', () => {
    const result = loadRules(`${R}detection:\n  sel:\n    Image: "C:\\temp"\n  kw:\n    - 'ok'\n  condition: sel or kw\n`);
    expect(result.diagnostics).toMatchObject([{ code: 'control-character', severity: 'warning', message: expect.stringMatching(/U\+0009.*single quotes/), range: { startLine: 5, startColumn: 15, endColumn: 17 } }]);
    // A tab in a single-quoted value is intended.
    expect(all(`${R}detection:\n  sel:\n    Image: 'a\tb'\n  condition: sel\n`)).toEqual([]);
  });

  it('double-wildcard is an info with a fix', () => {
    expect(loadRules(`${R}detection:\n  sel:\n    Image: 'a**b'\n  condition: sel\n`).diagnostics).toMatchObject([{ code: 'double-wildcard', severity: 'info', fixes: [{ text: '*' }] }]);
  });

  it('an item whose values all failed never matches (no vacuous AND, no negated empty list)', () => {
    const result = loadRules(`${R}detection:\n  sel:\n    A|contains|all|neq|re: ['a', 'b']\n  condition: sel\n`);
    const item = result.rules[0].detection.identifiers.get('sel')!.selection.items[0] as FieldItem;
    expect(item).toMatchObject({ values: [], combine: 'or', negated: false });
    const keyless = loadRules(`${R}detection:\n  sel:\n    ? [a]\n    : b\n  condition: sel\n`);
    expect(keyless.rules[0].detection.identifiers.get('sel')!.selection).toMatchObject({ kind: 'or', items: [] });
  });

  it('duplicate-value: the same value twice in a list (case-insensitive unless cased)', () => {
    expect(loadRules(`${R}detection:\n  sel:\n    A: [x.exe, y, X.EXE]\n  condition: sel\n`).diagnostics).toMatchObject([
      { code: 'duplicate-value', severity: 'warning', range: { startLine: 5, startColumn: 19 } },
    ]);
    expect(all(`${R}detection:\n  sel:\n    A|cased: [x.exe, X.EXE]\n  condition: sel\n`)).toEqual([]);
  });

  it('field-name-space with a fix that removes the spaces', () => {
    expect(loadRules(`${R}detection:\n  sel:\n    New Value|contains: x\n  condition: sel\n`).diagnostics).toMatchObject([
      { code: 'field-name-space', severity: 'warning', range: { startColumn: 5, endColumn: 14 }, fixes: [{ text: 'NewValue' }] },
    ]);
  });

  it('a null keyword is invalid-value', () => {
    expect(all(`${R}detection:\n  kw:\n    - a\n    - null\n  condition: kw\n`)).toEqual(['invalid-value']);
  });
});

describe('never throws', () => {
  it('on random YAML-ish text', () => {
    const alphabet = fc.constantFrom('title', 'detection', 'condition', 'sel', '|', ':', ' ', '\n', '-', "'", '"', '*', '?', '\\', '[', ']', '{', '}', '&a', '*a', '%', 'null', '0x1', '#', '\t', '|re', '|contains', '>', '---', '\n  ? ', '\n    ? ', ': ', '!!str ', '%YAML 1.1\n');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (pieces) => {
        const result = loadRules(pieces.join(''));
        expect(Array.isArray(result.rules)).toBe(true);
        // internal-error means a bug was caught by the last-resort handler.
        expect(codes(result.diagnostics)).not.toContain('internal-error');
      }),
      { numRuns: 400 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(codes(loadRules(s).diagnostics)).not.toContain('internal-error');
      }), { numRuns: 300 });
  });

  it('on random rule structures', () => {
    const modifierNames = ['contains', 'all', 'startswith', 'endswith', 're', 'i', 'cidr', 'base64', 'base64offset', 'wide', 'windash', 'expand', 'fieldref', 'exists', 'gt', 'hour', 'neq', 'cased', 'utf16', 'bogus', ''];
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('10.0.0.0/8', '%p%', '(?<=x)', '*', '\\'));
    const key = fc.tuple(fc.constantFrom('Image', 'CommandLine', ''), fc.array(fc.constantFrom(...modifierNames), { maxLength: 3 })).map(([f, ms]) => [f, ...ms].join('|'));
    const body = fc.oneof(
      fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }))),
      fc.array(scalar, { maxLength: 4 }),
      fc.array(fc.dictionary(key, scalar), { maxLength: 3 }),
      scalar,
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('sel', 'filter', 'kw', '_x'), body), fc.constantFrom('sel', 'sel and not filter', '1 of them', 'all of sel*', 'kw or', '('), fc.option(fc.string()), (ids, condition, title) => {
        const doc = { title, logsource: { product: 'windows' }, detection: { ...ids, condition } };
        const result = loadRules(stringify(doc), { placeholders: { p: ['a', 'b*'] } });
        expect(codes(result.diagnostics)).not.toContain('internal-error');
        for (const d of result.diagnostics) {
          expect(typeof d.code).toBe('string');
          expect(typeof d.message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('on non-string input', () => {
    expect(() => loadRules(undefined as unknown as string)).not.toThrow();
    expect(() => loadRules(42 as unknown as string)).not.toThrow();
  });
});
