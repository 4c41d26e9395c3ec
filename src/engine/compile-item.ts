/**
 * A field item (`Field|modifiers: values`, or a keyword search), compiled: a fast boolean test
 * for verdict tables, and an explanation node with one child per value for the "why" view.
 *
 * Item semantics: the field is looked up once; an event value that is a list matches when any
 * element does (with `all`, each rule value may be met by a different element); `null` holds
 * for a missing or null field; `exists` looks only at presence; a list of values is OR unless
 * `all`; `neq` inverts the item (none of the values may match, so a missing field satisfies
 * it); an item left with no values never matches. Keyword searches look at every
 * string/number/boolean in the event, as substrings.
 */
import type { LogEvent, FieldLookup } from './event.ts';
import type { FieldItem, SigmaValue, StringPattern } from '../sigma/model.ts';
import type { ExplainNode, ReasonCode } from './explain.ts';
import { compileValue, type CompiledValue, type FieldGetter, type ValueOutcome } from './match-value.ts';
import { compilePatternSet } from './pattern-set.ts';
import { foldCase } from './wildcard.ts';
import { collectScalars, displayValue, forEachScalar, quoteIfNeeded, scalarText, toNumber, truncateMiddle } from './event-values.ts';
import { insertPlaceholders, parseSigmaString, wrapParts, type ValuePart } from '../sigma/values.ts';

export interface CompiledItem {
  item: FieldItem;
  values: CompiledValue[];
  test: (event: LogEvent) => boolean;
  explain: (event: LogEvent) => ExplainNode;
  /** Problems that make this item undecidable (unresolved placeholders, invalid regexes). */
  errors: Array<{ message: string; value: SigmaValue }>;
}

export interface CompileItemOptions {
  getField: FieldGetter;
  placeholders?: Record<string, string[]>;
}

/** Children shown per item; the rest are counted in `omitted`. */
const SHOWN = 12;
/** Values examined for near misses when a long list fails. */
const NEAR_MISS_SCAN = 200;
const NEAR_MISS: ReadonlySet<ReasonCode> = new Set(['case-differs', 'whole-value']);

const keywordScalars = new WeakMap<object, unknown[]>();

/** Every scalar of an event, computed once per event however many keyword items ask. */
function scalarsOf(event: LogEvent): unknown[] {
  let cached = keywordScalars.get(event.data);
  if (!cached) {
    cached = collectScalars(event.data);
    keywordScalars.set(event.data, cached);
  }
  return cached;
}

type PatternPartList = StringPattern['parts'];

/** `expand` placeholders the caller supplied values for become ordinary string values. */
function resolvePlaceholder(value: SigmaValue, item: FieldItem, placeholders: Record<string, string[]> | undefined): SigmaValue[] {
  if (value.kind !== 'placeholder' || !placeholders) return [value];
  const parts: ValuePart[] = insertPlaceholders(parseSigmaString(value.raw));
  const names = [...new Set(parts.flatMap((p) => (p.kind === 'placeholder' ? [p.name] : [])))];
  if (names.length === 0 || names.some((n) => !Object.hasOwn(placeholders, n) || !Array.isArray(placeholders[n]))) return [value];
  const mods = new Set(item.modifiers.map((m) => m.name));
  let combos: PatternPartList[] = [[]];
  for (const p of parts) {
    const options: PatternPartList[] = p.kind === 'placeholder' ? placeholders[p.name].map((r) => parseSigmaString(String(r))) : [[p]];
    const next: PatternPartList[] = [];
    for (const c of combos) for (const o of options) if (next.length < 10_000) next.push([...c, ...o]);
    combos = next;
  }
  const patterns: StringPattern[] = combos.map((c) => ({
    parts: wrapParts(c, mods.has('contains') || mods.has('endswith'), mods.has('contains') || mods.has('startswith')),
  }));
  return [{ kind: 'string', raw: value.raw, patterns, cased: mods.has('cased'), range: value.range }];
}

const NEGATED_OP: Record<string, string> = {
  '=': '≠',
  contains: 'does not contain',
  startswith: 'does not start with',
  endswith: 'does not end with',
  like: 'not like',
  in: 'not in',
  matches: 'does not match',
};

function negatedOp(op: string): string {
  return NEGATED_OP[op] ?? `not ${op}`;
}

/** `8080|8888`, or `'a'|'b'|… (+4,430 more)` for long lists. */
function joinOperands(values: readonly CompiledValue[], total = values.length, limit = 60): string {
  const ops = values.map((v) => (v.op === values[0].op ? v.operand : `${v.op} ${v.operand}`.trim()));
  let out = '';
  let shown = 0;
  for (const o of ops) {
    const next = out ? `${out}|${o}` : o;
    if (shown > 0 && next.length > limit) break;
    out = next;
    shown++;
  }
  return shown < total ? `${out}|… (+${(total - shown).toLocaleString('en-US')} more)` : out;
}

function short(x: unknown): string {
  return quoteIfNeeded(displayValue(x, 60));
}

interface LookupOutcome extends ValueOutcome {
  /** The scalar the outcome is about (an array element), when it differs from the whole value. */
  element?: unknown;
}

function outcomeOnLookup(cv: CompiledValue, lookup: FieldLookup, event: LogEvent): LookupOutcome {
  const v = cv.value;
  if (v.kind === 'null') {
    if (!lookup.found) return { result: true, code: 'missing-as-expected', reason: 'field missing' };
    if (lookup.value === null || lookup.value === undefined) return { result: true, code: 'null-as-expected', reason: 'field is null' };
    return { result: false, code: 'not-null', reason: 'field has a value' };
  }
  if (v.kind === 'exists') {
    if (lookup.found === v.value) return { result: true, code: 'exists', reason: lookup.found ? 'field exists' : 'field is absent' };
    return lookup.found ? { result: false, code: 'field-present', reason: 'field exists' } : { result: false, code: 'field-missing', reason: 'field missing' };
  }
  if (cv.error) return cv.explain(undefined, event);
  if (!lookup.found) return { result: false, code: 'field-missing', reason: 'field missing' };
  if (lookup.value === null || lookup.value === undefined) return { result: false, code: 'field-null', reason: 'field is null' };
  if (!Array.isArray(lookup.value)) return cv.explain(lookup.value, event);
  let first: LookupOutcome | undefined;
  let near: LookupOutcome | undefined;
  let count = 0;
  let hit: LookupOutcome | undefined;
  forEachScalar(lookup.value, (x, i) => {
    count++;
    const o = cv.explain(x, event);
    if (o.result) {
      hit = { ...o, reason: `${o.reason} (element ${i + 1})`, element: x };
      return true;
    }
    first ??= { ...o, element: x };
    if (!near && NEAR_MISS.has(o.code)) near = { ...o, element: x };
    return false;
  });
  if (hit) return hit;
  const base = near ?? first;
  if (!base) return { result: false, code: 'different-value', reason: 'empty list' };
  return { ...base, reason: `${base.reason} (none of ${count} elements)` };
}

export function compileItem(item: FieldItem, options: CompileItemOptions): CompiledItem {
  const keyword = item.field === null;
  const field = item.field ?? '';
  const getField = options.getField;
  const values = item.values
    .flatMap((v) => resolvePlaceholder(v, item, options.placeholders))
    .map((v) => compileValue(v, { getField, keyword }));
  const errors = values.filter((v) => v.error).map((v) => ({ message: v.error!, value: v.value }));
  const modifiers = item.modifiers.map((m) => m.name);

  // --- the fast test ---------------------------------------------------------------------
  const nullValue = values.some((v) => v.value.kind === 'null');
  const existsValues = values.filter((v) => v.value.kind === 'exists').map((v) => (v.value as { value: boolean }).value);
  const plain = values.filter((v) => v.patterns !== undefined);
  const others = values.filter((v) => v.patterns === undefined && v.value.kind !== 'null' && v.value.kind !== 'exists');
  const folded = plain.filter((v) => !v.cased).flatMap((v) => v.patterns!);
  const cased = plain.filter((v) => v.cased).flatMap((v) => v.patterns!);
  const foldedSet = folded.length ? compilePatternSet(folded) : undefined;
  const casedSet = cased.length ? compilePatternSet(cased) : undefined;
  const numbers = new Set(plain.filter((v) => v.number !== undefined).map((v) => v.number!));

  const anyScalar = (x: unknown, event: LogEvent): boolean => {
    const text = scalarText(x);
    if (text !== undefined) {
      if (foldedSet && foldedSet(foldCase(text))) return true;
      if (casedSet && casedSet(text)) return true;
      if (numbers.size > 0 && typeof x !== 'boolean') {
        const n = toNumber(x);
        if (n !== undefined && numbers.has(n)) return true;
      }
    }
    for (let i = 0; i < others.length; i++) if (others[i].test(x, event)) return true;
    return false;
  };

  const valueOnLookup = (cv: CompiledValue, lookup: FieldLookup, event: LogEvent): boolean => {
    const k = cv.value.kind;
    if (k === 'null') return !lookup.found || lookup.value === null || lookup.value === undefined;
    if (k === 'exists') return lookup.found === (cv.value as { value: boolean }).value;
    if (!lookup.found || lookup.value === null || lookup.value === undefined) return false;
    const val = lookup.value;
    if (!Array.isArray(val)) return cv.test(val, event);
    return forEachScalar(val, (x) => cv.test(x, event));
  };

  const hasExists = existsValues.length > 0;
  const scalarTests = folded.length + cased.length + others.length > 0;
  /** The OR of all values on one lookup, through the list fast paths. */
  const anyOnLookup = (lookup: FieldLookup, event: LogEvent): boolean => {
    if (hasExists && existsValues.includes(lookup.found)) return true;
    if (!lookup.found || lookup.value === null || lookup.value === undefined) return nullValue;
    if (!scalarTests) return false;
    const val = lookup.value;
    return Array.isArray(val) ? forEachScalar(val, (x) => anyScalar(x, event)) : anyScalar(val, event);
  };

  let test: (event: LogEvent) => boolean;
  if (values.length === 0) {
    // `field: []` or values the loader rejected: nothing to match, under any combination.
    test = () => false;
  } else if (keyword) {
    test =
      item.combine === 'and'
        ? (event) => {
            const scalars = scalarsOf(event);
            return values.every((cv) => scalars.some((x) => cv.test(x, event)));
          }
        : (event) => {
            const scalars = scalarsOf(event);
            for (let i = 0; i < scalars.length; i++) if (anyScalar(scalars[i], event)) return true;
            return false;
          };
  } else if (item.combine === 'and') {
    test = (event) => {
      const lookup = getField(event, field);
      const r = values.every((cv) => valueOnLookup(cv, lookup, event));
      return item.negated ? !r : r;
    };
  } else {
    test = (event) => {
      const r = anyOnLookup(getField(event, field), event);
      return item.negated ? !r : r;
    };
  }

  // --- the explanation -------------------------------------------------------------------
  const label = keyword ? (item.combine === 'and' ? "'|all' keywords" : 'keywords') : [field, ...modifiers].join('|');

  const explainKeyword = (event: LogEvent): ExplainNode => {
    const scalars = scalarsOf(event);
    const outcomes = values.map((cv) => {
      for (const x of scalars) if (cv.test(x, event)) return { cv, result: true, element: x as unknown };
      return { cv, result: false, element: undefined as unknown };
    });
    const result = values.length > 0 && (item.combine === 'and' ? outcomes.every((o) => o.result) : outcomes.some((o) => o.result));
    const children = pickChildren(outcomes, result, item.combine).map(({ cv, result: r, element }) =>
      valueNode(cv, r, r ? displayValue(element) : `not in any of ${scalars.length} event values`, r ? 'keyword found in the event' : 'keyword not found', r ? 'keyword-found' : 'keyword-absent', undefined, modifiers),
    );
    const found = outcomes.filter((o) => o.result);
    const summary = result
      ? `keyword ${found.map((o) => o.cv.operand).slice(0, 3).join(', ')} found${found[0] ? ` in ${short(found[0].element)}` : ''}`
      : item.combine === 'and'
        ? `keyword ${outcomes.find((o) => !o.result)?.cv.operand ?? ''} not found (all keywords required)`
        : `no keyword found (${joinOperands(values)})`;
    return {
      kind: 'item',
      label,
      result,
      range: item.range,
      children,
      modifiers,
      summary,
      omitted: values.length - children.length || undefined,
      actual: `${scalars.length} values searched`,
      error: errors[0]?.message,
    };
  };

  const explainField = (event: LogEvent): ExplainNode => {
    const lookup = getField(event, field);
    const actual = lookup.found ? displayValue(lookup.value) : 'field missing';
    // Long failing lists: look at the first few hundred for near misses; the fast test decides.
    const direct = values.length > NEAR_MISS_SCAN && item.combine === 'or' && !anyOnLookup(lookup, event);
    const examined = direct ? [...new Set([...values.slice(0, SHOWN), ...values.filter((v) => v.nearMiss).slice(0, NEAR_MISS_SCAN)])] : values;
    const outcomes = examined.map((cv) => ({ cv, ...outcomeOnLookup(cv, lookup, event) }));
    const raw = direct || values.length === 0 ? false : item.combine === 'and' ? outcomes.every((o) => o.result) : outcomes.some((o) => o.result);
    const result = values.length > 0 && (item.negated ? !raw : raw);
    const shown = pickChildren(outcomes, raw, item.combine);
    const children = shown.map((o) =>
      valueNode(o.cv, o.result, o.element !== undefined ? displayValue(o.element) : actual, item.negated ? `${o.reason} (neq: the field must not match this)` : o.reason, o.code, field, modifiers),
    );
    return {
      kind: 'item',
      label,
      result,
      range: item.range,
      children,
      field,
      modifiers,
      actual,
      path: lookup.path && lookup.path !== field ? lookup.path : undefined,
      omitted: values.length - children.length || undefined,
      summary: fieldSummary(field, lookup, outcomes, raw, item),
      error: errors[0]?.message,
    };
  };

  return { item, values, test, explain: keyword ? explainKeyword : explainField, errors };
}

/** Which value outcomes to show: what decided the item first, near misses next, then the rest. */
function pickChildren<T extends { result: boolean; code?: ReasonCode }>(outcomes: T[], result: boolean, combine: 'and' | 'or'): T[] {
  if (outcomes.length <= SHOWN) return outcomes;
  const decisive = combine === 'or' ? (result ? outcomes.filter((o) => o.result) : []) : result ? [] : outcomes.filter((o) => !o.result);
  const near = outcomes.filter((o) => !o.result && o.code !== undefined && NEAR_MISS.has(o.code));
  const picked = new Set<T>([...decisive, ...near]);
  for (const o of outcomes) {
    if (picked.size >= SHOWN) break;
    picked.add(o);
  }
  return outcomes.filter((o) => picked.has(o)).slice(0, SHOWN);
}

function valueNode(
  cv: CompiledValue,
  result: boolean,
  actual: string,
  reason: string,
  code: ReasonCode,
  field: string | undefined,
  modifiers: string[],
): ExplainNode {
  return {
    kind: 'value',
    label: cv.expected,
    result,
    range: cv.value.range,
    children: [],
    field,
    modifiers,
    expected: cv.expected,
    actual,
    reason,
    code,
    error: cv.error,
  };
}

function fieldSummary(
  field: string,
  lookup: FieldLookup,
  outcomes: Array<LookupOutcome & { cv: CompiledValue }>,
  raw: boolean,
  item: FieldItem,
): string {
  const values = outcomes.map((o) => o.cv);
  if (values.length === 0) return `${field}: no values to compare`;
  const kinds = new Set(values.map((v) => v.value.kind));
  const actualOf = (o?: LookupOutcome) => short(o?.element !== undefined ? o.element : lookup.value);
  if (kinds.size === 1 && kinds.has('exists')) {
    return `${field} ${lookup.found ? 'exists' : 'is absent'}`;
  }
  const hit = outcomes.find((o) => o.result);
  if (item.negated) {
    if (!raw) return `${field} ${lookup.found ? actualOf() : 'missing'} ≠ ${joinOperands(values)} (neq)`;
    return `${field} ${actualOf(hit)} = ${hit ? hit.cv.operand : joinOperands(values)} (neq excludes it)`;
  }
  if (raw && hit) {
    if (hit.cv.value.kind === 'null') return `${field} is ${lookup.found ? 'null' : 'missing'}`;
    if (hit.cv.value.kind === 'exists') return `${field} ${lookup.found ? 'exists' : 'is absent'}`;
    if (item.combine === 'and') return `${field} ${actualOf(hit)} ${hit.cv.op} all of ${joinOperands(values)}`;
    const m = hit.matched ?? hit.cv;
    return `${field} ${actualOf(hit)} ${m.op} ${m.operand}`.replace(/\s+$/, '');
  }
  if (!lookup.found) return `${field} missing`;
  if (lookup.value === null || lookup.value === undefined) return `${field} is null`;
  const failing = outcomes.filter((o) => !o.result);
  if (item.combine === 'and') {
    const f = failing[0] ?? outcomes[0];
    return `${field} ${actualOf(f)} ${negatedOp(f.cv.op)} ${f.cv.operand} (all values required)`;
  }
  const near = failing.find((o) => NEAR_MISS.has(o.code));
  const hint = near ? ` (${near.code === 'case-differs' ? `case differs from ${near.cv.operand}` : truncateMiddle(near.reason, 90)})` : '';
  const nonText = failing.find((o) => o.code === 'not-a-number' || o.code === 'not-an-ip' || o.code === 'not-a-timestamp' || o.code === 'not-a-string');
  const why = !near && nonText && failing.every((o) => o.code === nonText.code) ? ` (${nonText.reason})` : '';
  const list = joinOperands(values, Math.max(values.length, item.values.length));
  return `${field} ${actualOf(near)} ${negatedOp(values[0]?.op ?? '=')} ${list}${hint}${why}`;
}
