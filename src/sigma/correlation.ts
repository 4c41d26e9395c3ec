/**
 * Sigma correlation documents (specification v2.0 correlation rules and the v2.1 metric types):
 * reading one `correlation:` document with ranges and diagnostics (`readCorrelation`), and linking
 * the `rules:` references of every correlation in a file to the rules and correlations they name
 * (`resolveCorrelations`).
 *
 * Facts from the specification (sigma-correlation-rules-specification.md and its JSON schema):
 * `type`, `rules` and `timespan` are required; `group-by` is required by the schema for every type;
 * `condition` is a map of gt/gte/lt/lte/eq/neq (several together form a range), plus `field` for
 * value_count and the v2.1 value_sum / value_avg / value_percentile; temporal types may omit the
 * condition (all referenced rules must appear) or, since v2.1, give a boolean expression over the
 * rule names; `timespan` is a number and one lower-case unit of s, m, h or d; rules are referenced
 * by `id` or `name`; `aliases` map an alias to one field per referenced rule name.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import { closestName, parseCondition } from './condition.ts';
import { scalarRangeOf, type DetectionContext } from './detection.ts';
import {
  CORRELATION_TYPES,
  type CorrelationAlias,
  type CorrelationComparison,
  type CorrelationOp,
  type CorrelationType,
  type SigmaCorrelation,
  type SigmaRule,
} from './model.ts';
import {
  MAX_TITLE_LENGTH,
  readDocumentMeta,
  readEnum,
  readString,
  readStringList,
  RULE_LEVELS,
  RULE_STATUSES,
  scalarText,
  type Entry,
} from './rule-fields.ts';

export const CORRELATION_OPS: readonly CorrelationOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];
export const VALUE_TYPES: readonly CorrelationType[] = ['value_count', 'value_sum', 'value_avg', 'value_percentile'];
export const TEMPORAL_TYPES: readonly CorrelationType[] = ['temporal', 'temporal_ordered'];
const CORRELATION_KEYS = ['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate'];
const TIMESPAN_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Longest timespan accepted (a year): beyond it windows stop meaning anything and Date math overflows nothing useful. */
const MAX_TIMESPAN_MS = 366 * 86_400_000;

export interface CorrelationContext extends DetectionContext {
  /** Plain data of a node (the loader's `toPlain`). */
  plain(node: Node): unknown;
}

function entriesOf(ctx: CorrelationContext, map: YAMLMap): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const pair of map.items as Pair[]) {
    const keyNode = ctx.deref(pair.key);
    if (keyNode === null || !isScalar(keyNode)) continue;
    const key = scalarText(keyNode);
    if (!out.has(key)) out.set(key, { key, keyNode, value: ctx.deref(pair.value) });
  }
  return out;
}

function error(ctx: CorrelationContext, code: string, message: string, range: SourceRange | undefined, severity: Diagnostic['severity'] = 'error'): void {
  ctx.report({ code, severity, message, range });
}

/** `10m` → milliseconds, or a message saying what is wrong. */
export function parseTimespan(text: string): { ms: number } | { message: string; fix?: string } {
  const t = text.trim();
  const m = /^(\d{1,9})([a-zA-Z]+)$/.exec(t);
  if (!m) return { message: `timespan '${t}' is not a number followed by a unit: write e.g. 30s, 10m, 1h or 2d` };
  const n = Number(m[1]);
  const unit = m[2];
  if (!(unit in TIMESPAN_UNITS)) {
    const lower = unit.toLowerCase();
    if (lower in TIMESPAN_UNITS) return { message: `timespan units are lower case: '${n}${lower}'`, fix: `${n}${lower}` };
    const hint = unit === 'w' ? ` (${n}w is ${n * 7}d)` : unit === 'M' || unit === 'y' ? '' : '';
    return { message: `unknown timespan unit '${unit}': use s (seconds), m (minutes), h (hours) or d (days)${hint}`, ...(unit === 'w' ? { fix: `${n * 7}d` } : {}) };
  }
  if (n === 0) return { message: 'timespan must be greater than zero' };
  const ms = n * TIMESPAN_UNITS[unit];
  if (ms > MAX_TIMESPAN_MS) return { message: `timespan '${t}' is longer than a year` };
  return { ms };
}

/** Reads one correlation document. `map` has a `correlation` key. */
export function readCorrelation(ctx: CorrelationContext, map: YAMLMap, documentIndex: number, docRange: SourceRange, yamlBroken: boolean): SigmaCorrelation {
  const entries = entriesOf(ctx, map);
  const rangeOf = (e: Entry): SourceRange => (e.value ? ctx.range(e.value) : ctx.range(e.keyNode));
  const ranges: Record<string, SourceRange> = Object.create(null);
  for (const [key, entry] of entries) ranges[key] = rangeOf(entry);
  const head = entries.values().next().value as Entry | undefined;
  const headRange = head ? ctx.range(head.keyNode) : docRange;

  const titleEntry = entries.get('title');
  const title = titleEntry ? readString(ctx, titleEntry, MAX_TITLE_LENGTH, 'title-too-long') : undefined;
  if ((title === undefined || title.trim() === '') && !yamlBroken) {
    error(ctx, 'missing-title', "the correlation has no title: add 'title:' saying what the correlation detects", titleEntry ? ranges.title : headRange);
  }
  const corr: SigmaCorrelation = {
    type: 'correlation',
    documentIndex,
    title: title ?? '',
    rules: [],
    groupBy: [],
    aliases: [],
    condition: { comparisons: [] },
    generate: false,
    raw: ctx.plain(map) as Record<string, unknown>,
    ranges,
    range: docRange,
  };
  readDocumentMeta(ctx, entries, corr);
  const status = entries.get('status');
  if (status) corr.status = readEnum(ctx, status, RULE_STATUSES, 'invalid-status');
  const level = entries.get('level');
  if (level) corr.level = readEnum(ctx, level, RULE_LEVELS, 'invalid-level');
  for (const key of ['references', 'falsepositives']) {
    const e = entries.get(key);
    if (e) readStringList(ctx, e, { duplicateCode: key === 'references' ? 'duplicate-reference' : 'duplicate-falsepositive' });
  }
  for (const key of ['detection', 'logsource']) {
    const e = entries.get(key);
    if (e) error(ctx, 'correlation-with-detection', `a correlation document has no '${key}': the rules it names carry it; put the detection in its own document`, ctx.range(e.keyNode));
  }
  for (const k of Object.keys(corr) as Array<keyof SigmaCorrelation>) if (corr[k] === undefined) delete corr[k];

  const generate = entries.get('generate');
  if (generate) {
    const v = generate.value;
    if (v && isScalar(v) && typeof v.value === 'boolean') corr.generate = v.value;
    else if (v && !(isScalar(v) && v.value === null)) error(ctx, 'invalid-generate', "'generate' must be true or false", ctx.range(v));
  }

  const section = entries.get('correlation')!;
  const body = section.value;
  if (!body || !isMap(body)) {
    error(ctx, 'invalid-correlation', `'correlation' must be a map with type, rules, group-by, timespan and condition`, body ? ctx.range(body) : ctx.range(section.keyNode));
    return corr;
  }
  const c = entriesOf(ctx, body);
  for (const [key, e] of c) {
    if (!CORRELATION_KEYS.includes(key)) {
      const close = closestName(key, CORRELATION_KEYS);
      const range = ctx.range(e.keyNode);
      ctx.report({
        code: 'unknown-correlation-key',
        severity: 'error',
        message: `unknown key '${key}' in 'correlation'${close ? `: did you mean '${close}'?` : ` (known: ${CORRELATION_KEYS.join(', ')})`}`,
        range,
        ...(close ? { fixes: [{ title: `Replace with '${close}'`, range, text: close }] } : {}),
      });
    }
  }
  const sectionRange = ctx.range(section.keyNode);

  // type
  const typeEntry = c.get('type');
  if (!typeEntry) error(ctx, 'missing-correlation-type', `the correlation has no 'type': one of ${CORRELATION_TYPES.join(', ')}`, sectionRange);
  else {
    const v = typeEntry.value;
    const text = v && isScalar(v) && v.value !== null ? scalarText(v) : '';
    if ((CORRELATION_TYPES as readonly string[]).includes(text)) corr.correlationType = text as CorrelationType;
    else {
      const close = closestName(text, CORRELATION_TYPES);
      const range = v ? ctx.range(v) : ctx.range(typeEntry.keyNode);
      ctx.report({
        code: 'invalid-correlation-type',
        severity: 'error',
        message: `unknown correlation type '${text}'${close ? `: did you mean '${close}'?` : ''} (one of ${CORRELATION_TYPES.join(', ')})`,
        range,
        ...(close && v ? { fixes: [{ title: `Replace with '${close}'`, range, text: close }] } : {}),
      });
    }
  }
  const type = corr.correlationType;

  // rules
  const rulesEntry = c.get('rules');
  if (!rulesEntry) error(ctx, 'missing-correlation-rules', "the correlation has no 'rules': list the ids or names of the rules it correlates", sectionRange);
  else {
    const v = rulesEntry.value;
    const items: Array<Node | null> = v && isSeq(v) ? v.items.map((i) => ctx.deref(i)) : v && isScalar(v) ? [v] : [];
    if (v && isScalar(v) && v.value !== null) error(ctx, 'correlation-rules-not-list', "'rules' should be a list (`rules: [name]`)", ctx.range(v), 'warning');
    if (!v || (isScalar(v) && v.value === null) || items.length === 0 || (!isSeq(v) && !isScalar(v))) {
      error(ctx, 'missing-correlation-rules', "'rules' must list at least one rule id or name", v ? ctx.range(v) : ctx.range(rulesEntry.keyNode));
    }
    const seen = new Set<string>();
    for (const item of items) {
      if (!item || !isScalar(item) || item.value === null || typeof item.value === 'object') {
        error(ctx, 'invalid-rule-reference', 'each entry of rules must be a rule id or name', item ? ctx.range(item) : rangeOf(rulesEntry));
        continue;
      }
      const ref = scalarText(item).trim();
      const range = ctx.range(item);
      if (seen.has(ref)) {
        error(ctx, 'duplicate-rule-reference', `rule '${ref}' is listed twice`, range, 'warning');
        continue;
      }
      seen.add(ref);
      corr.rules.push({ ref, range });
    }
    if (type && TEMPORAL_TYPES.includes(type) && corr.rules.length === 1) {
      error(ctx, 'temporal-single-rule', `a ${type} correlation relates several rules; with one rule it only says that rule matched (use event_count for that)`, rangeOf(rulesEntry), 'warning');
    }
  }

  // group-by
  const groupEntry = c.get('group-by');
  if (groupEntry) {
    const v = groupEntry.value;
    const items: Array<Node | null> = v && isSeq(v) ? v.items.map((i) => ctx.deref(i)) : v && isScalar(v) && v.value !== null ? [v] : [];
    if (v && isScalar(v) && v.value !== null) error(ctx, 'group-by-not-list', "'group-by' should be a list of field names", ctx.range(v), 'warning');
    else if (v && !isSeq(v) && !(isScalar(v) && v.value === null)) error(ctx, 'invalid-group-by', "'group-by' must be a list of field names", ctx.range(v));
    const seen = new Set<string>();
    for (const item of items) {
      if (!item || !isScalar(item) || item.value === null || typeof item.value === 'object' || scalarText(item).trim() === '') {
        error(ctx, 'invalid-group-by', 'each group-by entry must be a field name', item ? ctx.range(item) : rangeOf(groupEntry));
        continue;
      }
      const field = scalarText(item).trim();
      if (seen.has(field)) {
        error(ctx, 'duplicate-group-by', `'${field}' is listed twice in group-by`, ctx.range(item), 'warning');
        continue;
      }
      seen.add(field);
      corr.groupBy.push({ field, range: ctx.range(item) });
    }
  }
  if (corr.groupBy.length === 0 && type) {
    const temporal = TEMPORAL_TYPES.includes(type);
    error(
      ctx,
      'missing-group-by',
      temporal
        ? `a ${type} correlation needs 'group-by': the fields whose equal values tie the events together (e.g. User, Computer)`
        : `no 'group-by' field: the specification requires one; every event then falls into one group`,
      groupEntry ? rangeOf(groupEntry) : sectionRange,
      temporal ? 'error' : 'warning',
    );
  }

  // timespan
  const spanEntry = c.get('timespan');
  if (!spanEntry) error(ctx, 'missing-timespan', "the correlation has no 'timespan' (e.g. 10m, 1h, 1d)", sectionRange);
  else {
    const v = spanEntry.value;
    if (!v || !isScalar(v) || v.value === null || typeof v.value === 'object') {
      error(ctx, 'invalid-timespan', "'timespan' must be a number and a unit: 30s, 10m, 1h or 2d", v ? ctx.range(v) : ctx.range(spanEntry.keyNode));
    } else {
      const text = scalarText(v);
      const range = ctx.range(v);
      const parsed = parseTimespan(text);
      if ('ms' in parsed) corr.timespan = { text: text.trim(), ms: parsed.ms, range };
      else ctx.report({ code: 'invalid-timespan', severity: 'error', message: parsed.message, range, ...(parsed.fix ? { fixes: [{ title: `Replace with '${parsed.fix}'`, range, text: parsed.fix }] } : {}) });
    }
  }

  // aliases
  const aliasEntry = c.get('aliases');
  if (aliasEntry && aliasEntry.value && !(isScalar(aliasEntry.value) && aliasEntry.value.value === null)) {
    const v = aliasEntry.value;
    if (!isMap(v)) error(ctx, 'invalid-aliases', "'aliases' must map each alias to {rule name: field}", ctx.range(v));
    else {
      for (const [alias, e] of entriesOf(ctx, v)) {
        const a: CorrelationAlias = { alias, range: ctx.range(e.keyNode), fields: Object.create(null) };
        if (!e.value || !isMap(e.value)) {
          error(ctx, 'invalid-alias', `alias '${alias}' must map rule names to field names`, e.value ? ctx.range(e.value) : a.range);
          continue;
        }
        for (const [ruleRef, fe] of entriesOf(ctx, e.value)) {
          const fv = fe.value;
          if (!fv || !isScalar(fv) || fv.value === null || typeof fv.value === 'object') {
            error(ctx, 'invalid-alias', `alias '${alias}': the field for '${ruleRef}' must be a field name`, fv ? ctx.range(fv) : ctx.range(fe.keyNode));
            continue;
          }
          a.fields[ruleRef] = { field: scalarText(fv).trim(), range: ctx.range(fe.keyNode) };
        }
        corr.aliases.push(a);
      }
    }
  }

  readCondition(ctx, corr, c.get('condition'), sectionRange);
  return corr;
}

function isNumberScalar(node: Node | null): node is Scalar {
  return !!node && isScalar(node) && (typeof node.value === 'number' || (typeof node.value === 'string' && /^-?\d+(\.\d+)?$/.test(node.value.trim())));
}

function readCondition(ctx: CorrelationContext, corr: SigmaCorrelation, entry: Entry | undefined, sectionRange: SourceRange): void {
  const type = corr.correlationType;
  const temporal = !!type && TEMPORAL_TYPES.includes(type);
  const needsField = !!type && VALUE_TYPES.includes(type);
  const v = entry?.value ?? null;
  if (!entry || v === null || (isScalar(v) && v.value === null)) {
    if (temporal) {
      corr.condition = { comparisons: [{ op: 'gte', value: Math.max(1, corr.rules.length), range: entry ? ctx.range(entry.keyNode) : sectionRange }], implicit: true };
    } else if (type) {
      error(ctx, 'missing-correlation-condition', `a ${type} correlation needs a 'condition', e.g. {${needsField ? 'field: User, ' : ''}gte: 10}`, entry ? ctx.range(entry.keyNode) : sectionRange);
    }
    return;
  }
  const range = ctx.range(v);
  corr.condition.range = range;
  if (isScalar(v)) {
    if (!temporal) {
      error(ctx, 'invalid-correlation-condition', `the condition of a ${type ?? 'correlation'} is a map such as {gte: 10}${type && VALUE_TYPES.includes(type) ? ' with field' : ''}`, range);
      return;
    }
    const text = scalarText(v);
    const names = corr.rules.map((r) => r.ref);
    const parsed = parseCondition(text, names, scalarRangeOf(ctx, v));
    for (const d of parsed.diagnostics) ctx.report(d);
    corr.condition.expression = { text, range, ...(parsed.ast ? { ast: parsed.ast } : {}) };
    return;
  }
  if (!isMap(v)) {
    error(ctx, 'invalid-correlation-condition', 'the condition must be a map such as {gte: 10}', range);
    return;
  }
  for (const [key, e] of entriesOf(ctx, v)) {
    const keyRange = ctx.range(e.keyNode);
    const value = e.value;
    if ((CORRELATION_OPS as readonly string[]).includes(key)) {
      if (!isNumberScalar(value)) {
        error(ctx, 'invalid-correlation-condition', `'${key}' needs a number`, value ? ctx.range(value) : keyRange);
        continue;
      }
      const n = Number(typeof value.value === 'number' ? value.value : String(value.value).trim());
      if (!Number.isFinite(n)) {
        error(ctx, 'invalid-correlation-condition', `'${key}' needs a finite number`, ctx.range(value));
        continue;
      }
      if (!Number.isInteger(n) && type !== 'value_avg' && type !== 'value_sum' && type !== 'value_percentile') {
        error(ctx, 'non-integer-threshold', `'${key}: ${n}': counts are whole numbers`, ctx.range(value), 'warning');
      }
      corr.condition.comparisons.push({ op: key as CorrelationOp, value: n, range: ctx.lines.range(keyRange.start, ctx.range(value).end) });
    } else if (key === 'field') {
      let fieldNode: Node | null = value;
      if (value && isSeq(value)) {
        if (value.items.length !== 1) {
          error(ctx, 'unsupported-field-list', `'field' lists ${value.items.length} fields; siglab supports one field per correlation`, ctx.range(value));
          continue;
        }
        fieldNode = ctx.deref(value.items[0]);
      }
      if (!fieldNode || !isScalar(fieldNode) || fieldNode.value === null || typeof fieldNode.value === 'object' || scalarText(fieldNode).trim() === '') {
        error(ctx, 'invalid-correlation-field', "'field' must name the field whose values are counted or aggregated", fieldNode ? ctx.range(fieldNode) : keyRange);
        continue;
      }
      corr.condition.field = { name: scalarText(fieldNode).trim(), range: ctx.range(fieldNode) };
      if (type && !needsField) error(ctx, 'correlation-field-ignored', `'field' has no meaning for a ${type} correlation and is ignored`, keyRange, 'warning');
    } else if (key === 'percentile') {
      if (!isNumberScalar(value) || Number(value.value) <= 0 || Number(value.value) > 100) {
        error(ctx, 'invalid-percentile', "'percentile' must be a number greater than 0 and at most 100", value ? ctx.range(value) : keyRange);
        continue;
      }
      corr.condition.percentile = Number(value.value);
      if (type !== 'value_percentile') error(ctx, 'correlation-field-ignored', `'percentile' only applies to value_percentile`, keyRange, 'warning');
    } else {
      const known = [...CORRELATION_OPS, 'field', ...(type === 'value_percentile' ? ['percentile'] : [])];
      const close = closestName(key, known);
      ctx.report({
        code: 'unknown-condition-operator',
        severity: 'error',
        message: `unknown condition key '${key}'${close ? `: did you mean '${close}'?` : ''} (use ${CORRELATION_OPS.join(', ')}${needsField ? ' and field' : ''})`,
        range: keyRange,
        ...(close ? { fixes: [{ title: `Replace with '${close}'`, range: keyRange, text: close }] } : {}),
      });
    }
  }
  if (corr.condition.comparisons.length === 0) {
    error(ctx, 'missing-threshold', `the condition has no comparison: add one of ${CORRELATION_OPS.join(', ')} (e.g. gte: 10)`, range);
  }
  if (needsField && !corr.condition.field) {
    error(ctx, 'missing-correlation-field', `a ${type} correlation needs 'field' in its condition: the field whose values are ${type === 'value_count' ? 'counted' : 'aggregated'}`, range);
  }
  if (type === 'value_percentile' && corr.condition.percentile === undefined) {
    corr.condition.percentile = 50;
    error(ctx, 'default-percentile', "no 'percentile' given in the condition; siglab compares the 50th percentile (median) of the field (add e.g. 'percentile: 95')", range, 'info');
  }
  if (corr.condition.comparisons.length > 1 && !satisfiable(corr.condition.comparisons)) {
    error(ctx, 'unsatisfiable-condition', 'no value satisfies every comparison of this condition, so the correlation never fires', range, 'warning');
  }
}

/** Whether some number satisfies every comparison (checked on the candidate points around the bounds). */
export function satisfiable(comparisons: readonly CorrelationComparison[]): boolean {
  const points = new Set<number>();
  for (const c of comparisons) for (const d of [-0.5, 0, 0.5]) points.add(c.value + d);
  for (const p of points) if (comparisons.every((c) => compare(c.op, p, c.value))) return true;
  return false;
}

export function compare(op: CorrelationOp, value: number, threshold: number): boolean {
  switch (op) {
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
    case 'eq':
      return value === threshold;
    case 'neq':
      return value !== threshold;
  }
}

/** `gte 10 and lt 20` for messages. */
export function describeComparisons(comparisons: readonly CorrelationComparison[]): string {
  const sym: Record<CorrelationOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==', neq: '!=' };
  return comparisons.map((c) => `${sym[c.op]} ${c.value}`).join(' and ');
}

/**
 * Links every correlation's `rules` to the rules and correlations of the same file (by `id` or
 * `name`), and checks what needs the whole file: unknown references, duplicate names, cycles,
 * aliases naming rules the correlation does not use, chained group-by fields.
 */
export function resolveCorrelations(rules: readonly SigmaRule[], correlations: SigmaCorrelation[], report: (d: Diagnostic) => void): void {
  const byKey = new Map<string, { kind: 'rule' | 'correlation'; index: number }>();
  const names = new Map<string, SourceRange | undefined>();
  const add = (key: string | undefined, target: { kind: 'rule' | 'correlation'; index: number }, range: SourceRange | undefined, isName: boolean): void => {
    if (!key) return;
    if (byKey.has(key)) {
      if (isName) report({ code: 'duplicate-name', severity: 'error', message: `name '${key}' is used by more than one document of this file; correlations refer to rules by name, so it must be unique`, range });
      return;
    }
    byKey.set(key, target);
    if (isName) names.set(key, range);
  };
  rules.forEach((r, index) => {
    add(r.name, { kind: 'rule', index }, r.ranges.name, true);
    add(r.id, { kind: 'rule', index }, r.ranges.id, false);
  });
  correlations.forEach((c, index) => {
    add(c.name, { kind: 'correlation', index }, c.ranges.name, true);
    add(c.id, { kind: 'correlation', index }, c.ranges.id, false);
  });
  const known = [...byKey.keys()];
  for (const corr of correlations) {
    for (const ref of corr.rules) {
      const target = byKey.get(ref.ref) ?? byKey.get(ref.ref.toLowerCase());
      if (target) {
        ref.target = target;
        continue;
      }
      const close = closestName(ref.ref, known);
      report({
        code: 'unknown-rule-reference',
        severity: 'error',
        message: `'${ref.ref}' is not the id or name of a rule or correlation in this file${close ? `: did you mean '${close}'?` : known.length ? ` (known: ${known.slice(0, 8).join(', ')})` : ' (the file defines no named rules)'}`,
        range: ref.range,
        ...(close ? { fixes: [{ title: `Replace with '${close}'`, range: ref.range, text: close }] } : {}),
      });
    }
    const refNames = new Set(corr.rules.flatMap((r) => [r.ref, ...(r.target ? refKeys(rules, correlations, r.target) : [])]));
    for (const alias of corr.aliases) {
      for (const [ruleRef, f] of Object.entries(alias.fields)) {
        if (!refNames.has(ruleRef)) {
          report({ code: 'unknown-alias-rule', severity: 'error', message: `alias '${alias.alias}' maps a field for '${ruleRef}', which this correlation does not reference`, range: f.range });
        }
      }
      if (!corr.groupBy.some((g) => g.field === alias.alias) && corr.condition.field?.name !== alias.alias) {
        report({ code: 'unused-alias', severity: 'warning', message: `alias '${alias.alias}' is not used in group-by or the condition's field`, range: alias.range });
      }
      for (const ref of corr.rules) {
        if (ref.target && !refKeys(rules, correlations, ref.target).some((k) => k in alias.fields) && !(ref.ref in alias.fields)) {
          report({ code: 'incomplete-alias', severity: 'warning', message: `alias '${alias.alias}' gives no field for '${ref.ref}'; its events are read from a field named '${alias.alias}'`, range: alias.range });
        }
      }
    }
  }
  // Cycles: a correlation that (through others) references itself can never be evaluated.
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number, path: number[]): boolean => {
    if (state.get(i) === 'done') return false;
    if (state.get(i) === 'visiting') {
      const corr = correlations[i];
      report({ code: 'correlation-cycle', severity: 'error', message: `correlation '${corr.name ?? corr.title}' references itself through ${path.map((p) => correlations[p].name ?? correlations[p].title).join(' → ')}`, range: corr.ranges.correlation });
      return true;
    }
    state.set(i, 'visiting');
    let cyclic = false;
    for (const ref of correlations[i].rules) {
      if (ref.target?.kind === 'correlation' && visit(ref.target.index, [...path, ref.target.index])) {
        cyclic = true;
        ref.target = undefined;
      }
    }
    state.set(i, 'done');
    return cyclic;
  };
  correlations.forEach((_, i) => visit(i, [i]));
  // Chains: the outer correlation groups by fields the inner one's results carry (its group-by).
  for (const corr of correlations) {
    for (const ref of corr.rules) {
      if (ref.target?.kind !== 'correlation') continue;
      const inner = correlations[ref.target.index];
      for (const g of corr.groupBy) {
        const field = aliasField(corr, ref.ref, g.field, rules, correlations, ref.target) ?? g.field;
        if (!inner.groupBy.some((ig) => ig.field === field)) {
          report({
            code: 'chain-group-by',
            severity: 'error',
            message: `'${g.field}' is not a group-by field of the chained correlation '${ref.ref}' (it groups by ${inner.groupBy.map((x) => x.field).join(', ') || 'nothing'}), so its results carry no such value`,
            range: g.range,
          });
        }
      }
    }
  }
}

/** The ways a resolved reference can be named in an alias map: its name and id. */
function refKeys(rules: readonly SigmaRule[], correlations: readonly SigmaCorrelation[], target: { kind: 'rule' | 'correlation'; index: number }): string[] {
  const doc = target.kind === 'rule' ? rules[target.index] : correlations[target.index];
  return [doc?.name, doc?.id].filter((x): x is string => !!x);
}

/** The field a group-by name (maybe an alias) reads in the events of one referenced rule. */
export function aliasField(
  corr: SigmaCorrelation,
  ref: string,
  name: string,
  rules: readonly SigmaRule[],
  correlations: readonly SigmaCorrelation[],
  target?: { kind: 'rule' | 'correlation'; index: number },
): string | undefined {
  const alias = corr.aliases.find((a) => a.alias === name);
  if (!alias) return undefined;
  const keys = [ref, ...(target ? refKeys(rules, correlations, target) : [])];
  for (const k of keys) if (k in alias.fields) return alias.fields[k].field;
  return undefined;
}
