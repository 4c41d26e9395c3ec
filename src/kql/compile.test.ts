import { beforeAll, describe, expect, it } from 'vitest';
import { compileRule } from './compile.ts';
import { decodeKqlString } from './escape.ts';
import { spansForSource } from './source-map.ts';
import { loadKustoLanguageService, validateKql } from './validate.ts';
import { alts, anyOf, cidr, item, rule, sel, str, tinyTarget } from './test-fixtures.ts';
import type { SigmaValue } from '../sigma/model.ts';

const net = { product: 'windows', category: 'network_connection' };
const proc = { product: 'windows', category: 'process_creation' };

beforeAll(async () => {
  await loadKustoLanguageService();
});

function where(q: string): string {
  return q.slice(q.indexOf('| where'));
}

function expectValid(q: string): void {
  const errors = validateKql(q, tinyTarget.tables).filter((d) => d.severity === 'error');
  expect(errors, q).toEqual([]);
}

describe('compileRule: the uncommon-destination-ports rule', () => {
  const r = rule(
    net,
    {
      selection: sel(item('Initiated', [str('true')]), item('DestinationPort', [str('8080'), str('8888')])),
      filter_main_local_ranges: sel(
        item(
          'DestinationIp',
          ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '::1/128', 'fe80::/10', 'fc00::/7'].map(cidr),
          { modifiers: ['cidr'] },
        ),
      ),
      filter_optional_sys_directories: sel(item('Image', [str('C:\\Program Files\\', { startswith: true }), str('C:\\Program Files (x86)\\', { startswith: true })])),
    },
    'selection and not 1 of filter_main_* and not 1 of filter_optional_*',
    { title: 'Communication To Uncommon Destination Ports', id: '6d8c3d20-a5e1-494f-8412-4571d716cf5c', level: 'medium', tags: ['attack.command-and-control', 'attack.t1571'] },
  );
  const res = compileRule(r, tinyTarget);

  it('compiles without errors and passes the language service', () => {
    expect(res.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(res.ok).toBe(true);
    expect(res.table).toBe('Net');
    expectValid(res.query);
  });

  it('has the header', () => {
    expect(res.query).toMatch(/^\/\/ Communication To Uncommon Destination Ports\n/);
    expect(res.query).toContain('id: 6d8c3d20-a5e1-494f-8412-4571d716cf5c');
    expect(res.query).toContain('level: medium');
    expect(res.query).toContain('ATT&CK: command-and-control, T1571');
  });

  it('means: outbound, typed int ports, null-safe not-in-ranges, not under Program Files', () => {
    const q = where(res.query);
    expect(q).toContain('NetworkDirection == "Outbound"');
    expect(q).toContain('DstPortNumber in (8080, 8888)');
    for (const range of ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']) {
      expect(q).toContain(`ipv4_is_in_range(DstIpAddr, "${range}") == true`);
    }
    for (const range of ['::1/128', 'fe80::/10', 'fc00::/7']) expect(q).toContain(`ipv6_is_in_range(DstIpAddr, "${range}") == true`);
    expect(q).not.toMatch(/ipv4_is_in_range\(DstIpAddr, "[^"]*:/);
    expect(q).toMatch(/not\(\s*ipv4_is_in_range/);
    expect(q).toMatch(/not\(\s*SrcProcessName startswith @"C:\\Program Files\\"\s+or SrcProcessName startswith @"C:\\Program Files \(x86\)\\"\s*\)/);
  });

  it('finds the query spans of a Sigma node (editor linking)', () => {
    const filter = r.detection.identifiers.get('filter_optional_sys_directories')!;
    const spans = spansForSource(res.sourceMap, filter.range.start, filter.range.end);
    expect(spans.length).toBeGreaterThan(0);
    expect(res.query.slice(spans[0].start, spans[0].end)).toContain('SrcProcessName startswith @"C:\\Program Files (x86)\\"');
  });

  it('maps query spans back to Sigma nodes', () => {
    const port = res.query.indexOf('DstPortNumber in');
    const span = res.sourceMap.find((s) => s.start === port);
    expect(span?.node).toBe('value');
    const sel = r.detection.identifiers.get('selection')!;
    const idSpan = res.sourceMap.find((s) => s.range === sel.range);
    expect(idSpan && res.query.slice(idSpan.start, idSpan.end)).toContain('NetworkDirection == "Outbound"');
    for (const s of res.sourceMap) expect(s.end).toBeGreaterThanOrEqual(s.start);
  });
});

describe('compileRule: operators and literals', () => {
  const compile1 = (field: string, values: SigmaValue[], opts: Parameters<typeof item>[2] = {}, ls = proc) =>
    compileRule(rule(ls, { sel: sel(item(field, values, opts)) }, 'sel'), tinyTarget, { header: false });

  it('chooses exact string operators by pattern shape', () => {
    expect(where(compile1('Image', [str('x.exe')]).query)).toBe('| where EventType == "ProcessCreated"\n| where TargetProcessName =~ "x.exe"');
    expect(compile1('Image', [str('\\x.exe', { endswith: true })]).query).toContain('TargetProcessName endswith @"\\x.exe"');
    expect(compile1('Image', [str('abc', { startswith: true, cased: true })]).query).toContain('TargetProcessName startswith_cs "abc"');
    expect(compile1('CommandLine', [str('-enc', { contains: true })]).query).toContain('CommandLine contains "-enc"');
    expect(compile1('CommandLine', [str('a', { cased: true })]).query).toContain('CommandLine == "a"');
    expect(compile1('CommandLine', [str('a'), str('b')]).query).toContain('CommandLine in~ ("a", "b")');
    expect(compile1('CommandLine', [str('a', { cased: true }), str('b', { cased: true })]).query).toContain('CommandLine in ("a", "b")');
  });

  it('turns inner wildcards into an anchored, escaped regex with (?is)', () => {
    const q = compile1('CommandLine', [str('C:\\a*b?.exe')]).query;
    expect(q).toContain('CommandLine matches regex @"(?is)^C:\\\\a.*b.\\.exe$"');
    expectValid(q);
    const cased = compile1('CommandLine', [str('a*b', { cased: true })]).query;
    expect(cased).toContain('matches regex "(?s)^a.*b$"');
  });

  it('types literals by column: ints unquoted, numbers quoted on strings, errors on non-numbers', () => {
    expect(compile1('DestinationPort', [str('8080')], {}, net).query).toContain('DstPortNumber == 8080');
    expect(compile1('ProcessId', [str('4')], {}, net).query).toContain('SrcProcessId =~ "4"');
    const bad = compile1('DestinationPort', [str('http')], {}, net);
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.find((d) => d.code === 'type-mismatch')?.message).toContain('DstPortNumber');
    const wild = compile1('DestinationPort', [str('80*')], {}, net);
    expect(wild.ok).toBe(true);
    expect(wild.query).toContain('tostring(DstPortNumber) startswith "80"');
  });

  it('neq and not on nullable int predicates stay null-safe', () => {
    const q = compile1('DestinationPort', [str('80'), str('443')], { negated: true }, net).query;
    expect(q).toContain('not((DstPortNumber in (80, 443)) == true)');
    expectValid(q);
    const one = compile1('DestinationPort', [str('80')], { negated: true }, net).query;
    expect(one).toContain('DstPortNumber != 80');
  });

  it('uses isempty/isnull by column type for null and exists', () => {
    expect(compile1('Image', [{ kind: 'null', range: item('x', []).range }]).query).toContain('isempty(TargetProcessName)');
    expect(compile1('DestinationPort', [{ kind: 'null', range: item('x', []).range }], {}, net).query).toContain('isnull(DstPortNumber)');
    expect(compile1('DestinationPort', [{ kind: 'exists', value: true, range: item('x', []).range }], {}, net).query).toContain('isnotnull(DstPortNumber)');
    expect(compile1('Image', [{ kind: 'exists', value: false, range: item('x', []).range }]).query).toContain('isempty(TargetProcessName)');
  });

  it('compiles re with flags, compare, time parts, fieldref', () => {
    const rng = item('x', []).range;
    expect(compile1('CommandLine', [{ kind: 'regex', pattern: 'a\\d+"', flags: { i: true, m: false, s: true }, range: rng }]).query).toContain('CommandLine matches regex @"(?is)a\\d+"""');
    expect(compile1('CommandLine', [{ kind: 'regex', pattern: 'x', flags: { i: false, m: false, s: false }, range: rng }]).query).toContain('CommandLine matches regex "x"');
    expect(compile1('DestinationPort', [{ kind: 'compare', op: 'gte', value: 1024, raw: '1024', range: rng }], {}, net).query).toContain('DstPortNumber >= 1024');
    const tp = compile1('TimeGenerated', [{ kind: 'timepart', part: 'hour', value: 3, raw: '3', range: rng }]).query;
    expect(tp).toContain('hourofday(TimeGenerated) == 3');
    const fr = compile1('Image', [{ kind: 'fieldref', field: 'ParentImage', op: 'equals', cased: false, range: rng }]);
    expect(fr.query).toContain('isnotempty(ActingProcessName) and TargetProcessName =~ ActingProcessName');
    expectValid(fr.query);
    const frc = compile1('CommandLine', [{ kind: 'fieldref', field: 'Image', op: 'contains', cased: true, range: rng }]);
    expect(frc.query).toContain('CommandLine contains_cs TargetProcessName');
  });

  it('cidr picks the function by family and guards IPv6 ranges that could hold IPv4', () => {
    const q = compile1('DestinationIp', [cidr('10.0.0.0/8'), cidr('fc00::/7'), cidr('::ffff:0:0/96')], { modifiers: ['cidr'] }, net).query;
    expect(q).toContain('ipv4_is_in_range(DstIpAddr, "10.0.0.0/8")');
    expect(q).toContain('ipv6_is_in_range(DstIpAddr, "fc00::/7")');
    // IPv4-mapped text is tested against IPv4 ranges, and IPv4 text against IPv6 ranges that map it.
    expect(q).toContain('ipv6_is_in_range(DstIpAddr, "::ffff:10.0.0.0/104")');
    expect(q).toContain('ipv6_is_in_range(DstIpAddr, "::ffff:0:0/96") or ipv4_is_in_range(DstIpAddr, "0.0.0.0/0")');
    const compat = compile1('DestinationIp', [cidr('::/8')], { modifiers: ['cidr'] }, net).query;
    expect(compat).toContain('DstIpAddr contains ":" and ipv6_is_in_range(DstIpAddr, "::/8")');
    expectValid(q);
  });

  it('alternatives (windash) become or', () => {
    const v = alts('-foo', [{ parts: [{ kind: 'any' }, { kind: 'text', text: '-foo' }, { kind: 'any' }] }, { parts: [{ kind: 'any' }, { kind: 'text', text: '/foo' }, { kind: 'any' }] }]);
    const q = compile1('CommandLine', [v]).query;
    expect(q).toContain('CommandLine contains "-foo" or CommandLine contains "/foo"');
  });

  it('all combines with and', () => {
    const q = compile1('CommandLine', [str('a', { contains: true }), str('b', { contains: true })], { combine: 'and', modifiers: ['contains', 'all'] }).query;
    expect(q).toContain('CommandLine contains "a" and CommandLine contains "b"');
  });
});

describe('compileRule: target mapping forms', () => {
  it('value mappings: Initiated true/false, unknown values are errors', () => {
    const q = compileRule(rule(net, { s: sel(item('Initiated', [str('false')])) }, 's'), tinyTarget).query;
    expect(q).toContain('NetworkDirection == "Inbound"');
    const bad = compileRule(rule(net, { s: sel(item('Initiated', [str('maybe')])) }, 's'), tinyTarget);
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0].code).toBe('unmapped-value');
    expect(bad.diagnostics[0].message).toContain('true, false');
  });

  it('hashes go to per-algorithm columns; missing algorithms warn', () => {
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
    const res = compileRule(
      rule(proc, { s: sel(item('Hashes', [str(`MD5=${md5}`, { contains: true }), str('SHA1=da39a3ee5e6b4b0d3255bfef95601890afd80709', { contains: true }), str('IMPHASH=abc', { contains: true })])) }, 's'),
      tinyTarget,
    );
    expect(res.query).toContain(`TargetProcessMD5 =~ "${md5}"`);
    expect(res.query).toContain('TargetProcessIMPHASH startswith "abc"');
    expect(res.query).not.toContain('da39a3ee');
    expect(res.diagnostics.map((d) => d.code)).toContain('hash-algorithm-unavailable');
    expect(res.query).toContain('// Warning: Proc has no SHA1 column');
    expect(res.ok).toBe(true);
    const none = compileRule(rule(proc, { s: sel(item('Hashes', [str('SHA1=da39', { contains: true })])) }, 's'), tinyTarget);
    expect(none.ok).toBe(false);
    expect(none.diagnostics.find((d) => d.code === 'unsupported-value')?.message).toContain('MD5, SHA256, IMPHASH');
  });

  it('anyOf: a value matches in any column; negated means in none', () => {
    const q = compileRule(rule(proc, { s: sel(item('User', [str('admin')])), f: sel(item('User', [str('svc')])) }, 's and not f'), tinyTarget).query;
    expect(q).toContain('TargetUsername =~ "admin" or ActorUsername =~ "admin"');
    expect(q).toMatch(/not\(TargetUsername =~ "svc" or ActorUsername =~ "svc"\)/);
    // Empty means empty in every column (the other column is empty when the field is elsewhere).
    const empty = compileRule(rule(proc, { s: sel(item('User', [str('')])) }, 's'), tinyTarget).query;
    expect(empty).toContain('isempty(TargetUsername) and isempty(ActorUsername)');
  });

  it('expression mappings, logsource warnings and keyword columns', () => {
    const res = compileRule(rule({ product: 'windows', category: 'image_load' }, { s: sel(item('ImageLoaded', [str('\\evil.dll', { endswith: true })])), k: sel(item(null, [str('mimikatz')])) }, 's or k'), tinyTarget);
    expect(res.query).toContain('\n| extend ImageLoaded = extract(@"ImageLoaded=(\\S+)", 1, EventData)\n');
    expect(res.query).toContain('ImageLoaded endswith @"\\evil.dll"');
    expect(res.query).toContain('EventData contains "mimikatz"');
    expect(res.diagnostics.map((d) => d.code)).toContain('logsource-approximation');
    expect(res.query).toContain('// Warning: no schema for image_load');
    expectValid(res.query);
  });

  it('keywords without keyword columns use * contains', () => {
    const res = compileRule(rule({ product: 'windows', service: 'system' }, { k: sel(item(null, [str('evil'), str('bad"')])) }, 'k'), tinyTarget);
    expect(res.query).toContain('* contains "evil" or * contains "bad\\""');
    expectValid(res.query);
  });

  it('unmapped fields name the closest columns; unsupported fields and logsources say why', () => {
    const res = compileRule(rule(proc, { s: sel(item('CommandLin', [str('x')])) }, 's'), tinyTarget);
    expect(res.ok).toBe(false);
    const d = res.diagnostics.find((x) => x.code === 'unmapped-field')!;
    expect(d.message).toContain("'CommandLin'");
    expect(d.message).toContain('CommandLine');
    const u = compileRule(rule(proc, { s: sel(item('Product', [str('x')])) }, 's'), tinyTarget);
    expect(u.diagnostics[0].code).toBe('unsupported-field');
    expect(u.diagnostics[0].message).toContain('use TargetProcessName');
    const ls = compileRule(rule({ product: 'windows', category: 'driver_load' }, { s: sel(item('Image', [str('x')])) }, 's'), tinyTarget);
    expect(ls.diagnostics[0].code).toBe('unsupported-logsource');
    const none = compileRule(rule({ product: 'linux', category: 'x' }, { s: sel(item('Image', [str('x')])) }, 's'), tinyTarget);
    expect(none.diagnostics[0].message).toContain('windows/network_connection');
  });

  it("a user mapping to a column the table lacks is the mapping's error, not the rule's", () => {
    const res = compileRule(rule(proc, { s: sel(item('CommandLine', [str('x')])) }, 's'), tinyTarget, { mapping: { fields: { CommandLine: 'CmdLine' } } });
    const d = res.diagnostics.find((x) => x.severity === 'error');
    expect(d?.code).toBe('mapping-unknown-column');
    expect(d?.message).toMatch(/^Your field mapping maps 'CommandLine' to column 'CmdLine'/);
  });

  it('user mapping overrides win', () => {
    const res = compileRule(rule(proc, { s: sel(item('CommandLin', [str('x')])) }, 's'), tinyTarget, { mapping: { tables: { Proc: { CommandLin: 'CommandLine' } } } });
    expect(res.ok).toBe(true);
    expect(res.query).toContain('CommandLine =~ "x"');
  });

  it('fixed predicates are typed by column', () => {
    const q = compileRule(rule({ product: 'windows', service: 'security' }, { s: sel(item('Image', [str('x')])) }, 's'), tinyTarget).query;
    expect(q).toContain('EventID in (4688, 4689)');
  });

  it('placeholders come from the options map', () => {
    const rng = item('x', []).range;
    const ph = rule(proc, { s: sel(item('TargetUsername', [{ kind: 'placeholder', name: 'admins', raw: '%admins%', range: rng }], { modifiers: ['expand', 'startswith'] })) }, 's');
    const missing = compileRule(ph, tinyTarget);
    expect(missing.diagnostics[0].code).toBe('unresolved-placeholder');
    const ok = compileRule(ph, tinyTarget, { placeholders: { admins: ['adm*x', 'root'] } });
    expect(ok.query).toContain('TargetUsername matches regex "(?is)^adm.*x.*$" or TargetUsername startswith "root"');
  });
});

describe('compileRule: conditions and layout', () => {
  it('condition lists are alternatives; all of / 1 of / not', () => {
    const res = compileRule(
      rule(proc, { a: sel(item('Image', [str('a')])), b: sel(item('Image', [str('b')])), c: sel(item('CommandLine', [str('c')])) }, ['all of a* and not c', 'b']),
      tinyTarget,
      { header: false },
    );
    expect(where(res.query)).toContain('TargetProcessName =~ "a" and CommandLine !~ "c" or TargetProcessName =~ "b"');
  });

  it('parenthesises or inside and only', () => {
    const res = compileRule(rule(proc, { a: anyOf(item('Image', [str('a')]), item('CommandLine', [str('x')])), b: sel(item('Image', [str('b')])) }, 'a and b'), tinyTarget, { header: false });
    expect(res.query).toContain('(TargetProcessName =~ "a" or CommandLine =~ "x") and TargetProcessName =~ "b"');
  });

  it('breaks long conditions one predicate per line', () => {
    const values = Array.from({ length: 12 }, (_, i) => str(`\\tool${i}.exe`, { endswith: true }));
    const res = compileRule(rule(proc, { s: sel(item('Image', values), item('CommandLine', [str('-x', { contains: true })])) }, 's'), tinyTarget, { header: false });
    const lines = res.query.split('\n');
    expect(lines.filter((l) => /^\s+or TargetProcessName endswith/.test(l)).length).toBe(11);
    expect(lines.every((l) => l.length <= 120)).toBe(true);
    expectValid(res.query);
  });

  it('hostile values survive as literals and decode back', () => {
    const hostile = ['a"b', 'C:\\x\\', '\\"', 'tab\there', 'nl\nx', '😀 emoji', 'ctl\u0001\u007f', "it's", '\u2028'];
    for (const h of hostile) {
      const res = compileRule(rule(proc, { s: sel(item('CommandLine', [str(h.replace(/[*?\\]/g, '\\$&'))])) }, 's'), tinyTarget, { header: false });
      expectValid(res.query);
      const m = /CommandLine =~ ((?:@"(?:[^"]|"")*")|(?:"(?:[^"\\]|\\.)*"))/.exec(res.query);
      expect(m, res.query).not.toBeNull();
      expect(decodeKqlString(m![1])).toBe(h);
    }
  });

  it('unknown targets and empty conditions are errors, never throws', () => {
    const r0 = rule(proc, { s: sel(item('Image', [str('a')])) }, 's');
    expect(compileRule(r0, 'nope').diagnostics[0].code).toBe('unknown-target');
    const r1 = rule(proc, { s: sel(item('Image', [str('a')])) }, []);
    expect(compileRule(r1, tinyTarget).ok).toBe(false);
  });
});

describe('compileRule: language-service diagnostics', () => {
  it('reports Kusto errors as kql-<code>, placed on the Sigma node that produced the span', () => {
    const broken = {
      ...tinyTarget,
      logsources: [{ product: 'windows', category: 'process_creation', table: 'Proc', fields: { Image: { expression: 'nosuchfunction(CommandLine)', type: 'string' as const } } }],
    };
    const r = rule(proc, { s: sel(item('Image', [str('x')])) }, 's');
    const res = compileRule(r, broken);
    const d = res.diagnostics.find((x) => x.code.startsWith('kql-'));
    expect(d, JSON.stringify(res.diagnostics)).toBeDefined();
    expect(d!.severity).toBe('error');
    expect(d!.message).toContain('query line');
    expect(res.ok).toBe(false);
    expect(compileRule(r, broken, { validate: false }).ok).toBe(true);
  });

  it('long value lists merge into one in~ list and long chains stay within the parser depth limit', () => {
    const many = Array.from({ length: 3000 }, (_, i) => str(`v${i}`));
    const eq = compileRule(rule(proc, { s: sel(item('CommandLine', many)) }, 's'), tinyTarget, { header: false });
    expect(eq.query.split('\n')).toHaveLength(3);
    expect(eq.query).toContain('CommandLine in~ ("v0", "v1", "v2"');
    expectValid(eq.query);
    const contains = Array.from({ length: 700 }, (_, i) => str(`c${i}`, { contains: true }));
    const ch = compileRule(rule(proc, { s: sel(item('CommandLine', contains)) }, 's'), tinyTarget, { header: false });
    expect(ch.ok).toBe(true);
    expectValid(ch.query);
  });
});

describe('compileRule: identifiers', () => {
  it('brackets names that are not plain identifiers or are KQL words', () => {
    const t = { ...tinyTarget, tables: { ...tinyTarget.tables, Proc: { ...tinyTarget.tables.Proc, 'odd name': 'string' as const, and: 'string' as const } } };
    const res = compileRule(rule(proc, { s: sel(item('odd name', [str('x')]), item('and', [str('y')])) }, 's'), t, { header: false });
    expect(res.query).toContain(`['odd name'] =~ "x"`);
    expect(res.query).toContain(`['and'] =~ "y"`);
    expect(validateKql(res.query, t.tables).filter((d) => d.severity === 'error')).toEqual([]);
  });
});
