/**
 * Sigma → KQL. Reads the same parsed rule the matcher reads (src/sigma/model.ts) and a target's
 * data (src/targets/types.ts), and produces the query, diagnostics on the Sigma source, and a
 * source map from query spans to Sigma nodes.
 *
 * Meaning is preserved exactly or the difference is reported: an unexpressible field, value or
 * logsource is an error (the query is still shown, `ok` is false); an approximation is a warning
 * that is also written into the query as a `//` comment. The KQL facts this relies on are in
 * ../shared/notes/kql-semantics.md: strings are never null (missing is ""), other types can be,
 * `where` drops null, `==` between null and a value is false.
 */
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import type { ConditionNode, FieldItem, Selection, SigmaRule, SigmaValue, StringPattern } from '../sigma/model.ts';
import type { FieldMapping, FieldMappingOverrides, FixedPredicate, KqlType, LogsourceMapping, TableSchema, TargetDefinition } from '../targets/types.ts';
import { getTarget, TARGET_IDS } from '../targets/index.ts';
import { findLogsourceMapping, lookupField } from '../targets/lookup.ts';
import { integerLiteral, isIntegerText, isRealText, kqlString, normalizePattern, patternShape, patternToRegex } from './escape.ts';
import { commentLine, constOf, FALSE, group, junction, negate, setTest, TRUE, writeWhere, type Atom, type Expr } from './print.ts';
import { QueryWriter, spanAt, type SourceMapSpan } from './source-map.ts';
import { isKustoLanguageServiceLoaded, loadKustoLanguageService, validateKql } from './validate.ts';

export type { SourceMapSpan };

export interface CompileOptions {
  /** The user's field mappings, applied before the target's (`--mapping FILE`). */
  mapping?: FieldMappingOverrides;
  /** Values for `%placeholder%` items the loader left unresolved (`expand`). */
  placeholders?: Record<string, string[]>;
  /** Write the `//` comment header (title, id, level, ATT&CK tags). Default true. */
  header?: boolean;
  /**
   * Check the query with the Kusto language service (default true). The service must have been
   * loaded (`loadKustoLanguageService()`, or use `compileRuleAsync`); when it is not, the check
   * is skipped with an info diagnostic `kql-not-validated`.
   */
  validate?: boolean;
}

export interface CompileResult {
  /** No error diagnostics: the query means what the rule means (up to the listed warnings). */
  ok: boolean;
  /** The query; also produced when `ok` is false, to show where the problem is. */
  query: string;
  /** The table (or ASIM function) queried, when the logsource mapped. */
  table?: string;
  /** Ranges are in the Sigma source. Language-service findings have codes `kql-<code>`. */
  diagnostics: Diagnostic[];
  /** Query spans → Sigma nodes, innermost spans after their parents. */
  sourceMap: SourceMapSpan[];
}

interface Column {
  /** KQL expression reading the value (a column name or an expression). */
  expr: string;
  type: KqlType;
  /** A plain column reference (no parentheses needed anywhere). */
  simple: boolean;
}

type Resolved =
  | { kind: 'columns'; columns: Column[] }
  | { kind: 'values'; values: Record<string, FixedPredicate[]>; fallback?: Column }
  | { kind: 'hashes'; hashes: Record<string, string>; fallback?: Column }
  | { kind: 'error' };

/** Words that cannot name an `extend` column without brackets (keywords and operator words). */
const KQL_WORDS = new Set(
  'and or not in has contains startswith endswith matches regex like where extend project let set print true false null between by on with as of to step kind typeof datatable dynamic asc desc'.split(' '),
);

const HASH_LENGTH: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, imphash: 32, sha384: 96, sha512: 128 };

/** A KQL identifier, bracketed when it is not a plain name. */
export function kqlIdentifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KQL_WORDS.has(name.toLowerCase()) ? name : `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Levenshtein distance, case-insensitive, for "did you mean" column suggestions. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (x[i - 1] === y[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[y.length];
}

/** The columns of a table closest to a Sigma field name (substring matches first). */
export function closestColumns(field: string, table: TableSchema, n = 3): string[] {
  const f = field.toLowerCase();
  return Object.keys(table)
    .map((c) => {
      const l = c.toLowerCase();
      const sub = l.includes(f) || (f.length >= 4 && f.includes(l) && l.length >= 4);
      return { c, score: distance(field, c) - (sub ? 100 : 0) };
    })
    .sort((a, b) => a.score - b.score || a.c.localeCompare(b.c))
    .slice(0, n)
    .map((x) => x.c);
}

/** The first logsource mapping whose set keys all equal the rule's (case-insensitive). */
export function findLogsource(target: TargetDefinition, logsource: SigmaRule['logsource']): LogsourceMapping | undefined {
  return findLogsourceMapping(target, logsource);
}

function lookup<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  if (!map) return undefined;
  if (Object.hasOwn(map, key)) return map[key];
  const lower = key.toLowerCase();
  const keys = Object.keys(map).filter((k) => k.toLowerCase() === lower);
  return keys.length === 1 ? map[keys[0]] : undefined;
}

const isString = (t: KqlType): boolean => t === 'string';
const isNumeric = (t: KqlType): boolean => t === 'int' || t === 'long' || t === 'real' || t === 'decimal';

/** A typed literal for a fixed predicate value on a column of type `t`. */
function fixedLiteral(v: string | number | boolean, t: KqlType): string | undefined {
  if (t === 'string' || t === 'dynamic' || t === 'guid') return kqlString(String(v));
  if (t === 'bool') {
    const s = String(v).toLowerCase();
    return s === 'true' || s === 'false' ? s : undefined;
  }
  if (t === 'int' || t === 'long') return integerLiteral(String(v), t);
  if (t === 'real' || t === 'decimal') return isRealText(String(v)) ? `${t}(${String(v)})` : undefined;
  return undefined;
}

class Compiler {
  readonly diagnostics: Diagnostic[] = [];
  readonly warnings: string[] = [];
  /** Expression mappings, computed once by `| extend Name = expression` (name → expression). */
  readonly extends = new Map<string, { expression: string; range: SourceRange }>();
  private readonly identifierExprs = new Map<string, Expr>();

  constructor(
    readonly rule: SigmaRule,
    readonly target: TargetDefinition,
    readonly mapping: LogsourceMapping,
    readonly schema: TableSchema,
    readonly options: CompileOptions,
  ) {}

  error(code: string, message: string, range?: SourceRange): void {
    this.diagnostics.push({ code, severity: 'error', message, range });
  }

  warn(code: string, message: string, range?: SourceRange): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
    if (!this.diagnostics.some((d) => d.code === code && d.message === message)) this.diagnostics.push({ code, severity: 'warning', message, range });
  }

  // ---- fields -------------------------------------------------------------------------------

  private column(name: string, type?: KqlType): Column | undefined {
    const declared = lookup(this.schema, name);
    const exact = Object.hasOwn(this.schema, name) ? name : Object.keys(this.schema).find((c) => c.toLowerCase() === name.toLowerCase());
    if (declared === undefined || exact === undefined) return undefined;
    const id = kqlIdentifier(exact);
    if (type && type !== declared) {
      if (type === 'string') return { expr: `tostring(${id})`, type, simple: false };
      if (type === 'int' || type === 'long') return { expr: `to${type}(${id})`, type, simple: false };
      if (type === 'real') return { expr: `toreal(${id})`, type, simple: false };
      if (type === 'datetime') return { expr: `todatetime(${id})`, type, simple: false };
      if (type === 'bool') return { expr: `tobool(${id})`, type, simple: false };
    }
    return { expr: id, type: declared, simple: true };
  }

  /** Applies a mapping entry; undefined when it names columns this table lacks (caller falls through). */
  private apply(m: FieldMapping, field: string, range: SourceRange, strict: boolean, fromUser = false): Resolved | undefined {
    const missing = (cols: string[]): boolean => {
      const absent = cols.filter((c) => this.column(c) === undefined);
      if (absent.length === 0) return false;
      if (strict) {
        // The user's own mapping is the thing to fix then, not the rule: say so (and by code, so
        // the playground can point at its Mapping tab).
        this.error(
          fromUser ? 'mapping-unknown-column' : 'unknown-column',
          `${fromUser ? 'Your field mapping maps' : 'Field'} '${field}' ${fromUser ? 'to' : 'maps to'} column ${absent.map((c) => `'${c}'`).join(', ')}, which ${this.mapping.table} does not have` +
            ` (closest: ${closestColumns(absent[0], this.schema).join(', ')}).`,
          range,
        );
      }
      return true;
    };
    if (typeof m === 'string') {
      if (missing([m])) return strict ? { kind: 'error' } : undefined;
      return { kind: 'columns', columns: [this.column(m)!] };
    }
    if ('unsupported' in m) {
      this.error('unsupported-field', `${this.target.label} cannot express field '${field}' on ${this.mapping.table}: ${m.unsupported}`, range);
      return { kind: 'error' };
    }
    if ('anyOf' in m) {
      if (missing(m.anyOf)) return strict ? { kind: 'error' } : undefined;
      if (m.warning) this.warn('mapping-approximation', m.warning, range);
      return { kind: 'columns', columns: m.anyOf.map((c) => this.column(c)!) };
    }
    if ('expression' in m) {
      if (m.columns && missing(m.columns)) return strict ? { kind: 'error' } : undefined;
      if (m.warning) this.warn('mapping-approximation', m.warning, range);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(m.expression)) return { kind: 'columns', columns: [{ expr: m.expression, type: m.type, simple: true }] };
      return { kind: 'columns', columns: [{ expr: this.extendName(field, m.expression, range), type: m.type, simple: true }] };
    }
    if ('values' in m) {
      const cols = m.values ? Object.values(m.values).flat().flatMap((p) => ('column' in p ? [p.column] : p.columns ?? [])) : [];
      if (missing([...cols, ...(m.column ? [m.column] : [])])) return strict ? { kind: 'error' } : undefined;
      if (m.warning) this.warn('mapping-approximation', m.warning, range);
      return { kind: 'values', values: m.values, fallback: m.column ? this.column(m.column) : undefined };
    }
    if ('hashes' in m) {
      if (missing([...Object.values(m.hashes), ...(m.column ? [m.column] : [])])) return strict ? { kind: 'error' } : undefined;
      if (m.warning) this.warn('mapping-approximation', m.warning, range);
      return { kind: 'hashes', hashes: m.hashes, fallback: m.column ? this.column(m.column) : undefined };
    }
    if ('column' in m) {
      if (missing([m.column])) return strict ? { kind: 'error' } : undefined;
      if (m.warning) this.warn('mapping-approximation', m.warning, range);
      return { kind: 'columns', columns: [this.column(m.column, m.type)!] };
    }
    return undefined;
  }

  /** The `extend` column computing `expression`: the Sigma field's name unless the table has it. */
  private extendName(field: string, expression: string, range: SourceRange): string {
    for (const [name, e] of this.extends) if (e.expression === expression) return name;
    const base = field.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_') || 'Field';
    const taken = (n: string): boolean =>
      this.extends.has(n) || KQL_WORDS.has(n.toLowerCase()) || Object.keys(this.schema).some((c) => c.toLowerCase() === n.toLowerCase());
    let name = taken(base) ? `Sigma_${base}` : base;
    for (let i = 2; taken(name); i++) name = `Sigma_${base}_${i}`;
    this.extends.set(name, { expression, range });
    return name;
  }

  resolveField(field: string, range: SourceRange): Resolved {
    const table = this.mapping.table;
    // One resolution order for the compiler, the target suite and the coverage script (lookup.ts).
    const found = lookupField(this.target, this.mapping, field, this.options.mapping);
    if (found.kind === 'mapped') return this.apply(found.mapping, field, range, true, found.source === 'override' || found.source === 'override-table') ?? { kind: 'error' };
    const near = closestColumns(field, this.schema);
    this.error(
      'unmapped-field',
      `Field '${field}' has no mapping to ${table} on ${this.target.label}; closest columns: ${near.join(', ')}. Map it with --mapping (fields: {${field}: <column>}).`,
      range,
    );
    return { kind: 'error' };
  }

  // ---- fixed predicates ---------------------------------------------------------------------

  fixed(p: FixedPredicate, range?: SourceRange, node?: string): Expr {
    if ('kql' in p) return { k: 'atom', text: `(${p.kql})`, nullable: true, range, node };
    const col = this.column(p.column);
    if (!col) {
      this.error('unknown-column', `Target data: predicate column '${p.column}' is not a column of ${this.mapping.table}.`, range);
      return FALSE;
    }
    const values = Array.isArray(p.value) ? (p.value as ReadonlyArray<string | number | boolean>) : [p.value as string | number | boolean];
    const lits = values.map((v) => fixedLiteral(v, col.type));
    if (lits.some((l) => l === undefined)) {
      this.error('type-mismatch', `Target data: value ${JSON.stringify(p.value)} does not fit column ${p.column} (${col.type}).`, range);
      return FALSE;
    }
    const list = `(${lits.join(', ')})`;
    const set = p.op.includes('in');
    const text = `${col.expr} ${p.op} ${set ? list : lits[0]}`;
    const nullable = !isString(col.type) && p.op !== '==';
    return { k: 'atom', text, nullable, range, node };
  }

  // ---- values -------------------------------------------------------------------------------

  private stringAtom(col: Column, pattern: StringPattern, cased: boolean, range: SourceRange): Atom {
    const p = normalizePattern(pattern);
    const shape = patternShape(p);
    const cs = cased ? '_cs' : '';
    const e = col.expr;
    switch (shape.op) {
      case 'equals':
        if (shape.text === '') return { k: 'atom', text: `isempty(${e})`, nullable: false, negated: `isnotempty(${e})`, range, node: 'value' };
        return setTest(e, cased ? 'in' : 'in~', [kqlString(shape.text)], false, range, 'value');
      case 'any':
        // A missing string is "" in KQL; Sigma's `*` needs a value to be present.
        return { k: 'atom', text: `isnotempty(${e})`, negated: `isempty(${e})`, nullable: false, range, node: 'value' };
      case 'contains':
      case 'startswith':
      case 'endswith':
        return {
          k: 'atom',
          text: `${e} ${shape.op}${cs} ${kqlString(shape.text)}`,
          negated: `${e} !${shape.op}${cs} ${kqlString(shape.text)}`,
          nullable: false,
          range,
          node: 'value',
        };
      default:
        return { k: 'atom', text: `${e} matches regex ${kqlString(patternToRegex(p, cased))}`, nullable: false, range, node: 'value' };
    }
  }

  /** A plain string value (one or more alternative patterns) against one column. */
  private stringValue(col: Column, v: Extract<SigmaValue, { kind: 'string' }>): Expr {
    if (v.patterns.length === 0) return { ...FALSE, range: v.range, node: 'value' };
    const t = col.type;
    const plainText = (): string | undefined => {
      if (v.patterns.length !== 1) return undefined;
      const s = patternShape(normalizePattern(v.patterns[0]));
      return s.op === 'equals' ? s.text : undefined;
    };
    if (t === 'int' || t === 'long') {
      const text = plainText();
      const wildcard = v.patterns.some((p) => p.parts.some((x) => x.kind !== 'text'));
      if (wildcard && v.patterns.every((p) => p.parts.some((x) => x.kind === 'text' && /\d/.test(x.text)) || p.parts.every((x) => x.kind !== 'text'))) {
        // A wildcard over a number (`EventID: 46*`) matches its decimal text, as the matcher does.
        const c: Column = { expr: `tostring(${col.expr})`, type: 'string', simple: false };
        return junction('or', v.patterns.map((p) => this.stringAtom(c, p, v.cased, v.range)), v.range, 'value');
      }
      const lit = text !== undefined && isIntegerText(text) ? integerLiteral(text, t) : undefined;
      if (lit === undefined) {
        this.error('type-mismatch', isIntegerText(text?.trim().replace(/^\+/, '').replace(/^(-?)0+(?=\d)/, '$1') ?? '')
            ? `'${v.raw}' is a number written differently from how ${col.expr} (a ${t} column) prints it; the matcher compares the text, so it could never match. Write it as ${String(Number(text))}.`
            : `'${v.raw}' is not a whole number, but ${col.expr} is a ${t} column: the comparison could never match.`, v.range);
        return FALSE;
      }
      return setTest(col.expr, 'in', [lit], true, v.range, 'value');
    }
    if (t === 'real' || t === 'decimal') {
      const text = plainText();
      if (text === undefined || !isRealText(text)) {
        this.error('type-mismatch', `'${v.raw}' is not a number, but ${col.expr} is a ${t} column.`, v.range);
        return FALSE;
      }
      return { k: 'atom', text: `${col.expr} == ${t}(${text})`, nullable: false, range: v.range, node: 'value' };
    }
    if (t === 'bool') {
      const text = plainText()?.toLowerCase();
      if (text !== 'true' && text !== 'false') {
        this.error('type-mismatch', `'${v.raw}' is not true or false, but ${col.expr} is a bool column.`, v.range);
        return FALSE;
      }
      return { k: 'atom', text: `${col.expr} == ${text}`, nullable: false, range: v.range, node: 'value' };
    }
    if (t === 'datetime' || t === 'timespan') {
      this.error('type-mismatch', `Cannot compare the string '${v.raw}' with the ${t} column ${col.expr}; use the time-part or lt/gt modifiers.`, v.range);
      return FALSE;
    }
    // string, dynamic, guid: compare the text.
    const c: Column = isString(t) ? col : { expr: `tostring(${col.expr})`, type: 'string', simple: false };
    const alts = v.patterns.map((p) => this.stringAtom(c, p, v.cased, v.range));
    return junction('or', alts, v.range, 'value');
  }

  private cidrValue(col: Column, v: Extract<SigmaValue, { kind: 'cidr' }>): Expr {
    if (!isString(col.type)) {
      this.error('type-mismatch', `cidr needs an IP address column; ${col.expr} is ${col.type}.`, v.range);
      return FALSE;
    }
    const e = col.expr;
    const test = (fn: string, r: string): Atom => ({ k: 'atom', text: `${fn}(${e}, ${kqlString(r)})`, nullable: true, call: true, range: v.range, node: 'value' });
    if (v.family === 4) {
      // The matcher reads IPv4-mapped IPv6 text (`::ffff:10.1.2.3`, as Defender logs the IPv4
      // peers of dual-stack sockets) as the IPv4 address it carries; ipv4_is_in_range returns
      // null for that text, so the mapped range is tested too.
      return junction('or', [test('ipv4_is_in_range', `${v.network}/${v.prefix}`), test('ipv6_is_in_range', `::ffff:${v.network}/${96 + v.prefix}`)], v.range, 'value');
    }
    const bits = ipv6Bits(v.network);
    const alts: Expr[] = [];
    const v6 = test('ipv6_is_in_range', `${v.network}/${v.prefix}`);
    // Whether ipv6_is_in_range accepts IPv4 text, and as which IPv6 address, is undocumented:
    // where the range overlaps the IPv4-compatible space ::/96 that could change the answer, so
    // only IPv6 text (it has a colon) is tested.
    if (!bits || overlaps(bits, v.prefix, COMPAT_PREFIX, 96)) alts.push(junction('and', [{ k: 'atom', text: `${e} contains ":"`, nullable: false }, v6]));
    else alts.push(v6);
    // An IPv4 address is in an IPv6 range when its mapped form ::ffff:a.b.c.d is (the matcher's reading).
    if (bits && overlaps(bits, v.prefix, MAPPED_PREFIX, 96)) {
      const v4 = v.prefix <= 96 ? '0.0.0.0/0' : `${bitsToIpv4(bits.slice(96))}/${v.prefix - 96}`;
      alts.push(test('ipv4_is_in_range', v4));
    }
    return junction('or', alts, v.range, 'value');
  }

  private compareValue(col: Column, v: Extract<SigmaValue, { kind: 'compare' }>): Expr {
    const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[v.op];
    if (col.type === 'datetime' || col.type === 'timespan' || col.type === 'bool' || col.type === 'guid') {
      this.error('type-mismatch', `${v.op} compares numbers; ${col.expr} is ${col.type}.`, v.range);
      return FALSE;
    }
    const e = isNumeric(col.type) ? col.expr : `toreal(${col.expr})`;
    const lit = Number.isInteger(v.value) ? String(v.value) : `real(${v.value})`;
    return { k: 'atom', text: `${e} ${op} ${lit}`, nullable: true, range: v.range, node: 'value' };
  }

  private timepartValue(col: Column, v: Extract<SigmaValue, { kind: 'timepart' }>): Expr {
    if (!(col.type === 'datetime' || col.type === 'string' || col.type === 'dynamic')) {
      this.error('type-mismatch', `${v.part} reads a timestamp; ${col.expr} is ${col.type}.`, v.range);
      return FALSE;
    }
    const t = col.type === 'datetime' ? col.expr : `todatetime(${col.expr})`;
    const fn = { minute: `datetime_part("minute", ${t})`, hour: `hourofday(${t})`, day: `dayofmonth(${t})`, week: `week_of_year(${t})`, month: `monthofyear(${t})`, year: `getyear(${t})` }[v.part];
    // `==` between null and a number is false (documented), so this is never null.
    return { k: 'atom', text: `${fn} == ${v.value}`, negated: undefined, nullable: false, range: v.range, node: 'value' };
  }

  private emptiness(col: Column, present: boolean, range: SourceRange): Atom {
    const [yes, no] = isString(col.type) ? ['isnotempty', 'isempty'] : ['isnotnull', 'isnull'];
    return {
      k: 'atom',
      text: `${present ? yes : no}(${col.expr})`,
      negated: `${present ? no : yes}(${col.expr})`,
      nullable: false,
      range,
      node: 'value',
    };
  }

  private fieldrefValue(cols: Column[], v: Extract<SigmaValue, { kind: 'fieldref' }>): Expr {
    const other = this.resolveField(v.field, v.range);
    if (other.kind !== 'columns') {
      if (other.kind !== 'error') this.error('unsupported-fieldref', `fieldref to '${v.field}' needs a column, but the target maps it by value.`, v.range);
      return FALSE;
    }
    const alts: Expr[] = [];
    for (const a of cols) {
      for (const b of other.columns) {
        const bothStrings = isString(a.type) && isString(b.type);
        const x = bothStrings ? a.expr : isString(a.type) ? a.expr : `tostring(${a.expr})`;
        const y = bothStrings ? b.expr : isString(b.type) ? b.expr : `tostring(${b.expr})`;
        if (v.op === 'equals') {
          if (!bothStrings && a.type === b.type && !isString(a.type)) {
            alts.push({ k: 'atom', text: `${a.expr} == ${b.expr}`, nullable: true, range: v.range, node: 'value' });
          } else {
            // Sigma: a missing referenced field never matches; "" is KQL's missing string.
            const cmp: Atom = { k: 'atom', text: `${x} ${v.cased ? '==' : '=~'} ${y}`, nullable: false };
            alts.push(junction('and', [{ k: 'atom', text: `isnotempty(${y})`, nullable: false }, cmp], v.range, 'value'));
          }
        } else {
          const cmp: Atom = { k: 'atom', text: `${x} ${v.op}${v.cased ? '_cs' : ''} ${y}`, nullable: false };
          alts.push(junction('and', [{ k: 'atom', text: `isnotempty(${y})`, nullable: false }, cmp], v.range, 'value'));
        }
      }
    }
    return junction('or', alts, v.range, 'value');
  }

  private placeholderValue(cols: Column[], item: FieldItem, v: Extract<SigmaValue, { kind: 'placeholder' }>): Expr {
    const values = lookup(this.options.placeholders, v.name);
    if (!values) {
      this.error('unresolved-placeholder', `Placeholder %${v.name}% has no values; give them in the Placeholders tab (playground) or with --placeholders FILE (CLI).`, v.range);
      return FALSE;
    }
    const mods = new Set(item.modifiers.map((m) => m.name));
    const cased = mods.has('cased');
    const patterns = values.map((text): StringPattern => {
      const parts = parsePlaceholderValue(text);
      if (mods.has('contains') || mods.has('endswith')) parts.unshift({ kind: 'any' });
      if (mods.has('contains') || mods.has('startswith')) parts.push({ kind: 'any' });
      return { parts };
    });
    const sv: Extract<SigmaValue, { kind: 'string' }> = { kind: 'string', raw: `%${v.name}%`, patterns, cased, range: v.range };
    return junction('or', cols.map((c) => this.stringValue(c, sv)), v.range, 'value');
  }

  private valueOnColumns(cols: Column[], item: FieldItem, v: SigmaValue): Expr {
    const each = (f: (c: Column) => Expr): Expr => junction('or', cols.map(f), cols.length > 1 ? v.range : undefined, 'value');
    switch (v.kind) {
      case 'string': {
        if (cols.length > 1 && v.patterns.length === 1 && normalizePattern(v.patterns[0]).parts.length === 0) {
          // `Field: ''` over several columns (anyOf): the field is empty when every column is;
          // an empty column is only the side that does not hold the field.
          return junction('and', cols.map((c) => this.stringValue(c, v)), v.range, 'value');
        }
        return each((c) => this.stringValue(c, v));
      }
      case 'null':
        return junction('and', cols.map((c) => this.emptiness(c, false, v.range)), v.range, 'value');
      case 'exists':
        return v.value ? each((c) => this.emptiness(c, true, v.range)) : junction('and', cols.map((c) => this.emptiness(c, false, v.range)), v.range, 'value');
      case 'regex': {
        const flags = `${v.flags.i ? 'i' : ''}${v.flags.m ? 'm' : ''}${v.flags.s ? 's' : ''}`;
        const pattern = (flags ? `(?${flags})` : '') + v.pattern;
        return each((c) => {
          const e = isString(c.type) ? c.expr : `tostring(${c.expr})`;
          return { k: 'atom', text: `${e} matches regex ${kqlString(pattern)}`, nullable: false, range: v.range, node: 'value' };
        });
      }
      case 'cidr':
        return each((c) => this.cidrValue(c, v));
      case 'compare':
        return each((c) => this.compareValue(c, v));
      case 'timepart':
        return each((c) => this.timepartValue(c, v));
      case 'fieldref':
        return this.fieldrefValue(cols, v);
      case 'placeholder':
        return this.placeholderValue(cols, item, v);
    }
  }

  /** The item's values on its columns; `or` merges equality tests into `in~`/`in` lists. */
  private valuesOnColumns(cols: Column[], item: FieldItem): Expr {
    return junction(item.combine, item.values.map((v) => this.valueOnColumns(cols, item, v)));
  }

  // ---- value mappings and hashes ------------------------------------------------------------

  private mappedValues(r: Extract<Resolved, { kind: 'values' }>, item: FieldItem): Expr {
    const exprs: Expr[] = [];
    for (const v of item.values) {
      const key = v.kind === 'string' ? v.raw.toLowerCase() : undefined;
      const preds = key !== undefined && v.kind === 'string' && v.patterns.length === 1 && patternShape(normalizePattern(v.patterns[0])).op === 'equals'
        ? lookup(r.values, key)
        : undefined;
      if (preds) {
        exprs.push(junction('and', preds.map((p) => this.fixed(p)), v.range, 'value'));
      } else if (r.fallback) {
        exprs.push(this.valueOnColumns([r.fallback], item, v));
      } else {
        this.error(
          'unmapped-value',
          `${this.target.label} encodes '${item.field}' differently on ${this.mapping.table}; the value '${v.kind === 'string' ? v.raw : v.kind}' has no mapping (known values: ${Object.keys(r.values).join(', ')}).`,
          v.range,
        );
        exprs.push(FALSE);
      }
    }
    return junction(item.combine, exprs);
  }

  private hashValues(r: Extract<Resolved, { kind: 'hashes' }>, item: FieldItem): Expr {
    const exprs: Expr[] = [];
    let dropped = 0;
    for (const v of item.values) {
      if (v.kind !== 'string') {
        if (r.fallback) exprs.push(this.valueOnColumns([r.fallback], item, v));
        else {
          this.error('unmapped-value', `'${item.field}' is split into per-algorithm columns here; a ${v.kind} value cannot be applied to it.`, v.range);
          exprs.push(FALSE);
        }
        continue;
      }
      const alts: Expr[] = [];
      for (const p of v.patterns) {
        const split = splitHashPattern(normalizePattern(p));
        const column = split ? lookup(r.hashes, split.algorithm) : undefined;
        const col = column ? this.column(column) : undefined;
        if (split && col) {
          const parts = [...split.rest];
          const full = HASH_LENGTH[split.algorithm];
          // `*MD5=<full hash>*`: the trailing `*` can only cover the rest of the Hashes list.
          if (parts.length === 2 && parts[0].kind === 'text' && parts[1].kind === 'any' && full === parts[0].text.length) parts.pop();
          alts.push(this.stringAtom(col, { parts }, v.cased, v.range));
        } else if (split && !col) {
          dropped++;
          this.warn(
            'hash-algorithm-unavailable',
            `${this.mapping.table} has no ${split.algorithm.toUpperCase()} column; Hashes values of that algorithm are left out, so the rule matches less.`,
            v.range,
          );
        } else if (r.fallback) {
          alts.push(this.stringAtom(r.fallback, p, v.cased, v.range));
        } else {
          this.error('unmapped-value', `Hashes value '${v.raw}' names no algorithm (ALGO=hash), and ${this.mapping.table} has no combined hashes column.`, v.range);
          alts.push(FALSE);
        }
      }
      exprs.push(junction('or', alts, v.range, 'value'));
    }
    const result = junction(item.combine, exprs);
    if (dropped > 0 && constOf(result) === false) {
      const available = Object.keys(r.hashes).map((a) => a.toUpperCase()).join(', ');
      this.error(
        'unsupported-value',
        `None of the hash values of '${item.field}' can be expressed on ${this.mapping.table}: it has columns for ${available || 'no hash algorithm'} only.`,
        item.range,
      );
    }
    return result;
  }

  // ---- items, selections, conditions --------------------------------------------------------

  private keyword(item: FieldItem): Expr {
    const cols = this.mapping.keywordColumns;
    const exprs: Expr[] = [];
    for (const v of item.values) {
      if (v.kind !== 'string') {
        this.error('unsupported-keyword', `A keyword search supports plain strings only, not ${v.kind}.`, v.range);
        exprs.push(FALSE);
        continue;
      }
      // Keyword search is a substring search in any field (as the matcher does it).
      const patterns = v.patterns.map((p) => {
        const parts = [...normalizePattern(p).parts];
        if (parts[0]?.kind !== 'any') parts.unshift({ kind: 'any' });
        if (parts[parts.length - 1]?.kind !== 'any') parts.push({ kind: 'any' });
        return { parts };
      });
      if (cols && cols.length > 0) {
        const columns = cols.map((c) => this.column(c)).filter((c): c is Column => c !== undefined);
        const sv = { ...v, patterns };
        exprs.push(junction('or', columns.map((c) => this.stringValue(c, sv)), v.range, 'value'));
        continue;
      }
      const alts: Expr[] = [];
      const dynamic = Object.entries(this.schema).filter(([, t]) => t === 'dynamic').map(([c]) => c);
      if (dynamic.length > 0 && v.patterns.some((p) => p.parts.some((x) => x.kind === 'text' && /["\\]/.test(x.text)))) {
        this.warn(
          'keyword-approximation',
          `Keyword '${v.raw}' has a quote or backslash: KQL's full-text search sees the dynamic column(s) ${dynamic.join(', ')} as JSON text, where these characters are escaped, so matches inside them are missed.`,
          v.range,
        );
      }
      for (const p of patterns) {
        const shape = patternShape(p);
        if (shape.op === 'contains') {
          alts.push({ k: 'atom', text: `* ${v.cased ? 'contains_cs' : 'contains'} ${kqlString(shape.text)}`, nullable: false, range: v.range, node: 'value' });
        } else if (shape.op === 'any') {
          alts.push(TRUE);
        } else {
          const texts = p.parts.filter((x): x is { kind: 'text'; text: string } => x.kind === 'text').map((x) => x.text);
          this.warn(
            'keyword-approximation',
            `Keyword '${v.raw}' has inner wildcards; KQL's full-text search (* contains) cannot order them, so each piece is searched separately (the query may match more).`,
            v.range,
          );
          alts.push(junction('and', texts.map((t) => ({ k: 'atom', text: `* ${v.cased ? 'contains_cs' : 'contains'} ${kqlString(t)}`, nullable: false }) as Atom), v.range, 'value'));
        }
      }
      exprs.push(junction('or', alts, v.range, 'value'));
    }
    const e = junction(item.combine, exprs, item.range, 'item');
    return item.negated ? negate(e, item.range, 'item') : e;
  }

  item(item: FieldItem): Expr {
    if (item.field === null) return this.keyword(item);
    const r = this.resolveField(item.field, item.keyRange);
    let e: Expr;
    switch (r.kind) {
      case 'error':
        // Keep the item visible where it belongs, on the Sigma field's own name: the query is
        // marked as not converted, and the unknown name makes it fail rather than run wrongly.
        e = this.valuesOnColumns([{ expr: kqlIdentifier(item.field), type: 'string', simple: true }], item);
        break;
      case 'values':
        e = this.mappedValues(r, item);
        break;
      case 'hashes':
        e = this.hashValues(r, item);
        break;
      default:
        e = this.valuesOnColumns(r.columns, item);
    }
    return item.negated ? negate(e, item.range, 'item') : group(e, item.range, 'item');
  }

  selection(s: Selection): Expr {
    const args = s.items.map((i) => (i.kind === 'item' ? this.item(i) : this.selection(i)));
    return junction(s.kind, args);
  }

  identifier(name: string, range: SourceRange): Expr {
    const id = this.rule.detection.identifiers.get(name);
    if (!id) {
      this.error('unknown-identifier', `The condition uses '${name}', which the detection does not define.`, range);
      return FALSE;
    }
    let e = this.identifierExprs.get(name);
    if (!e) {
      e = this.selection(id.selection);
      this.identifierExprs.set(name, e);
    }
    return group(e, id.range, 'identifier');
  }

  condition(n: ConditionNode): Expr {
    switch (n.kind) {
      case 'and':
      case 'or':
        return junction(n.kind, n.args.map((a) => this.condition(a)));
      case 'not':
        return negate(this.condition(n.arg), n.range, 'condition');
      case 'id':
        return this.identifier(n.name, n.range);
      case 'of': {
        if (n.identifiers.length === 0) {
          this.error('empty-of', `'${n.pattern}' matches no search identifier.`, n.patternRange);
          return FALSE;
        }
        const parts = n.identifiers.map((name) => this.identifier(name, n.patternRange));
        return junction(n.quantifier === 'all' ? 'and' : 'or', parts);
      }
    }
  }
}

/** The smallest range covering all of `ranges`. */
function spanRanges(ranges: SourceRange[]): SourceRange {
  let a = ranges[0];
  let b = ranges[0];
  for (const r of ranges) {
    if (r.start < a.start) a = r;
    if (r.end > b.end) b = r;
  }
  return { start: a.start, end: b.end, startLine: a.startLine, startColumn: a.startColumn, endLine: b.endLine, endColumn: b.endColumn };
}

/** Sigma string syntax for placeholder values: `*`, `?` wildcards, `\` escapes them. */
function parsePlaceholderValue(s: string): StringPattern['parts'] {
  const out: StringPattern['parts'] = [];
  let acc = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && (s[i + 1] === '*' || s[i + 1] === '?' || s[i + 1] === '\\')) {
      acc += s[++i];
    } else if (c === '*' || c === '?') {
      if (acc) out.push({ kind: 'text', text: acc });
      acc = '';
      out.push({ kind: c === '*' ? 'any' : 'one' });
    } else acc += c;
  }
  if (acc) out.push({ kind: 'text', text: acc });
  return out;
}

/** `[*]ALGO=rest` → algorithm (lower case) and the pattern of the hash itself. */
function splitHashPattern(p: StringPattern): { algorithm: string; rest: StringPattern['parts'] } | undefined {
  const parts = p.parts;
  let i = 0;
  if (parts[0]?.kind === 'any') i = 1;
  const first = parts[i];
  if (!first || first.kind !== 'text') return undefined;
  const m = /^([A-Za-z0-9]+)=/.exec(first.text);
  if (!m) return undefined;
  const algorithm = m[1].toLowerCase();
  if (!(algorithm in HASH_LENGTH)) return undefined;
  const restText = first.text.slice(m[0].length);
  const rest = [...(restText ? [{ kind: 'text' as const, text: restText }] : []), ...parts.slice(i + 1)];
  return { algorithm, rest };
}

const MAPPED_PREFIX = '0'.repeat(80) + '1'.repeat(16);
const COMPAT_PREFIX = '0'.repeat(96);

/** Whether the range bits/prefix and the range other/otherPrefix share an address. */
function overlaps(bits: string, prefix: number, other: string, otherPrefix: number): boolean {
  const n = Math.min(prefix, otherPrefix);
  return bits.slice(0, n) === other.slice(0, n);
}

function bitsToIpv4(bits: string): string {
  return [0, 8, 16, 24].map((i) => parseInt(bits.slice(i, i + 8), 2)).join('.');
}

function ipv6Bits(address: string): string | undefined {
  let a = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (v4) {
    const [x, y, z, w] = v4.slice(1).map(Number);
    a = a.slice(0, v4.index) + ((x << 8) | y).toString(16) + ':' + ((z << 8) | w).toString(16);
  }
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array(Math.max(0, fill)).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}

function header(rule: SigmaRule): string[] {
  const lines = [commentLine(`${rule.title || '(untitled rule)'}`)];
  const meta: string[] = [];
  if (rule.id) meta.push(`id: ${rule.id}`);
  if (rule.level) meta.push(`level: ${rule.level}`);
  if (rule.status) meta.push(`status: ${rule.status}`);
  if (meta.length) lines.push(commentLine(meta.join(' | ')));
  const attack = rule.tags.filter((t) => /^attack\./i.test(t)).map((t) => t.slice(7));
  if (attack.length) lines.push(commentLine(`ATT&CK: ${attack.map((t) => (/^t\d/i.test(t) ? t.toUpperCase() : t)).join(', ')}`));
  return lines;
}

// The app recompiles on every edit and target switch; the same query is often checked again.
const validationCache = new WeakMap<object, Map<string, Diagnostic[]>>();
const VALIDATION_CACHE_SIZE = 256;

function cachedValidate(query: string, target: TargetDefinition): Diagnostic[] {
  let cache = validationCache.get(target.tables);
  if (!cache) validationCache.set(target.tables, (cache = new Map()));
  const hit = cache.get(query);
  if (hit) return hit;
  const result = validateKql(query, target.tables);
  if (cache.size >= VALIDATION_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(query, result);
  return result;
}

function resolveTarget(target: string | TargetDefinition): TargetDefinition | undefined {
  return typeof target === 'string' ? getTarget(target) : target;
}

/**
 * Compiles one rule for one target. Never throws: problems are diagnostics. The language-service
 * check runs when `options.validate !== false` and the service is loaded.
 */
export function compileRule(rule: SigmaRule, targetId: string | TargetDefinition, options: CompileOptions = {}): CompileResult {
  try {
    return compileUnsafe(rule, targetId, options);
  } catch (e) {
    // A bug, not an input problem: report it instead of taking the editor or the CLI down.
    return {
      ok: false,
      query: '',
      diagnostics: [{ code: 'internal-error', severity: 'error', message: `The compiler failed on this rule: ${e instanceof Error ? e.message : String(e)}`, range: rule.detection?.range }],
      sourceMap: [],
    };
  }
}

function compileUnsafe(rule: SigmaRule, targetId: string | TargetDefinition, options: CompileOptions): CompileResult {
  const target = resolveTarget(targetId);
  if (!target) {
    return {
      ok: false,
      query: '',
      diagnostics: [{ code: 'unknown-target', severity: 'error', message: `Unknown target '${String(targetId)}'; known targets: ${TARGET_IDS.join(', ')}.` }],
      sourceMap: [],
    };
  }
  const lsRange = rule.logsource.range ?? rule.ranges.logsource ?? rule.range;
  const mapping = findLogsource(target, rule.logsource);
  const describe = ['product', 'category', 'service'].filter((k) => rule.logsource[k as 'product']).map((k) => `${k}: ${rule.logsource[k as 'product']}`).join(', ') || 'empty logsource';
  if (!mapping || mapping.unsupported) {
    const offered = [...new Set(target.logsources.filter((m) => !m.unsupported).map((m) => [m.product, m.category ?? m.service].filter(Boolean).join('/')))].slice(0, 12).join(', ');
    return {
      ok: false,
      query: '',
      diagnostics: [
        {
          code: 'unsupported-logsource',
          severity: 'error',
          message: mapping?.unsupported
            ? `${target.label} cannot query logsource (${describe}): ${mapping.unsupported}`
            : `${target.label} has no table for logsource (${describe}). It offers: ${offered}.`,
          range: lsRange,
        },
      ],
      sourceMap: [],
    };
  }
  const schema = target.tables[mapping.table];
  if (!schema) {
    return {
      ok: false,
      query: '',
      table: mapping.table,
      diagnostics: [{ code: 'unknown-table', severity: 'error', message: `Target data: table '${mapping.table}' is not declared by ${target.id}.`, range: lsRange }],
      sourceMap: [],
    };
  }
  const c = new Compiler(rule, target, mapping, schema, options);
  if (mapping.warning) c.warn('logsource-approximation', mapping.warning, lsRange);

  const fixed = junction('and', (mapping.where ?? []).map((p) => c.fixed(p)), lsRange, 'logsource');
  const conditions = rule.detection.conditions;
  let body: Expr;
  if (conditions.length === 0) {
    c.error('no-condition', 'The rule has no condition to compile.', rule.detection.range);
    body = FALSE;
  } else {
    const alts = conditions.map((cond) => {
      if (!cond.ast) {
        c.error('invalid-condition', `The condition '${cond.text}' did not parse; see the rule diagnostics.`, cond.range);
        return FALSE;
      }
      const e = c.condition(cond.ast);
      return conditions.length > 1 ? group(e, cond.range, 'condition') : e;
    });
    body = junction('or', alts);
  }
  if (rule.detection.timeframe) {
    c.warn('timeframe-ignored', `timeframe '${rule.detection.timeframe}' is not applied: add a time filter on ${target.timestampColumns[mapping.table] ?? 'the timestamp column'} when you schedule the query.`, rule.ranges.detection);
  }
  if (constOf(body) === false && !c.diagnostics.some((d) => d.severity === 'error')) {
    c.warn('never-matches', 'The condition can never be true (e.g. an empty value list); the query returns nothing.', rule.detection.range);
  }

  const w = new QueryWriter();
  const lines = options.header === false ? [] : header(rule);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    lines.push(commentLine(`NOT CONVERTED (${errors.length} error${errors.length > 1 ? 's' : ''}); this query does not mean what the rule means:`));
    const distinct = [...new Set(errors.map((d) => `${d.code}: ${d.message}`))];
    for (const m of distinct.slice(0, 5)) lines.push(commentLine(`  ${m}`));
    if (distinct.length > 5) lines.push(commentLine(`  ... and ${distinct.length - 5} more`));
  }
  for (const warning of c.warnings) lines.push(commentLine(`Warning: ${warning}`));
  if (lines.length) w.write(lines.join('\n') + '\n');
  w.write(kqlIdentifier(mapping.table));
  w.span(lsRange, 'logsource', () => writeWhere(w, fixed));
  if (c.extends.size > 0) {
    w.write('\n| extend ');
    let first = true;
    for (const [name, e] of c.extends) {
      if (!first) w.write(',\n    ');
      first = false;
      w.span(e.range, 'field', () => w.write(`${name} = ${e.expression}`));
    }
  }
  w.span(rule.detection.range, 'condition', () => writeWhere(w, body));
  const query = w.text;
  const diagnostics = c.diagnostics;
  const compiled = !diagnostics.some((d) => d.severity === 'error');

  if (options.validate !== false && compiled) {
    if (!isKustoLanguageServiceLoaded()) {
      diagnostics.push({ code: 'kql-not-validated', severity: 'info', message: 'The Kusto language service is not loaded; the query was not checked.' });
    } else {
      for (const d of cachedValidate(query, target)) {
        const at = d.range ? spanAt(w.spans, d.range.start) : undefined;
        const where = d.range ? ` (query line ${d.range.startLine}, column ${d.range.startColumn})` : '';
        diagnostics.push({ code: `kql-${d.code}`, severity: d.severity, message: `Kusto: ${d.message}${where}`, range: at?.range ?? rule.detection.range });
      }
    }
  }
  return {
    ok: !diagnostics.some((d) => d.severity === 'error'),
    query,
    table: mapping.table,
    diagnostics,
    sourceMap: w.spans,
  };
}

/** `compileRule` after loading the language service (when validation is on). */
export async function compileRuleAsync(rule: SigmaRule, targetId: string | TargetDefinition, options: CompileOptions = {}): Promise<CompileResult> {
  if (options.validate !== false) {
    try {
      await loadKustoLanguageService();
    } catch {
      // compileRule reports `kql-not-validated`.
    }
  }
  return compileRule(rule, targetId, options);
}
