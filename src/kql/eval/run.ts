/**
 * `runKql`: runs a KQL query over rows (e.g. pasted exports of Sentinel or Defender tables) and
 * says, for every input row, whether the query keeps it (the row reaches the output, or its
 * `summarize` group does), drops it, or whether that is undetermined because the documentation
 * leaves a null-related result open (see readings.ts) or the query uses something the evaluator
 * does not implement. Each verdict comes with an explanation down to the predicate that decided
 * it and the values it saw, with spans in the query text.
 */
import { LineIndex, type Diagnostic, type SourceRange } from '../../diagnostics.ts';
import type { TableSchema, TargetDefinition } from '../../targets/types.ts';
import { getTarget } from '../../targets/index.ts';
import type { Assignment, Expr, Operator, QueryAst, Span, Tabular } from './ast.ts';
import { parseKql } from './parser.ts';
import { Choices, DIMENSIONS, enumerateReadings, type ChoiceFact, type DimensionId } from './readings.ts';
import { EvalError, evalScalar, type Row, type ScalarContext, type TraceNode } from './scalar.ts';
import { decidingFacts, type PredicateFact } from './explain.ts';
import { display, isNull, parseDatetime, toStringValue, typedValue, type KType, type KValue, type TypeIssue } from './values.ts';

/** A row as given: column name → plain value (string, number, boolean, null, object/array for dynamic). */
export type InputRow = Record<string, unknown>;

export interface RunOptions {
  /** Column types come from this target's tables (a `TargetDefinition` or its id). */
  target?: string | TargetDefinition;
  /** Column types per table; takes precedence over `target`. */
  schemas?: Record<string, TableSchema>;
  /**
   * Build explanations (default true). Without them, verdicts are about three times cheaper;
   * a function explains only the rows it selects (e.g. the rows on screen of a large table).
   */
  explain?: boolean | ((table: string, index: number) => boolean);
  /** The time now() and ago() use (ISO text or Date); without it they are not supported. */
  now?: string | Date;
  /** Polled every 1,024 rows; when it returns true, evaluation stops (an `evaluation-stopped` info says where). */
  shouldStop?: () => boolean;
  /** Called every 1,024 rows and at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface ReadingOutcome {
  /** The reading of each open question this row reached, e.g. `{ "not-null": "null" }`. */
  reading: Record<string, string>;
  kept: boolean;
  /** Where in the query each open question was reached and with which values. */
  choices: Array<ChoiceFact & { range: SourceRange; question: string }>;
}

export interface RowExplanation {
  /** One sentence. */
  summary: string;
  /** The operator that decided (the `where` that dropped the row, ...). */
  step?: { operator: string; span: Span; range: SourceRange };
  /** The predicates that decided, with the values they saw. */
  predicates: PredicateFact[];
  /** For undetermined rows: the outcome under each documented reading. */
  readings?: ReadingOutcome[];
  /** For rows the evaluator could not decide because of an unsupported construct or a type error. */
  error?: { code: string; message: string; span: Span; range: SourceRange };
}

export interface RowVerdict {
  /** The input table the row comes from. */
  table: string;
  /** 0-based index of the row in `tables[table]`. */
  index: number;
  kept: boolean | 'undetermined';
  explanation: RowExplanation;
}

export interface RunResult {
  rows: RowVerdict[];
  /** The query's result table (kept rows after extend/project, or summarize groups). */
  output: { columns: string[]; rows: Array<Record<string, unknown>> };
  diagnostics: Diagnostic[];
}

interface Leg {
  table: string;
  ops: Operator[];
}

interface Plan {
  legs: Leg[];
  summarize?: Extract<Operator, { k: 'summarize' }>;
  after: Operator[];
  take?: Extract<Operator, { k: 'take' }>;
}

class Runner {
  readonly diagnostics: Diagnostic[] = [];
  private readonly reported = new Set<string>();
  readonly lines: LineIndex;
  readonly scalars = new Map<string, KValue>();
  readonly tabulars = new Map<string, Plan>();
  readonly now?: bigint;

  constructor(readonly query: string, readonly tables: Record<string, readonly InputRow[]>, readonly schemas: Record<string, TableSchema>, readonly options: RunOptions) {
    this.lines = new LineIndex(query);
    if (options.now !== undefined) {
      const text = options.now instanceof Date ? options.now.toISOString() : options.now;
      this.now = parseDatetime(text);
    }
  }

  range(span: Span): SourceRange {
    return this.lines.range(span.start, Math.max(span.end, span.start + 1));
  }

  report(code: string, severity: Diagnostic['severity'], message: string, span?: Span): void {
    const key = `${code}|${span?.start}|${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const at = span ? this.lines.position(span.start) : undefined;
    this.diagnostics.push({ code, severity, message: at ? `${message} at ${at.line}:${at.column}` : message, range: span ? this.range(span) : undefined });
  }

  // ---- planning --------------------------------------------------------------------------------

  plan(t: Tabular): Plan | undefined {
    let base: Plan | undefined;
    if (t.source.k === 'table') {
      const name = t.source.name;
      const bound = this.tabulars.get(name);
      if (bound) base = { legs: bound.legs.map((l) => ({ table: l.table, ops: [...l.ops] })), summarize: bound.summarize, after: [...bound.after], take: bound.take };
      else {
        if (!Object.hasOwn(this.tables, name) && !Object.hasOwn(this.schemas, name)) {
          const known = Object.keys(this.tables);
          this.report('kql-unknown-table', 'error', `unknown table '${name}'${known.length ? ` (rows were given for ${known.join(', ')})` : ''}`, t.source.span);
          return undefined;
        }
        base = { legs: [{ table: name, ops: [] }], after: [] };
      }
    } else {
      base = this.union(t.source.sources, { legs: [], after: [] });
      if (!base) return undefined;
    }
    for (const op of t.operators) {
      if (base.take) {
        this.report('kql-not-supported', 'error', 'not supported: operators after take/limit', op.span);
        return undefined;
      }
      if (op.k === 'union') {
        if (base.summarize) {
          this.report('kql-not-supported', 'error', 'not supported: union after summarize', op.span);
          return undefined;
        }
        const merged = this.union(op.sources, base);
        if (!merged) return undefined;
        base = merged;
      } else if (op.k === 'summarize') {
        if (base.summarize) {
          this.report('kql-not-supported', 'error', 'not supported: a second summarize', op.span);
          return undefined;
        }
        base.summarize = op;
      } else if (op.k === 'take') {
        base.take = op;
      } else if (base.summarize) base.after.push(op);
      else for (const leg of base.legs) leg.ops.push(op);
    }
    return base;
  }

  private union(sources: Tabular[], into: Plan): Plan | undefined {
    if (into.summarize) return undefined;
    const legs = [...into.legs];
    for (const s of sources) {
      const p = this.plan(s);
      if (!p) return undefined;
      if (p.summarize || p.take) {
        this.report('kql-not-supported', 'error', 'not supported: summarize or take inside a union leg', s.span);
        return undefined;
      }
      legs.push(...p.legs);
    }
    return { legs, after: [] };
  }

  // ---- rows -----------------------------------------------------------------------------------

  columnTypes(table: string): Map<string, KType> {
    const types = new Map<string, KType>();
    const schema = this.schemas[table];
    if (schema) for (const [c, t] of Object.entries(schema)) types.set(c, t === 'decimal' ? 'real' : (t as KType));
    else {
      for (const row of this.tables[table] ?? []) {
        for (const [c, v] of Object.entries(row)) if (!types.has(c) && v !== null && v !== undefined) types.set(c, typedValue(v, undefined).t);
      }
    }
    return types;
  }

  typedRow(table: string, raw: InputRow, types: Map<string, KType>, issues: TypeIssue[]): Row {
    const row: Row = new Map();
    const schema = this.schemas[table];
    for (const [c, v] of Object.entries(raw)) {
      const declared = schema?.[c];
      row.set(c, typedValue(v, declared ?? (schema ? undefined : types.get(c)), issues));
    }
    return row;
  }

  /** Runs one row through a leg's operators under one reading. */
  runLeg(row: Row, types: Map<string, KType>, ops: Operator[], choices: Choices, trace?: { at: number; nodes: TraceNode[] }): { kept: boolean; at?: number; row: Row; value?: KValue } {
    let current = row;
    const ctx: ScalarContext = { row: current, columnTypes: types, scalars: this.scalars, choices, now: this.now };
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      ctx.row = current;
      ctx.trace = trace && trace.at === i ? trace.nodes : undefined;
      if (op.k === 'where') {
        const v = evalScalar(op.predicate, ctx);
        if (v.t !== 'bool' && !(v.t === 'dynamic' && (typeof v.v === 'boolean' || v.v === null))) {
          throw new EvalError('kql-type', `where needs a bool predicate, but this is ${v.t}`, op.predicate.span);
        }
        if (v.v !== true) return { kept: false, at: i, row: current, value: v };
      } else if (op.k === 'extend') {
        const next = new Map(current);
        ctx.row = next;
        op.items.forEach((a, k) => next.set(assignedName(a, k), evalScalar(a.expr, ctx)));
        current = next;
      } else if (op.k === 'project') {
        const next: Row = new Map();
        op.items.forEach((a, k) => next.set(assignedName(a, k), evalScalar(a.expr, ctx)));
        current = next;
      }
    }
    return { kept: true, row: current };
  }
}

function assignedName(a: Assignment, k: number): string {
  if (a.name) return a.name;
  if (a.expr.k === 'column') return a.expr.name;
  if (a.expr.k === 'member') return a.expr.name;
  // Kusto names `by bin(T, 1h)` after its column.
  if (a.expr.k === 'call' && (a.expr.name === 'bin' || a.expr.name === 'floor') && a.expr.args[0]?.k === 'column') return a.expr.args[0].name;
  return `Column${k + 1}`;
}

function plain(v: KValue): unknown {
  if (v.t === 'string') return v.v;
  if (v.v === null) return null;
  switch (v.t) {
    case 'int':
    case 'long':
      return v.v! >= BigInt(Number.MIN_SAFE_INTEGER) && v.v! <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.v) : v.v!.toString();
    case 'datetime':
    case 'timespan':
    case 'guid':
      return toStringValue(v);
    default:
      return v.v;
  }
}

function schemasOf(options: RunOptions): Record<string, TableSchema> {
  const target = typeof options.target === 'string' ? getTarget(options.target) : options.target;
  return { ...(target?.tables ?? {}), ...(options.schemas ?? {}) };
}

function describeStep(op: Operator): string {
  return op.k;
}

/** Parses and runs `query` over `tables`. Never throws. */
export function runKql(query: string, tables: Record<string, readonly InputRow[]>, options: RunOptions = {}): RunResult {
  const parsed = parseKql(query);
  const empty: RunResult = { rows: [], output: { columns: [], rows: [] }, diagnostics: parsed.diagnostics };
  if (!parsed.ast || parsed.diagnostics.some((d) => d.severity === 'error')) {
    return { ...empty, rows: unjudged(tables, parsed.ast, query, parsed.diagnostics) };
  }
  if (typeof options.target === 'string' && !getTarget(options.target)) {
    return { ...empty, diagnostics: [...parsed.diagnostics, { code: 'unknown-target', severity: 'error', message: `unknown target '${options.target}'` }] };
  }
  const runner = new Runner(query, tables, schemasOf(options), options);
  runner.diagnostics.push(...parsed.diagnostics);
  try {
    return execute(runner, parsed.ast, options);
  } catch (e) {
    if (e instanceof EvalError) {
      runner.report(e.code, 'error', e.message, e.span);
      return { rows: [], output: { columns: [], rows: [] }, diagnostics: runner.diagnostics };
    }
    if (e instanceof RangeError) {
      runner.report('kql-too-complex', 'error', 'the query is too deeply nested to evaluate');
      return { rows: [], output: { columns: [], rows: [] }, diagnostics: runner.diagnostics };
    }
    throw e;
  }
}

/** Rows of the referenced tables, all undetermined, when the query cannot run. */
function unjudged(tables: Record<string, readonly InputRow[]>, ast: QueryAst | undefined, query: string, diagnostics: Diagnostic[]): RowVerdict[] {
  const first = diagnostics.find((d) => d.severity === 'error');
  const names = new Set<string>();
  const visit = (t: Tabular): void => {
    if (t.source.k === 'table') names.add(t.source.name);
    else t.source.sources.forEach(visit);
    for (const op of t.operators) if (op.k === 'union') op.sources.forEach(visit);
  };
  for (const s of ast?.statements ?? []) {
    if (s.k === 'query') visit(s.tabular);
    else if (s.value.kind === 'tabular') visit(s.value.tabular);
  }
  if (names.size === 0) for (const n of Object.keys(tables)) names.add(n);
  void query;
  const out: RowVerdict[] = [];
  for (const n of names) {
    (tables[n] ?? []).forEach((_, index) =>
      out.push({ table: n, index, kept: 'undetermined', explanation: { summary: `the query has errors: ${first?.message ?? 'it could not be parsed'}`, predicates: [] } }),
    );
  }
  return out;
}

function execute(runner: Runner, ast: QueryAst, options: RunOptions): RunResult {
  let main: Plan | undefined;
  for (const st of ast.statements) {
    if (st.k === 'let') {
      if (st.value.kind === 'scalar') {
        const ctx: ScalarContext = { row: new Map(), columnTypes: new Map(), scalars: runner.scalars, choices: new Choices(), now: runner.now };
        runner.scalars.set(st.name, evalScalar(st.value.expr, ctx));
      } else {
        const p = runner.plan(st.value.tabular);
        if (p) runner.tabulars.set(st.name, p);
      }
    } else main = runner.plan(st.tabular);
  }
  if (!main) {
    if (!runner.diagnostics.some((d) => d.severity === 'error')) runner.report('kql-no-query', 'error', 'the query has only let statements and no tabular expression to run');
    return { rows: [], output: { columns: [], rows: [] }, diagnostics: runner.diagnostics };
  }
  const explainOption = options.explain;
  const explainRow = (table: string, index: number): boolean => (typeof explainOption === 'function' ? explainOption(table, index) : explainOption !== false);
  const explain = explainOption !== false;
  const rows: RowVerdict[] = [];
  const survivors: Array<{ verdict: RowVerdict; row: Row }> = [];
  let typeIssues = 0;
  const total = main.legs.reduce((n, leg) => n + (runner.tables[leg.table]?.length ?? 0), 0);
  let done = 0;
  let stopped = false;
  for (const leg of main.legs) {
    const types = runner.columnTypes(leg.table);
    const input = runner.tables[leg.table] ?? [];
    if (stopped) break;
    input.every((raw, index) => {
      if (done > 0 && done % 1024 === 0) {
        options.onProgress?.(done, total);
        if (options.shouldStop?.()) {
          stopped = true;
          runner.report('evaluation-stopped', 'info', `evaluation stopped after ${done} of ${total} rows`);
          return false;
        }
      }
      done++;
      const issues: TypeIssue[] = [];
      const row = runner.typedRow(leg.table, raw ?? {}, types, issues);
      if (issues.length) {
        typeIssues += issues.length;
        if (typeIssues <= 5) runner.report('kql-row-type', 'warning', `${leg.table} row ${index}: ${issues[0].message}; read as null`);
      }
      const { verdict, final } = judgeRow(runner, leg, row, types, index, explainRow(leg.table, index));
      rows.push(verdict);
      if (verdict.kept !== false && final) survivors.push({ verdict, row: final });
      return true;
    });
  }
  options.onProgress?.(done, total);
  if (typeIssues > 5) runner.report('kql-row-type', 'warning', `${typeIssues} values in all did not fit their column's type and were read as null`);

  let outputRows: Row[];
  if (main.summarize) outputRows = summarize(runner, main, survivors, explain);
  else outputRows = survivors.filter((s) => s.verdict.kept === true).map((s) => s.row);

  if (main.take) {
    const ctx: ScalarContext = { row: new Map(), columnTypes: new Map(), scalars: runner.scalars, choices: new Choices(), now: runner.now };
    const n = evalScalar(main.take.count, ctx);
    const limit = n.t === 'long' || n.t === 'int' ? Number(n.v ?? 0n) : NaN;
    if (!Number.isFinite(limit)) runner.report('kql-type', 'error', 'take needs a whole number', main.take.count.span);
    else if (outputRows.length > limit) {
      // Documented: take returns the requested number of rows with no guarantee which ones.
      for (const s of survivors) {
        if (s.verdict.kept !== true) continue;
        s.verdict.kept = 'undetermined';
        s.verdict.explanation.summary = `${outputRows.length} rows reach '${runner.query.slice(main.take.span.start, main.take.span.end)}', which returns an arbitrary ${limit} of them`;
        s.verdict.explanation.step = { operator: 'take', span: main.take.span, range: runner.range(main.take.span) };
      }
      outputRows = outputRows.slice(0, limit);
    }
  }
  const columns: string[] = [];
  for (const r of outputRows) for (const c of r.keys()) if (!columns.includes(c)) columns.push(c);
  const output = { columns, rows: outputRows.map((r) => Object.fromEntries([...r].map(([k, v]) => [k, plain(v)]))) };
  return { rows, output, diagnostics: runner.diagnostics };
}

function readingOf(runner: Runner, choices: Choices): ReadingOutcome['choices'] {
  return choices.facts.map((f) => ({ ...f, range: runner.range(f.span), question: DIMENSIONS[f.dimension].question }));
}

function judgeRow(runner: Runner, leg: Leg, row: Row, types: Map<string, KType>, index: number, explain: boolean): { verdict: RowVerdict; final?: Row } {
  type Outcome = { kept: boolean; at?: number; row: Row; value?: KValue } | { error: EvalError };
  const outcomes = enumerateReadings<Outcome>((choices) => {
    try {
      return runner.runLeg(row, types, leg.ops, choices);
    } catch (e) {
      if (e instanceof EvalError) return { error: e };
      throw e;
    }
  });
  const error = outcomes.find((o) => 'error' in o.result)?.result as { error: EvalError } | undefined;
  if (error) {
    const e = error.error;
    runner.report(e.code, 'error', e.message, e.span);
    const at = runner.lines.position(e.span.start);
    return {
      verdict: {
        table: leg.table,
        index,
        kept: 'undetermined',
        explanation: { summary: `not evaluated: ${e.message} at ${at.line}:${at.column}`, predicates: [], error: { code: e.code, message: e.message, span: e.span, range: runner.range(e.span) } },
      },
    };
  }
  const results = outcomes.map((o) => o.result as Exclude<Outcome, { error: EvalError }>);
  const keptSet = new Set(results.map((r) => r.kept));
  const first = results[0];
  // Past MAX_READINGS combinations the unexplored ones could disagree: never claim a verdict.
  const kept: boolean | 'undetermined' = keptSet.size > 1 || outcomes.truncated ? 'undetermined' : first.kept;
  const explanation: RowExplanation = { summary: '', predicates: [] };
  if (explain) {
    const deciding = kept === 'undetermined' ? results.find((r) => !r.kept)! : first;
    const decidingChoices = outcomes[results.indexOf(deciding)].choices;
    if (deciding.at !== undefined) {
      const op = leg.ops[deciding.at];
      const nodes: TraceNode[] = [];
      runner.runLeg(row, types, leg.ops, new Choices(decidingChoices.assigned), { at: deciding.at, nodes });
      const predicates = nodes.length ? decidingFacts(nodes[0], runner.query, runner.lines) : [];
      explanation.step = { operator: describeStep(op), span: op.span, range: runner.range(op.span) };
      explanation.predicates = predicates;
      const at = runner.lines.position(op.span.start);
      const value = deciding.value ? (deciding.value.v === null ? 'null' : display(deciding.value)) : 'false';
      const why = predicates.slice(0, 3).map((p) => `${p.text} is ${p.result}${p.values.length ? ` (${p.values.slice(0, 3).map((v) => `${v.text} = ${v.value}`).join(', ')})` : ''}`).join('; ');
      explanation.summary = `${kept === 'undetermined' ? 'under some readings ' : ''}dropped by the where at ${at.line}:${at.column} (predicate is ${value})${why ? `: ${why}` : ''}`;
    } else {
      const wheres = leg.ops.map((op, i) => ({ op, i })).filter((x) => x.op.k === 'where');
      const last = wheres[wheres.length - 1];
      if (last) {
        const nodes: TraceNode[] = [];
        runner.runLeg(row, types, leg.ops, new Choices(outcomes[0].choices.assigned), { at: last.i, nodes });
        explanation.predicates = nodes.length ? decidingFacts(nodes[0], runner.query, runner.lines) : [];
        explanation.step = { operator: 'where', span: last.op.span, range: runner.range(last.op.span) };
      }
      explanation.summary = wheres.length ? `kept: ${wheres.length === 1 ? 'the where predicate is' : `all ${wheres.length} where predicates are`} true` : 'kept: the query has no filter';
    }
    if (kept === 'undetermined' || outcomes.length > 1) {
      explanation.readings = outcomes.map((o, i) => ({
        reading: Object.fromEntries([...o.choices.assigned].map(([d, k]) => [d, DIMENSIONS[d as DimensionId].options[k]])),
        kept: results[i].kept,
        choices: readingOf(runner, o.choices),
      }));
    }
    if (kept === 'undetermined') {
      const dims = [...new Set(outcomes.flatMap((o) => o.choices.facts.map((f) => f.dimension)))];
      const fact = outcomes[0].choices.facts[0];
      const at = fact ? runner.lines.position(fact.span.start) : undefined;
      explanation.summary =
        `undetermined: depends on a null reading the documentation leaves open (${dims.map((d) => DIMENSIONS[d].question).join(' ')})` +
        (fact && at ? `; first reached at ${at.line}:${at.column} with ${fact.detail}` : '') +
        `. Kept under ${results.filter((r) => r.kept).length} of ${results.length} readings; ${explanation.summary}`;
    }
  } else {
    explanation.summary = kept === true ? 'kept' : kept === false ? 'dropped' : 'undetermined: depends on a null reading the documentation leaves open';
  }
  return { verdict: { table: leg.table, index, kept, explanation }, final: kept === false ? undefined : first.row };
}

// ---- summarize ----------------------------------------------------------------------------------

interface Group {
  keys: Row;
  members: Array<{ verdict: RowVerdict; row: Row }>;
}

function summarize(runner: Runner, plan: Plan, survivors: Array<{ verdict: RowVerdict; row: Row }>, explain: boolean): Row[] {
  const op = plan.summarize!;
  const undetermined = survivors.filter((s) => s.verdict.kept === 'undetermined');
  if (undetermined.length) {
    runner.report('kql-summarize-undetermined', 'warning', `${undetermined.length} undetermined rows are left out of summarize; its counts hold for the readings under which those rows are dropped`, op.span);
  }
  const groups = new Map<string, Group>();
  for (const s of survivors.filter((x) => x.verdict.kept === true)) {
    const ctx: ScalarContext = { row: s.row, columnTypes: new Map(), scalars: runner.scalars, choices: new Choices(), now: runner.now };
    const keys: Row = new Map();
    op.by.forEach((a, k) => keys.set(assignedName(a, k), evalScalar(a.expr, ctx)));
    const id = JSON.stringify([...keys.values()].map((v) => [v.t, toStringValue(v), isNull(v)]));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { keys, members: [] }));
    g.members.push(s);
  }
  // Without `by`, summarize yields one row even for no input.
  if (op.by.length === 0 && groups.size === 0) groups.set('', { keys: new Map(), members: [] });
  const out: Row[] = [];
  for (const g of groups.values()) {
    const row: Row = new Map(g.keys);
    op.aggregates.forEach((a, k) => {
      // Kusto's default names: count_, dcount_User, sum_Bytes, ...
      const name = a.name ?? (a.expr.k === 'call' ? `${a.expr.name}_${a.expr.args[0]?.k === 'column' ? a.expr.args[0].name : ''}` : `Column${k + 1}`);
      row.set(name, aggregate(runner, a.expr, g.members.map((m) => m.row)));
    });
    let groupKept = true;
    let decidedBy: { op: Operator; facts: PredicateFact[] } | undefined;
    let current = row;
    for (const after of plan.after) {
      const readings = enumerateReadings((choices) => runner.runLeg(current, new Map(), [after], choices));
      const keptSet = new Set(readings.map((r) => r.result.kept));
      if (keptSet.size > 1) {
        runner.report('kql-summarize-undetermined', 'warning', 'a filter after summarize depends on a null reading the documentation leaves open; the group is counted as dropped', after.span);
      }
      const r = readings[0].result;
      if (!r.kept || keptSet.size > 1) {
        groupKept = false;
        if (explain && after.k === 'where') {
          const nodes: TraceNode[] = [];
          try {
            runner.runLeg(current, new Map(), [after], new Choices(), { at: 0, nodes });
          } catch {
            // the outcome above already carries the error
          }
          decidedBy = { op: after, facts: nodes.length ? decidingFacts(nodes[0], runner.query, runner.lines) : [] };
        }
        break;
      }
      current = r.row;
    }
    const keyText = [...g.keys].map(([k, v]) => `${k} = ${display(v)}`).join(', ') || 'all rows';
    for (const m of g.members) {
      m.verdict.kept = groupKept;
      if (!explain) continue;
      if (groupKept) m.verdict.explanation.summary = `kept: counted in the summarize group ${keyText}`;
      else if (decidedBy) {
        const at = runner.lines.position(decidedBy.op.span.start);
        m.verdict.explanation = {
          summary: `dropped: its summarize group (${keyText}) is removed by the where at ${at.line}:${at.column}`,
          step: { operator: 'where', span: decidedBy.op.span, range: runner.range(decidedBy.op.span) },
          predicates: decidedBy.facts,
        };
      }
    }
    if (groupKept) out.push(current);
  }
  return out;
}

function aggregate(runner: Runner, e: Expr, rows: Row[]): KValue {
  if (e.k !== 'call') {
    throw new EvalError('kql-not-supported', 'not supported: summarize expects aggregate function calls (count(), dcount(x), sum(x), avg(x), percentile(x, p), ...)', e.span);
  }
  const name = e.name;
  const values = (i: number, filter?: Expr): KValue[] =>
    rows
      .filter((row) => {
        if (!filter) return true;
        const v = evalScalar(filter, { row, columnTypes: new Map(), scalars: runner.scalars, choices: new Choices(), now: runner.now });
        return v.t === 'bool' && v.v === true;
      })
      .map((row) => evalScalar(e.args[i], { row, columnTypes: new Map(), scalars: runner.scalars, choices: new Choices(), now: runner.now }));
  const nonNull = (xs: KValue[]): KValue[] => xs.filter((x) => !isNull(x));
  const numbers = (xs: KValue[]): number[] =>
    nonNull(xs).map((x) => {
      if (x.t === 'int' || x.t === 'long' || x.t === 'real') return Number(x.v);
      throw new EvalError('kql-type', `${name}() needs numbers, got ${x.t}`, e.args[0].span);
    });
  switch (name) {
    case 'count':
      return { t: 'long', v: BigInt(rows.length) };
    case 'countif':
      return { t: 'long', v: BigInt(values(0).filter((v) => v.t === 'bool' && v.v === true).length) };
    case 'dcount':
    case 'dcountif': {
      const xs = nonNull(values(0, name === 'dcountif' ? e.args[1] : undefined)).filter((x) => !(x.t === 'string' && x.v === '' && false));
      runner.report('kql-estimate', 'info', `${name}() is an estimate in Kusto (HyperLogLog); siglab counts exactly`, e.span);
      return { t: 'long', v: BigInt(new Set(xs.map((x) => `${x.t}:${toStringValue(x)}`)).size) };
    }
    case 'sum':
    case 'sumif': {
      const xs = nonNull(values(0, name === 'sumif' ? e.args[1] : undefined));
      if (xs.every((x) => x.t === 'int' || x.t === 'long')) return { t: 'long', v: BigInt.asIntN(64, xs.reduce((s, x) => s + (x.v as bigint), 0n)) };
      return { t: 'real', v: numbers(xs).reduce((s, x) => s + x, 0) };
    }
    case 'avg':
    case 'avgif': {
      const xs = numbers(values(0, name === 'avgif' ? e.args[1] : undefined));
      return { t: 'real', v: xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null };
    }
    case 'min':
    case 'max': {
      const xs = nonNull(values(0));
      if (xs.length === 0) return { t: 'real', v: null };
      return xs.reduce((best, x) => {
        const xb = x.t === 'string' ? x.v : Number(x.v);
        const bb = best.t === 'string' ? best.v : Number(best.v);
        return (name === 'min' ? xb < bb : xb > bb) ? x : best;
      });
    }
    case 'percentile': {
      if (e.args.length !== 2) throw new EvalError('kql-syntax', 'percentile() takes an expression and a percentage', e.span);
      const p = evalScalar(e.args[1], { row: new Map(), columnTypes: new Map(), scalars: runner.scalars, choices: new Choices() });
      const xs = numbers(values(0)).sort((a, b) => a - b);
      runner.report('kql-estimate', 'info', 'percentile() is an estimate in Kusto; siglab uses the nearest-rank value', e.span);
      if (!xs.length) return { t: 'real', v: null };
      const rank = Math.max(1, Math.ceil((Number(p.v) / 100) * xs.length));
      return { t: 'real', v: xs[Math.min(xs.length, rank) - 1] };
    }
    case 'make_set':
    case 'make_list': {
      const xs = nonNull(values(0)).map((x) => plain(x));
      return { t: 'dynamic', v: name === 'make_set' ? [...new Map(xs.map((x) => [JSON.stringify(x), x])).values()] : xs };
    }
    case 'take_any':
    case 'any': {
      const xs = values(0);
      return xs[0] ?? { t: 'string', v: '' };
    }
    default:
      throw new EvalError('kql-not-supported', `not supported: the aggregate ${name}()`, e.nameSpan);
  }
}

