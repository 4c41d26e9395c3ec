import { describe, expect, it } from 'vitest';
import { runKql, type InputRow } from './run.ts';
import { parseKql } from './parser.ts';
import type { TableSchema } from '../../targets/types.ts';

const SCHEMA: TableSchema = { S: 'string', N: 'long', I: 'int', B: 'bool', D: 'dynamic', T: 'datetime', R: 'real' };

/** Verdicts of `where <predicate>` over rows of table T. */
function kept(predicate: string, rows: InputRow[], schema: TableSchema = SCHEMA) {
  const res = runKql(`T | where ${predicate}`, { T: rows }, { schemas: { T: schema } });
  expect(res.diagnostics.filter((d) => d.severity === 'error'), predicate).toEqual([]);
  return res.rows.map((r) => r.kept);
}

describe('parseKql', () => {
  it('parses the compiler forms with spans', () => {
    const q = 'imNetworkSession\n| extend X = tostring(EventData.Image)\n| where DstPortNumber in (8080, 8888) and not(ipv4_is_in_range(DstIpAddr, "10.0.0.0/8") == true)';
    const { ast, diagnostics } = parseKql(q);
    expect(diagnostics).toEqual([]);
    const st = ast!.statements[0];
    expect(st.k).toBe('query');
    if (st.k !== 'query') return;
    expect(st.tabular.operators.map((o) => o.k)).toEqual(['extend', 'where']);
    const where = st.tabular.operators[1];
    if (where.k !== 'where') return;
    expect(q.slice(where.predicate.span.start, where.predicate.span.end)).toBe('DstPortNumber in (8080, 8888) and not(ipv4_is_in_range(DstIpAddr, "10.0.0.0/8") == true)');
  });

  it('reports unsupported constructs and syntax errors with line:col, never throws', () => {
    const a = parseKql('T\n| sort by X');
    expect(a.diagnostics[0]).toMatchObject({ code: 'kql-not-supported', range: { startLine: 2, startColumn: 3 } });
    expect(a.diagnostics[0].message).toMatch(/not supported: the 'sort' operator at 2:3/);
    const b = parseKql('T | where X == "unterminated');
    expect(b.diagnostics[0].code).toBe('kql-syntax');
    const c = parseKql('T | where X matches "a"');
    expect(c.diagnostics[0].message).toMatch(/expected 'regex'/);
    for (const hostile of ['', '|||', '((((((', 'T | where (', '"\\q"', "T | where X in~ ('a'", '@"', 'let x = ;', 'T | where X == "a" | where']) {
      expect(() => parseKql(hostile)).not.toThrow();
      expect(parseKql(hostile).diagnostics.length, hostile).toBeGreaterThan(0);
    }
  });

  it('decodes regular and verbatim literals (escapes, doubled quotes)', () => {
    const rows = [{ S: 'C:\\Program Files\\x "q"' }, { S: "it's" }];
    expect(kept('S startswith @"C:\\Program Files\\"', rows)).toEqual([true, false]);
    expect(kept('S startswith "C:\\\\Program Files\\\\"', rows)).toEqual([true, false]);
    expect(kept('S endswith @"x ""q"""', rows)).toEqual([true, false]);
    expect(kept("S == 'it\\'s'", rows)).toEqual([false, true]);
    expect(kept('S contains "\\u0022q"', rows)).toEqual([true, false]);
    expect(parseKql('T | where S == "C:\\Program Files\\"').diagnostics[0].code).toBe('kql-syntax');
  });
});

describe('runKql: string operators and case rules', () => {
  const rows = [{ S: 'PowerShell.exe -enc AAA' }, { S: 'cmdline' }, { S: '' }, {}];
  it('== is case-sensitive, =~ is not; missing strings are ""', () => {
    expect(kept('S == "cmdline"', rows)).toEqual([false, true, false, false]);
    expect(kept('S =~ "CMDLINE"', rows)).toEqual([false, true, false, false]);
    expect(kept('S !~ "CMDLINE"', rows)).toEqual([true, false, true, true]);
    expect(kept('isempty(S)', rows)).toEqual([false, false, true, true]);
    expect(kept('isnull(S)', rows)).toEqual([false, false, false, false]);
  });
  it('contains/startswith/endswith ignore case; _cs variants do not', () => {
    expect(kept('S contains "SHELL"', rows)).toEqual([true, false, false, false]);
    expect(kept('S contains_cs "SHELL"', rows)).toEqual([false, false, false, false]);
    expect(kept('S startswith "power"', rows)).toEqual([true, false, false, false]);
    expect(kept('S endswith_cs "AAA"', rows)).toEqual([true, false, false, false]);
    expect(kept('S !contains "cmd"', rows)).toEqual([true, false, true, true]);
    expect(kept('S in~ ("CMDLINE", "x")', rows)).toEqual([false, true, false, false]);
    expect(kept('S !in ("cmdline")', rows)).toEqual([true, false, true, true]);
  });
  it('has matches whole terms (runs of letters and digits), not substrings', () => {
    expect(kept('S has "cmd"', rows)).toEqual([false, false, false, false]);
    expect(kept('S has "POWERSHELL"', rows)).toEqual([true, false, false, false]);
    expect(kept('S has "enc"', rows)).toEqual([true, false, false, false]);
    expect(kept('S hasprefix "pow"', rows)).toEqual([true, false, false, false]);
    expect(kept('S hassuffix "line"', rows)).toEqual([false, true, false, false]);
    expect(kept('S has_any ("exe", "nothing")', rows)).toEqual([true, false, false, false]);
  });
  it('matches regex is an unanchored RE2 search, case-sensitive unless (?i)', () => {
    expect(kept('S matches regex "shell"', rows)).toEqual([false, false, false, false]);
    expect(kept('S matches regex "(?i)shell"', rows)).toEqual([true, false, false, false]);
    expect(kept('S matches regex "^cmd.*e$"', rows)).toEqual([false, true, false, false]);
    // A catastrophic pattern for backtracking engines runs in linear time.
    const long = [{ S: 'a'.repeat(50_000) + 'b' }];
    const t0 = Date.now();
    expect(kept('S matches regex "^(a+)+$"', long)).toEqual([false]);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
  it('an invalid regex is a diagnostic and the rows are undetermined', () => {
    const res = runKql('T | where S matches regex "(a"', { T: [{ S: 'a' }] }, { schemas: { T: SCHEMA } });
    expect(res.rows[0].kept).toBe('undetermined');
    expect(res.diagnostics[0].code).toBe('kql-regex');
    expect(res.rows[0].explanation.error?.range.startColumn).toBe(27);
  });
});

describe('runKql: typed values and nulls', () => {
  const rows: InputRow[] = [{ N: 8080 }, { N: '8888' }, { N: null }, {}];
  it('ints compare as numbers; a null int is never == and drops a where', () => {
    expect(kept('N in (8080, 8888)', rows)).toEqual([true, true, false, false]);
    expect(kept('N == 8080', rows)).toEqual([true, false, false, false]);
    expect(kept('N != 8080', rows)).toEqual([false, true, true, true]);
    expect(kept('N > 8000', rows)).toEqual([true, true, false, false]);
    expect(kept('isnull(N)', rows)).toEqual([false, false, true, true]);
  });
  it('not(null) and null or false are undetermined, with the readings listed', () => {
    const res = runKql('T | where not(N > 8000)', { T: rows }, { schemas: { T: SCHEMA } });
    expect(res.rows.map((r) => r.kept)).toEqual([false, false, 'undetermined', 'undetermined']);
    const ex = res.rows[2].explanation;
    expect(ex.readings!.map((r) => [r.reading['not-null'], r.kept])).toEqual([['null', false], ['true', true]]);
    expect(ex.readings![0].choices[0]).toMatchObject({ dimension: 'not-null', range: { startLine: 1, startColumn: 11 } });
    // Documented: null or true is true; == true makes a null test false under every reading.
    expect(kept('N > 8000 or true', rows)).toEqual([true, true, true, true]);
    expect(kept('not((N > 8000) == true)', rows)).toEqual([false, false, true, true]);
  });
  it('comparing int with string is an error, not a guess', () => {
    const res = runKql('T | where N == "8080"', { T: [{ N: 1 }] }, { schemas: { T: SCHEMA } });
    expect(res.rows[0].kept).toBe('undetermined');
    expect(res.diagnostics[0]).toMatchObject({ code: 'kql-type' });
  });
  it('dynamic members, tostring and toint', () => {
    const dyn = [{ D: '{"Image":"C:\\\\a.exe","Port":"8080"}' }, { D: { Image: 'x' } }, {}];
    expect(kept('tostring(D.Image) endswith "a.exe"', dyn)).toEqual([true, false, false]);
    expect(kept('toint(D.Port) == 8080', dyn)).toEqual([true, false, false]);
    expect(kept('isempty(tostring(D.Missing))', dyn)).toEqual([true, true, true]);
  });
  it('64-bit integers are exact (registry QWORD rendering)', () => {
    const q = 'T | project H = strcat(tohex(binary_shift_right(N, 32), 8), "-", tohex(binary_and(N, 4294967295), 8))';
    const res = runKql(q, { T: [{ N: '81985529216486895' }] }, { schemas: { T: SCHEMA } });
    expect(res.output.rows[0].H).toBe('01234567-89abcdef');
  });
});

describe('runKql: IP functions', () => {
  const rows = [{ S: '10.1.2.3' }, { S: '2001:db8::1' }, { S: 'fe80::1' }, { S: 'garbage' }];
  it('ipv4_is_in_range is null for non-IPv4; ipv6_is_in_range on IPv4 text is an open question', () => {
    expect(kept('ipv4_is_in_range(S, "10.0.0.0/8") == true', rows)).toEqual([true, false, false, false]);
    expect(kept('isnull(ipv4_is_in_range(S, "10.0.0.0/8"))', rows)).toEqual([false, true, true, true]);
    expect(kept('ipv6_is_in_range(S, "fe80::/10") == true', rows)).toEqual([false, false, true, false]);
    const res = runKql('T | where ipv6_is_in_range(S, "::ffff:10.0.0.0/104")', { T: rows }, { schemas: { T: SCHEMA } });
    expect(res.rows[0].kept).toBe('undetermined');
    expect(res.rows[0].explanation.readings!.map((r) => r.reading['ipv6-of-ipv4'])).toEqual(['null (not an IPv6 address)', 'as ::ffff:a.b.c.d']);
  });
});

describe('runKql: tabular operators', () => {
  const rows = [
    { S: 'a', N: 1, T: '2024-01-01T00:10:00Z' },
    { S: 'a', N: 2, T: '2024-01-01T00:50:00Z' },
    { S: 'b', N: 2, T: '2024-01-01T01:10:00Z' },
    { S: 'c', N: 5, T: '2024-01-01T01:20:00Z' },
  ];
  it('extend, project, union and let', () => {
    const res = runKql('let big = 1; T | where N > big | extend M = N * 10 | project S, M | union (U | where S == "z")', { T: rows, U: [{ S: 'z' }, { S: 'y' }] }, { schemas: { T: SCHEMA, U: { S: 'string' } } });
    expect(res.diagnostics).toEqual([]);
    expect(res.output.rows).toEqual([{ S: 'a', M: 20 }, { S: 'b', M: 20 }, { S: 'c', M: 50 }, { S: 'z' }]);
    expect(res.rows.map((r) => `${r.table}${r.index}:${r.kept}`)).toEqual(['T0:false', 'T1:true', 'T2:true', 'T3:true', 'U0:true', 'U1:false']);
  });
  it('summarize with count, dcount, sum, avg, percentile by bin(); a where after summarize drops whole groups', () => {
    const res = runKql('T | summarize count(), dcount(S), sum(N), avg(N), p = percentile(N, 50) by bin(T, 1h) | where count_ > 1', { T: rows }, { schemas: { T: SCHEMA } });
    expect(res.output.rows).toEqual([
      { T: '2024-01-01T00:00:00.0000000Z', count_: 2, dcount_S: 1, sum_N: 3, avg_N: 1.5, p: 1 },
      { T: '2024-01-01T01:00:00.0000000Z', count_: 2, dcount_S: 2, sum_N: 7, avg_N: 3.5, p: 2 },
    ]);
    expect(res.rows.every((r) => r.kept === true)).toBe(true);
    const strict = runKql('T | where S != "c" | summarize n = count() by S | where n > 1', { T: rows }, { schemas: { T: SCHEMA } });
    expect(strict.rows.map((r) => r.kept)).toEqual([true, true, false, false]);
    expect(strict.rows[2].explanation.summary).toMatch(/summarize group \(S = "b"\) is removed by the where/);
  });
  it('take returns an arbitrary subset: surplus rows are undetermined', () => {
    const res = runKql('T | take 2', { T: rows }, { schemas: { T: SCHEMA } });
    expect(res.rows.map((r) => r.kept)).toEqual(['undetermined', 'undetermined', 'undetermined', 'undetermined']);
    expect(runKql('T | take 9', { T: rows }, { schemas: { T: SCHEMA } }).rows.every((r) => r.kept === true)).toBe(true);
  });
  it('explains a dropped row down to the predicate and the values it saw, with spans', () => {
    const q = 'T\n| where S == "a" and N > 1';
    const res = runKql(q, { T: rows }, { schemas: { T: SCHEMA } });
    const ex = res.rows[0].explanation;
    expect(res.rows[0].kept).toBe(false);
    expect(ex.predicates.map((p) => [p.text, p.result])).toEqual([['N > 1', 'false']]);
    expect(ex.predicates[0].values).toMatchObject([{ text: 'N', value: '1', type: 'long' }]);
    expect(q.slice(ex.predicates[0].span.start, ex.predicates[0].span.end)).toBe('N > 1');
    expect(ex.step?.range.startLine).toBe(2);
  });
  it('unknown tables and columns are diagnostics', () => {
    expect(runKql('Nope | where X == 1', { T: rows }).diagnostics[0].code).toBe('kql-unknown-table');
    const res = runKql('T | where Missing == 1', { T: rows }, { schemas: { T: SCHEMA } });
    expect(res.diagnostics[0].code).toBe('kql-unknown-column');
    expect(res.rows[0].kept).toBe('undetermined');
  });
});

describe('runKql: large inputs', () => {
  it('stops when asked, and says where', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ S: `v${i}` }));
    let polls = 0;
    const res = runKql('T | where S endswith "7"', { T: rows }, { schemas: { T: SCHEMA }, explain: false, shouldStop: () => ++polls >= 2 });
    expect(res.rows).toHaveLength(2048);
    expect(res.diagnostics.some((d) => d.code === 'evaluation-stopped')).toBe(true);
  });
});

describe('runKql: explanations on demand', () => {
  it('explains only the selected rows', () => {
    const rows = [{ S: 'a' }, { S: 'b' }, { S: 'c' }];
    const res = runKql('T | where S == "b"', { T: rows }, { schemas: { T: SCHEMA }, explain: (_t, i) => i === 2 });
    expect(res.rows.map((r) => r.kept)).toEqual([false, true, false]);
    expect(res.rows[0].explanation.predicates).toEqual([]);
    expect(res.rows[2].explanation.predicates[0]).toMatchObject({ text: 'S == "b"', result: 'false', values: [{ text: 'S', value: '"c"' }] });
  });
});
