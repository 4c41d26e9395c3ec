/**
 * `toTargetRows`: an event in Sigma field names written as the row a target's table would hold
 * for it, by running the target's field and value mappings backwards: Sysmon `Initiated: 'true'`
 * becomes ASIM `NetworkDirection: "Outbound"` or a Defender outbound `ActionType`; `Hashes`
 * becomes the per-algorithm columns; WindowsEvent fields go into the dynamic `EventData`;
 * `DOMAIN\user` splits into domain and name columns; registry paths get full hive names and
 * a separate value name. The logsource's fixed conditions (Channel, EventID, EventType) are
 * written too, so the row is one the query is meant to look at.
 *
 * Expression mappings are inverted by proposing candidate column values and keeping the first
 * candidate whose expression, run by the KQL evaluator, gives back the Sigma value; a field
 * that cannot be written is left out with a note (never guessed).
 */
import type { LogEvent } from './event.ts';
import type { SigmaRule } from '../sigma/model.ts';
import type { FieldMapping, FieldMappingOverrides, FixedPredicate, KqlType, LogsourceMapping, TableSchema, TargetDefinition } from '../targets/types.ts';
import { getTarget } from '../targets/index.ts';
import { findLogsourceMapping, lookupField } from '../targets/lookup.ts';
import { runKql, type InputRow } from '../kql/eval/run.ts';

export interface TargetRow {
  /** The table (or ASIM parser) the rule's logsource queries on the target. */
  table?: string;
  /** The row, column → plain value (dynamic columns as objects); undefined when no table. */
  row?: InputRow;
  /** Fields that could not be written, and approximations. */
  notes: string[];
}

const HIVES: Array<[RegExp, string[]]> = [
  [/^HKLM(?=\\|$)/i, ['HKEY_LOCAL_MACHINE']],
  [/^HKU(?=\\|$)/i, ['HKEY_USERS', 'HKEY_CURRENT_USER']],
  [/^HKCR(?=\\|$)/i, ['HKEY_CLASSES_ROOT', 'HKEY_LOCAL_MACHINE\\Classes']],
  [/^HKCU(?=\\|$)/i, ['HKEY_CURRENT_USER']],
];

function scalarOf(v: unknown): string | number | boolean | null | undefined {
  if (v === null || v === undefined) return v as null | undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

function typedFor(type: KqlType | undefined, v: string | number | boolean): unknown {
  if ((type === 'int' || type === 'long') && typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim());
  if ((type === 'real' || type === 'decimal') && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (type === 'bool' && typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  if (type === 'string' && typeof v !== 'string') return String(v);
  return v;
}

/** Runs a scalar KQL expression over one row; undefined when it cannot be evaluated. */
function evaluate(expression: string, row: InputRow, table: string, schema: TableSchema): unknown {
  const res = runKql(`${table} | project SiglabValue = (${expression})`, { [table]: [row] }, { schemas: { [table]: schema }, explain: false });
  if (res.diagnostics.some((d) => d.severity === 'error') || res.rows[0]?.kept !== true) return undefined;
  return res.output.rows[0]?.SiglabValue;
}

/** Whether a KQL predicate holds for the row (for iff() column choices and raw fixed predicates). */
function holds(predicate: string, row: InputRow, table: string, schema: TableSchema): boolean | undefined {
  const res = runKql(`${table} | where ${predicate}`, { [table]: [row] }, { schemas: { [table]: schema }, explain: false });
  if (res.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const k = res.rows[0]?.kept;
  return k === 'undetermined' ? undefined : k;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? '') === (b ?? '');
  return String(a) === String(b);
}

class Writer {
  readonly row: InputRow = Object.create(null);
  readonly notes: string[] = [];

  constructor(readonly target: TargetDefinition, readonly m: LogsourceMapping, readonly schema: TableSchema, readonly overrides?: FieldMappingOverrides) {}

  set(column: string, value: unknown): void {
    this.row[column] = typedFor(this.schema[column], value as string);
  }

  /** Writes `value` into the dynamic column's property (`EventData.Image`). */
  setProperty(column: string, key: string, value: unknown): void {
    const cur = this.row[column];
    const obj = cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>) : Object.create(null);
    obj[key] = value;
    this.row[column] = obj;
  }

  fixed(p: FixedPredicate): boolean {
    if ('kql' in p) return this.rawPredicate(p.kql);
    const v = Array.isArray(p.value) ? (p.value as unknown[])[0] : p.value;
    if (p.op === '==' || p.op === '=~' || p.op === 'in' || p.op === 'in~') {
      this.set(p.column, v);
      return true;
    }
    // Negative fixed conditions (!=, !in): leave the column empty, which satisfies them for
    // a non-empty excluded value.
    return true;
  }

  /** Raw predicates of the target data that the writer knows how to satisfy. */
  rawPredicate(kql: string): boolean {
    const eventData = /^tostring\(EventData\.(\w+)\) (?:=~|==|in~|in) \(?"([^"]*)"/.exec(kql);
    if (eventData) {
      this.setProperty('EventData', eventData[1], eventData[2]);
      return true;
    }
    const isnull = /^isnull\((\w+)\)$/.exec(kql);
    if (isnull) {
      this.row[isnull[1]] = null;
      return true;
    }
    // Conditions on other columns (e.g. `RemoteIP contains ":"`) follow from those columns.
    return holds(kql, this.row, this.m.table, this.schema) === true;
  }

  writeField(field: string, value: unknown): void {
    const look = lookupField(this.target, this.m, field, this.overrides);
    if (look.kind === 'unmapped') {
      this.notes.push(`${field}: no mapping on ${this.m.table}; left out`);
      return;
    }
    this.apply(field, look.mapping, value);
  }

  private apply(field: string, mapping: FieldMapping, raw: unknown): void {
    const values = Array.isArray(raw) ? raw : [raw];
    if (Array.isArray(raw)) this.notes.push(`${field}: a list of ${raw.length} values; the row holds the first`);
    const v = scalarOf(values[0]);
    if (v === undefined) {
      this.notes.push(`${field}: not a scalar value; left out`);
      return;
    }
    if (typeof mapping === 'string') return this.set(mapping, v);
    if ('unsupported' in mapping) {
      this.notes.push(`${field}: ${this.target.label} cannot express it on ${this.m.table}; left out`);
      return;
    }
    if ('anyOf' in mapping) return this.set(mapping.anyOf[0], v);
    if ('column' in mapping && !('values' in mapping) && !('hashes' in mapping)) return this.set(mapping.column, v);
    if ('values' in mapping) {
      const key = String(v).toLowerCase();
      const preds = Object.hasOwn(mapping.values, key) ? mapping.values[key] : undefined;
      if (preds) {
        if (!preds.every((p) => this.fixed(p))) this.notes.push(`${field}: the value mapping for '${v}' could not be written exactly`);
        return;
      }
      if (mapping.column) return this.set(mapping.column, v);
      this.notes.push(`${field}: value '${v}' has no mapping on ${this.m.table}; left out`);
      return;
    }
    if ('hashes' in mapping) {
      const text = String(v ?? '');
      let any = false;
      for (const part of text.split(',')) {
        const eq = part.indexOf('=');
        if (eq < 0) continue;
        const algo = part.slice(0, eq).trim().toLowerCase();
        const col = Object.hasOwn(mapping.hashes, algo) ? mapping.hashes[algo] : undefined;
        if (col) {
          this.set(col, part.slice(eq + 1).trim());
          any = true;
        }
      }
      if (mapping.column) this.set(mapping.column, text);
      else if (!any && text !== '') this.notes.push(`${field}: no algorithm of '${text.slice(0, 60)}' has a column on ${this.m.table}`);
      return;
    }
    if ('expression' in mapping) return this.invertExpression(field, mapping.expression, mapping.columns ?? [], v);
  }

  /**
   * `iff(cond, then, else)`: the branch the row's condition selects is inverted. When that branch
   * cannot give the value (a constant such as `""`) and the condition is `Column == "x"` on a
   * column the row does not set yet, the condition is made true: a Sysmon event with a NewName is
   * a rename, so its Defender row is a `RegistryKeyRenamed` one.
   */
  private invertIff(field: string, expression: string, [cond, then, otherwise]: string[], columns: string[], v: string | number | boolean | null): void {
    const text = v === null ? '' : String(v);
    let holdsNow = holds(cond, this.row, this.m.table, this.schema);
    if (holdsNow === undefined) {
      this.notes.push(`${field}: cannot decide which branch of ${expression.slice(0, 80)} holds it; left out`);
      return;
    }
    const literal = (branch: string) => (/^"(?:[^"\\]|\\.)*"$/.test(branch) ? (JSON.parse(branch) as string) : undefined);
    if (!holdsNow && literal(otherwise) !== undefined && literal(otherwise) !== text) {
      const eq = /^(\w+) == "((?:[^"\\]|\\.)*)"$/.exec(cond);
      if (eq && Object.hasOwn(this.schema, eq[1]) && (this.row[eq[1]] === undefined || this.row[eq[1]] === null)) {
        this.set(eq[1], JSON.parse(`"${eq[2]}"`));
        holdsNow = true;
      }
    }
    const branch = holdsNow ? then : otherwise;
    const constant = literal(branch);
    if (constant !== undefined) {
      if (constant !== text) this.notes.push(`${field}: ${this.m.table} has no value for it on this row (${expression.slice(0, 80)}); left out`);
      return;
    }
    return this.invertExpression(field, branch, columnsIn(branch, columns), v);
  }

  /** Candidate column values for an expression; the first one the evaluator confirms is kept. */
  private invertExpression(field: string, expression: string, columns: string[], v: string | number | boolean | null): void {
    const text = v === null ? '' : String(v);
    // A part of a larger expression (an iff branch, a coalesce argument) may be a plain column.
    if (/^\w+$/.test(expression) && Object.hasOwn(this.schema, expression)) return this.set(expression, v);
    const ed = /^to(string|int|long)\(EventData(?:\.(\w+)|\["((?:[^"\\]|\\.)*)"\])\)$/.exec(expression);
    if (ed) {
      const key = ed[2] ?? JSON.parse(`"${ed[3]}"`);
      // WindowsEvent keeps EventData values as the event wrote them (text).
      this.setProperty('EventData', key, v === null ? null : typeof v === 'string' ? v : String(v));
      return;
    }
    if (expression === 'tostring(EventData)') {
      this.notes.push(`${field}: unnamed <Data> items cannot be written into EventData; left out`);
      return;
    }
    // DOMAIN\name split into two columns, with a bare name when there is no domain.
    const user = /^iff\(isempty\((\w+)\), (\w+), strcat\(\1, "\\\\", \2\)\)$/.exec(expression);
    if (user) {
      const i = text.indexOf('\\');
      this.set(user[1], i >= 0 ? text.slice(0, i) : '');
      this.set(user[2], i >= 0 ? text.slice(i + 1) : text);
      return;
    }
    const iff = callArgs(expression, 'iff');
    if (iff?.length === 3) return this.invertIff(field, expression, iff, columns, v);
    const coalesce = callArgs(expression, 'coalesce');
    if (coalesce && coalesce.length >= 2) {
      // The first argument wins whenever it is non-empty: write the value there.
      return this.invertExpression(field, coalesce[0], columnsIn(coalesce[0], columns), v);
    }
    const candidates: Array<Record<string, unknown>> = [];
    const cols = columns.filter((c) => Object.hasOwn(this.schema, c));
    if (/AdditionalFields/.test(expression)) {
      for (const key of [...expression.matchAll(/parse_json\(AdditionalFields\)\.(\w+)/g)].map((x) => x[1])) {
        candidates.push({ AdditionalFields: JSON.stringify({ [key]: text }) });
        candidates.push({ AdditionalFields: JSON.stringify({ [key]: `\\Device\\NamedPipe${text}` }) });
      }
    } else if (/extract\(/.test(expression) && /<Data Name=/.test(expression) && cols.length === 1) {
      const name = /<Data Name=\\"([^"\\]+)\\">/.exec(expression)?.[1];
      if (name) {
        // SecurityEvent.EventData is the event XML as text: values are entity-escaped.
        const xml = text
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;')
          .replace(/'/g, '&apos;')
          .replace(/\r/g, '&#xD;')
          .replace(/\n/g, '&#xA;')
          .replace(/\t/g, '&#x9;');
        const prev = typeof this.row[cols[0]] === 'string' ? (this.row[cols[0]] as string) : '';
        candidates.push({ [cols[0]]: `${prev}<Data Name="${name}">${xml}</Data>` });
      }
    } else if (cols.length === 2 && /strcat\(/.test(expression) && /replace_regex/.test(expression)) {
      // Registry key (+ value name): expand the hive, split the value name off.
      const [keyCol, valueCol] = cols;
      const hives = HIVES.find(([re]) => re.test(text));
      const fulls = hives ? hives[1].map((h) => text.replace(hives[0], h)) : [text];
      for (const full of fulls) {
        const cut = full.lastIndexOf('\\');
        if (cut > 0) candidates.push({ [keyCol]: full.slice(0, cut), [valueCol]: full.slice(cut + 1) });
        candidates.push({ [keyCol]: full, [valueCol]: '' });
      }
    } else if (cols.length === 1 && /replace_regex/.test(expression)) {
      const hives = HIVES.find(([re]) => re.test(text));
      for (const h of hives ? hives[1] : ['']) candidates.push({ [cols[0]]: hives ? text.replace(hives[0], h) : text });
    } else if (/^case\(/.test(expression) && cols.length === 2) {
      const [typeCol, dataCol] = cols;
      const dword = /^DWORD \(0x([0-9a-f]{1,8})\)$/i.exec(text);
      const qword = /^QWORD \(0x([0-9a-f]{1,8})-0x([0-9a-f]{1,8})\)$/i.exec(text);
      if (dword) candidates.push({ [typeCol]: 'Dword', [dataCol]: String(parseInt(dword[1], 16) | 0) }, { [typeCol]: 'Dword', [dataCol]: String(parseInt(dword[1], 16)) });
      if (qword) candidates.push({ [typeCol]: 'Qword', [dataCol]: String(BigInt.asIntN(64, (BigInt('0x' + qword[1]) << 32n) | BigInt('0x' + qword[2]))) });
      if (text === 'Binary Data') candidates.push({ [typeCol]: 'Binary', [dataCol]: '' });
      candidates.push({ [typeCol]: 'String', [dataCol]: text });
    } else if (cols.length === 0) {
      const got = evaluate(expression, this.row, this.m.table, this.schema);
      if (!same(got, text)) this.notes.push(`${field}: ${this.m.table} has no column for it (${expression}); left out`);
      return;
    }
    const results = candidates.map((c) => evaluate(expression, { ...this.row, ...c }, this.m.table, this.schema));
    const exact = results.findIndex((r) => same(r, text));
    if (exact >= 0) {
      Object.assign(this.row, candidates[exact]);
      return;
    }
    // The target keeps e.g. hive names in one spelling: the letter case of the value is lost.
    const caseless = results.findIndex((r) => r !== undefined && r !== null && String(r).toLowerCase() === text.toLowerCase());
    if (caseless >= 0) {
      Object.assign(this.row, candidates[caseless]);
      this.notes.push(`${field}: the letter case of '${text.slice(0, 60)}' cannot be kept through ${expression.slice(0, 60)}`);
      return;
    }
    this.notes.push(`${field}: cannot write '${text.slice(0, 60)}' through ${expression.slice(0, 80)}; left out`);
  }
}

/**
 * The top-level arguments of `name(...)` when `expression` is exactly one such call, else
 * undefined. Skips nested parentheses and KQL string literals ("..." with escapes, @"..." verbatim).
 */
function callArgs(expression: string, name: string): string[] | undefined {
  if (!expression.startsWith(`${name}(`) || !expression.endsWith(')')) return undefined;
  const args: string[] = [];
  let depth = 0;
  let start = name.length + 1;
  for (let i = start; i < expression.length; i++) {
    const c = expression[i];
    if (c === '"') {
      const verbatim = expression[i - 1] === '@';
      for (i++; i < expression.length; i++) {
        if (!verbatim && expression[i] === '\\') i++;
        else if (expression[i] === '"') {
          if (verbatim && expression[i + 1] === '"') i++;
          else break;
        }
      }
    } else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      if (depth === 0) {
        if (i !== expression.length - 1) return undefined; // `name(...)` followed by more text
        args.push(expression.slice(start, i).trim());
        return args;
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  return undefined;
}

/** The columns of `columns` that `expression` names, in their listed order. */
function columnsIn(expression: string, columns: string[]): string[] {
  return columns.filter((c) => new RegExp(`(?<![\\w.])${c}(?!\\w)`).test(expression));
}

/** Sigma field names of an event: its top-level data keys. */
function eventData(event: LogEvent | Record<string, unknown>): Record<string, unknown> {
  const e = event as LogEvent;
  return e && typeof e === 'object' && 'data' in e && e.data && typeof e.data === 'object' && 'origin' in e ? e.data : (event as Record<string, unknown>);
}

/** Writes one event (Sigma field names) as the row the target's table would hold for it. */
/**
 * `overrides`: the user's field mapping (as `compileRule`'s `mapping`), so rows are written to the
 * columns the query reads.
 */
export function toTargetRows(event: LogEvent | Record<string, unknown>, rule: SigmaRule, targetId: string | TargetDefinition, overrides?: FieldMappingOverrides): TargetRow {
  const target = typeof targetId === 'string' ? getTarget(targetId) : targetId;
  if (!target) return { notes: [`unknown target '${String(targetId)}'`] };
  const m = findLogsourceMapping(target, rule.logsource);
  if (!m || m.unsupported || !target.tables[m.table]) return { notes: [`${target.label} has no table for this rule's logsource`] };
  const w = new Writer(target, m, target.tables[m.table], overrides);
  for (const p of m.where ?? []) if (!w.fixed(p)) w.notes.push(`logsource condition could not be written exactly`);
  const data = eventData(event);
  // Fields whose mapping depends on other columns (iff on ActionType) come last.
  const keys = Object.keys(data);
  const late = (k: string): boolean => {
    const look = lookupField(target, m, k, overrides);
    return look.kind === 'mapped' && typeof look.mapping === 'object' && 'expression' in look.mapping && /^iff\(/.test(look.mapping.expression);
  };
  // Among those, fields that exist only when a condition holds (NewName: renames only) go first,
  // so that the condition they set decides the branch of the others.
  const conditional = (k: string): boolean => {
    const look = lookupField(target, m, k, overrides);
    if (look.kind !== 'mapped' || typeof look.mapping !== 'object' || !('expression' in look.mapping)) return false;
    const args = callArgs(look.mapping.expression, 'iff');
    return args?.length === 3 && /^"(?:[^"\\]|\\.)*"$/.test(args[2]);
  };
  const lateKeys = keys.filter(late);
  for (const k of [...keys.filter((k) => !late(k)), ...lateKeys.filter(conditional), ...lateKeys.filter((k) => !conditional(k))]) w.writeField(k, data[k]);
  return { table: m.table, row: w.row, notes: w.notes };
}
