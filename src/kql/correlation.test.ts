import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileCorrelation, orderedRegex, standaloneQueries } from './correlation.ts';
import { spansForSource } from './source-map.ts';
import { loadKustoLanguageService, validateKql } from './validate.ts';
import { loadRules } from '../sigma/load.ts';
import { TARGETS } from '../targets/index.ts';

const fixture = (name: string): string => readFileSync(new URL(`../sigma/fixtures/correlation/${name}`, import.meta.url), 'utf8');

beforeAll(async () => {
  await loadKustoLanguageService();
});

describe('every correlation type for every target', () => {
  const text = fixture('every_type.yml');
  const load = loadRules(text);

  for (const target of TARGETS) {
    for (let i = 0; i < load.correlations!.length; i++) {
      const corr = load.correlations![i];
      it(`${target.id}: ${corr.correlationType} ${corr.name}`, () => {
        const c = compileCorrelation(load, i, target);
        expect(c.diagnostics.filter((d) => d.severity === 'error'), c.query).toEqual([]);
        expect(c.ok).toBe(true);
        // Checked again here, independently of the compiler's own check.
        expect(validateKql(c.query, target.tables).filter((d) => d.severity === 'error'), c.query).toEqual([]);
        const ts = target.id === 'defender-xdr' ? 'Timestamp' : 'TimeGenerated';
        expect(c.query).toContain(`_time = ${ts}`);
        expect(c.query).toContain(`row_window_session(_time, ${corr.timespan!.text}, ${corr.timespan!.text}, User != prev(User))`);
        expect(c.query).toMatch(/\| summarize .* by User, _window/);
        const aggregate = {
          event_count: '_value = count()',
          value_count: '_value = dcountif(_field, isnotempty(_field), 4)',
          value_sum: '_value = sum(_field)',
          value_avg: '_value = avg(_field)',
          value_percentile: '_value = percentile(_field, 90)',
          temporal: '_value = dcount(_step)',
          temporal_ordered: '_steps = make_list(_step)',
        }[corr.correlationType!];
        expect(c.query).toContain(aggregate);
        expect(c.diagnostics.find((d) => d.code === 'correlation-window')?.severity).toBe('warning');
        expect(c.query).toContain('// Warning: Windows are session windows');
        if (corr.rules.length > 1) {
          expect(c.query).toMatch(/^union$/m);
          for (const r of corr.rules) expect(c.query).toContain(`_rule = "${r.ref}"`);
        }
        // The source map leads from the query back to the group-by, the timespan and the base rules.
        expect(spansForSource(c.sourceMap, corr.groupBy[0].range.start, corr.groupBy[0].range.end).some((s) => s.node === 'group-by')).toBe(true);
        expect(spansForSource(c.sourceMap, corr.timespan!.range.start, corr.timespan!.range.end).some((s) => c.query.slice(s.start, s.end).startsWith('row_window_session'))).toBe(true);
      });
    }
  }

  it('conditions become where clauses: ranges, expressions, ordered sequences', () => {
    const q = (name: string) => compileCorrelation(load, load.correlations!.findIndex((c) => c.name === name), 'sentinel-asim').query;
    expect(q('whoami_burst')).toContain('| where _value >= 3 and _value < 100');
    expect(q('whoami_alone')).toContain('| where (_r0 > 0 and not(_r1 > 0))');
    expect(q('recon_in_order')).toContain(`_sequence matches regex "${orderedRegex(2).replace(/\\/g, '\\\\')}", 2`);
    expect(q('recon_together')).toContain('| where _value >= 2');
    // The chain: the inner correlation is a let whose rows carry its last time and group.
    const chain = q('burst_then_outbound');
    expect(chain).toMatch(/let whoami_burst = whoami\n\| project _time = TimeGenerated/);
    expect(chain).toContain('| project _time = _last, User, _value;');
    expect(chain).toContain('(whoami_burst\n    | project _time, _rule = "whoami_burst", _step = 0, User)');
  });

  it('orderedRegex accepts exactly the in-order sequences', () => {
    const re = new RegExp(orderedRegex(3));
    expect(re.test('0,1,2')).toBe(true);
    expect(re.test('1,0,0,2,1,2')).toBe(true);
    expect(re.test('0,2,1')).toBe(false);
    expect(re.test('10,1,2')).toBe(false);
    expect(re.test('0,1,12')).toBe(false);
  });
});

describe('the specification examples', () => {
  it('the worked example compiles on azure-monitor once User is mapped, and is refused where it cannot run', () => {
    const load = loadRules(fixture('failed_logins_followed_by_success.yml'));
    const plain = compileCorrelation(load, 0, 'azure-monitor');
    expect(plain.ok).toBe(false);
    // Security events have no `User` item: the target says so and names the columns to map it to.
    const unsupported = plain.diagnostics.filter((d) => d.code === 'unsupported-correlation-field');
    expect(unsupported[0].message).toMatch(/'User' on SecurityEvent.*TargetUserName/);
    const mapped = compileCorrelation(load, 0, 'azure-monitor', { mapping: { tables: { SecurityEvent: { User: 'TargetUserName' } } } });
    expect(mapped.diagnostics.filter((d) => d.severity === 'error'), mapped.query).toEqual([]);
    expect(mapped.query).toContain('let failed_login = SecurityEvent\n| where EventID in (529, 4625);');
    expect(mapped.query).toContain('let multiple_failed_login = failed_login');
    expect(mapped.query).toContain('| where _value >= 10');
    const defender = compileCorrelation(load, 0, 'defender-xdr');
    expect(defender.diagnostics.some((d) => d.code === 'unsupported-logsource')).toBe(true);
  });

  it('the v2.1 test documents compile for the targets that have their tables and fields', () => {
    const load = loadRules(fixture('spec_tests.yml'));
    const percentile = load.correlations!.findIndex((c) => c.correlationType === 'value_percentile');
    const c = compileCorrelation(load, percentile, 'azure-monitor');
    expect(c.diagnostics.filter((d) => d.severity === 'error'), c.query).toEqual([]);
    expect(c.query).toContain('_value = percentile(_field, 50)');
    const ordered = load.correlations!.findIndex((x) => x.title === 'Recon ordered');
    const o = compileCorrelation(load, ordered, 'azure-monitor');
    expect(o.diagnostics.filter((d) => d.severity === 'error'), o.query).toEqual([]);
    expect(o.query).toContain('| where (_value > 0 and _value > 1 and _value > 2)');
  });

  it('aliases read each rule\'s own field', () => {
    const load = loadRules(fixture('field_aliases.yml'));
    const c = compileCorrelation(load, 0, 'sentinel-asim');
    // Neither base rule's logsource (webserver, network_connection without product) maps to these fields in every target; the error names the aliased field.
    const text = c.query + c.diagnostics.map((d) => d.message).join('\n');
    expect(text).toMatch(/destination\.ip|source\.ip|no table/);
  });

  it('standaloneQueries: the outermost correlation only, unless generate', () => {
    const load = loadRules(fixture('failed_logins_followed_by_success.yml'));
    expect(standaloneQueries(load)).toEqual({ rules: [], correlations: [0] });
    load.correlations![1].generate = true;
    expect(standaloneQueries(load)).toEqual({ rules: [0], correlations: [0] });
  });

  it('filters applied to base rules appear in the correlation query', () => {
    const text = `${fixture('every_type.yml')}---\ntitle: Ignore admins\nlogsource:\n    product: windows\nfilter:\n    rules: [whoami]\n    selection:\n        User|startswith: 'adm_'\n    condition: selection\n`;
    const load = loadRules(text);
    const c = compileCorrelation(load, 0, 'defender-xdr');
    expect(c.ok).toBe(true);
    expect(c.query).toMatch(/let whoami = DeviceProcessEvents\n[^;]*FolderPath endswith @"\\whoami.exe" and User !startswith "adm_";/);
    const filter = load.filters![0];
    expect(spansForSource(c.sourceMap, filter.range.start, filter.range.end).length).toBeGreaterThan(0);
  });
});
