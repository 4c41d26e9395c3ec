/**
 * The events worker's handlers for running the compiled KQL over the pasted rows (issue 7) and
 * for correlations (issue 8). The worker holds the events; these read them as the target's
 * rows (`readTargetRows`, so portal exports' `Timestamp [UTC]` headers are understood) or as
 * Sigma events, and answer with compact results. A run over many rows goes in slices with a
 * yield between them, so a newer request (a keystroke, a target switch) stops it.
 */
import { compileMatcher, loadRules, type LogEvent } from '../../src/index.ts';
import { compareVerdicts, readTargetRows, runKql, type InputRow, type RowVerdict } from '../../src/kql/eval/index.ts';
import { evaluateCorrelations } from '../../src/engine/correlate.ts';
import { explainDetail } from './results.ts';
import type { ComparePair, KeptCode, KqlRunSummary, RunFromWorker, RunToWorker, TargetRowsInfo } from './run-protocol.ts';

/** Rows per slice of a verdict-only run (about 0.1 s at the evaluator's speed). */
const SLICE = 1500;
/** Rows whose list entry carries its one-sentence explanation (explaining costs about 3× a verdict). */
const EXPLAIN_FIRST = 2000;
/** The latest run request; an older loop stops at its next slice. */
let latestRun = 0;

/** Rows cached per events array and target: reading them again for every keystroke is wasteful. */
let cache: { events: readonly LogEvent[]; targetId: string; table?: string; rows: InputRow[]; info: TargetRowsInfo } | undefined;

function asJson(events: readonly LogEvent[]): string {
  return JSON.stringify(events.map((e) => e.data));
}

function targetRows(events: readonly LogEvent[], targetId: string, table?: string): { rows: InputRow[]; info: TargetRowsInfo } {
  if (cache && cache.events === events && cache.targetId === targetId && (table === undefined || cache.info.table === table)) return cache;
  // Detection looks at a sample; the full rows are read only when a table is recognised.
  const sample = readTargetRows(asJson(events.slice(0, 200)), targetId, table);
  const columns = new Set<string>();
  for (const r of sample.rows) for (const k of Object.keys(r)) columns.add(k);
  const info: TargetRowsInfo = { table: sample.table, candidates: sample.candidates, columns: [...columns], count: events.length };
  const rows = !sample.table ? [] : events.length <= 200 ? sample.rows : readTargetRows(asJson(events), targetId, sample.table).rows;
  cache = { events, targetId, table, rows, info };
  return cache;
}

const keptCode = (k: boolean | 'undetermined' | undefined): KeptCode => (k === true ? 1 : k === false ? 0 : 2);

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The columns a query reads, in the rows' column order (a cheap look at the query text). */
function queryColumns(query: string, columns: string[]): string[] {
  const words = new Set(query.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  return columns.filter((c) => words.has(c)).slice(0, 5);
}

const hasSummarize = (query: string) => /\|\s*summarize\b/.test(query);

async function run(m: Extract<RunToWorker, { type: 'kql-run' }>, events: readonly LogEvent[]): Promise<RunFromWorker> {
  const started = performance.now();
  const me = ++latestRun;
  const { rows } = targetRows(events, m.targetId, m.table);
  const total = rows.length;
  const kept = new Uint8Array(total);
  const summaries: string[] = new Array(total);
  const messages = new Set<string>();
  const columns = queryColumns(m.query, cacheColumns());
  // A summarize needs every row at once; a row-by-row query runs in slices.
  const step = hasSummarize(m.query) ? Math.max(1, total) : SLICE;
  let stopped = false;
  for (let from = 0; from < total || (total === 0 && from === 0); from += step) {
    const slice = rows.slice(from, from + step);
    // The one-sentence why of the first rows (those a person scrolls through); verdicts only beyond.
    const base = from;
    const r = runKql(m.query, { [m.table]: slice }, { target: m.targetId, explain: (_t, i) => base + i < EXPLAIN_FIRST });
    for (const d of r.diagnostics) if (d.severity !== 'info') messages.add(d.message);
    const byIndex = new Map<number, RowVerdict>();
    for (const v of r.rows) if (v.table === m.table) byIndex.set(v.index, v);
    for (let i = 0; i < slice.length; i++) {
      const v = byIndex.get(i);
      kept[from + i] = keptCode(v?.kept);
      summaries[from + i] = v?.explanation.summary ?? 'not evaluated';
    }
    if (total === 0) break;
    if (from + step < total) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (me !== latestRun) {
        stopped = true;
        break;
      }
    }
  }
  if (stopped) return { type: 'kql-ran', reqId: m.reqId, error: 'superseded' };
  const counts = { kept: 0, dropped: 0, undetermined: 0 };
  for (let i = 0; i < total; i++) {
    if (kept[i] === 1) counts.kept++;
    else if (kept[i] === 0) counts.dropped++;
    else counts.undetermined++;
  }
  const cells: string[] = [];
  const shownRows = Math.min(total, 20_000);
  for (let i = 0; i < shownRows; i++) for (const c of columns) cells.push(cellText(rows[i][c]));
  const summary: KqlRunSummary = { table: m.table, total, kept, summaries, counts, columns, cells, messages: [...messages].slice(0, 8), runMs: performance.now() - started };
  return { type: 'kql-ran', reqId: m.reqId, summary };
}

function cacheColumns(): string[] {
  return cache?.info.columns ?? [];
}

function explainRow(m: Extract<RunToWorker, { type: 'kql-explain' }>, events: readonly LogEvent[]): RunFromWorker {
  const { rows } = targetRows(events, m.targetId, m.table);
  const row = rows[m.index];
  if (!row) return { type: 'kql-explained', reqId: m.reqId, error: 'That row no longer exists.' };
  // Row-by-row queries decide each row alone; a summarize needs the other rows of its group.
  const whole = hasSummarize(m.query);
  const r = runKql(m.query, { [m.table]: whole ? rows : [row] }, { target: m.targetId, explain: whole ? (t, i) => t === m.table && i === m.index : true });
  const v = r.rows.find((x) => x.table === m.table && x.index === (whole ? m.index : 0));
  const error = v ? undefined : (r.diagnostics.find((d) => d.severity === 'error')?.message ?? 'The row was not evaluated.');
  return { type: 'kql-explained', reqId: m.reqId, explanation: v?.explanation, kept: keptCode(v?.kept), row: { ...row }, error };
}

async function compare(m: Extract<RunToWorker, { type: 'kql-compare' }>, events: readonly LogEvent[]): Promise<RunFromWorker> {
  const started = performance.now();
  const me = ++latestRun;
  const rule = loadRules(m.ruleText, { placeholders: m.settings.placeholders }).rules[0];
  if (!rule) return { type: 'kql-compared', reqId: m.reqId, error: 'No rule to compare.' };
  const pairs: ComparePair[] = [];
  let table: string | undefined;
  for (let from = 0; from < events.length; from += SLICE) {
    const slice = events.slice(from, from + SLICE);
    const d = compareVerdicts(rule, slice, m.targetId, { ...m.settings, explain: from < EXPLAIN_FIRST });
    if (!d.compiled) {
      const why = d.diagnostics.find((x) => x.severity === 'error')?.message ?? 'the rule does not compile for this target';
      return { type: 'kql-compared', reqId: m.reqId, summary: { pairs: [], counts: { agree: 0, disagree: 0, undetermined: 0 }, runMs: 0, error: why } };
    }
    table = d.table;
    for (const p of d.pairs) {
      pairs.push({ index: from + p.index, sigma: p.sigma, kql: keptCode(p.kql), agree: p.agree, summary: p.kqlResult?.explanation.summary ?? '' });
    }
    if (from + SLICE < events.length) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (me !== latestRun) return { type: 'kql-compared', reqId: m.reqId, error: 'superseded' };
    }
  }
  const counts = { agree: 0, disagree: 0, undetermined: 0 };
  for (const p of pairs) {
    if (p.kql === 2) counts.undetermined++;
    else if (p.agree) counts.agree++;
    else counts.disagree++;
  }
  return { type: 'kql-compared', reqId: m.reqId, summary: { table, pairs, counts, runMs: performance.now() - started } };
}

function compareExplain(m: Extract<RunToWorker, { type: 'kql-compare-explain' }>, events: readonly LogEvent[]): RunFromWorker {
  const rule = loadRules(m.ruleText, { placeholders: m.settings.placeholders }).rules[0];
  const e = events[m.index];
  if (!rule || !e) return { type: 'kql-compare-explained', reqId: m.reqId, error: !rule ? 'No rule.' : 'That event no longer exists.' };
  const d = compareVerdicts(rule, [{ ...e, index: 0 }], m.targetId, { ...m.settings, explain: true });
  const p = d.pairs[0];
  const sigma = explainDetail(compileMatcher(rule, { placeholders: m.settings.placeholders }), e, m.index);
  return {
    type: 'kql-compare-explained',
    reqId: m.reqId,
    detail: { index: m.index, sigma, kql: p?.kqlResult?.explanation, kqlKept: keptCode(p?.kql), row: p?.row ? { ...p.row } : undefined, notes: p?.notes ?? [], table: d.table },
  };
}

function correlate(m: Extract<RunToWorker, { type: 'correlate' }>, events: readonly LogEvent[]): RunFromWorker {
  const load = loadRules(m.ruleText, { placeholders: m.settings.placeholders });
  if (!load.correlations?.length) return { type: 'correlated', reqId: m.reqId, error: 'The rule text has no correlation.' };
  const evaluation = evaluateCorrelations(load, events, { timestampField: m.timestampField || undefined });
  return { type: 'correlated', reqId: m.reqId, evaluation };
}

/** Handles one of the run messages; `post` answers the page. Never throws. */
export async function handleRunMessage(m: RunToWorker, events: readonly LogEvent[], post: (r: RunFromWorker) => void): Promise<void> {
  const fail = (error: string): RunFromWorker => {
    switch (m.type) {
      case 'kql-detect':
        return { type: 'kql-detected', reqId: m.reqId, info: { candidates: [], columns: [], count: 0 } };
      case 'kql-run':
        return { type: 'kql-ran', reqId: m.reqId, error };
      case 'kql-explain':
        return { type: 'kql-explained', reqId: m.reqId, error };
      case 'kql-compare':
        return { type: 'kql-compared', reqId: m.reqId, error };
      case 'kql-compare-explain':
        return { type: 'kql-compare-explained', reqId: m.reqId, error };
      case 'correlate':
        return { type: 'correlated', reqId: m.reqId, error };
    }
  };
  try {
    switch (m.type) {
      case 'kql-detect':
        post({ type: 'kql-detected', reqId: m.reqId, info: targetRows(events, m.targetId).info });
        break;
      case 'kql-run':
        post(await run(m, events));
        break;
      case 'kql-explain':
        post(explainRow(m, events));
        break;
      case 'kql-compare':
        post(await compare(m, events));
        break;
      case 'kql-compare-explain':
        post(compareExplain(m, events));
        break;
      case 'correlate':
        post(correlate(m, events));
        break;
    }
  } catch (e) {
    post(fail(e instanceof Error ? e.message : String(e)));
  }
}
