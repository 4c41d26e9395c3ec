import { describe, expect, it } from 'vitest';
import { readEvents } from '../engine/read-events.ts';
import { expectationToken, parseExpectationToken } from './expectations.ts';
import { playgroundTestFileText } from './playground.ts';
import { readTestFile } from './read-test-file.ts';
import { runTestFile } from './run.ts';

const RULE = "title: T\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {Image|endswith: '\\\\cmd.exe'}\n  filter: {User: admin}\n  condition: sel and not filter\n";

describe('playground expectations', () => {
  it('become a test file that siglab test runs with the same verdicts', async () => {
    const events = readEvents(
      JSON.stringify([
        { Event: { System: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } } }, EventData: { Image: 'C:\\Windows\\cmd.exe', User: 'bob' } } },
        { Image: 'C:\\Windows\\cmd.exe', User: 'admin' },
        { Image: 'C:\\Windows\\notepad.exe' },
      ]),
    ).events;
    const text = playgroundTestFileText(RULE, events, [{ verdict: 'match' }, { verdict: 'filtered', by: 'filter' }, undefined], { name: 'from the playground' });
    const read = readTestFile(text);
    expect(read.diagnostics).toEqual([]);
    expect(read.file!.cases.map((c) => c.name)).toEqual(['event 1', 'event 2']);
    const result = await runTestFile(read.file!, { readText: async () => ({ error: 'none' }), readEvents: async () => ({ events: [], diagnostics: [] }) });
    expect(result.outcomes.map((o) => [o.name, o.passed])).toEqual([
      ["case 'event 1'", true],
      ["case 'event 2'", true],
    ]);
  });

  it('encode as short tokens for permalinks', () => {
    for (const e of [{ verdict: 'match' }, { verdict: 'nomatch' }, { verdict: 'no-alert' }, { verdict: 'filtered' }, { verdict: 'filtered', by: 'filter_main_x' }] as const) {
      expect(parseExpectationToken(expectationToken(e))).toEqual(e);
    }
    expect(parseExpectationToken('filtered:')).toBeUndefined();
    expect(parseExpectationToken('maybe')).toBeUndefined();
  });
});
