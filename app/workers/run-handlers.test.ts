import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRule, loadRules, readEvents } from '../../src/index.ts';
import { compileCorrelation } from '../../src/kql/correlation.ts';
import { handleRunMessage } from './run-handlers.ts';
import type { RunFromWorker, RunToWorker } from './run-protocol.ts';

const PORTS = readFileSync(new URL('../../public/examples/uncommon-destination-ports.yml', import.meta.url), 'utf8');

const CSV = [
  'Timestamp [UTC],ActionType,RemoteIP,RemotePort,LocalIP,LocalPort,InitiatingProcessFolderPath',
  '2024-05-02T09:14:03Z,ConnectionSuccess,185.220.101.4,8080,10.1.4.23,51234,C:\\Users\\a\\updater.exe',
  '2024-05-02T09:15:41Z,ConnectionSuccess,10.20.0.15,8080,10.1.4.23,51302,C:\\Users\\a\\sync.exe',
  '2024-05-02T09:16:02Z,InboundConnectionAccepted,203.0.113.9,51877,10.1.4.30,8888,C:\\Tools\\node.exe',
  '2024-05-02T09:17:12Z,ConnectionSuccess,2a03:2880:f12f:83:face:b00c:0:25de,8888,fe80::1,50022,C:\\Users\\b\\tool.exe',
].join('\n');

async function ask(m: RunToWorker, text: string): Promise<RunFromWorker> {
  const events = readEvents(text).events;
  let answer: RunFromWorker | undefined;
  await handleRunMessage(m, events, (r) => (answer = r));
  if (!answer) throw new Error('no answer');
  return answer;
}

describe('run handlers (events worker)', () => {
  const query = compileRule(loadRules(PORTS).rules[0], 'defender-xdr', { validate: false }).query;

  it('recognises a Defender export by its column names, [UTC] suffix included', async () => {
    const a = await ask({ type: 'kql-detect', reqId: 1, targetId: 'defender-xdr' }, CSV);
    expect(a.type === 'kql-detected' && a.info.table).toBe('DeviceNetworkEvents');
    expect(a.type === 'kql-detected' && a.info.columns).toContain('Timestamp');
    const asim = await ask({ type: 'kql-detect', reqId: 2, targetId: 'sentinel-asim' }, CSV);
    expect(asim.type === 'kql-detected' && asim.info.table).toBeUndefined();
  });

  it('runs the query over the rows: kept, dropped, and the columns it reads', async () => {
    const a = await ask({ type: 'kql-run', reqId: 3, query, targetId: 'defender-xdr', table: 'DeviceNetworkEvents' }, CSV);
    if (a.type !== 'kql-ran' || !a.summary) throw new Error(JSON.stringify(a));
    expect([...a.summary.kept]).toEqual([1, 0, 0, 1]);
    expect(a.summary.counts).toEqual({ kept: 2, dropped: 2, undetermined: 0 });
    expect(a.summary.columns).toEqual(expect.arrayContaining(['ActionType', 'RemoteIP', 'RemotePort']));
    expect(a.summary.columns).not.toContain('Timestamp');
    expect(a.summary.summaries[2]).toMatch(/dropped by the where/);
  });

  it('explains one row down to the predicate and the value it saw', async () => {
    const a = await ask({ type: 'kql-explain', reqId: 4, query, targetId: 'defender-xdr', table: 'DeviceNetworkEvents', index: 2 }, CSV);
    if (a.type !== 'kql-explained' || !a.explanation) throw new Error(JSON.stringify(a));
    expect(a.kept).toBe(0);
    const p = a.explanation.predicates.find((x) => x.text.startsWith('ActionType in'));
    expect(p?.result).toBe('false');
    expect(p?.values[0].value).toBe('"InboundConnectionAccepted"');
    expect(query.slice(p!.span.start, p!.span.end)).toBe(p!.text);
  });

  it('compares Sigma and KQL verdicts, flagging a disagreement', async () => {
    const rule = PORTS.replace('    condition: selection', "    filter_optional_empty:\n        Image: ''\n    condition: selection");
    const events = JSON.stringify([
      { Initiated: 'true', Image: 'C:\\Temp\\a.exe', DestinationIp: '185.220.101.4', DestinationPort: 8080 },
      { Initiated: 'true', DestinationIp: '185.220.101.9', DestinationPort: 8080 },
    ]);
    const a = await ask({ type: 'kql-compare', reqId: 5, ruleText: rule, targetId: 'defender-xdr', settings: {} }, events);
    if (a.type !== 'kql-compared' || !a.summary) throw new Error(JSON.stringify(a));
    expect(a.summary.pairs.map((p) => [p.sigma, p.kql, p.agree])).toEqual([
      [true, 1, true],
      [true, 0, false],
    ]);
    expect(a.summary.counts).toEqual({ agree: 1, disagree: 1, undetermined: 0 });
    const d = await ask({ type: 'kql-compare-explain', reqId: 6, ruleText: rule, targetId: 'defender-xdr', index: 1, settings: {} }, events);
    if (d.type !== 'kql-compare-explained' || !d.detail) throw new Error(JSON.stringify(d));
    expect(d.detail.sigma.verdict).toBe('match');
    expect(d.detail.kqlKept).toBe(0);
    expect(d.detail.table).toBe('DeviceNetworkEvents');
  });

  it('compares with the placeholder values and field mapping of the page, as the preview compiles', async () => {
    const rule = PORTS.replace('    condition: selection', "    filter_apps:\n        Image|expand: '%trusted_apps%'\n    condition: selection and not filter_apps");
    const events = JSON.stringify([
      { Initiated: 'true', Image: 'C:\\Tools\\ok.exe', DestinationIp: '185.220.101.4', DestinationPort: 8080 },
      { Initiated: 'true', Image: 'C:\\Temp\\a.exe', DestinationIp: '185.220.101.4', DestinationPort: 8080 },
    ]);
    // Without values the placeholder cannot be compiled: the compare says so instead of guessing.
    const none = await ask({ type: 'kql-compare', reqId: 20, ruleText: rule, targetId: 'defender-xdr', settings: {} }, events);
    expect(none.type === 'kql-compared' && none.summary?.error).toMatch(/trusted_apps/);
    const settings = { placeholders: { trusted_apps: ['C:\\Tools\\ok.exe'] }, mapping: { fields: { Image: 'InitiatingProcessFolderPath' } } };
    const a = await ask({ type: 'kql-compare', reqId: 21, ruleText: rule, targetId: 'defender-xdr', settings }, events);
    if (a.type !== 'kql-compared' || !a.summary) throw new Error(JSON.stringify(a));
    expect(a.summary.error).toBeUndefined();
    expect(a.summary.pairs.map((p) => [p.sigma, p.kql, p.agree])).toEqual([
      [false, 0, true],
      [true, 1, true],
    ]);
    const d = await ask({ type: 'kql-compare-explain', reqId: 22, ruleText: rule, targetId: 'defender-xdr', index: 1, settings }, events);
    if (d.type !== 'kql-compare-explained' || !d.detail) throw new Error(JSON.stringify(d));
    expect(d.detail.sigma.verdict).toBe('match');
    expect(Object.keys(d.detail.row ?? {})).toContain('InitiatingProcessFolderPath');
  });

  it('evaluates correlations with the chosen timestamp field', async () => {
    const rule = readFileSync(new URL('../../src/sigma/fixtures/correlation/failed_logins_followed_by_success.yml', import.meta.url), 'utf8');
    const base = Date.parse('2024-05-02T09:00:00Z');
    const evs = [
      ...Array.from({ length: 10 }, (_, i) => ({ TimeGenerated: new Date(base + i * 10_000).toISOString(), EventID: 4625, User: 'alice' })),
      { TimeGenerated: new Date(base + 150_000).toISOString(), EventID: 4624, User: 'alice' },
      { TimeGenerated: new Date(base + 20_000).toISOString(), EventID: 4625, User: 'bob' },
    ];
    const a = await ask({ type: 'correlate', reqId: 7, ruleText: rule, settings: {} }, JSON.stringify(evs));
    if (a.type !== 'correlated' || !a.evaluation) throw new Error(JSON.stringify(a));
    expect(a.evaluation.timestamp.field).toBe('TimeGenerated');
    const outer = a.evaluation.results.find((r) => r.type === 'temporal_ordered')!;
    expect(outer.windows.filter((w) => w.fired).map((w) => w.group)).toEqual([{ User: 'alice' }]);
    const none = await ask({ type: 'correlate', reqId: 8, ruleText: PORTS, settings: {} }, JSON.stringify(evs));
    expect(none.type === 'correlated' && none.error).toMatch(/no correlation/);
  });

  it('the correlation preview query is what the compiler writes', () => {
    const rule = readFileSync(new URL('../../src/sigma/fixtures/correlation/failed_logins_followed_by_success.yml', import.meta.url), 'utf8').replaceAll('        - User', '        - TargetUserName');
    const c = compileCorrelation(loadRules(rule), 0, 'azure-monitor', { validate: false });
    expect(c.ok).toBe(true);
    expect(c.diagnostics.some((d) => d.code === 'correlation-window')).toBe(true);
  });
});
