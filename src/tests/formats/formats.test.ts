import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { TestFile } from '../model.ts';
import { readTestFile } from '../read-test-file.ts';
import { exportSigmaRegression, importSigmaRegression, isSigmaRegressionInfo } from './sigmahq-regression.ts';
import { exportSigmaTestcases, hasSigmaTestcases, importSigmaTestcases } from './sigma-test.ts';
import { formatTestFile } from './siglab-yaml.ts';
import { exportZircoliteTests, importZircoliteTests, isZircoliteTests } from './zircolite.ts';

/** The model without source ranges (they differ between texts by design). */
function plain(f: TestFile | undefined): unknown {
  return JSON.parse(JSON.stringify(f, (k, v) => (k === 'range' || k === 'expectRange' ? undefined : v)));
}

const INFO = `id: 7a2b1c3d-1111-4222-8333-944455566677
description: N/A
date: 2024-06-24
modified: 2025-01-10
author: Nasreddine Bencherchali
rule_metadata:
    - id: 4f4c5d3a-7c0b-4c5a-9b2e-0e1f2a3b4c5d
      title: Potential Suspicious Process Creation
regression_tests_info:
    - name: Positive Detection Test
      type: evtx
      provider: Microsoft-Windows-Sysmon
      match_count: 1
      path: regression_data/rules/windows/process_creation/proc_creation_win_x/4f4c5d3a-7c0b-4c5a-9b2e-0e1f2a3b4c5d.evtx
    - name: Second Test
      type: evtx
      provider: Microsoft-Windows-Security-Auditing
      match_count: 2
      path: regression_data/rules/windows/process_creation/proc_creation_win_x/second.evtx
`;

describe('SigmaHQ regression data', () => {
  const rule = { kind: 'file' as const, path: '../../rules/windows/process_creation/proc_creation_win_x.yml' };
  const toTestPath = (p: string) => `../../${p}`;
  const fromTestPath = (p: string) => p.replace(/^\.\.\/\.\.\//, '');

  it('imports info.yml as match_count cases on event files', () => {
    expect(isSigmaRegressionInfo(INFO)).toBe(true);
    const r = importSigmaRegression(INFO, rule, { toTestPath });
    expect(r.diagnostics).toEqual([]);
    expect(r.ruleIds).toEqual(['4f4c5d3a-7c0b-4c5a-9b2e-0e1f2a3b4c5d']);
    expect(r.file!.name).toBe('Potential Suspicious Process Creation');
    expect(r.file!.cases).toEqual([
      { name: 'Positive Detection Test', events: { kind: 'file', path: '../../regression_data/rules/windows/process_creation/proc_creation_win_x/4f4c5d3a-7c0b-4c5a-9b2e-0e1f2a3b4c5d.evtx' }, matchCount: 1 },
      { name: 'Second Test', events: { kind: 'file', path: '../../regression_data/rules/windows/process_creation/proc_creation_win_x/second.evtx' }, matchCount: 2 },
    ]);
  });

  it('round-trips: import → export → import is unchanged, and the export is the same info.yml', () => {
    const first = importSigmaRegression(INFO, rule, { toTestPath });
    const exported = exportSigmaRegression(first.file!, {}, { fromTestPath });
    expect(exported.diagnostics).toEqual([]);
    expect(parse(exported.text)).toEqual(parse(INFO));
    const second = importSigmaRegression(exported.text, rule, { toTestPath });
    expect(plain(second.file)).toEqual(plain(first.file));
  });

  it('reports malformed info files', () => {
    expect(importSigmaRegression('rule_metadata: []\nregression_tests_info: 3\n', rule).diagnostics[0]).toMatchObject({ code: 'regression-no-tests', range: { startLine: 2 } });
    expect(importSigmaRegression('regression_tests_info:\n  - name: x\n', rule).diagnostics[0].code).toBe('regression-invalid-test');
    expect(importSigmaRegression('[', rule).diagnostics[0].code).toBe('regression-yaml-syntax');
  });

  it('exports siglab tests with file events and counts', () => {
    const file = readTestFile('rule: r.yml\ncases:\n  - {name: a, events: e.evtx, expect: [match, nomatch, match]}\n  - {name: b, event: {x: 1}, expect: match}\n').file!;
    const out = exportSigmaRegression(file, { id: 'i', title: 'T', author: 'me', date: '2026-12-04' });
    expect(parse(out.text)).toEqual({
      id: 'i',
      description: 'N/A',
      date: '2026-12-04',
      author: 'me',
      rule_metadata: [{ id: 'i', title: 'T' }],
      regression_tests_info: [{ name: 'a', type: 'evtx', provider: '', match_count: 2, path: 'e.evtx' }],
    });
    expect(out.diagnostics.map((d) => d.code)).toEqual(['regression-inline-events']);
  });
});

const ZIRCOLITE = [
  {
    title: 'Detect PowerShell',
    id: 'ps-001',
    true_positive: [{ CommandLine: 'powershell.exe -c Get-Process', EventID: '4688' }],
    true_negative: [{ CommandLine: 'notepad.exe document.txt', EventID: '4688' }, { CommandLine: 'cmd', EventID: 1 }],
  },
  { id: 'cmd-001', true_positive: [{ CommandLine: 'cmd.exe /c whoami', EventID: '4688' }], true_negative: [] },
];

describe('Zircolite --test-rules JSON', () => {
  const findRule = (e: { id?: string; title?: string }) => (e.id === 'missing' ? undefined : { kind: 'file' as const, path: `rules/${e.id ?? e.title}.yml` });

  it('imports each entry as a test file with Zircolite semantics', () => {
    const text = JSON.stringify(ZIRCOLITE);
    expect(isZircoliteTests(text)).toBe(true);
    const r = importZircoliteTests(text, findRule);
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toHaveLength(2);
    expect(r.files[0].cases).toEqual([
      { name: 'true_positive', events: { kind: 'inline', events: ZIRCOLITE[0].true_positive }, minMatches: 1 },
      { name: 'true_negative', events: { kind: 'inline', events: ZIRCOLITE[0].true_negative }, expect: { verdict: 'no-alert' } },
    ]);
    expect(r.files[1].rule).toEqual({ kind: 'file', path: 'rules/cmd-001.yml' });
  });

  it('round-trips: import → export → import is unchanged, and the export is the input', () => {
    const first = importZircoliteTests(JSON.stringify(ZIRCOLITE), findRule);
    const exported = exportZircoliteTests(first.files);
    expect(JSON.parse(exported.text)).toEqual(ZIRCOLITE);
    const second = importZircoliteTests(exported.text, findRule);
    expect(plain(second.files as unknown as TestFile)).toEqual(plain(first.files as unknown as TestFile));
  });

  it('round-trips random event data', () => {
    const event = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.uuid(), true_positive: fc.array(event, { maxLength: 3 }), true_negative: fc.array(event, { maxLength: 3 }) }), { maxLength: 3 }), (entries) => {
        const first = importZircoliteTests(JSON.stringify(entries), findRule);
        const again = importZircoliteTests(exportZircoliteTests(first.files).text, findRule);
        expect(plain(again.files as unknown as TestFile)).toEqual(plain(first.files as unknown as TestFile));
        expect(JSON.parse(exportZircoliteTests(first.files).text)).toEqual(entries);
      }),
      { numRuns: 100 },
    );
  });

  it('reports what it cannot import', () => {
    expect(importZircoliteTests('{', findRule).diagnostics[0].code).toBe('zircolite-json');
    expect(importZircoliteTests('{}', findRule).diagnostics[0].code).toBe('zircolite-not-a-list');
    const r = importZircoliteTests(JSON.stringify([{ id: 'missing', true_positive: [] }, { true_positive: [] }, { id: 'x', true_negative: 'no' }]), findRule);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['zircolite-rule-not-found', 'zircolite-invalid-entry', 'zircolite-invalid-entry']);
  });
});

const SIGMA_TEST_RULE = `title: Example of using sigma-test
description: Demos a passing sigma-test rule
logsource:
  product: linux
  service: sshd
detection:
  ssh:
    dst_port: 22
  permitted_user:
    user:
      - alice
      - bob
  condition: ssh and not permitted_user
testcases:
  match:
    - dst_port: 22
      user: charlie
  dont-match:
    - dst_port: 443
      user: charlie
    - dst_port: 22
      user: alice
level: low
`;

describe('sigma-test testcases', () => {
  it('imports testcases into cases and keeps the rule without them', () => {
    expect(hasSigmaTestcases(SIGMA_TEST_RULE)).toBe(true);
    const r = importSigmaTestcases(SIGMA_TEST_RULE);
    expect(r.diagnostics).toEqual([]);
    const f = r.file!;
    expect(f.name).toBe('Example of using sigma-test');
    expect(f.rule.kind === 'inline' && f.rule.text).toBe(SIGMA_TEST_RULE.replace(/testcases:[\s\S]*?(?=level:)/, ''));
    expect(plain(f) as object).toMatchObject({
      cases: [
        { name: 'match', events: { events: [{ dst_port: 22, user: 'charlie' }] }, expect: { verdict: 'match' } },
        { name: 'dont-match', events: { events: [{ dst_port: 443, user: 'charlie' }, { dst_port: 22, user: 'alice' }] }, expect: { verdict: 'no-alert' } },
      ],
    });
  });

  it('round-trips: import → export → import is unchanged', () => {
    const first = importSigmaTestcases(SIGMA_TEST_RULE);
    const exported = exportSigmaTestcases(SIGMA_TEST_RULE, first.file!);
    expect(exported.diagnostics).toEqual([]);
    expect(parse(exported.text)).toEqual(parse(SIGMA_TEST_RULE));
    const second = importSigmaTestcases(exported.text);
    expect(plain(second.file)).toEqual(plain(first.file));
  });
});

describe('siglab test file writer', () => {
  it('writes what the reader reads back', () => {
    const text = `name: demo
rule: |
  title: T
  detection:
    sel: {a: 1}
    condition: sel
placeholders:
  hosts: [A, B]
targets: [sentinel-asim]
cases:
  - name: one
    event: {a: "8080", b: "true", c: "null", d: 'C:\\x\\*', e: 5, f: true, g: null, h: "ümlaut \\"q\\""}
    expect: {filtered: filter_x}
  - events: e.json
    match_count: 1
  - events: [{a: 1}, {a: 2}]
    expect: [match, no-alert]
`;
    const first = readTestFile(text).file!;
    const written = formatTestFile(first);
    const second = readTestFile(written);
    expect(second.diagnostics).toEqual([]);
    const strip = (f: TestFile) => plain({ ...f, rule: f.rule.kind === 'inline' ? { kind: 'inline', text: f.rule.text } : f.rule } as TestFile);
    expect(strip(second.file!)).toEqual(strip(first));
  });

  it('keeps any event value through write and read', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), value, { minKeys: 1, maxKeys: 4 }), { minLength: 1, maxLength: 3 }), (events) => {
        const file: TestFile = { rule: { kind: 'file', path: 'r.yml' }, cases: [{ events: { kind: 'inline', events }, expect: { verdict: 'match' } }] };
        const back = readTestFile(formatTestFile(file));
        expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const got = back.file!.cases[0].events;
        expect(got.kind === 'inline' && JSON.parse(JSON.stringify(got.events))).toEqual(JSON.parse(JSON.stringify(events)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('sigma-test export of count cases', () => {
  const rule = 'title: T\nlogsource: {product: x}\ndetection:\n  s: {a: 1}\n  condition: s\n';
  const events = (...xs: number[]) => ({ kind: 'inline' as const, events: xs.map((a) => ({ a })) });

  it('writes counts that say the same of every event, and leaves out those that do not', () => {
    const file: TestFile = {
      rule: { kind: 'inline', text: rule, lineOffset: 0, columnOffset: 0 },
      cases: [
        { name: 'all', events: events(1, 1), matchCount: 2 },
        { name: 'none', events: events(2), matchCount: 0 },
        { name: 'some', events: events(1, 2), matchCount: 1 },
        { name: 'tp', events: events(1, 3), minMatches: 1 },
      ],
    };
    const out = exportSigmaTestcases(rule, file);
    expect(parse(out.text).testcases).toEqual({ match: [{ a: 1 }, { a: 1 }, { a: 1 }, { a: 3 }], 'dont-match': [{ a: 2 }] });
    expect(out.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['sigma-test-count', 'warning'],
      ['sigma-test-min-matches', 'info'],
    ]);
    expect(out.diagnostics[0].message).toBe('case some: expects 1 matching events out of 2 without saying which, and sigma-test marks each event; left out');
  });
});
