import { describe, expect, it } from 'vitest';
import { readEvents } from '../engine/read-events.ts';
import { loadRules } from '../sigma/load.ts';
import { evaluateExpectations, checkExpectation } from './expectations.ts';
import { readTestFile } from './read-test-file.ts';
import { renderExplanation } from './render-explanation.ts';
import { runTestFile, type TestHost } from './run.ts';

const RULE = `title: Whoami
id: 5d2a6c8e-4f1b-4c3a-9e7d-2b8f1a6c4d90
logsource: {product: windows, category: process_creation}
detection:
    selection:
        Image|endswith: '\\whoami.exe'
        CommandLine|contains: ['/all', '/priv']
    filter_main_agent:
        ParentImage|startswith: 'C:\\Agent\\'
    condition: selection and not 1 of filter_main_*
level: medium
tags: [attack.discovery, attack.t1033]
`;

function host(files: Record<string, string>): TestHost {
  return {
    async readText(p) {
      return Object.hasOwn(files, p) ? { text: files[p] } : { error: 'no such file' };
    },
    async readEvents(p) {
      if (!Object.hasOwn(files, p)) return { events: [], diagnostics: [{ code: 'events-unreadable', severity: 'error', message: `cannot read ${p}` }] };
      return readEvents(files[p]);
    },
  };
}

const hit = { Image: 'C:\\Windows\\whoami.exe', CommandLine: 'whoami /all', ParentImage: 'C:\\Windows\\cmd.exe' };
const agent = { ...hit, ParentImage: 'C:\\Agent\\a.exe' };
const miss = { ...hit, CommandLine: 'whoami' };

async function run(testYaml: string, files: Record<string, string> = { 'r.yml': RULE }) {
  const read = readTestFile(testYaml);
  expect(read.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return runTestFile(read.file!, host(files));
}

describe('runTestFile', () => {
  it('passes every kind of expectation that holds', async () => {
    const events = [hit, agent, miss].map((e) => JSON.stringify(e)).join('\n');
    const r = await run(
      `rule: r.yml
cases:
  - {name: hit, event: ${JSON.stringify(hit)}, expect: match}
  - {name: agent, event: ${JSON.stringify(agent)}, expect: {filtered: filter_main_agent}}
  - {name: agent any filter, event: ${JSON.stringify(agent)}, expect: filtered}
  - {name: miss, event: ${JSON.stringify(miss)}, expect: nomatch}
  - {name: quiet, events: [${JSON.stringify(agent)}, ${JSON.stringify(miss)}], expect: no-alert}
  - {name: file, events: e.ndjson, expect: [match, filtered, nomatch], match_count: 1, min_matches: 1}
`,
      { 'r.yml': RULE, 'e.ndjson': events },
    );
    expect(r.outcomes.filter((o) => !o.passed)).toEqual([]);
    expect(r.passed).toBe(11);
    expect(r.rule).toEqual({ title: 'Whoami', id: '5d2a6c8e-4f1b-4c3a-9e7d-2b8f1a6c4d90', level: 'medium' });
    expect(r.outcomes.map((o) => o.name)).toContain('case \'file\' e.ndjson#2');
  });

  it('fails expectations that do not hold, with the explanation', async () => {
    const r = await run(`rule: r.yml
cases:
  - {name: a, event: ${JSON.stringify(miss)}, expect: match}
  - {name: b, event: ${JSON.stringify(hit)}, expect: no-alert}
  - {name: c, event: ${JSON.stringify(agent)}, expect: {filtered: filter_other}}
  - {name: d, event: ${JSON.stringify(agent)}, expect: nomatch}
  - {name: e, events: [${JSON.stringify(miss)}], match_count: 1}
  - {name: f, events: [${JSON.stringify(miss)}], min_matches: 1}
`);
    expect(r.failed).toBe(6);
    const [a, b, c, d, e] = r.outcomes;
    expect(a.message).toMatch(/^expected match, got nomatch \(no match: selection/);
    expect(a.event).toEqual(miss);
    expect(b.message).toMatch(/^expected no alert \(nomatch or filtered\), got match/);
    expect(c.message).toMatch(/^expected filtered by filter_other, got filtered by filter_main_agent/);
    expect(d.message).toMatch(/^expected nomatch, got filtered by filter_main_agent/);
    expect(e).toMatchObject({ kind: 'count', passed: false, message: '0 of 1 events match' });
    expect(e.result?.verdict).toBe('nomatch');
    const lines = renderExplanation(a.result!.explanation);
    expect(lines[0]).toMatch(/^✗ Whoami — no match: selection/);
    expect(lines).toContain("        ✗ CommandLine|contains (CommandLine: whoami)");
    expect(lines.some((l) => /✓ endswith '\\whoami\.exe' — /.test(l))).toBe(true);
  });

  it('turns tests that cannot run into failures, never passes', async () => {
    const missingRule = await run('rule: nope.yml\ncases:\n  - {event: {a: 1}, expect: match}\n', {});
    expect(missingRule).toMatchObject({ passed: 0, failed: 1 });
    expect(missingRule.outcomes[0].message).toMatch(/cannot read the rule nope\.yml/);
    const broken = await run('rule: r.yml\ncases:\n  - {event: {a: 1}, expect: match}\n', { 'r.yml': 'title: x\nlogsource: {product: windows}\ndetection:\n  sel: {a: 1}\n  condition: sel and nothere\n' });
    expect(broken.failed).toBe(1);
    expect(broken.outcomes[0].message).toMatch(/the rule has 1 error/);
    const noEvents = await run('rule: r.yml\ncases:\n  - {events: missing.json, expect: match}\n  - {events: empty.json, expect: match}\n', { 'r.yml': RULE, 'empty.json': '[]' });
    expect(noEvents.outcomes.map((o) => [o.passed, o.message])).toEqual([
      [false, 'cannot read missing.json: cannot read missing.json'],
      [false, 'no events in empty.json'],
    ]);
    const count = await run('rule: r.yml\ncases:\n  - {events: e.json, expect: [match]}\n', { 'r.yml': RULE, 'e.json': JSON.stringify([hit, hit]) });
    expect(count.outcomes[0].message).toMatch(/1 expectations for 2 events/);
    const index = await run('rule: r.yml\nrule_index: 3\ncases:\n  - {event: {a: 1}, expect: match}\n');
    expect(index.outcomes[0].message).toMatch(/rule_index 3 does not exist/);
  });

  it('maps inline rule diagnostics into the test file', async () => {
    const r = await run('rule: |\n  title: T\n  logsource: {product: windows}\n  detection:\n    sel:\n      Image|endwith: x\n    condition: sel\ncases:\n  - {event: {Image: x}, expect: match}\n');
    const d = r.diagnostics.find((x) => x.code === 'unknown-modifier');
    expect(d?.range).toMatchObject({ startLine: 6 });
    expect(r.failed).toBe(1);
  });

  it('applies placeholders and checks target compilation', async () => {
    const rule = `title: P
logsource: {product: windows, category: process_creation}
detection:
    sel:
        CommandLine|expand: '%hosts%'
    condition: sel
`;
    const r = await run(`rule: r.yml
placeholders: {hosts: [A, B]}
targets: [defender-xdr, sentinel-asim]
cases:
  - {event: {CommandLine: B}, expect: match}
  - {event: {CommandLine: C}, expect: nomatch}
`, { 'r.yml': rule });
    expect(r.outcomes.map((o) => [o.name, o.passed])).toEqual([
      ['case 1', true],
      ['case 2', true],
      ['compiles for defender-xdr', true],
      ['compiles for sentinel-asim', true],
    ]);
    const unsupported = await run('rule: r.yml\ntargets: [defender-xdr]\ncases:\n  - {event: {a: 1}, expect: nomatch}\n', {
      'r.yml': 'title: L\nlogsource: {product: linux, service: auditd}\ndetection:\n  sel: {type: EXECVE}\n  condition: sel\n',
    });
    expect(unsupported.outcomes[1]).toMatchObject({ kind: 'compile', passed: false });
    expect(unsupported.outcomes[1].message).toMatch(/unsupported-logsource/);
  });
});

describe('evaluateExpectations', () => {
  it('checks the events that carry an expectation and summarises', () => {
    const rule = loadRules(RULE).rules[0];
    const events = readEvents(JSON.stringify([hit, agent, miss, hit])).events;
    const r = evaluateExpectations(rule, events, [{ verdict: 'match' }, { verdict: 'filtered', by: 'filter_main_agent' }, undefined, { verdict: 'nomatch' }]);
    expect(r.summary).toBe('2/3 pass');
    expect(r.outcomes.map((o) => [o.index, o.passed])).toEqual([
      [0, true],
      [1, true],
      [3, false],
    ]);
    expect(r.outcomes[2].result.explanation.kind).toBe('rule');
    expect(evaluateExpectations(rule, events, []).summary).toBe('');
  });

  it('checkExpectation reads verdicts exactly', () => {
    const base = { index: 0, reasons: [], explanation: { kind: 'rule' as const, label: 'r', result: false, children: [] } };
    expect(checkExpectation({ ...base, verdict: 'filtered', filteredBy: ['f1'] }, { verdict: 'no-alert' }).passed).toBe(true);
    expect(checkExpectation({ ...base, verdict: 'nomatch' }, { verdict: 'no-alert' }).passed).toBe(true);
    expect(checkExpectation({ ...base, verdict: 'match' }, { verdict: 'no-alert' }).passed).toBe(false);
    expect(checkExpectation({ ...base, verdict: 'filtered', filteredBy: ['f1'] }, { verdict: 'filtered', by: 'f1' }).passed).toBe(true);
    expect(checkExpectation({ ...base, verdict: 'filtered', filteredBy: ['f1'] }, { verdict: 'filtered', by: 'F1' }).passed).toBe(false);
    expect(checkExpectation({ ...base, verdict: 'filtered' }, { verdict: 'nomatch' }).passed).toBe(false);
  });
});
