/**
 * `siglab run RULE.yml|QUERY.kql ROWS --target ID [--json] [--table NAME] [--rule N] [--sigma-events]`:
 * runs a KQL query (or the rule compiled for the target) over rows exported from Sentinel or
 * Defender (CSV or JSON; `-` reads stdin), one line per row: index, kept / dropped /
 * undetermined, and why. With `--sigma-events` (rule input only), ROWS holds events in Sigma
 * field names: each is written as the target's row and judged by both the Sigma matcher and the
 * query, and disagreements are flagged.
 * `--json` prints `{"query","table","rows":[{index,kept,explanation}],"summary","diagnostics"}`.
 * Exit 0 done, 1 the rule/query/rows have errors (or a disagreement with --sigma-events), 2 usage error.
 */
import { readFileSync } from 'node:fs';
import type { CommandIO } from './main.ts';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { loadRules } from '../sigma/load.ts';
import { compileRule } from '../kql/compile.ts';
import { getTarget, TARGET_IDS } from '../targets/index.ts';
import { decodeText } from './read-events-file.ts';
import { parseKql } from '../kql/eval/parser.ts';
import { runKql, type RowVerdict } from '../kql/eval/run.ts';
import { readTargetRows } from '../kql/eval/read-target-rows.ts';
import { compareVerdicts } from '../kql/eval/differential.ts';
import { readEvents } from '../engine/read-events.ts';

const USAGE = 'usage: siglab run RULE.yml|QUERY.kql ROWS --target ID [--json] [--table NAME] [--rule N] [--sigma-events]\n';

interface Args {
  source: string;
  rows: string;
  target: string;
  json: boolean;
  table?: string;
  ruleIndex: number;
  sigmaEvents: boolean;
}

function parseArgs(args: string[]): Args | string {
  const positional: string[] = [];
  let target: string | undefined;
  let table: string | undefined;
  let json = false;
  let sigmaEvents = false;
  let ruleIndex = 0;
  const value = (a: string, i: number): [string | undefined, number] => (a.includes('=') ? [a.slice(a.indexOf('=') + 1), i] : [args[i + 1], i + 1]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--sigma-events') sigmaEvents = true;
    else if (a === '--target' || a.startsWith('--target=')) {
      [target, i] = value(a, i);
      if (!target) return '--target needs a target id';
    } else if (a === '--table' || a.startsWith('--table=')) {
      [table, i] = value(a, i);
      if (!table) return '--table needs a table name';
    } else if (a === '--rule' || a.startsWith('--rule=')) {
      let v: string | undefined;
      [v, i] = value(a, i);
      if (!v || !/^\d+$/.test(v)) return '--rule needs a document index (0, 1, ...)';
      ruleIndex = Number(v);
    } else if (a === '-h' || a === '--help') return '';
    else if (a.startsWith('--')) return `unknown option '${a}'`;
    else positional.push(a);
  }
  if (positional.length !== 2) return positional.length < 2 ? 'a rule or query file and a rows file are required' : `unexpected argument '${positional[2]}'`;
  if (!target) return `--target is required (${TARGET_IDS.join(', ')})`;
  if (!getTarget(target)) return `unknown target '${target}' (${TARGET_IDS.join(', ')})`;
  return { source: positional[0], rows: positional[1], target, json, table, ruleIndex, sigmaEvents };
}

function readText(file: string): string {
  return decodeText(new Uint8Array(file === '-' ? readFileSync(0) : readFileSync(file)));
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}

const word = (k: RowVerdict['kept']): string => (k === true ? 'kept' : k === false ? 'dropped' : 'undetermined');

/** Tables a query reads (its sources), to bind the rows to. */
function queryTables(query: string): string[] {
  const ast = parseKql(query).ast;
  const out = new Set<string>();
  const lets = new Set<string>();
  for (const st of ast?.statements ?? []) {
    const visit = (t: { source: { k: string; name?: string; sources?: unknown[] }; operators: Array<{ k: string; sources?: unknown[] }> }): void => {
      if (t.source.k === 'table' && t.source.name && !lets.has(t.source.name)) out.add(t.source.name);
      for (const s of (t.source.sources ?? []) as Array<typeof t>) visit(s);
      for (const op of t.operators) for (const s of (op.sources ?? []) as Array<typeof t>) visit(s);
    };
    if (st.k === 'let') {
      if (st.value.kind === 'tabular') visit(st.value.tabular as never);
      lets.add(st.name);
    } else visit(st.tabular as never);
  }
  return [...out];
}

export async function runCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    if (parsed) io.stderr(`siglab run: ${parsed}\n`);
    io.stderr(USAGE);
    return parsed ? 2 : 0;
  }
  if (parsed.source === '-' && parsed.rows === '-') {
    io.stderr('siglab run: the query and the rows cannot both be standard input\n');
    return 2;
  }
  let sourceText: string;
  let rowsText: string;
  try {
    sourceText = readText(parsed.source);
  } catch (e) {
    io.stderr(`${parsed.source}:1:1: error source-unreadable cannot read the file: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    rowsText = readText(parsed.rows);
  } catch (e) {
    io.stderr(`${parsed.rows}:1:1: error rows-unreadable cannot read the rows: ${(e as Error).message}\n`);
    return 1;
  }
  const diagnostics: Array<{ file: string; d: Diagnostic }> = [];
  const isKql = /\.(kql|csl|kusto)$/i.test(parsed.source) || (!/\.ya?ml$/i.test(parsed.source) && !/^\s*(title|detection|logsource)\s*:/m.test(sourceText));
  let query: string;
  let table: string | undefined;
  if (isKql) {
    if (parsed.sigmaEvents) {
      io.stderr('siglab run: --sigma-events needs a Sigma rule, not a query\n');
      return 2;
    }
    query = sourceText;
  } else {
    const loaded = loadRules(sourceText);
    for (const d of loaded.diagnostics) diagnostics.push({ file: parsed.source, d });
    const rule = loaded.rules[parsed.ruleIndex];
    if (!rule) {
      for (const { file, d } of diagnostics) io.stderr(formatDiagnostic(file, d) + '\n');
      io.stderr(`siglab run: ${parsed.source}: no Sigma rule ${parsed.ruleIndex}\n`);
      return 1;
    }
    if (parsed.sigmaEvents) return sigmaEventsMode(parsed, rule, rowsText, diagnostics, io);
    const compiled = compileRule(rule, parsed.target, { validate: false });
    for (const d of compiled.diagnostics) diagnostics.push({ file: parsed.source, d });
    if (!compiled.ok) {
      for (const { file, d } of diagnostics) io.stderr(formatDiagnostic(file, d) + '\n');
      return 1;
    }
    query = compiled.query;
    table = compiled.table;
  }
  const read = readTargetRows(rowsText, parsed.target, parsed.table);
  const sources = queryTables(query);
  const bind = parsed.table ?? table ?? (sources.length === 1 ? sources[0] : read.table);
  if (!bind) {
    for (const d of read.diagnostics) diagnostics.push({ file: parsed.rows, d });
    for (const { file, d } of diagnostics) io.stderr(formatDiagnostic(file, d) + '\n');
    io.stderr('siglab run: cannot tell which table the rows are; pass --table NAME\n');
    return 1;
  }
  for (const d of read.diagnostics) if (d.code !== 'table-not-recognised' || !bind) diagnostics.push({ file: parsed.rows, d });
  if (read.table && read.table !== bind && !parsed.table) {
    diagnostics.push({ file: parsed.rows, d: { code: 'table-mismatch', severity: 'warning', message: `the rows look like ${read.table}, but the query reads ${bind}; running them as ${bind}` } });
  }
  const res = runKql(query, { [bind]: read.rows }, { target: parsed.target });
  for (const d of res.diagnostics) diagnostics.push({ file: isKql ? parsed.source : '<query>', d });
  const failed = diagnostics.some(({ d }) => d.severity === 'error') || hasErrors(res.diagnostics);
  for (const { file, d } of diagnostics) io.stderr(formatDiagnostic(file, d) + '\n');
  const summary = { kept: 0, dropped: 0, undetermined: 0 };
  for (const r of res.rows) summary[word(r.kept) as keyof typeof summary]++;
  if (parsed.json) {
    io.stdout(
      JSON.stringify({
        query,
        table: bind,
        rows: res.rows.map((r) => ({ index: r.index, kept: r.kept, explanation: r.explanation })),
        output: res.output,
        summary,
        diagnostics: diagnostics.map(({ file, d }) => ({ file, ...d })),
      }) + '\n',
    );
  } else {
    const width = Math.max(5, String(Math.max(0, res.rows.length - 1)).length);
    const lines = [`${'index'.padEnd(width)}  ${'verdict'.padEnd(12)}  reason`];
    for (const r of res.rows) lines.push(`${String(r.index).padEnd(width)}  ${word(r.kept).padEnd(12)}  ${oneLine(r.explanation.summary)}`);
    const n = res.rows.length;
    lines.push('', `${n} row${n === 1 ? '' : 's'} of ${bind}: ${summary.kept} kept, ${summary.dropped} dropped, ${summary.undetermined} undetermined`);
    io.stdout(lines.join('\n') + '\n');
  }
  return failed ? 1 : 0;
}

function sigmaEventsMode(parsed: Args, rule: Parameters<typeof compareVerdicts>[0], rowsText: string, diagnostics: Array<{ file: string; d: Diagnostic }>, io: CommandIO): number {
  const read = readEvents(rowsText);
  for (const d of read.diagnostics) diagnostics.push({ file: parsed.rows, d });
  const res = compareVerdicts(rule, read.events, parsed.target);
  for (const d of res.diagnostics) diagnostics.push({ file: parsed.source, d });
  for (const { file, d } of diagnostics) io.stderr(formatDiagnostic(file, d) + '\n');
  if (!res.compiled) return 1;
  const disagreements = res.pairs.filter((p) => !p.agree).length;
  if (parsed.json) {
    io.stdout(
      JSON.stringify({
        query: res.query,
        table: res.table,
        events: res.pairs.map((p) => ({
          index: p.index,
          sigma: p.sigmaResult.verdict,
          kql: p.kql,
          agree: p.agree,
          row: p.row,
          notes: p.notes,
          sigmaReasons: p.sigmaResult.reasons,
          kqlExplanation: p.kqlResult?.explanation,
        })),
        summary: { events: res.pairs.length, disagreements },
        diagnostics: diagnostics.map(({ file, d }) => ({ file, ...d })),
      }) + '\n',
    );
  } else {
    const lines = ['index  sigma     kql           agree  reason'];
    for (const p of res.pairs) {
      const why = p.agree ? (p.kqlResult?.explanation.summary ?? '') : `TRANSLATION PROBLEM — Sigma: ${p.sigmaResult.reasons[0] ?? ''} | KQL: ${p.kqlResult?.explanation.summary ?? ''}`;
      lines.push(`${String(p.index).padEnd(5)}  ${p.sigmaResult.verdict.padEnd(8)}  ${word(p.kql).padEnd(12)}  ${p.agree ? 'yes  ' : 'NO   '}  ${oneLine(why)}${p.notes.length ? ` (row notes: ${oneLine(p.notes.join('; '))})` : ''}`);
    }
    lines.push('', `${res.pairs.length} events on ${res.table}: ${disagreements} disagreement${disagreements === 1 ? '' : 's'}`);
    io.stdout(lines.join('\n') + '\n');
  }
  return disagreements > 0 || hasErrors(diagnostics.map((x) => x.d)) ? 1 : 0;
}
