/**
 * Differential property test: random rules (fields and modifiers every target maps) and random
 * events, written as each target's rows, get the same verdict from the Sigma matcher and from
 * the compiled KQL run by the evaluator. A disagreement prints the rule, the event, the row,
 * the query and both explanations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../sigma/load.ts';
import { compareVerdicts } from './differential.ts';

const PIECES = ['cmd', 'CMD.EXE', 'Power', 'shell', '\\Temp\\', 'C:\\Windows', 'x y', '-enc', 'évil', 'q"t', '50%', 'a.b'];
const PROCESS_FIELDS = ['Image', 'CommandLine', 'ParentImage', 'OriginalFileName'];
const STRING_MODS = ['', '|contains', '|startswith', '|endswith', '|contains|all', '|cased', '|contains|cased', '|endswith|cased', '|re', '|re|i', '|windash|contains'];

const yamlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const text = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 3 }).map((p) => p.join(''));

interface Item {
  field: string;
  mod: string;
  values: string[];
}

const processItem = fc.record({ field: fc.constantFrom(...PROCESS_FIELDS), mod: fc.constantFrom(...STRING_MODS), values: fc.array(text, { minLength: 1, maxLength: 3 }) });

function selectionYaml(items: Item[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const it of items) {
    const key = it.field + it.mod;
    if (seen.has(key)) continue;
    seen.add(key);
    // Regex values: the text escaped, with its first space as `\s+` (a real regex feature).
    const values = it.mod.startsWith('|re') ? it.values.map((v) => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&').replace(' ', '\\s+')) : it.values;
    lines.push(`    ${key}:`, ...values.map((v) => `      - ${yamlString(v)}`));
  }
  return lines.join('\n');
}

const processRule = fc.record({
  sel: fc.array(processItem, { minLength: 1, maxLength: 3 }),
  filter: fc.option(fc.array(processItem, { minLength: 1, maxLength: 2 }), { nil: undefined }),
});

const processEvent = fc.record(Object.fromEntries(PROCESS_FIELDS.map((f) => [f, fc.option(text, { nil: undefined })])) as Record<string, fc.Arbitrary<string | undefined>>);

const IPS = ['10.1.2.3', '8.8.8.8', '172.20.0.1', '192.168.1.1', '::1', 'fe80::1', 'fd00::5', '2001:db8::1', '2606:4700::1111', '127.0.0.1'];
const CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '127.0.0.0/8', '::1/128', 'fe80::/10', 'fc00::/7', '2001:db8::/32'];

const networkRule = fc.record({
  initiated: fc.constantFrom('true', 'false'),
  ports: fc.subarray([80, 443, 8080, 8888], { minLength: 1 }),
  cidrs: fc.subarray(CIDRS, { minLength: 1 }),
  image: fc.array(fc.constantFrom('C:\\Program Files\\', 'C:\\Windows\\', 'C:\\Users\\'), { minLength: 1, maxLength: 2 }),
});

const networkEvent = fc.record({
  Initiated: fc.constantFrom('true', 'false'),
  DestinationPort: fc.constantFrom(80, 443, 8080, 8888, 53),
  DestinationIp: fc.constantFrom(...IPS),
  Image: fc.constantFrom('C:\\Program Files\\a.exe', 'C:\\Windows\\b.exe', 'C:\\Users\\u\\c.exe', 'D:\\d.exe'),
});

const TARGETS = ['sentinel-asim', 'defender-xdr', 'azure-monitor'];

/** Verdict counts, so the test shows it exercised both outcomes. */
const seen = { fires: 0, quiet: 0 };

function check(ruleText: string, events: Array<Record<string, unknown>>): void {
  const { rules, diagnostics } = loadRules(ruleText);
  expect(diagnostics.filter((d) => d.severity === 'error'), ruleText).toEqual([]);
  for (const target of TARGETS) {
    const res = compareVerdicts(rules[0], events, target);
    expect(res.compiled, `${target} compiles:\n${ruleText}\n${res.diagnostics.map((d) => d.message).join('\n')}`).toBe(true);
    for (const p of res.pairs) {
      seen[p.sigma ? 'fires' : 'quiet']++;
      if (p.agree) continue;
      const report = [
        `DISAGREEMENT on ${target}: Sigma ${p.sigma ? 'fires' : 'does not fire'}, KQL ${String(p.kql)}`,
        `rule:\n${ruleText}`,
        `event: ${JSON.stringify(events[p.index])}`,
        `row: ${JSON.stringify(p.row)}  notes: ${p.notes.join('; ')}`,
        `query:\n${res.query}`,
        `sigma: ${p.sigmaResult.reasons.join('; ')}`,
        `kql: ${p.kqlResult?.explanation.summary}`,
      ].join('\n');
      expect.fail(report);
    }
  }
}

describe('differential: Sigma matcher vs compiled KQL on every target', () => {
  it('process_creation: random string rules and events agree', () => {
    fc.assert(
      fc.property(processRule, fc.array(processEvent, { minLength: 1, maxLength: 4 }), (r, evs) => {
        const filter = r.filter ? `\n  filter:\n${selectionYaml(r.filter)}` : '';
        const ruleText = `title: random\nlogsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n${selectionYaml(r.sel)}${filter}\n  condition: selection${r.filter ? ' and not filter' : ''}\n`;
        // Also an event built from the rule's own first values, so matches are frequent.
        const own: Record<string, unknown> = {};
        for (const it of r.sel) own[it.field] ??= it.values.join(' ');
        // ... and the same with its case changed (cased values must then miss, others match).
        const shouted = Object.fromEntries(Object.entries(own).map(([k, v]) => [k, String(v).toUpperCase()]));
        const whispered = Object.fromEntries(Object.entries(own).map(([k, v]) => [k, String(v).toLowerCase()]));
        const events = [...evs.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined))), own, shouted, whispered];
        check(ruleText, events);
      }),
      { numRuns: 60, seed: 7 },
    );
    expect(seen.fires).toBeGreaterThan(20);
    expect(seen.quiet).toBeGreaterThan(20);
  });

  it('network_connection: direction, int ports, IPv4/IPv6 cidr filters and paths agree', () => {
    fc.assert(
      fc.property(networkRule, fc.array(networkEvent, { minLength: 1, maxLength: 5 }), (r, evs) => {
        const ruleText = [
          'title: random network',
          'logsource: {product: windows, category: network_connection}',
          'detection:',
          '  selection:',
          `    Initiated: '${r.initiated}'`,
          '    DestinationPort:',
          ...r.ports.map((p) => `      - ${p}`),
          '  filter_ip:',
          '    DestinationIp|cidr:',
          ...r.cidrs.map((c) => `      - '${c}'`),
          '  filter_image:',
          '    Image|startswith:',
          ...r.image.map((i) => `      - ${yamlString(i)}`),
          '  condition: selection and not 1 of filter_*',
        ].join('\n');
        check(ruleText, evs);
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('registry_set: hive-abbreviated paths, value names and DWORD details agree', () => {
    const hive = fc.constantFrom('HKLM', 'HKU\\S-1-5-21-1', 'HKCR');
    const key = fc.array(fc.constantFrom('SOFTWARE', 'Microsoft', 'Windows', 'Run', 'CurrentVersion', 'Policies'), { minLength: 1, maxLength: 4 }).map((p) => p.join('\\'));
    const path = fc.tuple(hive, key, fc.constantFrom('evil', 'Debugger', '(Default)')).map(([h, k, v]) => `${h}\\${k}\\${v}`);
    const details = fc.constantFrom('DWORD (0x00000001)', 'DWORD (0x00000000)', 'C:\\Temp\\x.exe', 'Binary Data');
    const rule = fc.record({ mod: fc.constantFrom('', '|endswith', '|contains'), path, details: fc.option(details, { nil: undefined }) });
    fc.assert(
      fc.property(rule, fc.array(fc.record({ TargetObject: path, Details: details }), { minLength: 1, maxLength: 3 }), (r, evs) => {
        const value = r.mod === '|endswith' ? r.path.slice(r.path.indexOf('\\')) : r.mod === '|contains' ? r.path.split('\\').slice(1, 3).join('\\') : r.path;
        const ruleText = [
          'title: random registry',
          'logsource: {product: windows, category: registry_set}',
          'detection:',
          '  selection:',
          `    TargetObject${r.mod}: ${yamlString(value)}`,
          ...(r.details ? [`    Details: ${yamlString(r.details)}`] : []),
          '  condition: selection',
        ].join('\n');
        const own = { TargetObject: r.path, Details: r.details ?? 'DWORD (0x00000001)' };
        check(ruleText, [...evs.map((e) => ({ EventType: 'SetValue', ...e })), { EventType: 'SetValue', ...own }]);
      }),
      { numRuns: 40, seed: 13 },
    );
  });
});
