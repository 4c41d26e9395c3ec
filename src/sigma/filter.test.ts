import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from './load.ts';
import { compileMatcher } from '../engine/compile-matcher.ts';
import { explainEvent } from '../engine/evaluate.ts';
import { compileRule } from '../kql/compile.ts';
import { spansForSource } from '../kql/source-map.ts';
import { loadKustoLanguageService } from '../kql/validate.ts';
import type { LogEvent } from '../engine/event.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/correlation/${name}`, import.meta.url), 'utf8');

function event(data: Record<string, unknown>, index = 0): LogEvent {
  return { index, data, origin: { format: 'json' }, hints: {} };
}

beforeAll(async () => {
  await loadKustoLanguageService();
});

describe('meta filters: the specification test documents', () => {
  const text = fixture('filters.yml');
  const result = loadRules(text);

  it('reads both filters and applies the one whose logsource contains the rules', () => {
    expect(result.filters!.map((f) => f.title)).toEqual(['Filter Administrator account', 'Filter google']);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const rule of result.rules) {
      expect(rule.appliedFilters?.map((a) => a.title)).toEqual(['Filter Administrator account']);
      expect(rule.detection.identifiers.has('filter_administrator_account.selection')).toBe(true);
    }
    // filter_ecs.yml's logsource (network/dns) does not contain process_creation: not applied, said where it names the rules.
    const mismatches = result.diagnostics.filter((d) => d.code === 'filter-logsource-mismatch');
    expect(mismatches).toHaveLength(2);
    expect(text.slice(mismatches[0].range!.start, mismatches[0].range!.end)).toBe('6f3e2987-db24-4c78-a860-b4f4095a7095');
    expect(mismatches[0].range!.startLine).toBeGreaterThan(text.split('\n').findIndex((l) => l.startsWith('title: Filter google')));
  });

  it('changes the matcher: an adm_ user is filtered, by the filter, anyone else matches', () => {
    const rar = result.rules.find((r) => r.title === 'Data Compressed - rar.exe')!;
    const compiled = compileMatcher(rar);
    const hit = { Image: 'C:\\Tools\\rar.exe', CommandLine: 'rar.exe a out.rar secrets', User: 'CORP\\alice' };
    expect(compiled.verdict(event(hit))).toBe('match');
    const admin = explainEvent(compiled, event({ ...hit, User: 'adm_bob' }));
    expect(admin.verdict).toBe('filtered');
    expect(admin.filteredBy).toEqual(['filter_administrator_account.selection']);
    // The reason points into the filter document.
    const filterDoc = result.filters![0].range;
    const notNode = JSON.stringify(admin.explanation);
    expect(notNode).toContain('adm_');
    expect(compiled.verdict(event({ ...hit, Image: 'C:\\x\\7z.exe' }))).toBe('nomatch');
    expect(filterDoc.startLine).toBeLessThan(rar.range.startLine);
  });

  it('changes the compiled query, and the source map marks the filter part', () => {
    const rar = result.rules.find((r) => r.title === 'Data Compressed - rar.exe')!;
    for (const target of ['sentinel-asim', 'defender-xdr', 'azure-monitor']) {
      const c = compileRule(rar, target);
      expect(c.diagnostics.filter((d) => d.severity === 'error'), c.query).toEqual([]);
      expect(c.query).toMatch(/adm_/);
      const selection = result.filters![0].identifiers.get('selection')!;
      const spans = spansForSource(c.sourceMap, selection.range.start, selection.range.end);
      expect(spans.length, target).toBeGreaterThan(0);
      const marked = c.query.slice(spans[spans.length - 1].start, spans[spans.length - 1].end);
      expect(marked).toMatch(/adm_/);
      expect(marked).not.toMatch(/rar\.exe/);
    }
    // Without the filter document the query has no trace of it.
    const alone = loadRules(text.slice(text.indexOf('title: Data Compressed')));
    expect(compileRule(alone.rules[0], 'sentinel-asim').query).not.toMatch(/adm_/);
  });
});

describe('meta filters: diagnostics', () => {
  const rule = `---\ntitle: R\nid: 11111111-2222-4333-8444-555555555555\nname: r\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        Image|endswith: '\\x.exe'\n    condition: sel\n`;
  const filter = (body: string, logsource = 'logsource:\n    product: windows\n'): string => `title: F\n${logsource}filter:\n${body}${rule}`;

  it('unknown rule references are warnings (the rule may live in another file)', () => {
    const text = filter("    rules: [nope]\n    selection:\n        User: x\n    condition: selection\n");
    const d = loadRules(text).diagnostics.find((x) => x.code === 'unknown-filter-rule')!;
    expect(d.severity).toBe('warning');
    expect(text.slice(d.range!.start, d.range!.end)).toBe('nope');
  });

  it('rules by name apply; a negated filter condition is flagged', () => {
    const text = filter('    rules: [r]\n    selection:\n        User: x\n    condition: not selection\n');
    const result = loadRules(text);
    expect(result.rules[0].appliedFilters).toHaveLength(1);
    expect(result.diagnostics.find((d) => d.code === 'negated-filter-condition')?.severity).toBe('warning');
  });

  it('missing pieces: rules, selection, condition, logsource', () => {
    const codes = (t: string): string[] => loadRules(t).diagnostics.map((d) => d.code);
    expect(codes(filter('    selection:\n        User: x\n    condition: selection\n'))).toContain('missing-filter-rules');
    expect(codes(filter('    rules: [r]\n    condition: selection\n'))).toContain('missing-filter-selection');
    expect(codes(filter('    rules: [r]\n    selection:\n        User: x\n'))).toContain('missing-condition');
    expect(codes(filter('    rules: [r]\n    selection:\n        User: x\n    condition: selection\n', ''))).toContain('missing-logsource');
    expect(codes(filter('    rules: [r]\n    selection:\n        User: x\n    condition: selektion\n'))).toContain('undefined-identifier');
  });

  it('a filter for another logsource is not applied', () => {
    const result = loadRules(filter('    rules: [r]\n    selection:\n        User: x\n    condition: selection\n', 'logsource:\n    product: linux\n'));
    expect(result.rules[0].appliedFilters).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toContain('filter-logsource-mismatch');
  });
});
