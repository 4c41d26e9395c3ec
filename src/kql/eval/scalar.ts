/**
 * Evaluation of scalar expressions over one row: KQL's operators and the functions the compiler
 * emits, with KQL's typed nulls. Open questions of the documentation go through `Choices`
 * (see readings.ts); what the evaluator does not implement raises `EvalError`, which marks the
 * row undetermined with a diagnostic — never a guess.
 */
import { RE2JS } from 're2js';
import type { Expr, Span } from './ast.ts';
import { Choices } from './readings.ts';
import {
  display, EMPTY, FALSE_V, fromDynamic, isNull, isNumeric, NULL_BOOL, nullOf, str, toStringValue, TRUE_V, typedValue,
  TICKS_PER_SECOND, wrapInt, type KType, type KValue,
} from './values.ts';
import { parseIPv4, parseIPv6 } from '../../engine/ip.ts';

export class EvalError extends Error {
  constructor(readonly code: string, message: string, readonly span: Span) {
    super(message);
  }
}

/** One evaluated node, for explanations. */
export interface TraceNode {
  span: Span;
  /** `and`, `or`, `not`, `compare`, `call`, `column`, `literal`, ... */
  kind: string;
  value: KValue;
  children: TraceNode[];
}

export type Row = Map<string, KValue>;

export interface ScalarContext {
  row: Row;
  /** Declared/inferred column types of the current tabular stream (missing string → ""). */
  columnTypes: ReadonlyMap<string, KType>;
  /** `let` scalars. */
  scalars: ReadonlyMap<string, KValue>;
  choices: Choices;
  /** When set, every evaluated node is recorded. */
  trace?: TraceNode[];
  /** Substitutes for now() (undefined: now()/ago() are not supported). */
  now?: bigint;
}

const regexCache = new Map<string, RE2JS | string>();

/** A compiled RE2 pattern, or the error message. Cached (patterns repeat across rows). */
export function compileRegex(pattern: string): RE2JS | string {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      re = e instanceof Error ? e.message : String(e);
    }
    if (regexCache.size > 5000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

const ASCII = /^[\x00-\x7f]*$/;

function foldLower(s: string): string {
  return s.toLowerCase();
}

/** Case-insensitive comparison helper: runs `test` on folded strings; asks when folding is ambiguous. */
function caseless(a: string, b: string, test: (x: string, y: string) => boolean, ctx: ScalarContext, span: Span): boolean {
  const lower = test(foldLower(a), foldLower(b));
  if (ASCII.test(a) && ASCII.test(b)) return lower;
  const upper = test(a.toUpperCase(), b.toUpperCase());
  if (lower === upper) return lower;
  const k = ctx.choices.choose('case-folding', span, `${display(str(a))} vs ${display(str(b))}`);
  return k === 0 ? lower : upper;
}

const asciiAlnum = (c: string): boolean => /[A-Za-z0-9]/.test(c);
const unicodeAlnum = (c: string): boolean => /[\p{L}\p{N}]/u.test(c);

function terms(s: string, alnum: (c: string) => boolean): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (alnum(ch)) cur += ch;
    else if (cur) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** has / hasprefix / hassuffix on already case-folded (or cased) text. */
function hasTerm(lhs: string, rhs: string, mode: 'has' | 'prefix' | 'suffix', ctx: ScalarContext, span: Span): boolean {
  const nonAscii = !ASCII.test(lhs) || !ASCII.test(rhs);
  const run = (alnum: (c: string) => boolean): boolean => {
    const rhsTerms = terms(rhs, alnum);
    const single = rhsTerms.length === 1 && rhsTerms[0] === rhs;
    const lhsTerms = terms(lhs, alnum);
    const match = (t: string, x: string): boolean => (mode === 'has' ? t === x : mode === 'prefix' ? t.startsWith(x) : t.endsWith(x));
    if (single) return lhsTerms.some((t) => match(t, rhs));
    if (rhs === '' || rhsTerms.length === 0) {
      // An empty or punctuation-only right side: nothing the documentation defines.
      throw new EvalError('kql-not-supported', `not supported: ${mode === 'has' ? 'has' : 'has' + mode} with a right side that holds no term (${JSON.stringify(rhs)})`, span);
    }
    const k = ctx.choices.choose('has-phrase', span, JSON.stringify(rhs));
    if (k === 1) return rhsTerms.every((x) => lhsTerms.some((t) => match(t, x)));
    // Substring whose edges are term edges.
    let from = 0;
    for (;;) {
      const i = lhs.indexOf(rhs, from);
      if (i < 0) return false;
      const before = i === 0 ? '' : lhs[i - 1];
      const after = lhs[i + rhs.length] ?? '';
      const startOk = !alnum(rhs[0]) || before === '' || !alnum(before);
      const endOk = mode === 'prefix' || !alnum(rhs[rhs.length - 1]) || after === '' || !alnum(after);
      const startOk2 = mode === 'suffix' ? true : startOk;
      if (startOk2 && endOk) return true;
      from = i + 1;
    }
  };
  if (!nonAscii) return run(asciiAlnum);
  const a = run(asciiAlnum);
  const u = run(unicodeAlnum);
  if (a === u) return a;
  return ctx.choices.choose('term-characters', span, `${display(str(lhs))} ${mode} ${display(str(rhs))}`) === 0 ? a : u;
}

/** A string operator's operand: strings as they are, other types through tostring (null asks). */
function stringOperand(x: KValue, ctx: ScalarContext, span: Span): string | null {
  if (x.t === 'string') return x.v;
  if (x.v === null || (x.t === 'dynamic' && x.v === undefined)) {
    return ctx.choices.choose('string-op-null', span, display(x)) === 0 ? '' : null;
  }
  return toStringValue(x);
}

export function stringOperator(op: string, l: KValue, r: KValue, ctx: ScalarContext, span: Span): KValue {
  const a = stringOperand(l, ctx, span);
  const b = stringOperand(r, ctx, span);
  if (a === null || b === null) return NULL_BOOL;
  const negated = op.startsWith('!');
  const base = negated ? op.slice(1) : op;
  const cased = base.endsWith('_cs');
  const name = cased ? base.slice(0, -3) : base;
  let result: boolean;
  const cmp = (f: (x: string, y: string) => boolean): boolean => (cased ? f(a, b) : caseless(a, b, f, ctx, span));
  switch (name) {
    case 'contains':
      result = cmp((x, y) => x.includes(y));
      break;
    case 'startswith':
      result = cmp((x, y) => x.startsWith(y));
      break;
    case 'endswith':
      result = cmp((x, y) => x.endsWith(y));
      break;
    case 'has':
      result = cmp((x, y) => hasTerm(x, y, 'has', ctx, span));
      break;
    case 'hasprefix':
      result = cmp((x, y) => hasTerm(x, y, 'prefix', ctx, span));
      break;
    case 'hassuffix':
      result = cmp((x, y) => hasTerm(x, y, 'suffix', ctx, span));
      break;
    case '=~':
      result = cmp((x, y) => x === y);
      break;
    default:
      throw new EvalError('kql-not-supported', `not supported: the '${op}' operator`, span);
  }
  return { t: 'bool', v: negated ? !result : result };
}

type Family = 'string' | 'number' | 'bool' | 'datetime' | 'timespan' | 'guid' | 'dynamic';

function family(x: KValue): Family {
  if (isNumeric(x)) return 'number';
  return x.t as Family;
}

/** Compares two non-null values of compatible types: negative, 0, positive. */
function compareValues(a: KValue, b: KValue, span: Span, what: string): number {
  const fa = family(a);
  const fb = family(b);
  if (fa !== fb) {
    if (fa === 'guid' && fb === 'string') return (a.v as string) === (b.v as string).toLowerCase() ? 0 : 1;
    if (fb === 'guid' && fa === 'string') return (b.v as string) === (a.v as string).toLowerCase() ? 0 : 1;
    throw new EvalError('kql-type', `cannot ${what} ${a.t} with ${b.t}: KQL defines no conversion between them`, span);
  }
  switch (fa) {
    case 'number': {
      if (a.t !== 'real' && b.t !== 'real') {
        const x = a.v as bigint;
        const y = b.v as bigint;
        return x < y ? -1 : x > y ? 1 : 0;
      }
      const x = Number(a.v);
      const y = Number(b.v);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : NaN;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string':
    case 'guid': {
      const x = a.v as string;
      const y = b.v as string;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'bool':
      return Number(a.v) - Number(b.v);
    case 'datetime':
    case 'timespan': {
      const x = a.v as bigint;
      const y = b.v as bigint;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'dynamic': {
      const x = a.v;
      const y = b.v;
      if (typeof x === typeof y && (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) return x === y ? 0 : (x as number) < (y as number) ? -1 : 1;
      throw new EvalError('kql-not-supported', `not supported: comparing dynamic values ${display(a)} and ${display(b)} (convert with tostring/tolong first)`, span);
    }
  }
}

/** `==` / `!=` with the documented null rules. */
export function equality(op: '==' | '!=', a: KValue, b: KValue, ctx: ScalarContext, span: Span): KValue {
  const na = isNull(a);
  const nb = isNull(b);
  if (na && nb) {
    const k = ctx.choices.choose(op === '==' ? 'eq-null-null' : 'ne-null-null', span, `${display(a)} ${op} ${display(b)}`);
    return k === 0 ? NULL_BOOL : FALSE_V;
  }
  if (na || nb) return op === '==' ? FALSE_V : TRUE_V;
  const c = compareValues(a, b, span, 'compare');
  const eq = c === 0;
  return op === '==' ? (eq ? TRUE_V : FALSE_V) : eq ? FALSE_V : TRUE_V;
}

function ordering(op: string, a: KValue, b: KValue, span: Span): KValue {
  if (isNull(a) || isNull(b)) return NULL_BOOL;
  const c = compareValues(a, b, span, 'order');
  if (Number.isNaN(c)) return FALSE_V;
  const r = op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
  return r ? TRUE_V : FALSE_V;
}

function arithmetic(op: string, a: KValue, b: KValue, span: Span): KValue {
  if (isNumeric(a) && isNumeric(b)) {
    if (a.v === null || b.v === null) return nullOf(a.t === 'real' || b.t === 'real' ? 'real' : a.t === 'long' || b.t === 'long' ? 'long' : 'int');
    if (a.t === 'real' || b.t === 'real') {
      const x = Number(a.v);
      const y = Number(b.v);
      const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
      return { t: 'real', v };
    }
    const t = a.t === 'long' || b.t === 'long' ? 'long' : 'int';
    const x = a.v as bigint;
    const y = b.v as bigint;
    if ((op === '/' || op === '%') && y === 0n) throw new EvalError('kql-not-supported', 'not supported: integer division by zero (the documentation does not define its result)', span);
    const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
    return { t, v: wrapInt(v, t) };
  }
  const ta = a.t;
  const tb = b.t;
  if ((ta === 'datetime' && tb === 'timespan' && (op === '+' || op === '-')) || (ta === 'timespan' && tb === 'datetime' && op === '+')) {
    if (a.v === null || b.v === null) return { t: 'datetime', v: null };
    const v = op === '+' ? (a.v as bigint) + (b.v as bigint) : (a.v as bigint) - (b.v as bigint);
    return { t: 'datetime', v };
  }
  if (ta === 'datetime' && tb === 'datetime' && op === '-') {
    if (a.v === null || b.v === null) return { t: 'timespan', v: null };
    return { t: 'timespan', v: (a.v as bigint) - (b.v as bigint) };
  }
  if (ta === 'timespan' && tb === 'timespan' && (op === '+' || op === '-')) {
    if (a.v === null || b.v === null) return { t: 'timespan', v: null };
    return { t: 'timespan', v: op === '+' ? (a.v as bigint) + (b.v as bigint) : (a.v as bigint) - (b.v as bigint) };
  }
  throw new EvalError('kql-type', `cannot apply '${op}' to ${ta} and ${tb}`, span);
}

function asBool(x: KValue, span: Span, what: string): boolean | null {
  if (x.t === 'bool') return x.v;
  if (x.t === 'dynamic' && (typeof x.v === 'boolean' || x.v === null)) return x.v as boolean | null;
  throw new EvalError('kql-type', `${what} needs a bool, but got ${x.t} ${display(x)}`, span);
}

export function evalScalar(e: Expr, ctx: ScalarContext): KValue {
  if (!ctx.trace) return evalNode(e, ctx);
  const parent = ctx.trace;
  const children: TraceNode[] = [];
  ctx.trace = children;
  let value: KValue;
  try {
    value = evalNode(e, ctx);
  } finally {
    ctx.trace = parent;
  }
  parent.push({ span: e.span, kind: nodeKind(e), value, children });
  return value;
}

function nodeKind(e: Expr): string {
  switch (e.k) {
    case 'binary':
      return e.op === 'and' || e.op === 'or' ? e.op : 'compare';
    case 'call':
      return e.name === 'not' ? 'not' : 'call';
    case 'inlist':
    case 'between':
      return 'compare';
    default:
      return e.k;
  }
}

function column(name: string, span: Span, ctx: ScalarContext): KValue {
  const v = ctx.row.get(name);
  if (v !== undefined) return v;
  const s = ctx.scalars.get(name);
  if (s !== undefined) return s;
  const t = ctx.columnTypes.get(name);
  if (t !== undefined) return nullOf(t);
  throw new EvalError('kql-unknown-column', `unknown column or name '${name}'`, span);
}

/**
 * `and`/`or` over a whole chain (`a or b or c ...` is one n-ary node: long generated conditions
 * neither nest deeply nor explain as a ladder). Both readings of null are associative, so the
 * chain means what the nested binary form means.
 */
function logical(e: Extract<Expr, { k: 'binary' }>, ctx: ScalarContext): KValue {
  const operands: Expr[] = [];
  let n: Expr = e;
  while (n.k === 'binary' && n.op === e.op) {
    operands.push(n.right);
    n = n.left;
  }
  operands.push(n);
  operands.reverse();
  const decisive = e.op === 'and' ? false : true;
  let sawNull = false;
  const seen: string[] = [];
  for (const o of operands) {
    const v = asBool(evalScalar(o, ctx), o.span, `'${e.op}'`);
    if (v === decisive) return decisive ? TRUE_V : FALSE_V;
    if (v === null) sawNull = true;
    if (seen.length < 4) seen.push(String(v));
  }
  if (!sawNull) return decisive ? FALSE_V : TRUE_V;
  const detail = seen.join(` ${e.op} `) + (operands.length > 4 ? ` ${e.op} ...` : '');
  if (e.op === 'and') return ctx.choices.choose('and-null', e.opSpan, detail) === 0 ? FALSE_V : NULL_BOOL;
  return ctx.choices.choose('or-null', e.opSpan, detail) === 0 ? NULL_BOOL : FALSE_V;
}

function evalNode(e: Expr, ctx: ScalarContext): KValue {
  switch (e.k) {
    case 'literal':
      return e.value;
    case 'column':
      return column(e.name, e.span, ctx);
    case 'star':
      throw new EvalError('kql-syntax', "'*' is only valid as the left side of a string operator", e.span);
    case 'member': {
      const o = evalScalar(e.object, ctx);
      if (o.t !== 'dynamic') throw new EvalError('kql-type', `'.${e.name}' needs a dynamic value, but got ${o.t}`, e.nameSpan);
      const v = o.v;
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, e.name)) return fromDynamic((v as Record<string, unknown>)[e.name]);
      return fromDynamic(null);
    }
    case 'index': {
      const o = evalScalar(e.object, ctx);
      const i = evalScalar(e.index, ctx);
      if (o.t !== 'dynamic') throw new EvalError('kql-type', `indexing needs a dynamic value, but got ${o.t}`, e.span);
      const v = o.v;
      if (i.t === 'string' && v !== null && typeof v === 'object' && !Array.isArray(v)) return fromDynamic(Object.hasOwn(v, i.v) ? (v as Record<string, unknown>)[i.v] : null);
      if ((i.t === 'long' || i.t === 'int') && i.v !== null && Array.isArray(v)) {
        let n = Number(i.v);
        if (n < 0) n += v.length;
        return fromDynamic(v[n] ?? null);
      }
      return fromDynamic(null);
    }
    case 'unary': {
      const v = evalScalar(e.arg, ctx);
      if (e.op === '+') return v;
      return arithmetic('-', isNumeric(v) ? ({ t: v.t, v: v.t === 'real' ? 0 : 0n } as KValue) : v.t === 'timespan' ? { t: 'timespan', v: 0n } : v, v, e.span);
    }
    case 'between': {
      const v = evalScalar(e.left, ctx);
      const lo = evalScalar(e.low, ctx);
      const hi = evalScalar(e.high, ctx);
      const a = ordering('>=', v, lo, e.span);
      const b = ordering('<=', v, hi, e.span);
      if (a.v === null || b.v === null) return NULL_BOOL;
      const r = (a.v as boolean) && (b.v as boolean);
      return { t: 'bool', v: e.negated ? !r : r };
    }
    case 'inlist':
      return inList(e, ctx);
    case 'binary': {
      if (e.op === 'and' || e.op === 'or') return logical(e, ctx);
      if (e.left.k === 'star') return starSearch(e, ctx);
      const l = evalScalar(e.left, ctx);
      const r = evalScalar(e.right, ctx);
      switch (e.op) {
        case '==':
        case '!=':
          if (l.t === 'string' && r.t === 'string') return { t: 'bool', v: (l.v === r.v) === (e.op === '==') };
          return equality(e.op, l, r, ctx, e.opSpan);
        case '=~':
        case '!~':
          return stringOperator(e.op === '=~' ? '=~' : '!=~', l, r, ctx, e.opSpan);
        case '<':
        case '<=':
        case '>':
        case '>=':
          return ordering(e.op, l, r, e.opSpan);
        case '+':
        case '-':
        case '*':
        case '/':
        case '%':
          return arithmetic(e.op, l, r, e.opSpan);
        case 'matches regex': {
          if (e.right.k !== 'literal' && !(r.t === 'string')) throw new EvalError('kql-type', 'matches regex needs a string pattern', e.right.span);
          const re = compileRegex(toStringValue(r));
          if (typeof re === 'string') throw new EvalError('kql-regex', `invalid regular expression: ${re}`, e.right.span);
          const text = stringOperand(l, ctx, e.opSpan);
          if (text === null) return NULL_BOOL;
          return { t: 'bool', v: re.matcher(text).find() };
        }
        default:
          return stringOperator(e.op, l, r, ctx, e.opSpan);
      }
    }
    case 'call':
      return callFunction(e, ctx);
  }
}

function inList(e: Extract<Expr, { k: 'inlist' }>, ctx: ScalarContext): KValue {
  const left = evalScalar(e.left, ctx);
  const items: KValue[] = [];
  for (const it of e.items) {
    const v = evalScalar(it, ctx);
    if (v.t === 'dynamic' && Array.isArray(v.v)) for (const x of v.v) items.push(typedValue(x, undefined));
    else items.push(v);
  }
  if (e.op === 'has_any' || e.op === 'has_all') {
    const found = items.map((it) => stringOperator('has', left, it, ctx, e.opSpan));
    if (found.some((f) => f.v === null)) return NULL_BOOL;
    return { t: 'bool', v: e.op === 'has_any' ? found.some((f) => f.v === true) : found.every((f) => f.v === true) };
  }
  const negated = e.op.startsWith('!');
  const caseless = e.op.endsWith('~');
  if (isNull(left)) {
    const k = ctx.choices.choose('in-null', e.opSpan, `${display(left)} ${e.op} (...)`);
    if (k === 1) return NULL_BOOL;
    return negated ? TRUE_V : FALSE_V;
  }
  let found = false;
  for (const it of items) {
    if (isNull(it)) continue;
    if (caseless) {
      if (stringOperator('=~', left, it, ctx, e.opSpan).v === true) {
        found = true;
        break;
      }
    } else if (left.t === 'string' && it.t === 'string' ? left.v === it.v : compareValues(left, it, e.opSpan, 'compare') === 0) {
      found = true;
      break;
    }
  }
  return { t: 'bool', v: negated ? !found : found };
}

/** `* contains "x"`: any column of the row. */
function starSearch(e: Extract<Expr, { k: 'binary' }>, ctx: ScalarContext): KValue {
  const r = evalScalar(e.right, ctx);
  const negated = e.op.startsWith('!');
  const positive = negated ? e.op.slice(1) : e.op;
  let any = false;
  for (const v of ctx.row.values()) {
    if (isNull(v)) continue;
    if (stringOperator(positive, v, r, ctx, e.opSpan).v === true) {
      any = true;
      break;
    }
  }
  return { t: 'bool', v: negated ? !any : any };
}

// ---- functions ------------------------------------------------------------------------------

function ipv4InRange(ip: string, range: string): boolean | null {
  const [net, prefixText, extra] = range.trim().split('/');
  if (extra !== undefined) return null;
  const a = parseIPv4(ip.trim());
  const n = parseIPv4(net);
  const prefix = prefixText === undefined ? 32 : /^\d+$/.test(prefixText) ? Number(prefixText) : -1;
  if (a < 0 || n < 0 || prefix < 0 || prefix > 32) return null;
  if (prefix === 0) return true;
  const shift = 32 - prefix;
  return Math.floor(a / 2 ** shift) === Math.floor(n / 2 ** shift);
}

function ipv6Words(text: string, ctx: ScalarContext, span: Span): number[] | null {
  const s = text.trim();
  if (parseIPv4(s) >= 0) {
    if (ctx.choices.choose('ipv6-of-ipv4', span, JSON.stringify(s)) === 0) return null;
    const v4 = parseIPv4(s);
    return [0, 0, 0, 0, 0, 0xffff, Math.floor(v4 / 65536), v4 % 65536];
  }
  if (s.includes('%') || s.startsWith('[')) return null;
  return parseIPv6(s) ?? null;
}

function ipv6InRange(ip: string, range: string, ctx: ScalarContext, span: Span): boolean | null {
  const [net, prefixText, extra] = range.trim().split('/');
  if (extra !== undefined) return null;
  const prefix = prefixText === undefined ? 128 : /^\d+$/.test(prefixText) ? Number(prefixText) : -1;
  if (prefix < 0 || prefix > 128) return null;
  const w = ipv6Words(ip, ctx, span);
  const n = ipv6Words(net, ctx, span);
  if (!w || !n) return null;
  const full = Math.floor(prefix / 16);
  for (let k = 0; k < full; k++) if (w[k] !== n[k]) return false;
  const rest = prefix % 16;
  if (rest === 0) return true;
  const mask = (0xffff << (16 - rest)) & 0xffff;
  return (w[full] & mask) === (n[full] & mask);
}

function toLong(x: KValue, t: 'int' | 'long'): KValue {
  if (isNull(x)) return { t, v: null };
  switch (x.t) {
    case 'int':
    case 'long':
      return { t, v: wrapInt(x.v!, t) };
    case 'real':
      return Number.isFinite(x.v) ? { t, v: wrapInt(BigInt(Math.trunc(x.v!)), t) } : { t, v: null };
    case 'bool':
      return { t, v: x.v ? 1n : 0n };
    case 'datetime':
    case 'timespan':
      return { t, v: wrapInt(x.v!, t) };
    default: {
      const s = toStringValue(x).trim();
      if (/^[+-]?\d+$/.test(s)) {
        const v = BigInt(s);
        return t === 'int' && (v < -(2n ** 31n) || v > 2n ** 31n - 1n) ? { t, v: null } : { t, v: wrapInt(v, t) };
      }
      if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(s)) return { t, v: wrapInt(BigInt(Math.trunc(Number(s))), t) };
      return { t, v: null };
    }
  }
}

function toReal(x: KValue): KValue {
  if (isNull(x)) return { t: 'real', v: null };
  if (x.t === 'real') return x;
  if (x.t === 'int' || x.t === 'long') return { t: 'real', v: Number(x.v) };
  if (x.t === 'bool') return { t: 'real', v: x.v ? 1 : 0 };
  const s = toStringValue(x).trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return { t: 'real', v: Number(s) };
  return { t: 'real', v: null };
}

function tohex(n: bigint, minLength: number): string {
  const u = BigInt.asUintN(64, n);
  let s = u.toString(16);
  if (n >= 0n && n <= 0xffffffffn) s = n.toString(16);
  return s.padStart(minLength, '0');
}

function weekOfYear(ticks: bigint): number {
  const d = new Date(Number(ticks / 10_000n));
  const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const day = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(t - day * 86400000 + 3 * 86400000);
  const firstThursday = Date.UTC(thursday.getUTCFullYear(), 0, 4);
  return 1 + Math.round((thursday.getTime() - firstThursday) / 86400000 / 7 - ((new Date(firstThursday).getUTCDay() + 6) % 7 - 3) / 7);
}

function datePart(part: string, ticks: bigint, span: Span): bigint {
  const d = new Date(Number(ticks / 10_000n));
  switch (part.toLowerCase()) {
    case 'year':
      return BigInt(d.getUTCFullYear());
    case 'quarter':
      return BigInt(Math.floor(d.getUTCMonth() / 3) + 1);
    case 'month':
      return BigInt(d.getUTCMonth() + 1);
    case 'week_of_year':
    case 'weekofyear':
      return BigInt(weekOfYear(ticks));
    case 'day':
      return BigInt(d.getUTCDate());
    case 'dayofyear':
      return BigInt(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1);
    case 'hour':
      return BigInt(d.getUTCHours());
    case 'minute':
      return BigInt(d.getUTCMinutes());
    case 'second':
      return BigInt(d.getUTCSeconds());
    case 'millisecond':
      return BigInt(d.getUTCMilliseconds());
    default:
      throw new EvalError('kql-not-supported', `not supported: datetime_part("${part}")`, span);
  }
}

function replaceRegex(text: string, re: RE2JS, rewrite: string): string {
  const m = re.matcher(text);
  let out = '';
  let last = 0;
  let guard = 0;
  while (m.find()) {
    if (guard++ > text.length + 1) break;
    out += text.slice(last, m.start());
    out += rewrite.replace(/\\(\d)/g, (_s, g: string) => m.group(Number(g)) ?? '');
    last = m.end();
    if (m.end() === m.start() && m.end() >= text.length) break;
  }
  return out + text.slice(last);
}

const FUNCTION_NAMES = new Set([
  'not', 'tostring', 'toint', 'tolong', 'todouble', 'toreal', 'tobool', 'toboolean', 'todatetime', 'totimespan', 'todynamic', 'parse_json', 'toguid',
  'isempty', 'isnotempty', 'isnull', 'isnotnull', 'strcat', 'strlen', 'tolower', 'toupper', 'iff', 'iif', 'case', 'coalesce', 'extract',
  'replace_regex', 'replace_string', 'tohex', 'binary_and', 'binary_or', 'binary_xor', 'binary_shift_left', 'binary_shift_right',
  'ipv4_is_in_range', 'ipv6_is_in_range', 'ipv4_is_private', 'datetime_part', 'hourofday', 'dayofweek', 'dayofmonth', 'dayofyear',
  'week_of_year', 'monthofyear', 'getyear', 'getmonth', 'bin', 'floor', 'abs', 'substring', 'indexof', 'array_length', 'trim',
  'now', 'ago', 'strcat_delim', 'isnan', 'gettype',
]);

export function isKnownFunction(name: string): boolean {
  return FUNCTION_NAMES.has(name);
}

function arity(e: Extract<Expr, { k: 'call' }>, min: number, max = min): void {
  if (e.args.length < min || e.args.length > max) {
    throw new EvalError('kql-syntax', `${e.name}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, not ${e.args.length}`, e.span);
  }
}

export function callFunction(e: Extract<Expr, { k: 'call' }>, ctx: ScalarContext): KValue {
  const name = e.name;
  const arg = (i: number): KValue => evalScalar(e.args[i], ctx);
  switch (name) {
    case 'not': {
      arity(e, 1);
      const v = asBool(arg(0), e.args[0].span, 'not()');
      if (v === null) return ctx.choices.choose('not-null', e.nameSpan, 'not(null)') === 0 ? NULL_BOOL : TRUE_V;
      return { t: 'bool', v: !v };
    }
    case 'tostring':
      arity(e, 1);
      return str(toStringValue(arg(0)));
    case 'toint':
    case 'tolong':
      arity(e, 1);
      return toLong(arg(0), name === 'toint' ? 'int' : 'long');
    case 'todouble':
    case 'toreal':
      arity(e, 1);
      return toReal(arg(0));
    case 'tobool':
    case 'toboolean': {
      arity(e, 1);
      const v = arg(0);
      if (v.t === 'bool') return v;
      if (isNull(v)) return NULL_BOOL;
      if (isNumeric(v)) return { t: 'bool', v: Number(v.v) !== 0 };
      const s = toStringValue(v).trim().toLowerCase();
      return s === 'true' ? TRUE_V : s === 'false' ? FALSE_V : NULL_BOOL;
    }
    case 'todatetime': {
      arity(e, 1);
      const v = arg(0);
      if (v.t === 'datetime') return v;
      if (isNull(v)) return { t: 'datetime', v: null };
      return typedValue(toStringValue(v), 'datetime');
    }
    case 'totimespan': {
      arity(e, 1);
      const v = arg(0);
      if (v.t === 'timespan') return v;
      return typedValue(toStringValue(v), 'timespan');
    }
    case 'todynamic':
    case 'parse_json': {
      arity(e, 1);
      const v = arg(0);
      if (v.t === 'dynamic') return v;
      if (v.t !== 'string') return fromDynamic(isNull(v) ? null : v.t === 'real' ? v.v : v.t === 'bool' ? v.v : toStringValue(v));
      try {
        return fromDynamic(JSON.parse(v.v));
      } catch {
        return fromDynamic(v.v);
      }
    }
    case 'toguid': {
      arity(e, 1);
      return typedValue(toStringValue(arg(0)), 'guid');
    }
    case 'isempty':
    case 'isnotempty': {
      arity(e, 1);
      const v = arg(0);
      const empty = v.t === 'string' ? v.v === '' : isNull(v) || (v.t === 'dynamic' && v.v === '');
      return { t: 'bool', v: name === 'isempty' ? empty : !empty };
    }
    case 'isnull':
    case 'isnotnull': {
      arity(e, 1);
      const v = arg(0);
      // Documented: string values are never null (isnull("") is false).
      const n = isNull(v);
      return { t: 'bool', v: name === 'isnull' ? n : !n };
    }
    case 'isnan': {
      arity(e, 1);
      const v = toReal(arg(0));
      return v.v === null ? NULL_BOOL : { t: 'bool', v: Number.isNaN(v.v) };
    }
    case 'strcat': {
      if (e.args.length < 1) arity(e, 1, 64);
      return str(e.args.map((_, i) => toStringValue(arg(i))).join(''));
    }
    case 'strcat_delim': {
      if (e.args.length < 3) arity(e, 3, 64);
      const d = toStringValue(arg(0));
      return str(e.args.slice(1).map((_, i) => toStringValue(arg(i + 1))).join(d));
    }
    case 'strlen':
      arity(e, 1);
      return { t: 'long', v: BigInt([...toStringValue(arg(0))].length) };
    case 'tolower':
      arity(e, 1);
      return str(toStringValue(arg(0)).toLowerCase());
    case 'toupper':
      arity(e, 1);
      return str(toStringValue(arg(0)).toUpperCase());
    case 'trim': {
      arity(e, 2);
      const re = compileRegex(toStringValue(arg(0)));
      if (typeof re === 'string') throw new EvalError('kql-regex', `invalid regular expression: ${re}`, e.args[0].span);
      const p = toStringValue(arg(0));
      const s = toStringValue(arg(1));
      const lead = compileRegex(`^(?:${p})+`);
      const trail = compileRegex(`(?:${p})+$`);
      if (typeof lead === 'string' || typeof trail === 'string') return str(s);
      return str(replaceRegex(replaceRegex(s, lead, ''), trail, ''));
    }
    case 'iff':
    case 'iif': {
      arity(e, 3);
      const c = asBool(arg(0), e.args[0].span, `${name}()`);
      // Documented: "If predicate evaluates to true, returns then, otherwise else" (null → else).
      return c === true ? arg(1) : arg(2);
    }
    case 'case': {
      if (e.args.length < 3 || e.args.length % 2 === 0) throw new EvalError('kql-syntax', 'case() takes pairs of predicate and value, then an else value', e.span);
      for (let i = 0; i + 1 < e.args.length; i += 2) {
        if (asBool(arg(i), e.args[i].span, 'case()') === true) return arg(i + 1);
      }
      return arg(e.args.length - 1);
    }
    case 'coalesce': {
      if (e.args.length < 1) arity(e, 1, 64);
      let last: KValue = EMPTY;
      for (let i = 0; i < e.args.length; i++) {
        last = arg(i);
        // Documented: the first value that is not null (for strings: not empty).
        if (last.t === 'string' ? last.v !== '' : !isNull(last)) return last;
      }
      return last;
    }
    case 'extract': {
      arity(e, 3, 4);
      if (e.args.length === 4) throw new EvalError('kql-not-supported', 'not supported: the typeLiteral argument of extract()', e.args[3].span);
      const re = compileRegex(toStringValue(arg(0)));
      if (typeof re === 'string') throw new EvalError('kql-regex', `invalid regular expression: ${re}`, e.args[0].span);
      const g = arg(1);
      const text = toStringValue(arg(2));
      if (g.t !== 'long' && g.t !== 'int') throw new EvalError('kql-type', 'extract() needs a capture-group number', e.args[1].span);
      const m = re.matcher(text);
      if (!m.find()) return EMPTY;
      return str(m.group(Number(g.v)) ?? '');
    }
    case 'replace_regex': {
      arity(e, 3);
      const text = toStringValue(arg(0));
      const re = compileRegex(toStringValue(arg(1)));
      if (typeof re === 'string') throw new EvalError('kql-regex', `invalid regular expression: ${re}`, e.args[1].span);
      return str(replaceRegex(text, re, toStringValue(arg(2))));
    }
    case 'replace_string': {
      arity(e, 3);
      const text = toStringValue(arg(0));
      const find = toStringValue(arg(1));
      return str(find === '' ? text : text.split(find).join(toStringValue(arg(2))));
    }
    case 'tohex': {
      arity(e, 1, 2);
      const v = toLong(arg(0), 'long');
      const min = e.args.length === 2 ? (toLong(arg(1), 'long').v as bigint | null) : 0n;
      // The result is a string, and strings are never null: null input gives "" (as tostring(null)).
      if (v.v === null) return EMPTY;
      return str(tohex(v.v as bigint, Number(min ?? 0n)));
    }
    case 'binary_and':
    case 'binary_or':
    case 'binary_xor':
    case 'binary_shift_left':
    case 'binary_shift_right': {
      arity(e, 2);
      const a = toLong(arg(0), 'long').v as bigint | null;
      const b = toLong(arg(1), 'long').v as bigint | null;
      if (a === null || b === null) return { t: 'long', v: null };
      const r =
        name === 'binary_and' ? a & b : name === 'binary_or' ? a | b : name === 'binary_xor' ? a ^ b : name === 'binary_shift_left' ? a << (b % 64n) : a >> (b % 64n);
      return { t: 'long', v: BigInt.asIntN(64, r) };
    }
    case 'ipv4_is_in_range': {
      arity(e, 2);
      return { t: 'bool', v: ipv4InRange(toStringValue(arg(0)), toStringValue(arg(1))) };
    }
    case 'ipv6_is_in_range': {
      arity(e, 2);
      return { t: 'bool', v: ipv6InRange(toStringValue(arg(0)), toStringValue(arg(1)), ctx, e.nameSpan) };
    }
    case 'ipv4_is_private': {
      arity(e, 1);
      const ip = toStringValue(arg(0));
      if (parseIPv4(ip.trim()) < 0) return NULL_BOOL;
      return { t: 'bool', v: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].some((r) => ipv4InRange(ip, r) === true) };
    }
    case 'datetime_part': {
      arity(e, 2);
      const part = toStringValue(arg(0));
      const d = arg(1);
      if (d.t !== 'datetime') throw new EvalError('kql-type', `datetime_part() needs a datetime, got ${d.t}`, e.args[1].span);
      return d.v === null ? { t: 'int', v: null } : { t: 'int', v: datePart(part, d.v, e.args[0].span) };
    }
    case 'hourofday':
    case 'dayofmonth':
    case 'dayofyear':
    case 'week_of_year':
    case 'monthofyear':
    case 'getmonth':
    case 'getyear': {
      arity(e, 1);
      const d = arg(0);
      if (d.t !== 'datetime') throw new EvalError('kql-type', `${name}() needs a datetime, got ${d.t}`, e.args[0].span);
      const part = { hourofday: 'hour', dayofmonth: 'day', dayofyear: 'dayofyear', week_of_year: 'week_of_year', monthofyear: 'month', getmonth: 'month', getyear: 'year' }[name];
      return d.v === null ? { t: 'int', v: null } : { t: 'int', v: datePart(part, d.v, e.span) };
    }
    case 'dayofweek': {
      arity(e, 1);
      const d = arg(0);
      if (d.t !== 'datetime') throw new EvalError('kql-type', `dayofweek() needs a datetime, got ${d.t}`, e.args[0].span);
      if (d.v === null) return { t: 'timespan', v: null };
      const day = BigInt(new Date(Number(d.v / 10_000n)).getUTCDay());
      return { t: 'timespan', v: day * 24n * 3600n * TICKS_PER_SECOND };
    }
    case 'bin':
    case 'floor': {
      arity(e, 2);
      return bin(arg(0), arg(1), e.span);
    }
    case 'abs': {
      arity(e, 1);
      const v = arg(0);
      if (isNull(v)) return v;
      if (v.t === 'real') return { t: 'real', v: Math.abs(v.v!) };
      if (v.t === 'int' || v.t === 'long' || v.t === 'timespan') return { t: v.t, v: v.v! < 0n ? -v.v! : v.v } as KValue;
      throw new EvalError('kql-type', `abs() needs a number, got ${v.t}`, e.span);
    }
    case 'substring': {
      arity(e, 2, 3);
      const s = toStringValue(arg(0));
      const start = Number(toLong(arg(1), 'long').v ?? 0n);
      const len = e.args.length === 3 ? Number(toLong(arg(2), 'long').v ?? 0n) : undefined;
      const from = Math.max(0, start);
      return str(len === undefined ? s.slice(from) : s.slice(from, from + Math.max(0, len)));
    }
    case 'indexof': {
      arity(e, 2);
      return { t: 'long', v: BigInt(toStringValue(arg(0)).indexOf(toStringValue(arg(1)))) };
    }
    case 'array_length': {
      arity(e, 1);
      const v = arg(0);
      return v.t === 'dynamic' && Array.isArray(v.v) ? { t: 'long', v: BigInt(v.v.length) } : { t: 'long', v: null };
    }
    case 'gettype': {
      arity(e, 1);
      return str(arg(0).t);
    }
    case 'now':
    case 'ago': {
      if (ctx.now === undefined) throw new EvalError('kql-not-supported', `not supported: ${name}() (its result depends on when the query runs; pass options.now)`, e.span);
      if (name === 'now') return { t: 'datetime', v: ctx.now };
      arity(e, 1);
      const ts = arg(0);
      if (ts.t !== 'timespan') throw new EvalError('kql-type', 'ago() needs a timespan', e.span);
      return ts.v === null ? { t: 'datetime', v: null } : { t: 'datetime', v: ctx.now - ts.v };
    }
    default:
      throw new EvalError('kql-not-supported', `not supported: the function ${name}()`, e.nameSpan);
  }
}

export function bin(v: KValue, size: KValue, span: Span): KValue {
  if (isNull(v) || isNull(size)) return nullOf(v.t);
  if (v.t === 'datetime' || v.t === 'timespan') {
    if (size.t !== 'timespan' || (size.v as bigint) <= 0n) throw new EvalError('kql-type', `bin() of a ${v.t} needs a positive timespan`, span);
    const s = size.v as bigint;
    const x = v.v as bigint;
    const q = x >= 0n ? x / s : -((-x + s - 1n) / s);
    return { t: v.t, v: q * s } as KValue;
  }
  if (isNumeric(v) && isNumeric(size)) {
    if (v.t === 'real' || size.t === 'real') {
      const s = Number(size.v);
      return { t: 'real', v: Math.floor(Number(v.v) / s) * s };
    }
    const s = size.v as bigint;
    const x = v.v as bigint;
    if (s <= 0n) throw new EvalError('kql-type', 'bin() needs a positive bin size', span);
    const q = x >= 0n ? x / s : -((-x + s - 1n) / s);
    return { t: v.t, v: q * s } as KValue;
  }
  throw new EvalError('kql-type', `bin() cannot round ${v.t} by ${size.t}`, span);
}
