import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand, parsePlaceholders } from './check.ts';

const GOOD = 'title: Good\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Image|endswith: x.exe\n  condition: sel\n';
const BROKEN = 'title: Broken\nlogsource: {category: process_creation, product: windows}\ndetection:\n  sel:\n    Image|endswit: x.exe\n  condition: sel and missing\n';
const WARNING = 'title: Warn\nlogsource: {product: windows}\ndetection:\n  sel:\n    A: x\n  unused:\n    B: y\n  condition: sel\n';
const PLACEHOLDER = 'title: P\nlogsource: {product: windows}\ndetection:\n  sel:\n    ComputerName|expand: "%Servers%"\n  condition: sel\n';

let dir: string;

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await checkCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'siglab-check-'));
  mkdirSync(join(dir, 'rules', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'rules', 'good.yml'), GOOD);
  writeFileSync(join(dir, 'rules', 'nested', 'warn.yaml'), WARNING);
  writeFileSync(join(dir, 'rules', 'nested', 'notes.txt'), 'not a rule');
  writeFileSync(join(dir, 'broken.yml'), BROKEN);
  writeFileSync(join(dir, 'placeholder.yml'), PLACEHOLDER);
  writeFileSync(join(dir, 'values.yml'), 'Servers: [srv1, "srv2*"]\n');
  writeFileSync(join(dir, 'values.json'), '{"Servers": ["srv1"]}');
  writeFileSync(join(dir, 'bad-values.yml'), '- not a map\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('siglab check', () => {
  it('prints file:line:col: severity code message and exits 1 on errors', async () => {
    const file = join(dir, 'broken.yml');
    const r = await run(file);
    expect(r.code).toBe(1);
    expect(r.out.split('\n').filter(Boolean)).toEqual([
      `${file}:5:11: error unknown-modifier unknown modifier 'endswit'; did you mean 'endswith'?`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:22: error undefined-identifier `)),
    ]);
    expect(r.err).toMatch(/1 file, 1 rule: 2 errors, 0 warnings/);
  });

  it('exits 0 on a valid rule, and warnings do not fail', async () => {
    expect((await run(join(dir, 'rules', 'good.yml'))).code).toBe(0);
    const warn = await run(join(dir, 'rules', 'nested', 'warn.yaml'));
    expect(warn.code).toBe(0);
    expect(warn.out).toMatch(/warn\.yaml:6:3: warning unused-identifier /);
  });

  it('walks directories recursively over .yml and .yaml files only', async () => {
    const r = await run(join(dir, 'rules'), '--json');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual([join(dir, 'rules', 'good.yml'), join(dir, 'rules', 'nested', 'warn.yaml')]);
  });

  it('--json prints one line per file with file, ok, rules, diagnostics', async () => {
    const r = await run('--json', join(dir, 'broken.yml'), join(dir, 'rules', 'good.yml'));
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ file: join(dir, 'broken.yml'), ok: false, rules: 1 });
    expect(lines[0].diagnostics[0]).toMatchObject({ code: 'unknown-modifier', severity: 'error', range: { startLine: 5, startColumn: 11 } });
    expect(lines[1]).toEqual({ file: join(dir, 'rules', 'good.yml'), ok: true, rules: 1, correlations: 0, filters: 0, diagnostics: [] });
  });

  it('--placeholders FILE (YAML or JSON) resolves placeholders', async () => {
    const file = join(dir, 'placeholder.yml');
    const without = await run(file);
    expect(without.code).toBe(1);
    expect(without.out).toMatch(/error unresolved-placeholder placeholder '%Servers%'/);
    expect((await run(file, '--placeholders', join(dir, 'values.yml'))).code).toBe(0);
    expect((await run(file, `--placeholders=${join(dir, 'values.json')}`)).code).toBe(0);
  });

  it('usage errors exit 2: no paths, unknown option, missing path, bad placeholder file', async () => {
    expect((await run()).code).toBe(2);
    const unknown = await run('--frob', join(dir, 'broken.yml'));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown option '--frob'/);
    const missing = await run(join(dir, 'nope.yml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file or directory/);
    expect((await run(join(dir, 'broken.yml'), '--placeholders')).code).toBe(2);
    expect((await run(join(dir, 'broken.yml'), '--placeholders', join(dir, 'nope.yml'))).code).toBe(2);
    expect((await run(join(dir, 'broken.yml'), '--placeholders', join(dir, 'bad-values.yml'))).code).toBe(2);
  });

  it('counts correlation and filter documents beside rules', async () => {
    const corr = [
      GOOD.replace('title: Good', 'title: Base\nname: base_rule'),
      'title: Many\ncorrelation:\n  type: event_count\n  rules: [base_rule]\n  group-by: [User]\n  timespan: 5m\n  condition: {gte: 3}\n',
    ].join('---\n');
    writeFileSync(join(dir, 'correlation.yml'), corr);
    const human = await run(join(dir, 'correlation.yml'));
    expect(human.code).toBe(0);
    expect(human.err).toContain('1 file, 1 rule, 1 correlation: 0 errors');
    const json = await run(join(dir, 'correlation.yml'), '--json');
    expect(JSON.parse(json.out.trim())).toMatchObject({ ok: true, rules: 1, correlations: 1, filters: 0 });
  });

  it('--help prints usage and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/usage: siglab check/);
  });
});

describe('parsePlaceholders', () => {
  it('reads maps of lists; a single value is a list of one; numbers become strings', () => {
    expect(parsePlaceholders('A: [x, 1]\nB: y\nC: []\n')).toEqual({ A: ['x', '1'], B: ['y'], C: [] });
  });

  it('rejects non-maps and nested values', () => {
    expect(typeof parsePlaceholders('[1]')).toBe('string');
    expect(typeof parsePlaceholders('A: [{x: 1}]')).toBe('string');
    expect(typeof parsePlaceholders('A: [x')).toBe('string');
  });
});
