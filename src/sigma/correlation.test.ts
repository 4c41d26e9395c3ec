import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRules } from './load.ts';
import { parseTimespan, satisfiable } from './correlation.ts';
import type { Diagnostic } from '../diagnostics.ts';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/correlation/${name}`, import.meta.url), 'utf8');

const BASE = `---
title: Failed login
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
`;

function correlation(body: string, extra = ''): string {
  return `title: Test correlation\ncorrelation:\n${body}${extra}${BASE}`;
}

function errorsOf(text: string): Diagnostic[] {
  return loadRules(text).diagnostics.filter((d) => d.severity !== 'info');
}

function one(text: string, code: string): Diagnostic {
  const found = loadRules(text).diagnostics.filter((d) => d.code === code);
  expect(found, `${code} in ${JSON.stringify(loadRules(text).diagnostics.map((d) => d.code))}`).toHaveLength(1);
  return found[0];
}

/** The text a diagnostic's range covers. */
function at(text: string, d: Diagnostic): string {
  return text.slice(d.range!.start, d.range!.end);
}

describe('correlation documents: the specification examples', () => {
  it('reads the worked example "Failed Logins Followed by Successful Login" with its chain', () => {
    const result = loadRules(fixture('failed_logins_followed_by_success.yml'));
    expect(result.diagnostics).toEqual([]);
    expect(result.rules.map((r) => r.name)).toEqual(['failed_login', 'successful_login']);
    const [outer, inner] = result.correlations!;
    expect(outer).toMatchObject({
      title: 'Correlation - Multiple Failed Logins Followed by Successful Login',
      id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6',
      level: 'high',
      correlationType: 'temporal_ordered',
      groupBy: [{ field: 'User' }],
      timespan: { text: '10m', ms: 600_000 },
      condition: { comparisons: [{ op: 'gte', value: 2 }], implicit: true },
    });
    expect(outer.rules.map((r) => [r.ref, r.target])).toEqual([
      ['multiple_failed_login', { kind: 'correlation', index: 1 }],
      ['successful_login', { kind: 'rule', index: 1 }],
    ]);
    expect(inner).toMatchObject({ name: 'multiple_failed_login', correlationType: 'event_count', condition: { comparisons: [{ op: 'gte', value: 10 }] } });
    expect(inner.rules[0].target).toEqual({ kind: 'rule', index: 0 });
  });

  it('reads the specification test documents of every v2.1 type', () => {
    const text = fixture('spec_tests.yml');
    const result = loadRules(text);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const byTitle = new Map(result.correlations!.map((c) => [c.title, c]));
    expect(byTitle.get('Suspicious average network traffic')).toMatchObject({
      correlationType: 'value_avg',
      groupBy: [{ field: 'SourceIP' }, { field: 'User' }],
      timespan: { ms: 86_400_000 },
      condition: { field: { name: 'BytesOut' }, comparisons: [{ op: 'gt', value: 500 }] },
    });
    expect(byTitle.get('Possible Exfiltration to Website')!.condition).toMatchObject({ field: { name: 'bytes_sent' }, comparisons: [{ op: 'gt', value: 1_000_000 }] });
    const percentile = byTitle.get('A computer spawned a processes name in the last 24h than 1% of all the processes.')!;
    expect(percentile.condition).toMatchObject({ field: { name: 'image' }, percentile: 50, comparisons: [{ op: 'lte', value: 1 }] });
    // The default percentile is said, where the condition is.
    const info = result.diagnostics.find((d) => d.code === 'default-percentile')!;
    expect(info.severity).toBe('info');
    expect(at(text, info)).toContain('field: image');
    expect(byTitle.get('Recon')!.condition).toMatchObject({ implicit: true, comparisons: [{ op: 'gte', value: 3 }] });
    const ordered = byTitle.get('Recon ordered')!;
    expect(ordered.condition.expression?.ast?.kind).toBe('and');
    expect(byTitle.get('Many failed logins')!.rules[0].target).toEqual({ kind: 'rule', index: 6 });
  });

  it('reads the field name aliases example', () => {
    const result = loadRules(fixture('field_aliases.yml'));
    expect(result.diagnostics).toEqual([]);
    const [c] = result.correlations!;
    expect(c.aliases.map((a) => [a.alias, Object.fromEntries(Object.entries(a.fields).map(([k, v]) => [k, v.field]))])).toEqual([
      ['internal_ip', { internal_error: 'destination.ip', new_network_connection: 'source.ip' }],
      ['remote_ip', { internal_error: 'source.ip', new_network_connection: 'destination.ip' }],
    ]);
    expect(c.timespan?.ms).toBe(10_000);
  });

  it('keeps loading detection rules around correlations (no unsupported-document any more)', () => {
    const result = loadRules(fixture('every_type.yml'));
    expect(result.diagnostics).toEqual([]);
    expect(result.rules).toHaveLength(3);
    expect(result.correlations!.map((c) => c.correlationType)).toEqual([
      'event_count', 'value_count', 'temporal', 'temporal_ordered', 'temporal', 'value_sum', 'value_avg', 'value_percentile', 'temporal_ordered',
    ]);
    expect(result.correlations![0].condition.comparisons.map((c) => c.op)).toEqual(['gte', 'lt']);
  });
});

describe('correlation documents: diagnostics with ranges', () => {
  const ok = '    type: event_count\n    rules:\n        - failed_login\n    group-by:\n        - User\n    timespan: 10m\n    condition:\n        gte: 5\n';

  it('a valid document has none', () => {
    expect(errorsOf(correlation(ok))).toEqual([]);
  });

  it('unknown rule reference, with the closest name as a fix', () => {
    const text = correlation(ok.replace('- failed_login', '- failed_logon'));
    const d = one(text, 'unknown-rule-reference');
    expect(d.severity).toBe('error');
    expect(at(text, d)).toBe('failed_logon');
    expect(d.fixes?.[0].text).toBe('failed_login');
  });

  it('missing group-by: an error for temporal types, a warning otherwise', () => {
    const temporal = correlation('    type: temporal\n    rules:\n        - failed_login\n        - failed_login2\n    timespan: 10m\n', BASE.replace(/failed_login/g, 'failed_login2').replace('Failed login', 'Failed login 2'));
    const d = one(temporal, 'missing-group-by');
    expect(d.severity).toBe('error');
    expect(at(temporal, d)).toBe('correlation');
    const count = correlation(ok.replace('    group-by:\n        - User\n', ''));
    expect(one(count, 'missing-group-by').severity).toBe('warning');
  });

  it.each([
    ['10 minutes', /number followed by a unit/, undefined],
    ['1H', /lower case/, '1h'],
    ['2w', /unknown timespan unit 'w'/, '14d'],
    ['0m', /greater than zero/, undefined],
    ['400d', /longer than a year/, undefined],
  ])('bad timespan %s', (span, message, fix) => {
    const text = correlation(ok.replace('timespan: 10m', `timespan: ${span}`));
    const d = one(text, 'invalid-timespan');
    expect(d.message).toMatch(message);
    expect(at(text, d)).toBe(span);
    expect(d.fixes?.[0]?.text).toBe(fix);
  });

  it('missing timespan, type, rules', () => {
    expect(one(correlation(ok.replace('    timespan: 10m\n', '')), 'missing-timespan').severity).toBe('error');
    expect(one(correlation(ok.replace('    type: event_count\n', '')), 'missing-correlation-type').severity).toBe('error');
    expect(one(correlation(ok.replace('    rules:\n        - failed_login\n', '')), 'missing-correlation-rules').severity).toBe('error');
  });

  it('unknown type with a suggestion', () => {
    const text = correlation(ok.replace('event_count', 'event_cnt'));
    const d = one(text, 'invalid-correlation-type');
    expect(at(text, d)).toBe('event_cnt');
    expect(d.fixes?.[0].text).toBe('event_count');
  });

  it('bad conditions', () => {
    let text = correlation(ok.replace('gte: 5', 'gteq: 5'));
    let d = one(text, 'unknown-condition-operator');
    expect(at(text, d)).toBe('gteq');
    expect(d.fixes?.[0].text).toBe('gte');
    text = correlation(ok.replace('gte: 5', 'gte: many'));
    d = one(text, 'invalid-correlation-condition');
    expect(at(text, d)).toBe('many');
    text = correlation(ok.replace('    condition:\n        gte: 5\n', '    condition: failed_login\n'));
    expect(at(text, one(text, 'invalid-correlation-condition'))).toBe('failed_login');
    text = correlation(ok.replace('gte: 5', 'gt: 10\n        lt: 5'));
    expect(one(text, 'unsatisfiable-condition').severity).toBe('warning');
    text = correlation(ok.replace('    condition:\n        gte: 5\n', ''));
    expect(one(text, 'missing-correlation-condition').severity).toBe('error');
  });

  it('value types need a field; other types ignore one with a warning', () => {
    const text = correlation(ok.replace('event_count', 'value_count'));
    const d = one(text, 'missing-correlation-field');
    expect(at(text, d)).toContain('gte: 5');
    expect(one(correlation(ok.replace('gte: 5', 'gte: 5\n        field: User')), 'correlation-field-ignored').severity).toBe('warning');
    expect(one(correlation(ok.replace('event_count', 'value_percentile').replace('gte: 5', 'gte: 5\n        field: Port\n        percentile: 120')), 'invalid-percentile').severity).toBe('error');
  });

  it('a temporal expression that names an unknown rule', () => {
    const text = correlation('    type: temporal\n    rules:\n        - failed_login\n    group-by:\n        - User\n    timespan: 10m\n    condition: failed_login and succeeded\n');
    const d = loadRules(text).diagnostics.find((x) => x.severity === 'error')!;
    expect(at(text, d)).toBe('succeeded');
  });

  it('unknown keys in the correlation section', () => {
    const text = correlation(ok + '    groupby:\n        - Computer\n');
    const d = one(text, 'unknown-correlation-key');
    expect(d.fixes?.[0].text).toBe('group-by');
  });

  it('cycles, duplicate names and chains without the group-by field', () => {
    const cyc = `title: A\nname: a\ncorrelation:\n    type: event_count\n    rules: [b]\n    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n---\ntitle: B\nname: b\ncorrelation:\n    type: event_count\n    rules: [a]\n    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n`;
    expect(loadRules(cyc).diagnostics.some((d) => d.code === 'correlation-cycle')).toBe(true);
    const dup = correlation(ok, BASE.replace('title: Failed login', 'title: Other'));
    expect(one(dup, 'duplicate-name').severity).toBe('error');
    const chain = `title: Outer\ncorrelation:\n    type: temporal_ordered\n    rules: [inner, failed_login]\n    group-by: [Computer]\n    timespan: 1h\n---\ntitle: Inner\nname: inner\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n    timespan: 1h\n    condition: {gte: 3}\n${BASE}`;
    const d = one(chain, 'chain-group-by');
    expect(at(chain, d)).toBe('Computer');
  });

  it('aliases naming a rule the correlation does not use', () => {
    const text = correlation(ok.replace('        - User\n', '        - who\n') + '    aliases:\n        who:\n            failed_login: TargetUserName\n            nobody: User\n');
    const d = one(text, 'unknown-alias-rule');
    expect(at(text, d)).toBe('nobody');
  });

  it('broken YAML and hostile input never throw', () => {
    for (const t of ['correlation: [', 'title: x\ncorrelation: 5', 'title: x\ncorrelation:\n  rules: {a: b}\n  type: [1]\n  timespan: {}\n  group-by: 7\n  condition: [gte]', 'correlation:\n  aliases: [1, 2]\n  condition: {gte: .inf}']) {
      expect(() => loadRules(t)).not.toThrow();
      expect(loadRules(t).diagnostics.some((d) => d.severity === 'error')).toBe(true);
    }
  });
});

describe('parseTimespan and satisfiable', () => {
  it('reads s, m, h, d', () => {
    expect(parseTimespan('30s')).toEqual({ ms: 30_000 });
    expect(parseTimespan('90m')).toEqual({ ms: 5_400_000 });
    expect(parseTimespan('1h')).toEqual({ ms: 3_600_000 });
    expect(parseTimespan('2d')).toEqual({ ms: 172_800_000 });
  });
  it('checks ranges', () => {
    const r = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, start: 0, end: 0 };
    expect(satisfiable([{ op: 'gt', value: 100, range: r }, { op: 'lte', value: 200, range: r }])).toBe(true);
    expect(satisfiable([{ op: 'gt', value: 5, range: r }, { op: 'lt', value: 5, range: r }])).toBe(false);
    expect(satisfiable([{ op: 'eq', value: 5, range: r }, { op: 'neq', value: 5, range: r }])).toBe(false);
  });
});

describe('damaged correlation files never throw (property)', () => {
  it('random line deletions and character edits of the fixtures', async () => {
    const fc = await import('fast-check');
    const { evaluateCorrelations } = await import('../engine/correlate.ts');
    const { compileCorrelation } = await import('../kql/correlation.ts');
    const { readEvents } = await import('../engine/read-events.ts');
    const events = readEvents(JSON.stringify([
      { '@timestamp': '2024-05-01T10:00:00Z', Image: 'C:\\whoami.exe', User: 'a', CommandLine: 'x', EventID: 4625, DestinationPort: 80, Initiated: 'true' },
      { '@timestamp': '2024-05-01T10:01:00Z', Image: 'C:\\net.exe', User: 'a', CommandLine: 'net use y', EventID: 4624, DestinationPort: 9999, Initiated: 'true' },
    ])).events;
    const sources = ['every_type.yml', 'failed_logins_followed_by_success.yml', 'spec_tests.yml', 'filters.yml'].map(fixture);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'char', 'dup')), { maxLength: 6 }),
        fc.string({ maxLength: 3 }),
        (which, edits, junk) => {
          const lines = sources[which].split('\n');
          for (const [at, kind] of edits) {
            const i = at % lines.length;
            if (kind === 'delete') lines.splice(i, 1);
            else if (kind === 'dup') lines.splice(i, 0, lines[i]);
            else lines[i] = lines[i].slice(0, at % (lines[i].length + 1)) + junk + lines[i].slice((at % (lines[i].length + 1)) + 1);
            if (lines.length === 0) lines.push('');
          }
          const load = loadRules(lines.join('\n'));
          evaluateCorrelations(load, events);
          for (let i = 0; i < (load.correlations?.length ?? 0); i++) compileCorrelation(load, i, 'sentinel-asim', { validate: false });
        },
      ),
      { numRuns: 150 },
    );
  });
});
