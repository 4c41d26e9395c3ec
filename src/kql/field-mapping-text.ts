/**
 * A user's field mapping as YAML text (`siglab convert --mapping FILE`, the playground's Mapping
 * editor) → `FieldMappingOverrides` (src/targets/types.ts), with every problem positioned in that
 * text. Two shapes, as pySigma field-name mappings are written:
 *
 * ```yaml
 * fields:                       # any table
 *   Image: ProcessPath
 * tables:                       # one table only (wins over `fields`)
 *   DeviceProcessEvents:
 *     CommandLine: ProcessCommandLine
 * ```
 *
 * or a plain `{Field: Column}` map (= `fields:`). A value is a column name or one of the object
 * forms of `FieldMapping` (`{column, type}`, `{anyOf}`, `{expression, type}`, `{values}`,
 * `{hashes}`, `{unsupported}`). Whatever is valid is kept: one broken entry does not discard the
 * others. `checkFieldMapping` then checks the text against a target (tables and columns exist).
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import { closestName } from '../sigma/condition.ts';
import { parseSettingsYaml, type SettingsYamlOptions } from '../sigma/settings-yaml.ts';
import { TARGETS } from '../targets/index.ts';
import { lookupField, mappingColumns } from '../targets/lookup.ts';
import { KQL_TYPES, type FieldMapping, type FieldMappingOverrides, type FixedPredicate, type KqlType, type TargetDefinition } from '../targets/types.ts';
import { closestColumns } from './compile.ts';

/** One `Field: mapping` line of the text. */
export interface FieldMappingEntry {
  /** The table of a `tables:` section; absent for `fields:` (any table). */
  table?: string;
  field: string;
  mapping: FieldMapping;
  /** Where the value is (the column names the target check complains about). */
  range: SourceRange;
}

export interface FieldMappingText {
  /** The usable mapping; absent when the text is empty or has YAML errors (nothing of it applies). */
  mapping?: FieldMappingOverrides;
  /** The valid entries, in text order. */
  entries: FieldMappingEntry[];
  /** The `tables:` section names, with where each is written. */
  tables: Array<{ name: string; range: SourceRange }>;
  diagnostics: Diagnostic[];
}

const PREDICATE_OPS = ['==', '!=', '=~', '!~', 'in', '!in', 'in~', '!in~'] as const;
const FORMS = 'a column name, or {column}, {anyOf: [columns]}, {expression, type}, {values}, {hashes} or {unsupported}';

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly y: ReturnType<typeof parseSettingsYaml>) {}

  error(message: string, node: unknown, code = 'mapping-invalid-entry'): void {
    this.diagnostics.push({ code, severity: 'error', message, range: this.y.range(node) });
  }

  /** A map's pairs with text keys (a non-text key is reported). */
  pairs(map: YAMLMap, where: string): Array<{ key: string; pair: Pair; value: Node | null }> {
    const out: Array<{ key: string; pair: Pair; value: Node | null }> = [];
    for (const pair of map.items) {
      const key = this.y.keyText(pair);
      if (key === undefined || key === '') this.error(`${where}: keys must be names`, pair.key ?? map);
      else out.push({ key, pair, value: this.y.deref(pair.value) });
    }
    return out;
  }

  text(node: Node | null): string | undefined {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object' || typeof node.value === 'boolean') return undefined;
    const t = typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
    return t === '' ? undefined : t;
  }

  texts(node: Node | null): string[] | undefined {
    if (!isSeq(node)) return undefined;
    const out: string[] = [];
    for (const item of node.items) {
      const t = this.text(this.y.deref(item));
      if (t === undefined) return undefined;
      out.push(t);
    }
    return out;
  }

  /** Object keys outside `allowed`, reported; true when all are known. */
  knownKeys(entries: Array<{ key: string; pair: Pair }>, allowed: readonly string[], where: string): boolean {
    let ok = true;
    for (const e of entries) {
      if (allowed.includes(e.key)) continue;
      const hint = closestName(e.key, allowed);
      this.error(
        `${where}: unknown key '${e.key}'${hint ? ` (did you mean '${hint}'?)` : ''}; this form takes ${allowed.join(', ')}`,
        e.pair.key,
        'mapping-unknown-key',
      );
      ok = false;
    }
    return ok;
  }

  type(node: Node | null, where: string): KqlType | undefined {
    const t = this.text(node);
    if (t !== undefined && (KQL_TYPES as readonly string[]).includes(t)) return t as KqlType;
    this.error(`${where}: type must be one of ${KQL_TYPES.join(', ')}`, node);
    return undefined;
  }

  predicate(node: Node | null, where: string): FixedPredicate | undefined {
    if (!isMap(node)) {
      this.error(`${where}: each condition is {column, op, value} or {kql}`, node);
      return undefined;
    }
    const e = this.pairs(node, where);
    const get = (k: string) => e.find((x) => x.key === k)?.value ?? null;
    if (e.some((x) => x.key === 'kql')) {
      if (!this.knownKeys(e, ['kql', 'columns'], where)) return undefined;
      const kql = this.text(get('kql'));
      const columns = get('columns') ? this.texts(get('columns')) : undefined;
      if (kql === undefined || (get('columns') && !columns)) {
        this.error(`${where}: kql must be a KQL expression and columns a list of column names`, node);
        return undefined;
      }
      return columns ? { kql, columns } : { kql };
    }
    if (!this.knownKeys(e, ['column', 'op', 'value'], where)) return undefined;
    const column = this.text(get('column'));
    const op = this.text(get('op')) as (typeof PREDICATE_OPS)[number] | undefined;
    const v = get('value');
    const scalar = (n: Node | null) =>
      isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number' || typeof n.value === 'boolean') ? n.value : undefined;
    const value = isSeq(v) ? v.items.map((i) => scalar(this.y.deref(i))) : scalar(v);
    if (
      column === undefined ||
      op === undefined ||
      !PREDICATE_OPS.includes(op) ||
      value === undefined ||
      (Array.isArray(value) && value.some((x) => x === undefined))
    ) {
      this.error(`${where}: a condition needs column, op (${PREDICATE_OPS.join(' ')}) and a value (or a list for in/!in)`, node);
      return undefined;
    }
    return { column, op, value: value as string | number | boolean | Array<string | number | boolean> };
  }

  /** One mapping value; undefined (reported) when it is none of the forms. */
  mapping(node: Node | null, where: string): FieldMapping | undefined {
    const column = this.text(node);
    if (column !== undefined) return column;
    if (isSeq(node)) {
      this.error(
        `${where}: a list is not a mapping; for a field held in any of several columns write {anyOf: [${this.texts(node)?.join(', ') ?? 'A, B'}]}`,
        node,
      );
      return undefined;
    }
    if (!isMap(node)) {
      this.error(`${where}: expected ${FORMS}`, node);
      return undefined;
    }
    const e = this.pairs(node, where);
    const has = (k: string) => e.some((x) => x.key === k);
    const get = (k: string) => e.find((x) => x.key === k)?.value ?? null;
    const warning = has('warning') ? this.text(get('warning')) : undefined;
    const common = warning !== undefined ? { warning } : {};
    if (has('unsupported')) {
      if (!this.knownKeys(e, ['unsupported'], where)) return undefined;
      const why = this.text(get('unsupported'));
      if (why === undefined) return void this.error(`${where}: unsupported takes the reason (text)`, node);
      return { unsupported: why };
    }
    if (has('anyOf')) {
      if (!this.knownKeys(e, ['anyOf', 'warning'], where)) return undefined;
      const cols = this.texts(get('anyOf'));
      if (!cols || cols.length === 0) return void this.error(`${where}: anyOf takes a list of column names`, get('anyOf') ?? node);
      return { anyOf: cols, ...common };
    }
    if (has('expression')) {
      if (!this.knownKeys(e, ['expression', 'type', 'columns', 'warning'], where)) return undefined;
      const expression = this.text(get('expression'));
      if (expression === undefined) return void this.error(`${where}: expression must be a KQL expression`, get('expression') ?? node);
      if (!has('type')) return void this.error(`${where}: an expression needs its type (${KQL_TYPES.join(', ')})`, node);
      const type = this.type(get('type'), where);
      const columns = has('columns') ? this.texts(get('columns')) : undefined;
      if (has('columns') && !columns) return void this.error(`${where}: columns takes a list of column names`, get('columns') ?? node);
      if (!type) return undefined;
      return { expression, type, ...(columns ? { columns } : {}), ...common };
    }
    if (has('values') || has('hashes')) {
      const kind = has('values') ? 'values' : 'hashes';
      if (!this.knownKeys(e, [kind, 'column', 'warning'], where)) return undefined;
      const fallback = has('column') ? this.text(get('column')) : undefined;
      if (has('column') && fallback === undefined) return void this.error(`${where}: column must be a column name`, get('column') ?? node);
      const table = get(kind);
      if (!isMap(table))
        return void this.error(
          kind === 'values'
            ? `${where}: values maps each Sigma value to a list of conditions`
            : `${where}: hashes maps each algorithm (md5, sha1, sha256, imphash) to a column`,
          table ?? node,
        );
      const out: Record<string, unknown> = Object.create(null);
      for (const x of this.pairs(table, `${where}.${kind}`)) {
        if (kind === 'hashes') {
          const col = this.text(x.value);
          if (col === undefined) return void this.error(`${where}.hashes.${x.key}: expected a column name`, x.value ?? x.pair.key);
          out[x.key.toLowerCase()] = col;
        } else {
          const items = isSeq(x.value) ? x.value.items.map((i) => this.y.deref(i)) : [x.value];
          const preds = items.map((i) => this.predicate(i, `${where}.values.${x.key}`));
          if (preds.some((p) => p === undefined)) return undefined;
          out[x.key.toLowerCase()] = preds;
        }
      }
      return kind === 'values'
        ? { values: out as Record<string, FixedPredicate[]>, ...(fallback ? { column: fallback } : {}), ...common }
        : { hashes: out as Record<string, string>, ...(fallback ? { column: fallback } : {}), ...common };
    }
    if (has('column')) {
      if (!this.knownKeys(e, ['column', 'type', 'warning'], where)) return undefined;
      const col = this.text(get('column'));
      if (col === undefined) return void this.error(`${where}: column must be a column name`, get('column') ?? node);
      const type = has('type') ? this.type(get('type'), where) : undefined;
      if (has('type') && !type) return undefined;
      return { column: col, ...(type ? { type } : {}), ...common };
    }
    // No form's key: most likely a typo of one (`colum:`).
    const forms = ['column', 'anyOf', 'expression', 'values', 'hashes', 'unsupported'];
    const typo = e.map((x) => ({ x, hint: closestName(x.key, forms) })).find((t) => t.hint);
    if (typo) this.error(`${where}: unknown key '${typo.x.key}' (did you mean '${typo.hint}'?); expected ${FORMS}`, typo.x.pair.key, 'mapping-unknown-key');
    else this.error(`${where}: expected ${FORMS}`, node);
    return undefined;
  }

  fieldMap(node: Node | null, where: string, table: string | undefined, entries: FieldMappingEntry[]): Record<string, FieldMapping> {
    // Null prototype: a key such as `__proto__` (this text may come from someone else's link) is a plain key.
    const out: Record<string, FieldMapping> = Object.create(null);
    if (!isMap(node)) {
      this.error(`${where} must be a map of Sigma field → column`, node);
      return out;
    }
    for (const x of this.pairs(node, where)) {
      const m = this.mapping(x.value, `${where === 'mapping' ? '' : `${where}.`}${x.key}`);
      if (m === undefined) continue;
      out[x.key] = m;
      entries.push({ ...(table !== undefined ? { table } : {}), field: x.key, mapping: m, range: this.y.range(x.value ?? x.pair.key) });
    }
    return out;
  }
}

/** Reads a field-mapping text. Never throws; an empty text is no mapping and no problem. */
export function readFieldMapping(text: string, options: SettingsYamlOptions = {}): FieldMappingText {
  const y = parseSettingsYaml(typeof text === 'string' ? text : '', 'mapping', 'the field mapping', options);
  const r = new Reader(y);
  const entries: FieldMappingEntry[] = [];
  const tables: FieldMappingText['tables'] = [];
  const done = (mapping?: FieldMappingOverrides): FieldMappingText => ({
    ...(mapping ? { mapping } : {}),
    entries,
    tables,
    diagnostics: [...y.diagnostics, ...r.diagnostics],
  });
  const root = y.root;
  if (y.diagnostics.some((d) => d.severity === 'error')) return done();
  if (root === null || (isScalar(root) && root.value === null)) return done();
  if (!isMap(root)) {
    r.error(
      `the field mapping is a YAML map: {fields: {Field: Column}, tables: {Table: {Field: Column}}}, or just {Field: Column}; this is ${isSeq(root) ? 'a list' : 'a single value'}`,
      root,
      'mapping-not-a-map',
    );
    return done();
  }
  const top = r.pairs(root, 'mapping');
  if (!top.some((x) => x.key === 'fields' || x.key === 'tables')) return done({ fields: r.fieldMap(root, 'mapping', undefined, entries) });
  const result: FieldMappingOverrides = {};
  for (const x of top) {
    if (x.key === 'fields') result.fields = r.fieldMap(x.value, 'fields', undefined, entries);
    else if (x.key === 'tables') {
      if (!isMap(x.value)) {
        r.error('tables must be a map of table → {Field: Column}', x.value ?? x.pair.key);
        continue;
      }
      result.tables = Object.create(null) as Record<string, Record<string, FieldMapping>>;
      for (const t of r.pairs(x.value, 'tables')) {
        tables.push({ name: t.key, range: y.range(t.pair.key) });
        result.tables[t.key] = r.fieldMap(t.value, `tables.${t.key}`, t.key, entries);
      }
    } else {
      // With `fields:` or `tables:` present the other keys are not field names: most likely a typo.
      const hint = closestName(x.key, ['fields', 'tables']);
      r.error(
        `unknown key '${x.key}'${hint ? ` (did you mean '${hint}'?)` : ''}: next to fields and tables, write field mappings under one of them`,
        x.pair.key,
        'mapping-unknown-key',
      );
    }
  }
  return done(result);
}

/**
 * Checks a read mapping against `target`: a `tables:` section for a table the target lacks is a
 * warning (or, when another target has that table, a note: shared mapping files serve several
 * targets); a column the section's table lacks is an error. `table` is the table the current rule
 * queries: the `fields:` entries used there are checked against it too (an error for the fields
 * in `usedFields`, the ones the rule reads; a warning for the others).
 */
export function checkFieldMapping(read: FieldMappingText, target: TargetDefinition, table?: string, usedFields: readonly string[] = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  const known = Object.keys(target.tables);
  for (const t of read.tables) {
    if (Object.hasOwn(target.tables, t.name)) continue;
    const other = TARGETS.find((x) => x.id !== target.id && Object.hasOwn(x.tables, t.name));
    if (other) {
      out.push({
        code: 'mapping-table-of-other-target',
        severity: 'info',
        message: `${t.name} is a table of ${other.label}, not of ${target.label}: this section applies there only`,
        range: t.range,
      });
    } else {
      const hint = closestName(t.name, known);
      out.push({
        code: 'mapping-unknown-table',
        severity: 'warning',
        message: `${target.label} has no table ${t.name}${hint ? ` (did you mean ${hint}?)` : ''}; this section applies to no rule`,
        range: t.range,
      });
    }
  }
  const used = new Set(usedFields.map((f) => f.toLowerCase()));
  for (const e of read.entries) {
    const where = e.table ?? table;
    if (where === undefined || !Object.hasOwn(target.tables, where)) continue;
    // A `fields:` entry that a `tables:` entry for this table overrides is not used here.
    if (e.table === undefined) {
      const found = lookupField(target, { table: where }, e.field, read.mapping);
      if (found.kind !== 'mapped' || found.source !== 'override') continue;
    }
    const schema = target.tables[where];
    const missing = mappingColumns(e.mapping).filter((c) => !Object.keys(schema).some((k) => k.toLowerCase() === c.toLowerCase()));
    if (missing.length === 0) continue;
    const severity = e.table !== undefined || used.has(e.field.toLowerCase()) ? 'error' : 'warning';
    out.push({
      code: 'mapping-unknown-column',
      severity,
      message: `${e.table === undefined ? "The rule's table " : ''}${where} has no column ${missing.map((c) => `'${c}'`).join(', ')} (closest: ${closestColumns(missing[0], schema).join(', ')})`,
      range: e.range,
    });
  }
  return out;
}
