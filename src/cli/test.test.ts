import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';

const ROOT = path.resolve(__dirname, '../..');
const TESTS = path.join(ROOT, 'tests');
const SIGMA = path.resolve(ROOT, '../shared/sigma');
const tmp = mkdtempSync(path.join(tmpdir(), 'siglab-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['test', ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('siglab test', () => {
  it('passes the repository test folder: exit 0 and the summary line', async () => {
    const r = await run(TESTS);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const summary = lines.filter((l) => /^\d+ passed, \d+ failed$/.test(l));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(/^(\d+) passed, 0 failed$/);
    expect(Number(/^(\d+)/.exec(summary[0])![1])).toBeGreaterThanOrEqual(15);
    expect(r.stdout).toMatch(/^PASS .*whoami-discovery\.test\.yml/m);
    expect(r.stdout).toMatch(/^PASS .*ssh-root-login\.sigma-test\.yml/m);
    expect(r.stdout).not.toMatch(/negative/);
  });

  it('fails the negative folder: exit 1 with the failing event and its explanation', async () => {
    const r = await run(path.join(TESTS, 'negative'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL .*whoami-regression\.test\.yml/m);
    expect(r.stdout).toMatch(/✗ case 'whoami \/user should alert' \(line \d+\): expected match, got nomatch/);
    expect(r.stdout).toMatch(/^ +event: \{"Image":"C:\\\\Windows\\\\System32\\\\whoami\.exe","CommandLine":"whoami \/user"/m);
    expect(r.stdout).toMatch(/^ +✗ CommandLine\|contains \(CommandLine: whoami \/user\)$/m);
    expect(r.stdout).toMatch(/^ +✗ contains '\/all' — does not contain it$/m);
    expect(r.stdout).toMatch(/^ +✓ endswith '\\whoami\.exe' — ends with it$/m);
    expect(r.stdout.split('\n')).toContain('1 passed, 1 failed');
  });

  it('DIR/... includes subfolders', async () => {
    const r = await run(path.join(TESTS, '...'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^PASS .*encoded-powershell/m);
    expect(r.stdout).toMatch(/^FAIL .*negative/m);
  });

  it('writes JUnit XML a parser accepts, and prints JSON', async () => {
    const junit = path.join(tmp, 'out', 'junit.xml');
    mkdirSync(path.dirname(junit), { recursive: true });
    const r = await run(path.join(TESTS, '...'), '--junit', junit, '--json');
    expect(r.code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<Record<string, unknown> & { testcase: Array<Record<string, unknown>> }>;
    expect(suites.map((s) => path.basename(String(s['@name'])))).toEqual(['encoded-powershell.test.yml', 'whoami-regression.test.yml', 'ssh-root-login.sigma-test.yml', 'whoami-discovery.test.yml']);
    const failing = suites[1].testcase.find((c) => c.failure);
    expect(String((failing!.failure as Record<string, unknown>)['#text'])).toMatch(/✗ CommandLine\|contains/);
    const json = JSON.parse(r.stdout);
    expect(json.summary.failed).toBe(1);
    expect(json.summary.passed).toBe(Number(doc.testsuites['@tests']) - 1);
    const failed = json.files.flatMap((f: { outcomes: Array<{ passed: boolean }> }) => f.outcomes.filter((o) => !o.passed));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ verdict: 'nomatch', expected: 'match', data: { CommandLine: 'whoami /user' } });
    expect(failed[0].explanation.kind).toBe('rule');
    expect(json.files.map((f: { format: string }) => f.format)).toEqual(['siglab', 'siglab', 'sigma-test', 'siglab']);
  });

  it('reports malformed test files with positions and fails', async () => {
    const dir = path.join(tmp, 'malformed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'bad.test.yml'), 'rule: r.yml\ncases:\n  - event: {a: 1}\n    expect: mach\n');
    const r = await run(path.join(dir, 'bad.test.yml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.test\.yml:4:13: error test-invalid-expect unknown verdict 'mach'; did you mean 'match'\?/);
    expect(r.stdout).toMatch(/^ERROR .*bad\.test\.yml/m);
    expect(r.stdout.split('\n')).toContain('0 passed, 1 failed');
  });

  it('reports a broken *.test.yml found in a folder instead of skipping it', async () => {
    const dir = path.join(tmp, 'broken-in-folder');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'typo.test.yml'), 'rule: r.yml\ncase:\n  - event: {a: 1}\n');
    writeFileSync(path.join(dir, 'some-rule.yml'), 'title: not a test\n');
    const r = await run(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/typo\.test\.yml:2:1: warning test-unknown-key test file: unknown key 'case'; did you mean 'cases'\?/);
    expect(r.stderr).toMatch(/typo\.test\.yml:1:1: error test-missing-cases/);
    expect(r.stdout).not.toMatch(/some-rule/);
  });

  it('exits 2 on usage errors', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('--bogus', TESTS)).code).toBe(2);
    expect((await run(path.join(tmp, 'does-not-exist'))).code).toBe(2);
    expect((await run(TESTS, '--junit')).code).toBe(2);
    expect((await run('--help')).code).toBe(0);
  });

  it('exits 1 when a folder holds no tests', async () => {
    const dir = path.join(tmp, 'empty');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'rule.yml'), 'title: x\n');
    const r = await run(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no test files found/);
  });

  it('runs sigma-test rules found in a folder', async () => {
    const dir = path.join(tmp, 'sigma-test');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'ssh.yml'),
      'title: SSH not permitted\nlogsource: {product: linux, service: sshd}\ndetection:\n  ssh: {dst_port: 22}\n  permitted_user: {user: [alice, bob]}\n  condition: ssh and not permitted_user\ntestcases:\n  match:\n    - {dst_port: 22, user: charlie}\n  dont-match:\n    - {dst_port: 443, user: charlie}\n    - {dst_port: 22, user: alice}\n',
    );
    const r = await run(dir);
    expect(r.stdout.split('\n')).toContain('3 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it.skipIf(!existsSync(SIGMA))('runs a SigmaHQ regression info.yml against the rule it names', async () => {
    // A miniature SigmaHQ checkout: a real SigmaHQ rule, read from ../shared at test time.
    const ruleRel = 'rules/windows/process_creation/proc_creation_win_whoami_all_execution.yml';
    const ruleText = readFileSync(path.join(SIGMA, ruleRel), 'utf8');
    const ruleId = /^id:\s*(\S+)/m.exec(ruleText)![1];
    const root = path.join(tmp, 'sigmahq');
    mkdirSync(path.join(root, path.dirname(ruleRel)), { recursive: true });
    writeFileSync(path.join(root, ruleRel), ruleText);
    const dataDir = path.join(root, 'regression_data', ruleRel.replace(/\.yml$/, ''));
    mkdirSync(dataDir, { recursive: true });
    const event = { Event: { System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' }, EventData: { Image: 'C:\\Windows\\System32\\whoami.exe', OriginalFileName: 'whoami.exe', CommandLine: 'whoami /all' } } };
    writeFileSync(path.join(dataDir, `${ruleId}.json`), JSON.stringify(event) + '\n');
    const info = `id: 11111111-2222-4333-8444-555555555555\ndescription: N/A\ndate: 2024-01-01\nauthor: test\nrule_metadata:\n    - id: ${ruleId}\n      title: x\nregression_tests_info:\n    - name: Positive Detection Test\n      type: evtx\n      provider: Microsoft-Windows-Sysmon\n      match_count: 1\n      path: regression_data/${ruleRel.replace(/\.yml$/, '')}/${ruleId}.json\n`;
    writeFileSync(path.join(dataDir, 'info.yml'), info);
    const ok = await run(path.join(root, 'regression_data', '...'));
    expect(ok.stdout).toMatch(/^PASS .*info\.yml/m);
    expect(ok.stdout.split('\n')).toContain('1 passed, 0 failed');
    expect(ok.code).toBe(0);
    // The info.yml names the .evtx; without it, its evtx-JSON twin is read.
    writeFileSync(path.join(dataDir, 'info.yml'), info.replace(`${ruleId}.json`, `${ruleId}.evtx`));
    const twin = await run(path.join(dataDir, 'info.yml'));
    expect(twin.stdout.split('\n')).toContain('1 passed, 0 failed');
    writeFileSync(path.join(dataDir, 'info.yml'), info.replace('match_count: 1', 'match_count: 2'));
    const bad = await run(path.join(dataDir, 'info.yml'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✗ case 'Positive Detection Test' \(2 matching events\): 1 of 1 events match/);
  });
});
