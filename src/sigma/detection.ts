/**
 * The `detection` section: search identifiers and their bodies, the condition(s), timeframe.
 *
 * Body shapes (specification v2, "Detection"; pySigma's SigmaDetection.from_definition):
 * - a map: AND of its field items;
 * - a list of scalars: one keyword item whose values are OR-ed;
 * - a list holding maps (or nested lists): OR of its entries, each map an AND, each scalar a
 *   keyword item;
 * - a single scalar: a keyword item with one value;
 * - a key with no field before the modifiers (`'|all': [...]`): a keyword item with modifiers.
 *
 * Plain scalars keep their source text (`00000429`, `0x10`), see `scalarInput`.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import type { Diagnostic, LineIndex, SourceRange } from '../diagnostics.ts';
import type { FieldItem, LoadOptions, SearchIdentifier, Selection, SigmaValue } from './model.ts';
import { analyzeChain, buildValue, parseFieldKey, type ScalarInput } from './modifiers.ts';
import { scalarText, type Entry, type FieldContext } from './rule-fields.ts';
import { scalarOffsetMapper } from './yaml-ranges.ts';

/** Selections nested deeper than this (lists in lists) are rejected rather than recursed into. */
export const MAX_SELECTION_DEPTH = 32;

export interface DetectionContext extends FieldContext {
  source: string;
  lines: LineIndex;
  options: LoadOptions;
}

export interface ReadDetection {
  identifiers: Map<string, SearchIdentifier>;
  /** The condition scalars, in order (a condition list gives several). */
  conditionNodes: Scalar[];
  timeframe?: string;
  range: SourceRange;
}

/** A decimal number as YAML 1.1 and 1.2 both read it (no octal, hex, sexagesimal or `.inf`). */
const DECIMAL = /^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Maps offsets inside a scalar's value to source ranges (computed on first use). */
export function scalarRangeOf(ctx: DetectionContext, node: Scalar): (start: number, end: number) => SourceRange {
  let mapper: ReturnType<typeof scalarOffsetMapper> | undefined;
  return (start, end) => {
    mapper ??= scalarOffsetMapper(ctx.source, node);
    const [a, b] = mapper(start, end);
    return ctx.lines.range(a, b);
  };
}

/**
 * A detection value as the modifiers see it. Plain scalars are read from their source text, the
 * way Sigma tooling (YAML 1.1) reads them: `00000429` stays a string (YAML 1.2 would make it 429),
 * `0x10` stays "0x10"; `8080` is the string "8080" that also records number 8080; `true`/`false`
 * record a boolean; `null`, `~` and nothing are null. Quoted scalars are always strings: `'8080'`
 * and `'true'` carry no number/boolean, and `''` is the empty string.
 */
export function scalarInput(ctx: DetectionContext, node: Node | null, fallback: SourceRange): ScalarInput {
  if (node === null || !isScalar(node)) return { text: '', plain: true, isNull: true, range: fallback };
  const range = ctx.range(node);
  const text = scalarText(node);
  const plain = node.type === 'PLAIN' || node.type === undefined;
  if (!plain || node.tag) {
    const input: ScalarInput = { text, plain: false, isNull: node.value === null, range, rangeOf: scalarRangeOf(ctx, node) };
    if (node.type === 'QUOTE_DOUBLE') input.doubleQuoted = true;
    if (node.tag && typeof node.value === 'number') input.number = node.value;
    if (node.tag && typeof node.value === 'boolean') input.boolean = node.value;
    return input;
  }
  const input: ScalarInput = { text, plain: true, isNull: node.value === null, range, rangeOf: scalarRangeOf(ctx, node) };
  if (typeof node.value === 'boolean') input.boolean = node.value;
  else if (DECIMAL.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) input.number = n;
  }
  return input;
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  return 'a value';
}

function report(ctx: DetectionContext, code: string, message: string, range: SourceRange, severity: Diagnostic['severity'] = 'error'): void {
  ctx.report({ code, severity, message, range });
}

/** An identifier body that failed: OR of nothing, which never matches (an empty AND would match everything). */
function neverMatches(range: SourceRange): Selection {
  return { kind: 'or', items: [], range };
}

function keywordItem(ctx: DetectionContext, nodes: Array<Node | null>, range: SourceRange): FieldItem {
  const values: SigmaValue[] = [];
  const chain = analyzeChain(null, []);
  for (const node of nodes) {
    const input = scalarInput(ctx, node, range);
    if (input.isNull) {
      report(ctx, 'invalid-value', 'a keyword search cannot be null: null needs a field (Field: null)', input.range);
      continue;
    }
    checkStringValue(ctx, input);
    const built = buildValue(input, [], chain, { placeholders: ctx.options.placeholders });
    for (const d of built.diagnostics) ctx.report(d);
    if (built.value) values.push(built.value);
  }
  return { kind: 'item', field: null, modifiers: [], values, combine: 'or', negated: false, keyRange: range, range };
}

function readFieldItem(ctx: DetectionContext, keyNode: Scalar, valueRaw: unknown): FieldItem {
  const keyRange = ctx.range(keyNode);
  const valueNode = ctx.deref(valueRaw);
  const end = valueNode?.range ? valueNode.range[1] : keyNode.range ? keyNode.range[1] : keyRange.end;
  const range = ctx.lines.range(keyRange.start, Math.max(keyRange.end, end));
  const key = scalarText(keyNode);
  const parsed = parseFieldKey(key, scalarRangeOf(ctx, keyNode));
  for (const d of parsed.diagnostics) ctx.report(d);
  const chain = analyzeChain(parsed.field, parsed.modifiers);
  if (parsed.ok) for (const d of chain.diagnostics) ctx.report(d);
  const item: FieldItem = {
    kind: 'item',
    field: parsed.field,
    modifiers: parsed.modifiers,
    values: [],
    combine: chain.combine,
    negated: chain.negated,
    keyRange,
    range,
  };

  let nodes: Array<Node | null>;
  if (valueNode !== null && isSeq(valueNode)) {
    if (valueNode.items.length === 0) {
      if (parsed.field === null) {
        report(ctx, 'invalid-value', 'a keyword search needs at least one value', ctx.range(valueNode));
        return neverMatchesWhenEmpty(item);
      }
      // `Field: []`: pySigma reads an empty value list as null (the field is absent or null).
      // Kept for compatibility, with a warning because the intent is rarely obvious to a reader.
      report(ctx, 'empty-value-list', `'${key}: []' is read as '${key}: null' (the field is absent or null), as pySigma does; write null to say so`, ctx.range(valueNode), 'warning');
      const input = scalarInput(ctx, null, ctx.range(valueNode));
      if (parsed.ok && chain.ok) {
        const built = buildValue(input, parsed.modifiers, chain, { placeholders: ctx.options.placeholders });
        for (const d of built.diagnostics) ctx.report(d);
        if (built.value) item.values.push(built.value);
      }
      return neverMatchesWhenEmpty(item);
    }
    nodes = [];
    for (const raw of valueNode.items) {
      const node = ctx.deref(raw);
      if (node !== null && !isScalar(node)) {
        report(ctx, 'invalid-value', `values of '${key}' must be plain values, not ${describe(node)}`, ctx.range(node));
        continue;
      }
      nodes.push(node);
    }
  } else if (valueNode !== null && isMap(valueNode)) {
    report(ctx, 'invalid-value', `the value of '${key}' must be a value or a list of values, not a map`, ctx.range(valueNode));
    return neverMatchesWhenEmpty(item);
  } else {
    nodes = [valueNode];
  }

  const inputs = nodes.map((n) => scalarInput(ctx, n, keyRange));
  if (inputs.length > 1) {
    const nullInput = inputs.find((i) => i.isNull);
    if (nullInput) {
      report(ctx, 'null-in-list', 'null cannot be part of a list of values (specification: use a separate search identifier for null)', nullInput.range, 'warning');
    }
  }
  const allModifier = parsed.modifiers.find((m) => m.name === 'all');
  if (allModifier && inputs.length === 1) {
    report(ctx, 'all-single-value', "'all' on a single value does nothing; remove it or add values", allModifier.range, 'warning');
  }
  if (parsed.field !== null && /\s/.test(parsed.field)) {
    // Specification, "Field Usage": field names are written without spaces (`New Value` → `NewValue`).
    const fieldRange = scalarRangeOf(ctx, keyNode)(0, parsed.field.length);
    const fixed = parsed.field.replace(/\s+/g, '');
    ctx.report({
      code: 'field-name-space',
      severity: 'warning',
      message: `field names are written without spaces: '${fixed}' (logs are matched by the name with spaces removed)`,
      range: fieldRange,
      fixes: fixed ? [{ title: `Change to '${fixed}'`, range: fieldRange, text: fixed }] : undefined,
    });
  }
  reportDuplicateValues(ctx, inputs, chain.kind, parsed.modifiers.some((m) => m.name === 'cased' || m.name === 'base64' || m.name === 'base64offset'));
  if (parsed.ok && chain.ok) {
    const buildContext = { placeholders: ctx.options.placeholders };
    for (const input of inputs) {
      if (chain.kind === 'string' && !input.isNull) checkStringValue(ctx, input);
      const built = buildValue(input, parsed.modifiers, chain, buildContext);
      for (const d of built.diagnostics) ctx.report(d);
      if (built.value) item.values.push(built.value);
    }
  }
  return neverMatchesWhenEmpty(item);
}

/** SigmaHQ's duplicate-value check: the same value twice in one list (case-insensitive unless cased). */
function reportDuplicateValues(ctx: DetectionContext, inputs: ScalarInput[], kind: string, caseSensitive: boolean): void {
  if (inputs.length < 2) return;
  const exact = caseSensitive || kind === 'regex';
  const seen = new Set<string>();
  for (const input of inputs) {
    if (input.isNull) continue;
    const key = exact ? input.text : input.text.toLowerCase();
    if (seen.has(key)) {
      report(ctx, 'duplicate-value', `'${input.text}' is listed more than once`, input.range, 'warning');
    }
    seen.add(key);
  }
}

/**
 * An item left without values by errors must not match: an empty `all` (AND) or a negated empty
 * list would otherwise be vacuously true and make a broken rule fire on every event.
 */
function neverMatchesWhenEmpty(item: FieldItem): FieldItem {
  if (item.values.length === 0) {
    item.combine = 'or';
    item.negated = false;
  }
  return item;
}

/** pySigma's value validators that are worth a note: control characters and `**`. */
function checkStringValue(ctx: DetectionContext, input: ScalarInput): void {
  // Tabs and line breaks are legitimate in block scalars, but in a double-quoted string they come
  // from escapes such as the \t of "C:\temp", which is almost always a slip.
  const control = (input.doubleQuoted ? /[\x00-\x1f\x7f]/ : /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/).exec(input.text);
  if (control) {
    const code = control[0].charCodeAt(0);
    const hint = input.doubleQuoted ? ' (in double quotes, \\ starts an escape: use single quotes for Windows paths)' : '';
    report(
      ctx,
      'control-character',
      `the value contains the control character U+${code.toString(16).padStart(4, '0').toUpperCase()}${hint}`,
      input.rangeOf ? input.rangeOf(control.index, control.index + 1) : input.range,
      'warning',
    );
  }
  const double = /(?<!\\)\*\*/.exec(input.text);
  if (double) {
    const range = input.rangeOf ? input.rangeOf(double.index, double.index + 2) : input.range;
    ctx.report({ code: 'double-wildcard', severity: 'info', message: "'**' means the same as '*'", range, fixes: [{ title: "Replace with '*'", range, text: '*' }] });
  }
}

/** Reads one search identifier body (or a nested entry of a list body). */
export function readSelection(ctx: DetectionContext, raw: unknown, fallback: SourceRange, depth = 0): Selection {
  const node = ctx.deref(raw);
  if (depth > MAX_SELECTION_DEPTH) {
    const range = node ? ctx.range(node) : fallback;
    report(ctx, 'too-deep', `detection lists are nested more than ${MAX_SELECTION_DEPTH} levels deep`, range);
    return neverMatches(range);
  }
  if (node === null || (isScalar(node) && node.value === null && scalarText(node) === '')) {
    report(ctx, 'empty-detection', 'this search identifier is empty: give a map of fields or a list of keywords', node ? ctx.range(node) : fallback);
    return neverMatches(node ? ctx.range(node) : fallback);
  }
  const range = ctx.range(node);
  if (isMap(node)) {
    if (node.items.length === 0) {
      report(ctx, 'empty-detection', 'this search identifier is an empty map', range);
      return neverMatches(range);
    }
    const items: Array<FieldItem | Selection> = [];
    for (const pair of node.items) {
      const keyNode = ctx.deref(pair.key);
      if (keyNode === null || !isScalar(keyNode)) {
        report(ctx, 'invalid-field-name', 'a field name must be a plain string', keyNode ? ctx.range(keyNode) : range);
        continue;
      }
      items.push(readFieldItem(ctx, keyNode, pair.value));
    }
    return items.length > 0 ? { kind: 'and', items, range } : neverMatches(range);
  }
  if (isSeq(node)) {
    if (node.items.length === 0) {
      report(ctx, 'empty-detection', 'this search identifier is an empty list', range);
      return neverMatches(range);
    }
    const entries = node.items.map((i) => ctx.deref(i));
    if (entries.every((e) => e === null || isScalar(e))) {
      return { kind: 'or', items: [keywordItem(ctx, entries, range)], range };
    }
    const items: Array<FieldItem | Selection> = [];
    for (const entry of entries) {
      if (entry === null || isScalar(entry)) items.push(keywordItem(ctx, [entry], entry ? ctx.range(entry) : range));
      else items.push(readSelection(ctx, entry, range, depth + 1));
    }
    return { kind: 'or', items, range };
  }
  return { kind: 'or', items: [keywordItem(ctx, [node], range)], range };
}

/** Reads the `detection` map. */
export function readDetection(ctx: DetectionContext, entry: Entry): ReadDetection {
  const node = ctx.deref(entry.value);
  const keyRange = ctx.range(entry.keyNode);
  const identifiers = new Map<string, SearchIdentifier>();
  const conditionNodes: Scalar[] = [];
  if (node === null || !isMap(node)) {
    report(
      ctx,
      node === null ? 'missing-detection' : 'invalid-detection',
      node === null ? "'detection' is empty: define search identifiers and a condition" : `'detection' must be a map, not ${describe(node)}`,
      node ? ctx.range(node) : keyRange,
    );
    return { identifiers, conditionNodes, range: node ? ctx.range(node) : keyRange };
  }
  const range = ctx.range(node);
  let timeframe: string | undefined;
  let sawCondition = false;
  for (const pair of node.items) {
    const keyNode = ctx.deref(pair.key);
    if (keyNode === null || !isScalar(keyNode)) {
      report(ctx, 'invalid-identifier', 'a search identifier name must be a plain string', keyNode ? ctx.range(keyNode) : range);
      continue;
    }
    const name = scalarText(keyNode);
    const idKeyRange = ctx.range(keyNode);
    if (name === 'condition') {
      sawCondition = true;
      const value = ctx.deref(pair.value);
      if (value !== null && isSeq(value)) {
        if (value.items.length === 0) report(ctx, 'missing-condition', "the condition list is empty", ctx.range(value));
        for (const raw of value.items) {
          const item = ctx.deref(raw);
          if (item !== null && isScalar(item) && item.value !== null) conditionNodes.push(item);
          else report(ctx, 'invalid-condition', 'each condition in a condition list must be a string', item ? ctx.range(item) : ctx.range(value));
        }
      } else if (value !== null && isScalar(value) && value.value !== null && scalarText(value).trim() !== '') {
        conditionNodes.push(value);
      } else if (value === null || isScalar(value)) {
        report(ctx, 'missing-condition', "the condition is empty: say how the search identifiers combine (e.g. 'selection and not filter')", idKeyRange);
      } else {
        report(ctx, 'invalid-condition', `the condition must be a string or a list of strings, not ${describe(value)}`, ctx.range(value));
      }
      continue;
    }
    if (name === 'timeframe') {
      const value = ctx.deref(pair.value);
      if (value !== null && isScalar(value)) timeframe = scalarText(value);
      else report(ctx, 'invalid-field-type', "'timeframe' must be a string such as 5m", value ? ctx.range(value) : idKeyRange);
      continue;
    }
    const body = ctx.deref(pair.value);
    const selection = readSelection(ctx, body, idKeyRange);
    identifiers.set(name, {
      name,
      keyRange: idKeyRange,
      range: body ? ctx.range(body) : idKeyRange,
      selection,
    });
  }
  if (!sawCondition) {
    report(ctx, 'missing-condition', "'detection' has no 'condition': say how the search identifiers combine (e.g. 'condition: selection')", keyRange);
  }
  if (identifiers.size === 0) {
    report(ctx, 'missing-search-identifier', "'detection' defines no search identifier", keyRange);
  }
  return { identifiers, conditionNodes, timeframe, range };
}
