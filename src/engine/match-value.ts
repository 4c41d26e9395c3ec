/**
 * One Sigma value, compiled: a fast test against one scalar event value, and the same decision
 * with a reason for explanations. Semantics (Sigma specification, pySigma where it is silent):
 * whole-value and case-insensitive unless `cased`; a rule's `8080` equals 8080 and "8080";
 * `'true'` equals JSON true; regexes are unanchored searches, case-sensitive unless `i`; CIDR
 * accepts IPv4 and IPv6; numeric modifiers accept numbers and numeric text.
 */
import { RE2JS } from 're2js';
import type { LogEvent, FieldLookup } from './event.ts';
import type { ReasonCode } from './explain.ts';
import type { CompareOp, SigmaValue, StringPattern } from '../sigma/model.ts';
import { compilePattern, foldCase, patternShape, type CompiledPattern } from './wildcard.ts';
import { formatPattern } from '../sigma/values.ts';
import { compileCidr, parseIp } from './ip.ts';
import { parseTimestamp } from './timestamp.ts';
import { forEachScalar, quoteIfNeeded, scalarText, toNumber, truncateMiddle } from './event-values.ts';

export type FieldGetter = (event: LogEvent, name: string) => FieldLookup;

export interface ValueOutcome {
  result: boolean;
  code: ReasonCode;
  reason: string;
  /** When one of several alternatives (windash, base64offset) matched: that alternative. */
  matched?: { op: string; operand: string };
}

export interface CompiledValue {
  value: SigmaValue;
  /** The expected value in words: `endswith '\\cmd.exe'`, `in 10.0.0.0/8`, `8080`. */
  expected: string;
  /** The operator and operand alone, for one-line facts: `['=', '8080']`, `['in', '10.0.0.0/8']`. */
  op: string;
  operand: string;
  /** Tests one scalar (never an array) event value. */
  test: (x: unknown, event: LogEvent) => boolean;
  /** The same decision as `test`, with the reason. */
  explain: (x: unknown, event: LogEvent) => ValueOutcome;
  /** Plain string values: their compiled alternatives, for list fast paths. */
  patterns?: CompiledPattern[];
  cased?: boolean;
  /** Plain string values written as a bare number: equal to numerically equal event values. */
  number?: number;
  /** Why this value cannot be decided (unresolved placeholder, invalid regex). */
  error?: string;
  /** Whether a failed comparison can be a near miss worth showing (case differs, whole value). */
  nearMiss?: boolean;
}

export interface CompileValueOptions {
  getField: FieldGetter;
  /** Keyword search: a value matches anywhere inside an event value. */
  keyword?: boolean;
}

const yes = (code: ReasonCode, reason: string): ValueOutcome => ({ result: true, code, reason });
const no = (code: ReasonCode, reason: string): ValueOutcome => ({ result: false, code, reason });

/** Wraps a pattern in `*…*` (keyword search is a substring search, as Sigma tools do it). */
function asContains(p: StringPattern): StringPattern {
  const parts = [...p.parts];
  if (parts[0]?.kind !== 'any') parts.unshift({ kind: 'any' });
  if (parts[parts.length - 1]?.kind !== 'any') parts.push({ kind: 'any' });
  return { parts };
}

export function describePattern(p: StringPattern): { op: string; operand: string } {
  const shape = patternShape(p);
  const text = p.parts.filter((x) => x.kind === 'text').map((x) => (x.kind === 'text' ? x.text : '')).join('');
  switch (shape) {
    case 'equals':
      return { op: '=', operand: quoteIfNeeded(text) };
    case 'startswith':
    case 'endswith':
    case 'contains':
      return { op: shape, operand: `'${text}'` };
    case 'anything':
      return { op: 'like', operand: "'*'" };
    default:
      return { op: 'like', operand: `'${formatPattern(p)}'` };
  }
}

const MISMATCH_WORDS: Record<string, string> = {
  equals: 'different value',
  startswith: 'does not start with it',
  endswith: 'does not end with it',
  contains: 'does not contain it',
  wildcard: 'wildcard pattern does not match',
  anything: 'different value',
};

function compileString(value: Extract<SigmaValue, { kind: 'string' }>, keyword: boolean): CompiledValue {
  const source = keyword ? value.patterns.map(asContains) : value.patterns;
  const patterns = source.map((p) => compilePattern(p, value.cased));
  const folded = value.cased ? undefined : patterns;
  const insensitive = value.cased ? source.map((p) => compilePattern(p, false)) : undefined;
  const plain = source.length === 1 && patternShape(source[0]) === 'equals';
  const number = plain && value.number !== undefined && Number.isFinite(value.number) ? value.number : undefined;
  const first = source[0] ? describePattern(source[0]) : { op: '=', operand: "''" };
  const variants = source.length > 1 ? ` (+${source.length - 1} variants)` : '';
  const op = keyword ? 'keyword' : first.op;
  const operand = (keyword ? `'${value.raw}'` : first.operand) + variants + (value.cased ? ' (cased)' : '');
  const expected = op === '=' ? operand : `${op} ${operand}`;
  const cased = value.cased;
  const n = patterns.length;
  const matchText = (text: string): number => {
    const s = cased ? text : foldCase(text);
    for (let i = 0; i < n; i++) if (patterns[i].test(s)) return i;
    return -1;
  };
  const test = (x: unknown): boolean => {
    const text = scalarText(x);
    if (text === undefined) return false;
    if (matchText(text) >= 0) return true;
    return number !== undefined && typeof x !== 'boolean' && toNumber(x) === number;
  };
  const explain = (x: unknown): ValueOutcome => {
    const text = scalarText(x);
    if (text === undefined) {
      if (x === null) return no('field-null', 'field is null');
      return no('not-a-string', Array.isArray(x) ? 'value is a list' : 'value is an object, not text');
    }
    const hit = matchText(text);
    if (hit >= 0) {
      const shape = patterns[hit].shape;
      if (keyword) return yes('keyword-found', 'keyword found in the event');
      if (hit > 0 || source.length > 1) {
        const alt = describePattern(source[hit]);
        const how = shape === 'equals' ? 'equals' : shape === 'wildcard' || shape === 'anything' ? 'matches' : shape;
        return { ...yes('wildcard-match', `${how} ${alt.operand}${hit > 0 ? ` (a variant of '${value.raw}')` : ''}`), matched: alt };
      }
      if (shape === 'equals') return yes('equal', typeof x === 'string' ? 'equal' : `equal (${typeof x} compared as text)`);
      if (shape === 'wildcard' || shape === 'anything') return yes('wildcard-match', 'matches the wildcard pattern');
      return yes('wildcard-match', shape === 'contains' ? 'contains it' : shape === 'startswith' ? 'starts with it' : 'ends with it');
    }
    if (number !== undefined && typeof x !== 'boolean' && toNumber(x) === number) return yes('number-equal', 'equal as numbers');
    if (keyword) return no('keyword-absent', 'keyword not found');
    if (patterns.length === 0) return no('different-value', 'this value can never match (nothing left after its modifiers)');
    if (insensitive) {
      const lower = foldCase(text);
      if (insensitive.some((p) => p.test(lower))) return no('case-differs', 'case differs (the rule is |cased)');
    }
    const shape = patterns[0]?.shape ?? 'equals';
    if (shape === 'equals' && folded) {
      const lower = foldCase(text);
      const want = patterns[0].text;
      if (lower.trim() === want.trim() && want !== '') return no('different-value', 'differs only in leading/trailing whitespace');
      if (want !== '' && lower.includes(want)) {
        const where = lower.endsWith(want) ? 'ends with' : lower.startsWith(want) ? 'starts with' : 'contains';
        return no('whole-value', `value ${where} it, but Sigma compares whole values (use |${where === 'ends with' ? 'endswith' : where === 'starts with' ? 'startswith' : 'contains'})`);
      }
    }
    if (shape === 'wildcard') return no('wildcard-mismatch', MISMATCH_WORDS.wildcard);
    return no('different-value', MISMATCH_WORDS[shape] ?? 'different value');
  };
  const nearMiss = !keyword && (cased || patterns[0]?.shape === 'equals');
  return { value, expected, op, operand, test, explain, patterns, cased, number, nearMiss };
}

function compileRegex(value: Extract<SigmaValue, { kind: 'regex' }>): CompiledValue {
  const flags = (value.flags.i ? RE2JS.CASE_INSENSITIVE : 0) | (value.flags.m ? RE2JS.MULTILINE : 0) | (value.flags.s ? RE2JS.DOTALL : 0);
  const shown = `/${truncateMiddle(value.pattern, 120)}/${value.flags.i ? 'i' : ''}${value.flags.m ? 'm' : ''}${value.flags.s ? 's' : ''}`;
  let re: RE2JS | undefined;
  let insensitive: RE2JS | undefined;
  let error: string | undefined;
  try {
    re = RE2JS.compile(value.pattern, flags);
    if (!value.flags.i) insensitive = RE2JS.compile(value.pattern, flags | RE2JS.CASE_INSENSITIVE);
  } catch (e) {
    error = `invalid regular expression: ${e instanceof Error ? e.message : String(e)}`;
  }
  const test = (x: unknown): boolean => {
    if (!re) return false;
    const text = scalarText(x);
    return text !== undefined && re.test(text);
  };
  const explain = (x: unknown): ValueOutcome => {
    if (!re) return no('invalid-value', error ?? 'invalid regular expression');
    const text = scalarText(x);
    if (text === undefined) return no(x === null ? 'field-null' : 'not-a-string', x === null ? 'field is null' : 'value is not text');
    if (re.test(text)) return yes('regex-match', 'regex matches');
    if (insensitive?.test(text)) return no('case-differs', 'case differs (regex is case-sensitive; |re|i ignores case)');
    return no('regex-no-match', 'regex does not match');
  };
  return { value, expected: `matches ${shown}`, op: 'matches', operand: shown, test, explain, error, nearMiss: !value.flags.i };
}

function compileCidrValue(value: Extract<SigmaValue, { kind: 'cidr' }>): CompiledValue {
  const inRange = compileCidr(value.network, value.prefix, value.family);
  const error = inRange ? undefined : `invalid CIDR ${value.cidr}`;
  const test = (x: unknown): boolean => {
    if (!inRange) return false;
    const text = scalarText(x);
    if (text === undefined) return false;
    const ip = parseIp(text);
    return ip !== undefined && inRange(ip);
  };
  const explain = (x: unknown): ValueOutcome => {
    if (!inRange) return no('invalid-value', error!);
    const text = scalarText(x);
    if (text === undefined) return no(x === null ? 'field-null' : 'not-an-ip', x === null ? 'field is null' : 'not an IP address');
    const ip = parseIp(text);
    if (!ip) return no('not-an-ip', 'not an IP address');
    if (inRange(ip)) return yes('in-range', 'in range');
    if (ip.family === 6 && value.family === 4) return no('ip-family', 'not in range (IPv6 address, IPv4 range)');
    if (ip.family === 4 && value.family === 6) return no('ip-family', 'not in range (IPv4 address, IPv6 range)');
    return no('not-in-range', 'not in range');
  };
  return { value, expected: `in ${value.cidr}`, op: 'in', operand: value.cidr, test, explain, error };
}

const OP_SYMBOL: Record<CompareOp, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    default:
      return a >= b;
  }
}

function compileCompare(value: Extract<SigmaValue, { kind: 'compare' }>): CompiledValue {
  const { op, value: bound } = value;
  const test = (x: unknown): boolean => {
    const n = typeof x === 'boolean' ? undefined : toNumber(x);
    return n !== undefined && compare(op, n, bound);
  };
  const explain = (x: unknown): ValueOutcome => {
    const n = typeof x === 'boolean' ? undefined : toNumber(x);
    if (n === undefined) return no(x === null ? 'field-null' : 'not-a-number', x === null ? 'field is null' : 'not a number');
    return compare(op, n, bound) ? yes('compare-true', `${n} ${OP_SYMBOL[op]} ${bound}`) : no('compare-false', `${n} is not ${OP_SYMBOL[op]} ${bound}`);
  };
  return { value, expected: `${OP_SYMBOL[op]} ${value.raw}`, op: OP_SYMBOL[op], operand: value.raw, test, explain };
}

function compileTimePart(value: Extract<SigmaValue, { kind: 'timepart' }>): CompiledValue {
  const { part, value: want } = value;
  const test = (x: unknown): boolean => {
    const t = parseTimestamp(x);
    return t !== undefined && t[part] === want;
  };
  const explain = (x: unknown): ValueOutcome => {
    const t = parseTimestamp(x);
    if (!t) return no(x === null ? 'field-null' : 'not-a-timestamp', x === null ? 'field is null' : 'not a timestamp');
    return t[part] === want ? yes('timepart-equal', `${part} is ${want}`) : no('timepart-differs', `${part} is ${t[part]}, not ${want}`);
  };
  return { value, expected: `${part} = ${value.raw}`, op: `${part} =`, operand: value.raw, test, explain };
}

function compileFieldref(value: Extract<SigmaValue, { kind: 'fieldref' }>, getField: FieldGetter): CompiledValue {
  const { field, op, cased } = value;
  const relation = (a: string, b: string): boolean => {
    const x = cased ? a : foldCase(a);
    const y = cased ? b : foldCase(b);
    return op === 'equals' ? x === y : op === 'contains' ? x.includes(y) : op === 'startswith' ? x.startsWith(y) : x.endsWith(y);
  };
  const against = (x: unknown, event: LogEvent): ValueOutcome => {
    const text = scalarText(x);
    if (text === undefined) return no(x === null ? 'field-null' : 'not-a-string', x === null ? 'field is null' : 'value is not text');
    const other = getField(event, field);
    if (!other.found || other.value === null || other.value === undefined) return no('fieldref-missing', `referenced field ${field} is ${other.found ? 'null' : 'missing'}`);
    let matched = false;
    let caseOnly = false;
    forEachScalar(other.value, (y) => {
      const t = scalarText(y);
      if (t === undefined) return false;
      if (relation(text, t)) return (matched = true);
      if (cased && relation(foldCase(text), foldCase(t))) caseOnly = true;
      return false;
    });
    if (matched) return yes('fieldref-equal', `${op === 'equals' ? 'equals' : op} field ${field}`);
    if (caseOnly) return no('case-differs', `case differs from field ${field} (the rule is |cased)`);
    const words = { equals: 'differs from', contains: 'does not contain', startswith: 'does not start with', endswith: 'does not end with' }[op];
    return no('fieldref-differs', `${words} field ${field}`);
  };
  const opWord = op === 'equals' ? '=' : op;
  return {
    value,
    expected: `${opWord === '=' ? '=' : opWord} field ${field}${cased ? ' (cased)' : ''}`,
    op: opWord,
    operand: `field ${field}`,
    test: (x, event) => against(x, event).result,
    explain: against,
  };
}

/** Values decided on the field lookup itself (null, exists), and placeholders. */
function compileSpecial(value: SigmaValue): CompiledValue {
  switch (value.kind) {
    case 'null':
      return {
        value,
        expected: 'null (missing or null)',
        op: 'is',
        operand: 'null',
        test: (x) => x === null,
        explain: (x) => (x === null ? yes('null-as-expected', 'field is null') : no('not-null', 'field has a value')),
      };
    case 'exists':
      return {
        value,
        expected: value.value ? 'exists' : 'does not exist',
        op: value.value ? 'exists' : 'absent',
        operand: '',
        test: () => value.value,
        explain: () => (value.value ? yes('exists', 'field exists') : no('field-present', 'field exists')),
      };
    default: {
      const name = value.kind === 'placeholder' ? value.name : '?';
      const error = `unresolved placeholder %${name}%: supply its values (--placeholders)`;
      return {
        value,
        expected: `placeholder %${name}%`,
        op: 'in',
        operand: `%${name}%`,
        test: () => false,
        explain: () => no('unresolved-placeholder', error),
        error,
      };
    }
  }
}

export function compileValue(value: SigmaValue, options: CompileValueOptions): CompiledValue {
  switch (value.kind) {
    case 'string':
      return compileString(value, options.keyword === true);
    case 'regex':
      return compileRegex(value);
    case 'cidr':
      return compileCidrValue(value);
    case 'compare':
      return compileCompare(value);
    case 'timepart':
      return compileTimePart(value);
    case 'fieldref':
      return compileFieldref(value, options.getField);
    default:
      return compileSpecial(value);
  }
}
