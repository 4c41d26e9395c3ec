/**
 * Sigma correlations → KQL, for every target. The base rules are compiled by `compileRule` (so
 * filters, field mappings and value handling are exactly the single-rule query's) and bound with
 * `let`; the correlation then reads them as a Sentinel or Defender analyst would write it:
 *
 *   let failed_login = SecurityEvent | where EventID in (529, 4625);
 *   failed_login
 *   | project _time = TimeGenerated, _rule = "failed_login", _step = 0, User = tostring(TargetUserName)
 *   | sort by User asc, _time asc
 *   | extend _window = row_window_session(_time, 10m, 10m, User != prev(User))
 *   | summarize _value = count(), _first = min(_time), _last = max(_time) by User, _window
 *   | where _value >= 10
 *
 * Several base rules are combined with `union`, each with a `_rule` column naming it. Windows are
 * session windows (`row_window_session`): they open at a group's first event and hold what
 * follows within the timespan, exactly as siglab's evaluator (src/engine/correlate.ts) forms them,
 * so the preview and the deployed query agree; how this differs from the specification's fully
 * sliding windows is stated as a warning. Aggregates: `count()`, `dcountif()`, `sum()`, `avg()`,
 * `percentile()`; temporal uses `dcount(_rule)` or per-rule `countif()` flags for a v2.1
 * expression; temporal_ordered lists the rule steps of a window in time order (`make_list` over
 * sorted input keeps the order) and tests the sequence with an anchored regular expression.
 * Chained correlations become `let` statements whose rows (one per fired window, at the time of
 * its last event) feed the outer correlation.
 */
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import type { ConditionNode, CorrelationOp, LoadResult, SigmaCorrelation, SigmaRule } from '../sigma/model.ts';
import { aliasField, describeComparisons } from '../sigma/correlation.ts';
import type { FieldMapping, TargetDefinition } from '../targets/types.ts';
import { getTarget, TARGET_IDS } from '../targets/index.ts';
import { lookupField } from '../targets/lookup.ts';
import { closestColumns, compileRule, findLogsource, kqlIdentifier, type CompileOptions, type CompileResult } from './compile.ts';
import { kqlString } from './escape.ts';
import { commentLine } from './print.ts';
import { QueryWriter, spanAt } from './source-map.ts';
import { isKustoLanguageServiceLoaded, loadKustoLanguageService, validateKql } from './validate.ts';

export const WINDOW_WARNING =
  "Windows are session windows (row_window_session): each opens at a group's first event and holds the events up to the timespan after it; the Sigma specification prefers fully sliding windows, so a burst that straddles two windows is split (siglab's preview forms the same windows as this query).";

type Load = Pick<LoadResult, 'rules' | 'correlations'>;

const RESERVED = ['let', 'where', 'project', 'extend', 'summarize', 'union', 'sort', 'order', 'by', 'and', 'or', 'not', 'in', 'has', 'count', 'take', 'limit', 'join', 'on', 'true', 'false', 'null', 'datatable', 'print', 'range', 'find', 'search', 'top', 'distinct', 'evaluate', 'invoke', 'as', 'with', 'between', 'contains', 'materialize', 'toscalar'];

const KQL_OP: Record<CorrelationOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==', neq: '!=' };

/** A name KQL accepts for a `let` binding, unique within the query. */
function letName(ref: string, used: Set<string>): string {
  let base = ref.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (/^[0-9a-f]{8}_[0-9a-f]{4}_/i.test(base)) base = `rule_${base.slice(0, 8)}`;
  if (!base || /^[0-9]/.test(base)) base = `rule_${base}`;
  base = base.slice(0, 64);
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}_${i}`;
  used.add(name.toLowerCase());
  return name;
}

/** The KQL expression that reads a Sigma field on a table, as text; or why it cannot. */
function fieldExpression(mapping: FieldMapping): { expr: string; warning?: string } | { error: string } {
  if (typeof mapping === 'string') return { expr: kqlIdentifier(mapping) };
  if ('unsupported' in mapping) return { error: mapping.unsupported };
  if ('expression' in mapping) return { expr: mapping.expression, warning: mapping.warning };
  if ('anyOf' in mapping) {
    const cols = mapping.anyOf.map(kqlIdentifier);
    const expr = cols.reduceRight((acc, c) => (acc ? `iff(isnotempty(${c}), tostring(${c}), ${acc})` : `tostring(${c})`), '');
    return { expr, warning: `reads the first non-empty of ${mapping.anyOf.join(', ')}` };
  }
  if ('column' in mapping && mapping.column) return { expr: kqlIdentifier(mapping.column), warning: mapping.warning };
  return { error: 'the target encodes this field as fixed values only, so its value cannot be grouped or aggregated' };
}

function comparisonText(column: string, corr: SigmaCorrelation): string {
  return corr.condition.comparisons.map((c) => `${column} ${KQL_OP[c.op]} ${Number.isInteger(c.value) ? c.value : String(c.value)}`).join(' and ');
}

function expressionText(node: ConditionNode, flag: (name: string) => string): string {
  switch (node.kind) {
    case 'id':
      return flag(node.name);
    case 'not':
      return `not(${expressionText(node.arg, flag)})`;
    case 'and':
    case 'or':
      return `(${node.args.map((a) => expressionText(a, flag)).join(` ${node.kind} `)})`;
    case 'of':
      return node.identifiers.length === 0 ? 'false' : `(${node.identifiers.map(flag).join(node.quantifier === 'all' ? ' and ' : ' or ')})`;
  }
}

/** `tostring(x)`, without wrapping an expression that already is one. */
function castTo(cast: 'tostring' | 'todouble', expr: string): string {
  return expr.startsWith(`${cast}(`) && expr.endsWith(')') && balanced(expr.slice(cast.length + 1, -1)) ? expr : `${cast}(${expr})`;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** `^(?:.*,)?0,(?:.*,)?1(?:,.*)?$`: the steps 0..k-1 appear in order in a comma-separated list. */
export function orderedRegex(k: number): string {
  const steps = Array.from({ length: k }, (_, i) => String(i));
  return `^(?:.*,)?${steps.join(',(?:.*,)?')}(?:,.*)?$`;
}

class CorrelationCompiler {
  readonly diagnostics: Diagnostic[] = [];
  readonly warnings: string[] = [];
  readonly w = new QueryWriter();
  private readonly used = new Set<string>();
  /** Rule index → its let name (compiled once). */
  private readonly ruleLets = new Map<number, { name: string; table?: string } | null>();
  /** Correlation index → its let name. */
  private readonly corrLets = new Map<number, string | null>();
  private readonly reported = new Set<string>();

  constructor(
    readonly load: Load,
    readonly target: TargetDefinition,
    readonly options: CompileOptions,
  ) {
    // A let name must not shadow a table the query reads or a word KQL gives a meaning.
    for (const t of Object.keys(target.tables)) this.used.add(t.toLowerCase());
    for (const k of RESERVED) this.used.add(k);
  }

  error(code: string, message: string, range?: SourceRange): void {
    this.diagnostics.push({ code, severity: 'error', message, range });
  }

  warn(code: string, message: string, range?: SourceRange): void {
    if (this.reported.has(code + message)) return;
    this.reported.add(code + message);
    this.diagnostics.push({ code, severity: 'warning', message, range });
    this.warnings.push(message);
  }

  /** Writes `let <name> = <base rule query>;` once per rule. */
  ruleLet(index: number, ref: string): { name: string; table?: string } | null {
    if (this.ruleLets.has(index)) return this.ruleLets.get(index)!;
    const rule = this.load.rules[index];
    const compiled: CompileResult = compileRule(rule, this.target, { ...this.options, header: false, validate: false });
    for (const d of compiled.diagnostics) {
      if (d.severity === 'warning') this.warn(d.code, d.message, d.range);
      else this.diagnostics.push(d);
    }
    if (!compiled.ok || !compiled.query) {
      this.ruleLets.set(index, null);
      return null;
    }
    const name = letName(rule.name ?? ref, this.used);
    const w = this.w;
    w.write(`let ${name} = `);
    const offset = w.text.length;
    // The base query's own warnings are already in the header; keep only its query lines.
    const lines = compiled.query.split('\n');
    let skip = 0;
    while (skip < lines.length && lines[skip].startsWith('//')) skip++;
    const dropped = lines.slice(0, skip).reduce((n, l) => n + l.length + 1, 0);
    w.span(rule.range, 'rule', () => w.write(compiled.query.slice(dropped)));
    for (const s of compiled.sourceMap) {
      if (s.end <= dropped) continue;
      w.spans.push({ ...s, start: Math.max(offset, s.start - dropped + offset), end: s.end - dropped + offset });
    }
    w.write(';\n');
    const entry = { name, ...(compiled.table ? { table: compiled.table } : {}) };
    this.ruleLets.set(index, entry);
    return entry;
  }

  /** The input rows of a correlation: one `(... | project ...)` per referenced rule, or null on errors. */
  inputs(corr: SigmaCorrelation): Array<{ source: string; project: string }> | null {
    const parts: Array<{ source: string; project: string }> = [];
    const valueName = corr.condition.field?.name;
    const valueCast = corr.correlationType === 'value_count' ? 'tostring' : 'todouble';
    let ok = true;
    corr.rules.forEach((ref, step) => {
      const target = ref.target;
      if (!target) {
        this.error('unresolved-rule-reference', `'${ref.ref}' does not name a rule or correlation in this file, so the correlation cannot be compiled.`, ref.range);
        ok = false;
        return;
      }
      const fieldFor = (name: string): string => aliasField(corr, ref.ref, name, this.load.rules, this.load.correlations ?? [], target) ?? name;
      const cols = [`_rule = ${kqlString(ref.ref)}`, `_step = ${step}`];
      if (target.kind === 'correlation') {
        const inner = this.load.correlations![target.index];
        const name = this.correlationLet(target.index);
        if (!name) {
          ok = false;
          return;
        }
        for (const g of corr.groupBy) {
          const innerName = fieldFor(g.field);
          if (!inner.groupBy.some((ig) => ig.field === innerName)) {
            ok = false;
            continue; // the loader reported `chain-group-by`
          }
          cols.push(g.field === innerName ? kqlIdentifier(g.field) : `${kqlIdentifier(g.field)} = ${kqlIdentifier(innerName)}`);
        }
        if (valueName) {
          this.error('value-of-correlation', `'${ref.ref}' is a correlation: its results have no '${valueName}' field to aggregate.`, ref.range);
          ok = false;
        }
        parts.push({ source: name, project: `_time, ${cols.join(', ')}` });
        return;
      }
      const rule: SigmaRule = this.load.rules[target.index];
      const base = this.ruleLet(target.index, ref.ref);
      if (!base) {
        ok = false;
        return;
      }
      const mapping = findLogsource(this.target, rule.logsource);
      const table = base.table ?? mapping?.table ?? '';
      const ts = this.target.timestampColumns[table] ?? 'TimeGenerated';
      const read = (name: string, range: SourceRange): string | undefined => {
        const field = fieldFor(name);
        const found = mapping ? lookupField(this.target, mapping, field, this.options.mapping) : { kind: 'unmapped' as const };
        if (found.kind === 'unmapped') {
          const close = closestColumns(field, this.target.tables[table] ?? {});
          this.error('unmapped-correlation-field', `${this.target.label}: ${table} has no column for '${field}' (used by rule '${ref.ref}')${close.length ? `; closest columns: ${close.join(', ')}` : ''}. Map it with --mapping or an alias.`, range);
          return undefined;
        }
        const e = fieldExpression(found.mapping);
        if ('error' in e) {
          this.error('unsupported-correlation-field', `${this.target.label}: '${field}' on ${table}: ${e.error}`, range);
          return undefined;
        }
        if (e.warning) this.warn('correlation-field-approximation', `'${field}' on ${table} ${e.warning}.`, range);
        return e.expr;
      };
      cols.unshift(`_time = ${kqlIdentifier(ts)}`);
      for (const g of corr.groupBy) {
        const expr = read(g.field, g.range);
        if (expr === undefined) ok = false;
        else cols.push(`${kqlIdentifier(g.field)} = ${castTo('tostring', expr)}`);
      }
      if (valueName) {
        const expr = read(valueName, corr.condition.field!.range);
        if (expr === undefined) ok = false;
        else cols.push(`_field = ${castTo(valueCast, expr)}`);
      }
      parts.push({ source: base.name, project: cols.join(', ') });
    });
    return ok ? parts : null;
  }

  /** The correlation's pipeline (without `let`), written to `w`. Returns false on errors. */
  body(index: number, chained: boolean): boolean {
    const corr = this.load.correlations![index];
    const type = corr.correlationType;
    if (!type) {
      this.error('invalid-correlation-type', 'The correlation has no valid type; see the rule diagnostics.', corr.ranges.correlation ?? corr.range);
      return false;
    }
    if (!corr.timespan) {
      this.error('invalid-timespan', 'The correlation has no valid timespan; see the rule diagnostics.', corr.ranges.correlation ?? corr.range);
      return false;
    }
    if (corr.condition.comparisons.length === 0 && !corr.condition.expression?.ast) {
      this.error('invalid-correlation-condition', 'The correlation has no usable condition; see the rule diagnostics.', corr.condition.range ?? corr.range);
      return false;
    }
    if (['value_count', 'value_sum', 'value_avg', 'value_percentile'].includes(type) && !corr.condition.field) {
      this.error('missing-correlation-field', `A ${type} correlation needs 'field' in its condition.`, corr.condition.range ?? corr.range);
      return false;
    }
    const inputs = this.inputs(corr);
    if (!inputs) return false;
    const w = this.w;
    const span = corr.timespan.text;
    const groups = corr.groupBy.map((g) => kqlIdentifier(g.field));
    const by = [...groups, '_window'].join(', ');
    w.span(corr.ranges.correlation, 'correlation', () => {
      w.span(corr.ranges.rules ?? corr.range, 'rules', () => {
        w.write(
          inputs.length === 1
            ? `${inputs[0].source}\n| project ${inputs[0].project}`
            : `union\n    ${inputs.map((p) => `(${p.source}\n    | project ${p.project})`).join(',\n    ')}`,
        );
      });
      if (groups.length > 0) {
        w.write('\n| sort by ');
        w.span(corr.groupBy[0].range, 'group-by', () => w.write(groups.map((g) => `${g} asc`).join(', ')));
        w.write(', _time asc');
      } else w.write('\n| sort by _time asc');
      w.write('\n| extend _window = ');
      w.span(corr.timespan!.range, 'timespan', () => {
        const restart = groups.map((g) => `${g} != prev(${g})`).join(' or ');
        w.write(`row_window_session(_time, ${span}, ${span}${restart ? `, ${restart}` : ''})`);
      });
      const aggregates: string[] = [];
      switch (type) {
        case 'event_count':
          aggregates.push('_value = count()');
          break;
        case 'value_count':
          aggregates.push('_value = dcountif(_field, isnotempty(_field), 4)');
          this.diagnostics.push({
            code: 'kql-dcount-estimate',
            severity: 'info',
            message: 'dcountif() estimates distinct counts (exact for small numbers of values; about 1% error above a few thousand).',
            range: corr.condition.field!.range,
          });
          break;
        case 'value_sum':
          aggregates.push('_value = sum(_field)');
          break;
        case 'value_avg':
          aggregates.push('_value = avg(_field)');
          break;
        case 'value_percentile':
          aggregates.push(`_value = percentile(_field, ${corr.condition.percentile ?? 50})`);
          break;
        case 'temporal':
          aggregates.push('_value = dcount(_step)');
          if (corr.condition.expression?.ast) corr.rules.forEach((_, i) => aggregates.push(`_r${i} = countif(_step == ${i})`));
          break;
        case 'temporal_ordered':
          aggregates.push('_steps = make_list(_step)');
          break;
      }
      aggregates.push('_first = min(_time)', '_last = max(_time)', '_events = count()');
      w.write(`\n| summarize ${aggregates.join(', ')} by ${by}`);
      if (type === 'temporal_ordered') {
        const n = corr.rules.length;
        const cases = Array.from({ length: n }, (_, i) => n - i).map((k) => `_sequence matches regex ${kqlString(orderedRegex(k))}, ${k}`);
        w.write(`\n| extend _sequence = strcat_array(_steps, ",")\n| extend _value = case(${cases.join(', ')}, 0)`);
      }
      w.write('\n| where ');
      w.span(corr.condition.range ?? corr.ranges.correlation, 'correlation-condition', () => {
        const expr = corr.condition.expression?.ast;
        if (expr) {
          const idx = new Map(corr.rules.map((r, i) => [r.ref, i]));
          const flag = (name: string): string => (type === 'temporal_ordered' ? `_value > ${idx.get(name) ?? 0}` : `_r${idx.get(name) ?? 0} > 0`);
          w.write(expressionText(expr, flag));
        } else w.write(comparisonText('_value', corr));
      });
      if (chained) w.write(`\n| project _time = _last, ${[...groups, '_value'].join(', ')}`);
      else w.write(`\n| project ${[...groups, '_window_start = _window', `_window_end = _window + ${span}`, '_first', '_last', '_value', '_events'].join(', ')}`);
    });
    return true;
  }

  /** `let <name> = <correlation pipeline>;` for a chained correlation, once. */
  correlationLet(index: number): string | null {
    if (this.corrLets.has(index)) return this.corrLets.get(index)!;
    this.corrLets.set(index, null); // a cycle stops here (the loader reported it)
    const corr = this.load.correlations![index];
    const name = letName(corr.name ?? corr.id ?? corr.title, this.used);
    // Dependencies first (they write their own lets), then this one.
    for (const ref of corr.rules) {
      if (ref.target?.kind === 'rule') this.ruleLet(ref.target.index, ref.ref);
      else if (ref.target?.kind === 'correlation' && !this.corrLets.has(ref.target.index)) this.correlationLet(ref.target.index);
    }
    const start = { text: this.w.text.length, spans: this.w.spans.length };
    this.w.write(`let ${name} = `);
    if (!this.body(index, true)) {
      // Leave no half-written statement behind.
      this.w.text = this.w.text.slice(0, start.text);
      this.w.spans.length = start.spans;
      return null;
    }
    this.w.write(';\n');
    this.corrLets.set(index, name);
    return name;
  }
}

function correlationHeader(corr: SigmaCorrelation): string[] {
  const lines = [commentLine(corr.title || '(untitled correlation)')];
  const meta: string[] = [];
  if (corr.id) meta.push(`id: ${corr.id}`);
  if (corr.level) meta.push(`level: ${corr.level}`);
  if (corr.status) meta.push(`status: ${corr.status}`);
  if (meta.length) lines.push(commentLine(meta.join(' | ')));
  const names = corr.rules.map((r) => r.ref).join(', ');
  const cond = corr.condition.expression ? corr.condition.expression.text : describeComparisons(corr.condition.comparisons);
  const field = corr.condition.field ? ` of ${corr.condition.field.name}` : '';
  lines.push(
    commentLine(
      `Correlation ${corr.correlationType ?? '?'}${field} over ${names}${corr.groupBy.length ? `, by ${corr.groupBy.map((g) => g.field).join(', ')}` : ''}, within ${corr.timespan?.text ?? '?'}: ${cond}`,
    ),
  );
  return lines;
}

function resolveTarget(target: string | TargetDefinition): TargetDefinition | undefined {
  return typeof target === 'string' ? getTarget(target) : target;
}

/**
 * Compiles correlation `index` of a load result (its base rules and any chained correlations
 * included) for one target. Never throws. Validation as in `compileRule`.
 */
export function compileCorrelation(load: Load, index: number, targetId: string | TargetDefinition, options: CompileOptions = {}): CompileResult {
  const target = resolveTarget(targetId);
  const corr = load.correlations?.[index];
  if (!target) {
    return { ok: false, query: '', diagnostics: [{ code: 'unknown-target', severity: 'error', message: `Unknown target '${String(targetId)}'; known targets: ${TARGET_IDS.join(', ')}.` }], sourceMap: [] };
  }
  if (!corr) {
    return { ok: false, query: '', diagnostics: [{ code: 'no-correlation', severity: 'error', message: `There is no correlation ${index} in this file.` }], sourceMap: [] };
  }
  const c = new CorrelationCompiler(load, target, options);
  const w = c.w;
  // Dependencies (base rules, chained correlations) are written as `let` statements first.
  for (const ref of corr.rules) {
    if (ref.target?.kind === 'rule') c.ruleLet(ref.target.index, ref.ref);
    else if (ref.target?.kind === 'correlation') c.correlationLet(ref.target.index);
  }
  const ok = c.body(index, false);
  c.warn('correlation-window', WINDOW_WARNING, corr.timespan?.range ?? corr.range);
  if (corr.rules.some((r) => r.target?.kind === 'correlation')) {
    c.warn('chained-occurrence-time', 'A chained correlation counts as one occurrence at the time of the last event of its window.', corr.ranges.correlation ?? corr.range);
  }
  if (corr.condition.comparisons.some((x) => x.op === 'lt' || x.op === 'lte' || (x.op === 'eq' && x.value === 0))) {
    c.diagnostics.push({ code: 'correlation-empty-groups', severity: 'info', message: 'Groups with no events produce no row, so a "fewer than" condition only fires for groups that had at least one event.', range: corr.condition.range });
  }
  c.diagnostics.push({ code: 'correlation-lookback', severity: 'info', message: `Schedule the query with a lookback of at least ${corr.timespan?.text ?? 'the timespan'}, or windows that started earlier are cut.`, range: corr.timespan?.range });
  const headerLines = options.header === false ? [] : correlationHeader(corr);
  for (const warning of c.warnings) headerLines.push(commentLine(`Warning: ${warning}`));
  const prefix = headerLines.length ? headerLines.join('\n') + '\n' : '';
  const query = prefix + w.text;
  const sourceMap = w.spans.map((s) => ({ ...s, start: s.start + prefix.length, end: s.end + prefix.length }));
  const diagnostics = c.diagnostics;
  const compiled = ok && !diagnostics.some((d) => d.severity === 'error');
  if (options.validate !== false && compiled) {
    if (!isKustoLanguageServiceLoaded()) {
      diagnostics.push({ code: 'kql-not-validated', severity: 'info', message: 'The Kusto language service is not loaded; the query was not checked.' });
    } else {
      for (const d of validateKql(query, target.tables)) {
        const at = d.range ? spanAt(sourceMap, d.range.start) : undefined;
        const where = d.range ? ` (query line ${d.range.startLine}, column ${d.range.startColumn})` : '';
        diagnostics.push({ code: `kql-${d.code}`, severity: d.severity, message: `Kusto: ${d.message}${where}`, range: at?.range ?? corr.range });
      }
    }
  }
  if (!ok && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({ code: 'correlation-not-compiled', severity: 'error', message: 'The correlation could not be compiled; see the other diagnostics.', range: corr.range });
  }
  return { ok: !diagnostics.some((d) => d.severity === 'error'), query, diagnostics, sourceMap };
}

/** `compileCorrelation` after loading the language service (when validation is on). */
export async function compileCorrelationAsync(load: Load, index: number, targetId: string | TargetDefinition, options: CompileOptions = {}): Promise<CompileResult> {
  if (options.validate !== false) {
    try {
      await loadKustoLanguageService();
    } catch {
      // compileCorrelation reports `kql-not-validated`.
    }
  }
  return compileCorrelation(load, index, targetId, options);
}

/**
 * The rules a file's queries consist of: the outermost correlations (those no other correlation
 * references) and, per the specification, the base rules only when a correlation says
 * `generate: true` or no correlation uses them. Indexes into `rules` / `correlations`.
 */
export function standaloneQueries(load: Load): { rules: number[]; correlations: number[] } {
  const correlations = load.correlations ?? [];
  const usedRules = new Set<number>();
  const generated = new Set<number>();
  const usedCorrelations = new Set<number>();
  for (const c of correlations) {
    for (const r of c.rules) {
      if (r.target?.kind === 'rule') {
        usedRules.add(r.target.index);
        if (c.generate) generated.add(r.target.index);
      } else if (r.target?.kind === 'correlation') usedCorrelations.add(r.target.index);
    }
  }
  return {
    rules: load.rules.map((_, i) => i).filter((i) => !usedRules.has(i) || generated.has(i)),
    correlations: correlations.map((_, i) => i).filter((i) => !usedCorrelations.has(i)),
  };
}
