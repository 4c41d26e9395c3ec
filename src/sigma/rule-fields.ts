/**
 * The top-level fields of a Sigma rule and their constraints.
 *
 * Constraints follow the official JSON schema (sigma-detection-rule-schema.json, specification
 * v2): title ≤ 256 characters, `id` and related ids are UUIDs, status/level/related type from
 * fixed sets, dates `YYYY-MM-DD` with real month/day ranges, tags `^[a-z0-9_-]+\.[a-z0-9._-]+$`,
 * unique references/tags/fields/falsepositives, falsepositives and scope items at least two
 * characters, name/taxonomy ≤ 256, description ≤ 65,535. Unknown top-level keys are allowed (the
 * specification permits custom attributes).
 */
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import type { Logsource, RelatedRule } from './model.ts';

export const RULE_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export const RULE_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export const RELATED_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'] as const;
export const TAG_PATTERN = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_TITLE_LENGTH = 256;
export const MAX_DESCRIPTION_LENGTH = 65_535;

/** What the loader gives the field readers: node access that resolves aliases, ranges, a sink. */
export interface FieldContext {
  /** The node itself, an alias's target, or null. */
  deref(node: unknown): Node | null;
  range(node: Node): SourceRange;
  report(d: Diagnostic): void;
}

/** A top-level entry: its key node and value node. */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

/** The text of a scalar as written for plain scalars (no YAML 1.2 number/date reinterpretation). */
export function scalarText(node: Scalar): string {
  if (typeof node.source === 'string') return node.source;
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

function typeName(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  return 'a scalar';
}

function report(ctx: FieldContext, code: string, message: string, range: SourceRange | undefined, severity: Diagnostic['severity'] = 'error'): void {
  ctx.report({ code, severity, message, range });
}

/** A string-valued field; null/empty gives undefined. */
export function readString(ctx: FieldContext, entry: Entry, maxLength?: number, tooLongCode?: string): string | undefined {
  const node = ctx.deref(entry.value);
  if (node === null) return undefined;
  if (!isScalar(node)) {
    report(ctx, 'invalid-field-type', `'${entry.key}' must be a string, not ${typeName(node)}`, ctx.range(node));
    return undefined;
  }
  if (node.value === null) return undefined;
  const text = scalarText(node);
  if (maxLength !== undefined && text.length > maxLength) {
    report(ctx, tooLongCode ?? `${entry.key}-too-long`, `'${entry.key}' is ${text.length} characters long; at most ${maxLength} are allowed`, ctx.range(node));
  }
  return text;
}

interface ListOptions {
  /** Items shorter than this get `code` (schema minLength). */
  minItemLength?: number;
  /** Duplicates get a warning with this code (schema uniqueItems). */
  duplicateCode?: string;
  /** Items that fail this test get an error with `invalidCode`. */
  itemTest?: (s: string) => boolean;
  invalidCode?: string;
  invalidMessage?: (s: string) => string;
}

/** A list of strings; a single string is accepted as a one-element list with a warning. */
export function readStringList(ctx: FieldContext, entry: Entry, options: ListOptions = {}): string[] {
  const node = ctx.deref(entry.value);
  if (node === null) return [];
  if (isScalar(node)) {
    if (node.value === null) return [];
    report(ctx, 'invalid-field-type', `'${entry.key}' should be a list; read as a list of one`, ctx.range(node), 'warning');
    const text = scalarText(node);
    checkItem(ctx, entry, text, node, options);
    return [text];
  }
  if (!isSeq(node)) {
    report(ctx, 'invalid-field-type', `'${entry.key}' must be a list of strings, not ${typeName(node)}`, ctx.range(node));
    return [];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of node.items) {
    const item = ctx.deref(raw);
    if (item === null || !isScalar(item) || item.value === null) {
      report(ctx, 'invalid-field-type', `items of '${entry.key}' must be strings, not ${item === null || (isScalar(item) && item.value === null) ? 'null' : typeName(item)}`, item ? ctx.range(item) : ctx.range(node));
      continue;
    }
    const text = scalarText(item);
    if (options.duplicateCode && seen.has(text)) {
      report(ctx, options.duplicateCode, `'${text}' appears more than once in '${entry.key}'`, ctx.range(item), 'warning');
    }
    seen.add(text);
    checkItem(ctx, entry, text, item, options);
    out.push(text);
  }
  return out;
}

function checkItem(ctx: FieldContext, entry: Entry, text: string, node: Node, options: ListOptions): void {
  if (options.minItemLength !== undefined && text.length < options.minItemLength) {
    report(ctx, 'invalid-field-type', `items of '${entry.key}' must be at least ${options.minItemLength} characters long`, ctx.range(node));
  }
  if (options.itemTest && !options.itemTest(text)) {
    report(ctx, options.invalidCode ?? 'invalid-field-type', options.invalidMessage ? options.invalidMessage(text) : `invalid item '${text}' in '${entry.key}'`, ctx.range(node));
  }
}

function suggestFrom(value: string, allowed: readonly string[]): string | undefined {
  const lower = value.toLowerCase().trim();
  return allowed.find((a) => a === lower) ?? allowed.find((a) => a.startsWith(lower.slice(0, 3)) && lower.length >= 3);
}

/** A string from a fixed set (status, level); a case/spacing slip gets a quick fix. */
export function readEnum(ctx: FieldContext, entry: Entry, allowed: readonly string[], code: string): string | undefined {
  const text = readString(ctx, entry);
  if (text === undefined) return undefined;
  if (!allowed.includes(text)) {
    const node = ctx.deref(entry.value)!;
    const range = ctx.range(node);
    const suggestion = suggestFrom(text, allowed);
    ctx.report({
      code,
      severity: 'error',
      message: `invalid ${entry.key} '${text}': expected one of ${allowed.join(', ')}${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      range,
      fixes: suggestion ? [{ title: `Change to '${suggestion}'`, range, text: suggestion }] : undefined,
    });
  }
  return text;
}

export function readUuid(ctx: FieldContext, entry: Entry): string | undefined {
  const text = readString(ctx, entry);
  if (text !== undefined && !UUID_PATTERN.test(text)) {
    report(ctx, 'invalid-id', `'${entry.key}' must be a UUID such as 929a690e-bef0-4204-a928-ef5e620d6fcc, not '${text}'`, ctx.range(ctx.deref(entry.value)!));
  }
  return text;
}

export function readDate(ctx: FieldContext, entry: Entry): string | undefined {
  const text = readString(ctx, entry);
  if (text !== undefined && !DATE_PATTERN.test(text)) {
    const node = ctx.deref(entry.value)!;
    const range = ctx.range(node);
    // Sigma v1 rules wrote 2019/10/23, and 2024-1-5 lacks padding; both convert unambiguously.
    const parts = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text.trim());
    const fixed = parts ? `${parts[1]}-${parts[2].padStart(2, '0')}-${parts[3].padStart(2, '0')}` : undefined;
    ctx.report({
      code: 'invalid-date',
      severity: 'error',
      message: `'${entry.key}' must be a date written YYYY-MM-DD, not '${text}'`,
      range,
      fixes: fixed && DATE_PATTERN.test(fixed) ? [{ title: `Change to ${fixed}`, range, text: fixed }] : undefined,
    });
  }
  return text;
}

export function readTags(ctx: FieldContext, entry: Entry): string[] {
  return readStringList(ctx, entry, {
    duplicateCode: 'duplicate-tag',
    itemTest: (t) => TAG_PATTERN.test(t),
    invalidCode: 'invalid-tag',
    invalidMessage: (t) =>
      `invalid tag '${t}': tags are lowercase 'namespace.name' of letters, digits, '_', '-' and '.' (e.g. attack.t1059.001)`,
  });
}

export function readRelated(ctx: FieldContext, entry: Entry): RelatedRule[] {
  const node = ctx.deref(entry.value);
  if (node === null) return [];
  if (!isSeq(node)) {
    report(ctx, 'invalid-related', `'related' must be a list of {id, type} maps, not ${typeName(node)}`, ctx.range(node));
    return [];
  }
  const out: RelatedRule[] = [];
  for (const raw of node.items) {
    const item = ctx.deref(raw);
    if (item === null || !isMap(item)) {
      report(ctx, 'invalid-related', `each 'related' entry must be a map with 'id' and 'type'`, item ? ctx.range(item) : ctx.range(node));
      continue;
    }
    let id: string | undefined;
    let type: string | undefined;
    for (const pair of item.items) {
      const keyNode = ctx.deref(pair.key);
      if (!keyNode || !isScalar(keyNode)) continue;
      const key = scalarText(keyNode);
      const sub: Entry = { key: key === 'id' ? 'related id' : key, keyNode, value: ctx.deref(pair.value) };
      if (key === 'id') id = readUuid(ctx, sub);
      else if (key === 'type') type = readEnum(ctx, { ...sub, key: 'related type' }, RELATED_TYPES, 'invalid-related-type');
    }
    if (id === undefined || type === undefined) {
      report(ctx, 'invalid-related', `a 'related' entry needs both 'id' and 'type'`, ctx.range(item));
      continue;
    }
    out.push({ id, type });
  }
  return out;
}

export function readLogsource(ctx: FieldContext, entry: Entry): Logsource {
  const node = ctx.deref(entry.value);
  if (node === null || !isMap(node)) {
    report(
      ctx,
      node === null ? 'missing-logsource' : 'invalid-logsource',
      node === null ? "'logsource' is empty: give at least one of category, product, service" : `'logsource' must be a map, not ${typeName(node)}`,
      node ? ctx.range(node) : ctx.range(entry.keyNode),
    );
    return {};
  }
  const out: Logsource = { range: ctx.range(node) };
  for (const pair of node.items) {
    const keyNode = ctx.deref(pair.key);
    if (!keyNode || !isScalar(keyNode)) continue;
    const key = scalarText(keyNode);
    if (key === 'category' || key === 'product' || key === 'service' || key === 'definition') {
      const value = readString(ctx, { key: `logsource ${key}`, keyNode, value: ctx.deref(pair.value) });
      if (value !== undefined) out[key] = value;
    }
  }
  if (out.category === undefined && out.product === undefined && out.service === undefined) {
    report(ctx, 'empty-logsource', "'logsource' needs at least one of category, product, service", ctx.range(node));
  }
  return out;
}

/**
 * Reads the metadata a correlation and a filter document share with rules (id, name,
 * description, date, modified), with the same checks, into `into`.
 */
export function readDocumentMeta(ctx: FieldContext, entries: ReadonlyMap<string, Entry>, into: { id?: string; name?: string; description?: string }): void {
  const id = entries.get('id');
  if (id) into.id = readUuid(ctx, id);
  const name = entries.get('name');
  if (name) into.name = readString(ctx, name, MAX_TITLE_LENGTH, 'name-too-long');
  const description = entries.get('description');
  if (description) into.description = readString(ctx, description, MAX_DESCRIPTION_LENGTH, 'description-too-long');
  for (const key of ['date', 'modified']) {
    const e = entries.get(key);
    if (e) readDate(ctx, e);
  }
}
