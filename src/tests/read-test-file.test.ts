import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTestFile } from './read-test-file.ts';

const codes = (text: string) => readTestFile(text).diagnostics.map((d) => d.code);

describe('readTestFile', () => {
  it('reads the whole format', () => {
    const r = readTestFile(`name: demo
rule: rules/x.yml
rule_index: 1
placeholders:
  admins: [a, b]
  port: 8080
targets: [sentinel-asim]
target: defender-xdr
cases:
  - name: one
    event: {Image: 'C:\\x.exe', EventID: 1}
    expect: match
  - events: [{a: 1}, {a: 2}, {a: 3}]
    expect: [nomatch, {filtered: filter_x}, no-alert]
  - events: events/e.ndjson
    match_count: 2
    min_matches: 1
  - events: [{a: 1}]
    expect:
      filtered:
`);
    expect(r.diagnostics).toEqual([]);
    const f = r.file!;
    expect(f.name).toBe('demo');
    expect(f.rule).toMatchObject({ kind: 'file', path: 'rules/x.yml' });
    expect(f.ruleIndex).toBe(1);
    expect(f.placeholders).toEqual({ admins: ['a', 'b'], port: ['8080'] });
    expect(f.targets).toEqual(['sentinel-asim', 'defender-xdr']);
    expect(f.cases).toHaveLength(4);
    expect(f.cases[0]).toMatchObject({ name: 'one', events: { kind: 'inline', events: [{ Image: 'C:\\x.exe', EventID: 1 }] }, expect: { verdict: 'match' } });
    expect(f.cases[1].expect).toEqual([{ verdict: 'nomatch' }, { verdict: 'filtered', by: 'filter_x' }, { verdict: 'no-alert' }]);
    expect(f.cases[2]).toMatchObject({ events: { kind: 'file', path: 'events/e.ndjson' }, matchCount: 2, minMatches: 1 });
    expect(f.cases[3].expect).toEqual({ verdict: 'filtered' });
    expect(f.cases[0].expectRange?.startLine).toBe(12);
  });

  it('places an inline block rule inside the test file', () => {
    const text = 'name: x\nrule: |\n    title: T\n    detection:\n        sel: {a: 1}\n        condition: sel\ncases:\n  - event: {a: 1}\n    expect: match\n';
    const f = readTestFile(text).file!;
    expect(f.rule).toMatchObject({ kind: 'inline', lineOffset: 2, columnOffset: 4 });
    expect(f.rule.kind === 'inline' && f.rule.text.startsWith('title: T\ndetection:')).toBe(true);
  });

  it('reads a rule written as a map, keeping its source text', () => {
    const text = 'rule:\n  title: T\n  detection:\n    sel:\n      Details: 00000429\n    condition: sel\ncases:\n  - event: {Details: "00000429"}\n    expect: match\n';
    const f = readTestFile(text).file!;
    expect(f.rule.kind).toBe('inline');
    if (f.rule.kind === 'inline') {
      expect(f.rule.text).toContain('Details: 00000429');
      expect(f.rule.lineOffset).toBe(1);
      expect(f.rule.columnOffset).toBe(2);
    }
  });

  it('reports malformed files with ranges and suggestions', () => {
    const r = readTestFile('rule: r.yml\ncases:\n  - event: {a: 1}\n    expect: mach\n  - evnts: [{a: 1}]\n    expect: match\n');
    const bad = r.diagnostics.find((d) => d.code === 'test-invalid-expect')!;
    expect(bad.message).toContain("did you mean 'match'");
    expect(bad.range).toMatchObject({ startLine: 4, startColumn: 13 });
    const unknown = r.diagnostics.find((d) => d.code === 'test-unknown-key')!;
    expect(unknown.message).toContain("did you mean 'events'");
    expect(unknown.range?.startLine).toBe(5);
    expect(codes('rule: r.yml\ncases:\n  - event: {a: 1}\n    expect: match\n')).toEqual([]);
    expect(codes('cases: []\n')).toEqual(expect.arrayContaining(['test-missing-rule', 'test-missing-cases']));
    expect(codes('rule: r.yml\ncases:\n  - event: {a: 1}\n')).toContain('test-missing-expect');
    expect(codes('rule: r.yml\ncases:\n  - expect: match\n')).toContain('test-missing-events');
    expect(codes('rule: r.yml\ntargets: [splunk]\ncases:\n  - event: {a: 1}\n    expect: match\n')).toContain('test-unknown-target');
    expect(codes('rule: r.yml\ncases:\n  - events: [{a: 1}, {a: 2}]\n    expect: [match]\n')).toContain('test-expect-count');
    expect(codes('rule: r.yml\ncases:\n  - event: {a: 1}\n    match_count: -1\n')).toContain('test-invalid-count');
    expect(codes('rule: [\n')).toContain('test-yaml-syntax');
    expect(codes('- just\n- a list\n')).toContain('test-not-a-map');
    expect(codes('rule: r.yml\nrule: s.yml\ncases:\n  - event: {a: 1}\n    expect: match\n')).toContain('test-yaml-syntax');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = readTestFile(s);
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const r = readTestFile(`rule: r.yml\ncases:\n  - event: ${JSON.stringify(v) ?? 'null'}\n    expect: ${JSON.stringify(v) ?? 'null'}\n`);
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('readTestFile and YAML aliases', () => {
  it('expands aliases in events', () => {
    const f = readTestFile('base: &b {x: 1}\nrule: r.yml\ncases:\n  - {event: *b, expect: match}\n  - {events: [{y: *b}, *b], expect: match}\n').file!;
    expect(f.cases.map((c) => c.events.kind === 'inline' && c.events.events)).toEqual([[{ x: 1 }], [{ y: { x: 1 } }, { x: 1 }]]);
  });

  it('refuses an alias bomb quickly, with a diagnostic', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10).fill(`*${'abcdefgh'[i - 1]}`).join(', ')}]`);
    const started = Date.now();
    const r = readTestFile(`rule: r.yml\n${levels.join('\n')}\ncases:\n  - {event: {x: *h}, expect: match}\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.diagnostics.map((d) => d.code)).toContain('test-yaml-aliases');
  });
});
