import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';

const FIXTURES = path.resolve(__dirname, '../tests/fixtures');
const ZIRCOLITE = path.join(FIXTURES, 'zircolite');
const ZIRCOLITE_JSON = path.join(ZIRCOLITE, 'discovery.zircolite.json');
const INFO_REL = 'regression_data/rules/windows/process_creation/proc_creation_win_siglab_net_user_add/info.yml';
const tmp = mkdtempSync(path.join(tmpdir(), 'siglab-test-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['test', ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

/** Every file under a folder, by path relative to it. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else out[path.relative(dir, p).split(path.sep).join('/')] = readFileSync(p, 'utf8');
    }
  };
  visit(dir);
  return out;
}

describe('siglab test: Zircolite --test-rules JSON', () => {
  it('runs each entry against the rule found by id or title in the JSON folder', async () => {
    const r = await run(ZIRCOLITE_JSON);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^PASS .*discovery\.zircolite\.json — Whoami All Privileges Listing \(3 passed\)$/m);
    expect(r.stdout).toMatch(/^PASS .*discovery\.zircolite\.json — Certutil Downloads A File \(2 passed\)$/m);
    expect(r.stdout.split('\n')).toContain('5 passed, 0 failed');
    expect(r.code).toBe(0);
    const json = JSON.parse((await run(ZIRCOLITE_JSON, '--json')).stdout);
    expect(json.files.map((f: { format: string; rule: { title: string } }) => [f.format, f.rule.title])).toEqual([
      ['zircolite', 'Whoami All Privileges Listing'],
      ['zircolite', 'Certutil Downloads A File'],
    ]);
  });

  it('fails a case that does not hold: exit 1, the event and its explanation', async () => {
    const dir = path.join(tmp, 'zircolite-fail');
    mkdirSync(dir, { recursive: true });
    const entries = JSON.parse(readFileSync(ZIRCOLITE_JSON, 'utf8'));
    // An event the filter removes, claimed to alert.
    entries[0].true_positive = [entries[0].true_negative[0]];
    writeFileSync(path.join(dir, 'fail.json'), JSON.stringify(entries, null, 2));
    const r = await run(path.join(dir, 'fail.json'), '--rules', path.join(ZIRCOLITE, 'rules'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL .*fail\.json — Whoami All Privileges Listing \(2 passed, 1 failed\)$/m);
    expect(r.stdout).toMatch(/✗ case 'true_positive' \(at least 1 matching event\): 0 of 1 events match/);
    expect(r.stdout).toMatch(/first event that did not match \(#1\): \{"Image":"C:\\\\Windows\\\\System32\\\\whoami\.exe","CommandLine":"whoami \/all","User":"NT AUTHORITY\\\\SYSTEM"\}/);
    expect(r.stdout).toMatch(/^ +✗ Whoami All Privileges Listing — filtered by filter_main_monitoring/m);
    expect(r.stdout).toMatch(/^ +✓ 'NT AUTHORITY\\SYSTEM' — equal$/m);
    expect(r.stdout.split('\n')).toContain('4 passed, 1 failed');
  });

  it('names the entry whose rule cannot be found, and where it looked; --rules is repeatable', async () => {
    const dir = path.join(tmp, 'zircolite-elsewhere');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'z.json'), readFileSync(ZIRCOLITE_JSON, 'utf8'));
    const none = await run(path.join(dir, 'z.json'));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/z\.json:1:1: error zircolite-rule-not-found entry 1 \(5d3f2b1a-8c4e-4f6a-9b2d-7e1c0a9f8b31\): no rule with id '5d3f2b1a-8c4e-4f6a-9b2d-7e1c0a9f8b31' in .*zircolite-elsewhere \(the JSON's folder; give the rules folder with --rules DIR\)/);
    expect(none.stderr).toMatch(/entry 2 \(Certutil Downloads A File\): no rule with title 'Certutil Downloads A File'/);
    expect(none.stdout.split('\n')).toContain('0 passed, 1 failed');
    // One rules folder per --rules.
    const split = path.join(tmp, 'split-rules');
    mkdirSync(path.join(split, 'a'), { recursive: true });
    mkdirSync(path.join(split, 'b'), { recursive: true });
    cpSync(path.join(ZIRCOLITE, 'rules', 'whoami_all.yml'), path.join(split, 'a', 'whoami_all.yml'));
    cpSync(path.join(ZIRCOLITE, 'rules', 'certutil_urlcache.yml'), path.join(split, 'b', 'certutil_urlcache.yml'));
    const half = await run(path.join(dir, 'z.json'), '--rules', path.join(split, 'a'));
    expect(half.code).toBe(1);
    expect(half.stdout.split('\n')).toContain('3 passed, 1 failed');
    const both = await run(path.join(dir, 'z.json'), '--rules', path.join(split, 'a'), `--rules=${path.join(split, 'b')}`);
    expect(both.stdout.split('\n')).toContain('5 passed, 0 failed');
    expect(both.code).toBe(0);
  });

  it('reports a named JSON that is not a Zircolite test file', async () => {
    writeFileSync(path.join(tmp, 'events.json'), '[{"Image":"x"}]');
    const r = await run(path.join(tmp, 'events.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ERROR .*events\.json: not a Zircolite --test-rules file/m);
  });

  it('round-trips: import → export → import is unchanged', async () => {
    const out = path.join(tmp, 'rt-zircolite');
    const exported = await run(ZIRCOLITE_JSON, '--export', 'zircolite', '--out', out, '--json');
    expect(exported.code).toBe(0);
    const report = JSON.parse(exported.stdout);
    expect(report).toMatchObject({ export: 'zircolite', summary: { written: 1, errors: 0 }, diagnostics: [] });
    expect(report.written).toEqual([{ file: path.join(out, 'discovery.zircolite.json'), from: ZIRCOLITE_JSON, how: 'write' }]);
    const again = path.join(out, 'discovery.zircolite.json');
    expect(JSON.parse(readFileSync(again, 'utf8'))).toEqual(JSON.parse(readFileSync(ZIRCOLITE_JSON, 'utf8')));
    // Imported again (its rules where they were): the same tests, as siglab writes them out.
    const rules = path.join(ZIRCOLITE, 'rules');
    const viaOriginal = path.join(tmp, 'rt-zircolite-siglab-1');
    const viaExport = path.join(tmp, 'rt-zircolite-siglab-2');
    expect((await run(ZIRCOLITE_JSON, '--export', 'siglab', '--out', viaOriginal)).code).toBe(0);
    expect((await run(again, '--rules', rules, '--export', 'siglab', '--out', viaExport)).code).toBe(0);
    // Rule paths are relative to each written file: same depth, so the texts compare as they are, once the folder is named alike.
    const a = tree(viaOriginal);
    const b = tree(viaExport);
    expect(Object.keys(a)).toHaveLength(2);
    for (const k of Object.keys(a)) expect(b[k].replace(/rt-zircolite-siglab-2/g, 'X')).toBe(a[k].replace(/rt-zircolite-siglab-1/g, 'X').replace(path.relative(viaOriginal, rules).split(path.sep).join('/'), path.relative(viaExport, rules).split(path.sep).join('/')));
    const rerun = await run(again, '--rules', rules);
    expect(rerun.stdout.split('\n')).toContain('5 passed, 0 failed');
  });
});

describe('siglab test --export: SigmaHQ regression data', () => {
  const checkout = path.join(tmp, 'sigmahq');
  cpSync(path.join(FIXTURES, 'sigmahq'), checkout, { recursive: true });

  it('round-trips: import → export → import is unchanged, files and all', async () => {
    const out = path.join(tmp, 'rt-sigmahq');
    const r = await run(path.join(checkout, 'regression_data', '...'), '--export', 'sigmahq-regression', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*info\.yml$/m);
    expect(r.stdout.split('\n')).toContain('3 files written (sigmahq-regression), 0 errors');
    // The export is the checkout again: the same info.yml, events file and rule.
    expect(tree(out)).toEqual(tree(checkout));
    // ...and runs as the original does.
    const original = await run(path.join(checkout, 'regression_data', '...'), '--json');
    const again = await run(path.join(out, 'regression_data', '...'), '--json');
    expect(again.code).toBe(0);
    const strip = (s: string) => JSON.parse(s).files.map((f: Record<string, unknown>) => ({ ...f, file: undefined }));
    expect(strip(again.stdout)).toEqual(strip(original.stdout));
  });

  it('converts to the other formats, which run with the same outcome', async () => {
    for (const format of ['siglab', 'sigma-test', 'zircolite']) {
      const out = path.join(tmp, `sigmahq-as-${format}`);
      const r = await run(path.join(checkout, INFO_REL), '--export', format, '--out', out);
      expect(r.code).toBe(0);
      const [file] = Object.keys(tree(out));
      const ran = await run(path.join(out, file), '--rules', path.join(checkout, 'rules'));
      expect(ran.stdout.split('\n')).toContain('1 passed, 0 failed');
    }
  });

  it('exports written-out events as a checkout in miniature that runs', async () => {
    const out = path.join(tmp, 'zircolite-as-sigmahq');
    const r = await run(ZIRCOLITE_JSON, '--export', 'sigmahq-regression', '--out', out, '--json');
    // The certutil rule has no id: SigmaHQ data cannot name it. The other entry is written.
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.diagnostics).toEqual([expect.objectContaining({ code: 'regression-rule-id', severity: 'error', file: ZIRCOLITE_JSON })]);
    expect(Object.keys(tree(out)).sort()).toEqual([
      'regression_data/rules/whoami_all_privileges_listing/5d3f2b1a-8c4e-4f6a-9b2d-7e1c0a9f8b31.json',
      'regression_data/rules/whoami_all_privileges_listing/5d3f2b1a-8c4e-4f6a-9b2d-7e1c0a9f8b31_2.json',
      'regression_data/rules/whoami_all_privileges_listing/info.yml',
      'rules/whoami_all_privileges_listing.yml',
    ]);
    const info = parse(readFileSync(path.join(out, 'regression_data/rules/whoami_all_privileges_listing/info.yml'), 'utf8'));
    expect(info.regression_tests_info).toEqual([
      { name: 'true_positive', type: 'json', provider: '', path: 'regression_data/rules/whoami_all_privileges_listing/5d3f2b1a-8c4e-4f6a-9b2d-7e1c0a9f8b31.json' },
      { name: 'true_negative', type: 'json', provider: '', match_count: 0, path: 'regression_data/rules/whoami_all_privileges_listing/5d3f2b1a-8c4e-4f6a-9b2d-7e1c0a9f8b31_2.json' },
    ]);
    const ran = await run(path.join(out, 'regression_data', '...'));
    expect(ran.stdout.split('\n')).toContain('2 passed, 0 failed');
  });

  it('never writes over its input', async () => {
    const r = await run(path.join(checkout, INFO_REL), '--export', 'sigmahq-regression', '--out', checkout);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/export-over-input/);
  });
});

describe('siglab test --export: usage', () => {
  it('exits 2 on a bad combination of options, and documents them', async () => {
    expect((await run(ZIRCOLITE_JSON, '--export', 'csv', '--out', tmp)).stderr).toMatch(/unknown export format 'csv' \(known: siglab, sigma-test, zircolite, sigmahq-regression\)/);
    expect((await run(ZIRCOLITE_JSON, '--export', 'csv', '--out', tmp)).code).toBe(2);
    expect((await run(ZIRCOLITE_JSON, '--export', 'siglab')).code).toBe(2);
    expect((await run(ZIRCOLITE_JSON, '--out', tmp)).code).toBe(2);
    expect((await run(ZIRCOLITE_JSON, '--export', 'siglab', '--out', tmp, '--junit', 'x.xml')).code).toBe(2);
    expect((await run(ZIRCOLITE_JSON, '--rules')).code).toBe(2);
    const help = await run('--help');
    expect(help.stdout).toMatch(/--export FORMAT .*siglab \| sigma-test \| zircolite \| sigmahq-regression/);
    expect(help.stdout).toMatch(/--rules DIR/);
  });
});
