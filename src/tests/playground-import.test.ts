import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../engine/event.ts';
import type { Expectation } from './model.ts';
import { playgroundExport, TEST_EXPORT_FORMATS } from './playground-export.ts';
import { importPlaygroundTests, type PickedFile } from './playground-import.ts';

const RULE = `title: Whoami Run
id: 0b7a3c52-4d1e-4f3a-9a61-2c5d8e9f0a11
logsource: {product: windows, category: process_creation}
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  filter_main_admin:
    User: admin
  condition: selection and not filter_main_admin
level: low
`;
const editor = { text: RULE, id: '0b7a3c52-4d1e-4f3a-9a61-2c5d8e9f0a11', title: 'Whoami Run' };
const EVENTS = [
  { Image: 'C:\\Windows\\System32\\whoami.exe', User: 'bob' },
  { Image: 'C:\\Windows\\System32\\whoami.exe', User: 'admin' },
  { Image: 'C:\\Windows\\notepad.exe', User: 'bob' },
];
const logEvents: LogEvent[] = EVENTS.map((data, index) => ({ index, data, origin: { format: 'json' }, hints: {} }));

describe('importPlaygroundTests', () => {
  it('loads a Zircolite JSON for the rule in the editor (by id), keeping the editor rule', () => {
    const json = JSON.stringify([
      { title: 'Other', id: 'x-1', true_positive: [{ a: 1 }] },
      { id: editor.id, true_positive: [EVENTS[0]], true_negative: [EVENTS[1], EVENTS[2]] },
    ]);
    const r = importPlaygroundTests([{ name: 'tests.json', text: json }], editor);
    expect(r.diagnostics).toEqual([]);
    expect(r.imported).toMatchObject({ format: 'zircolite', events: EVENTS, expectations: { 0: { verdict: 'match' }, 1: { verdict: 'no-alert' }, 2: { verdict: 'no-alert' } } });
    expect(r.imported!.ruleText).toBeUndefined();
    expect(r.imported!.notes.join(' ')).toMatch(/1 other entry .* other rules/);
  });

  it('says which rule a Zircolite JSON needs when the editor holds another', () => {
    const json = JSON.stringify([{ title: 'Detect PowerShell', id: 'ps-001', true_positive: [{ a: 1 }] }]);
    const r = importPlaygroundTests([{ name: 'z.json', text: json }], editor);
    expect(r.imported).toBeUndefined();
    expect(r.diagnostics[0].message).toBe("z.json has tests for 'Detect PowerShell' (id ps-001); the rule in the editor is 'Whoami Run' (id 0b7a3c52-4d1e-4f3a-9a61-2c5d8e9f0a11). Open the rule it tests first, or pick its .yml together with the JSON");
    // ...and takes the rule from a rule file picked with the JSON.
    const withRule = importPlaygroundTests([{ name: 'z.json', text: json }, { name: 'ps.yml', text: 'title: Detect PowerShell\nid: ps-001\nlogsource: {product: windows}\ndetection:\n  s: {a: 1}\n  condition: s\n' }], editor);
    expect(withRule.imported).toMatchObject({ ruleFrom: 'ps.yml', expectations: { 0: { verdict: 'match' } } });
  });

  it('loads a sigma-test rule: the rule without testcases, and its marks', () => {
    const text = `${RULE}testcases:\n  match:\n    - {Image: 'C:\\x\\whoami.exe', User: bob}\n  dont-match:\n    - {Image: 'C:\\x\\whoami.exe', User: admin}\n`;
    const r = importPlaygroundTests([{ name: 'rule.yml', text }], { text: '' });
    expect(r.imported).toMatchObject({ format: 'sigma-test', ruleText: RULE, ruleFrom: 'rule.yml', expectations: { 0: { verdict: 'match' }, 1: { verdict: 'no-alert' } } });
  });

  it('reports a broken test file with its line and a file that is not a test', () => {
    const bad = importPlaygroundTests([{ name: 'bad.test.yml', text: 'rule: r.yml\ncases:\n  - event: {a: 1}\n    expect: mach\n' }], editor);
    expect(bad.diagnostics[0].message).toMatch(/^bad\.test\.yml line 4: unknown verdict 'mach'/);
    const none = importPlaygroundTests([{ name: 'events.json', text: '[{"a":1}]' }], editor);
    expect(none.diagnostics[0]).toMatchObject({ code: 'import-no-tests', message: expect.stringMatching(/^events\.json: not a test file/) });
    const two = importPlaygroundTests([{ name: 'a.json', text: '[{"id":"x","true_positive":[]}]' }, { name: 'b.test.yml', text: 'rule: r.yml\ncases: []\n' }], editor);
    expect(two.diagnostics[0].code).toBe('import-several-tests');
  });

  it('maps counts onto marks only where they mean the same', () => {
    const test = `rule: |\n${RULE.replace(/^(?=.)/gm, '  ')}cases:\n  - events: [{a: 1}, {a: 2}]\n    match_count: 2\n  - events: [{a: 3}]\n    match_count: 0\n  - events: [{a: 4}, {a: 5}]\n    match_count: 1\n`;
    const r = importPlaygroundTests([{ name: 't.test.yml', text: test }], { text: '' });
    expect(r.imported!.expectations).toEqual({ 0: { verdict: 'match' }, 1: { verdict: 'match' }, 2: { verdict: 'no-alert' } });
    expect(r.imported!.notes).toEqual(['case 3 expects 1 of its 2 events to match without saying which: its events are loaded unmarked']);
  });
});

describe('playground export → import', () => {
  const marks: Array<Expectation | undefined> = [{ verdict: 'match' }, { verdict: 'no-alert' }, { verdict: 'no-alert' }];

  it.each(TEST_EXPORT_FORMATS)('%s reads back to the same marks', (format) => {
    const out = playgroundExport(format, { ruleText: RULE, rule: { id: editor.id, title: editor.title }, events: logEvents, expectations: marks, stem: 'whoami_run', date: '2026-12-05' });
    expect(out.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const picked: PickedFile[] = out.files.map((f) => ({ name: f.path.split('/').pop()!, text: f.text }));
    const r = importPlaygroundTests(picked, editor);
    expect(r.diagnostics).toEqual([]);
    const got = r.imported!.events.map((e, i) => [e, r.imported!.expectations[i]?.verdict]);
    // The formats group events by verdict; as a set, each event keeps its mark.
    expect(got).toEqual(expect.arrayContaining(EVENTS.map((e, i) => [e, marks[i]!.verdict])));
    expect(got).toHaveLength(EVENTS.length);
  });

  it('SigmaHQ regression data is a checkout in miniature, and needs its event files', () => {
    const out = playgroundExport('sigmahq-regression', { ruleText: RULE, rule: { id: editor.id, title: editor.title }, events: logEvents, expectations: marks, stem: 'whoami_run', date: '2026-12-05' });
    expect(out.files.map((f) => f.path)).toEqual([
      'rules/whoami_run.yml',
      'regression_data/rules/whoami_run/info.yml',
      `regression_data/rules/whoami_run/${editor.id}.json`,
      `regression_data/rules/whoami_run/${editor.id}_2.json`,
    ]);
    expect(out.files[1].text).toMatch(/match_count: 1\n\s+path: regression_data\/rules\/whoami_run\/0b7a3c52-4d1e-4f3a-9a61-2c5d8e9f0a11\.json/);
    const info = { name: 'info.yml', text: out.files[1].text };
    const r = importPlaygroundTests([info], editor);
    expect(r.diagnostics[0]).toMatchObject({ code: 'import-events-missing', message: expect.stringContaining(`${editor.id}.json (for case 'Positive Detection Test')`) });
    const other = importPlaygroundTests([info, ...out.files.slice(2).map((f) => ({ name: f.path.split('/').pop()!, text: f.text }))], { text: 'title: x\n' });
    expect(other.diagnostics[0].message).toMatch(/tests the rule 'Whoami Run' \(id 0b7a3c52/);
  });

  it('refuses SigmaHQ and Zircolite exports it cannot name the rule for', () => {
    const noId = playgroundExport('sigmahq-regression', { ruleText: 'title: x\n', rule: { title: 'x' }, events: logEvents, expectations: marks, stem: 'x' });
    expect(noId.diagnostics[0].code).toBe('regression-rule-id');
    const noName = playgroundExport('zircolite', { ruleText: '', events: logEvents, expectations: marks, stem: 'x' });
    expect(noName.diagnostics[0].code).toBe('zircolite-no-rule-name');
  });
});
