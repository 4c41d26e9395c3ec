import { describe, expect, it } from 'vitest';
import { compileMatcher } from '../engine/compile-matcher.ts';
import { evaluateEvents } from '../engine/evaluate.ts';
import { readEvents } from '../engine/read-events.ts';
import { compileRule } from '../kql/compile.ts';
import { loadRules } from './load.ts';
import { readPlaceholderValues, unusedPlaceholders } from './placeholder-values.ts';

const at = (d: { range?: { startLine: number; startColumn: number } }) => `${d.range?.startLine}:${d.range?.startColumn}`;

const RULE = `title: admin hosts
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Computer|expand: '%admin_hosts%'
    condition: sel
`;

describe('readPlaceholderValues', () => {
  it('reads lists and single values as text, numbers as written, names with or without %', () => {
    const r = readPlaceholderValues("admin_hosts: [ADMIN01, 007]\nport: 8080\n'%domain%': corp.example\nflag: true\nnone: []\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.placeholders).toEqual({ admin_hosts: ['ADMIN01', '007'], port: ['8080'], domain: ['corp.example'], flag: ['true'], none: [] });
    expect(readPlaceholderValues('{"a": ["x", 1]}').placeholders).toEqual({ a: ['x', '1'] });
  });

  it('empty text: nothing, no problem; broken YAML: nothing, with the line', () => {
    expect(readPlaceholderValues('  \n# a: [x]\n')).toEqual({ names: [], diagnostics: [] });
    const r = readPlaceholderValues('a: [x, y\nb: z\n');
    expect(r.placeholders).toBeUndefined();
    expect(r.diagnostics[0].code).toBe('placeholders-yaml-syntax');
    expect(r.diagnostics[0].range?.startLine).toBeGreaterThanOrEqual(1);
  });

  it('keeps the good names next to bad ones; a name without values yet is a warning', () => {
    const r = readPlaceholderValues('good: [x]\nbad: [{x: 1}]\ntyping:\n[1]: y\n');
    expect(r.placeholders).toEqual({ good: ['x'] });
    expect(r.diagnostics.map((d) => `${at(d)} ${d.severity} ${d.code}`)).toEqual([
      '2:7 error placeholders-invalid-value',
      '3:1 warning placeholders-no-values',
      '4:1 error placeholders-invalid-name',
    ]);
    expect(readPlaceholderValues('[a, b]').diagnostics.map((d) => d.code)).toEqual(['placeholders-not-a-map']);
  });

  it('names the rule does not use are flagged where they are written', () => {
    const r = readPlaceholderValues('admin_host: [A]\nadmin_hosts: [B]\n');
    expect(unusedPlaceholders(r, RULE).map((d) => `${at(d)} ${d.message}`)).toEqual(['1:1 the rule has no placeholder %admin_host%']);
  });

  it('the values resolve the placeholder for the compiler and the matcher alike', () => {
    const placeholders = readPlaceholderValues('admin_hosts: [ADMIN01, ADMIN02]').placeholders;
    const without = loadRules(RULE);
    expect(without.diagnostics.map((d) => d.code)).toContain('unresolved-placeholder');
    const loaded = loadRules(RULE, { placeholders });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const kql = compileRule(loaded.rules[0], 'sentinel-asim', { validate: false, placeholders });
    expect(kql.query).toMatch(/ADMIN01.*ADMIN02/);
    const events = readEvents('[{"Computer": "admin02"}, {"Computer": "web01"}]').events;
    const verdicts = evaluateEvents(compileMatcher(loaded.rules[0], { placeholders }), events).results.map((e) => e.verdict);
    expect(verdicts).toEqual(['match', 'nomatch']);
  });
});
