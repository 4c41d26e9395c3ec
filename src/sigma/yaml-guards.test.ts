import { describe, expect, it } from 'vitest';
import { Parser, parseAllDocuments } from 'yaml';
import { loadRules } from './load.ts';
import { AliasTable, findExcessiveFlowNesting, findExcessiveNesting, MAX_ALIAS_EXPANSION, MAX_YAML_DEPTH } from './yaml-guards.ts';

const HEAD = 'title: t\nlogsource:\n    product: windows\n';

function bomb(levels: number): string {
  const lines = [HEAD.trimEnd(), 'x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) lines.push(`x${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  lines.push('detection:', '    selection:', `        Image: *a${levels - 1}`, '    condition: selection');
  return lines.join('\n') + '\n';
}

describe('nesting', () => {
  it('refuses 5,000 levels of flow nesting before parsing, at the bracket that goes too deep', () => {
    const text = `${HEAD}detection:\n    selection:\n        Image: ${'['.repeat(5000)}1${']'.repeat(5000)}\n    condition: selection\n`;
    const r = loadRules(text);
    expect(r.rules).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d).toMatchObject({ code: 'yaml-too-deep', severity: 'error' });
    expect(d.message).toContain(String(MAX_YAML_DEPTH));
    expect(d.range!.start).toBe(text.indexOf('[') + MAX_YAML_DEPTH);
    expect(d.range!.startLine).toBe(6);
  });

  it('counts only real flow brackets: brackets in quoted strings and comments are text', () => {
    const text = `${HEAD}detection:\n    selection:\n        Image: '${'['.repeat(300)}'\n        # ${'{'.repeat(300)}\n    condition: selection\n`;
    expect(findExcessiveFlowNesting(text)).toBeNull();
    const r = loadRules(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.rules).toHaveLength(1);
  });

  it('finds deep block nesting in the parsed tokens, without recursion', () => {
    const text = Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n';
    const deep = findExcessiveNesting(Array.from(new Parser().parse(text)));
    expect(deep).not.toBeNull();
    expect(deep!.depth).toBe(MAX_YAML_DEPTH + 1);
    expect(text.slice(deep!.offset, deep!.offset + 5)).toBe(`k${MAX_YAML_DEPTH}:`);
    expect(loadRules(text).diagnostics).toMatchObject([{ code: 'yaml-too-deep' }]);
  });

  it('lets ordinary nesting through', () => {
    const text = `${HEAD}detection:\n    selection:\n        Image: ${'['.repeat(30)}a${']'.repeat(30)}\n    condition: selection\n`;
    expect(findExcessiveFlowNesting(text)).toBeNull();
    expect(findExcessiveNesting(Array.from(new Parser().parse(text)))).toBeNull();
  });
});

describe('aliases', () => {
  it('refuses a billion-laughs document at the alias that crosses the budget, without walking it', () => {
    const text = bomb(12);
    const t0 = performance.now();
    const r = loadRules(text);
    const ms = performance.now() - t0;
    const d = r.diagnostics.find((x) => x.code === 'yaml-alias-limit');
    expect(d).toBeDefined();
    expect(d!.message).toMatch(/alias bomb/);
    // The alias named is a use of an anchor whose expansion crosses the budget.
    const named = text.slice(d!.range!.start, d!.range!.end);
    expect(named).toMatch(/^\*a\d+$/);
    // Linear work: far below the old walk (~300-850 ms); generous for a loaded machine.
    expect(ms).toBeLessThan(1000);
  });

  it('resolves aliases to the last anchor before them, as YAML does', () => {
    const text = 'a: &x one\nb: *x\nc: &x two\nd: *x\n';
    const docs = parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[];
    const table = new AliasTable(docs as never);
    expect(table.bomb).toBeNull();
    const doc = (docs as any)[0];
    const b = doc.contents.items[1].value;
    const d = doc.contents.items[3].value;
    expect((table.resolve(b) as any).value).toBe('one');
    expect((table.resolve(d) as any).value).toBe('two');
  });

  it('counts an alias inside its own anchor as a bomb (it would expand forever)', () => {
    const docs = parseAllDocuments('a: &x [1, *x]\n') as any;
    expect(new AliasTable(docs).bomb).not.toBeNull();
  });

  it('lets a rule that shares values with aliases load as before', () => {
    const text = `${HEAD}detection:\n    selection:\n        Image: &img ['\\\\a.exe', '\\\\b.exe']\n    filter:\n        ParentImage: *img\n    condition: selection and not filter\n`;
    const r = loadRules(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const filter = r.rules[0].detection.identifiers.get('filter')!;
    expect(JSON.stringify(filter)).toContain('b.exe');
  });

  it('a large file without aliases is no bomb', () => {
    const items = Array.from({ length: MAX_ALIAS_EXPANSION + 10 }, (_, i) => `v${i}`).join(', ');
    const docs = parseAllDocuments(`list: [${items}]\n`) as any;
    expect(new AliasTable(docs).bomb).toBeNull();
  });
});
