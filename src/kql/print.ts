/**
 * The boolean expression the compiler builds, and its readable printing: short conditions on one
 * line, long ones one predicate per line, parentheses only where KQL precedence needs them
 * (`and` binds tighter than `or`; `not(...)` is a function), and null-safe negation.
 */
import type { SourceRange } from '../diagnostics.ts';
import { QueryWriter } from './source-map.ts';

/** One KQL predicate, already rendered. */
export interface Atom {
  k: 'atom';
  text: string;
  /**
   * The predicate can evaluate to null (a function of a nullable value, a comparison other than
   * `==` on a non-string column, `in` on a non-string column). Anywhere under a negation (at any
   * depth: a null can pass through `and`/`or`/`not` differently under the documented readings) it
   * is printed as `(P) == true` (documented: `==` between null and a non-null value is false), so
   * a null never decides a negation. See kql-semantics.md.
   */
  nullable: boolean;
  /** The text of the negated predicate when KQL has a direct form (`!in~`, `!contains`, `!~`). */
  negated?: string;
  /** `text` is a bare function call or comparison that `== true` can follow without parentheses. */
  call?: boolean;
  /**
   * Set for an equality test (`X =~ "a"`, `X in~ ("a", "b")`, `X == 1`): an `or` of such atoms on
   * the same column and operator merges into one `in~`/`in` list, which keeps long value lists
   * (hash lists, thousands of values) readable and within the parser's depth limit.
   */
  set?: { column: string; op: 'in' | 'in~'; literals: string[]; nonString: boolean };
  range?: SourceRange;
  node?: string;
}

export type Expr =
  | Atom
  /** `paren`: always parenthesised (set by `chunk` for long lists; see MAX_CHAIN). */
  | { k: 'and' | 'or'; args: Expr[]; range?: SourceRange; node?: string; paren?: boolean }
  | { k: 'not'; arg: Expr; range?: SourceRange; node?: string }
  /** Transparent: the same expression, with one more source range (an identifier around its selection). */
  | { k: 'group'; arg: Expr; range?: SourceRange; node?: string }
  | { k: 'const'; value: boolean; range?: SourceRange; node?: string };

export const TRUE: Expr = { k: 'const', value: true };
export const FALSE: Expr = { k: 'const', value: false };

/** `and`/`or` with flattening of nested same-kind nodes and constant folding. */
export function junction(k: 'and' | 'or', args: Expr[], range?: SourceRange, node?: string): Expr {
  const flat: Expr[] = [];
  for (const a of args) {
    if (a.k === k && !a.range) flat.push(...a.args);
    else flat.push(a);
  }
  const absorbing = k === 'or';
  const kept: Expr[] = [];
  for (const a of flat) {
    const c = constOf(a);
    if (c !== undefined) {
      if (c === absorbing) return { k: 'const', value: absorbing, range, node };
      continue;
    }
    kept.push(a);
  }
  if (k === 'or') mergeSets(kept);
  if (kept.length === 0) return { k: 'const', value: !absorbing, range, node };
  if (kept.length === 1) {
    const only = kept[0];
    if (range && !only.range) return { ...only, range, node } as Expr;
    return only;
  }
  return { k, args: kept, range, node };
}

function setAtom(e: Expr): Atom | undefined {
  if (e.k === 'group') return setAtom(e.arg);
  return e.k === 'atom' && e.set ? e : undefined;
}

/**
 * An atom testing membership of `column` in `literals` (already KQL literals). On a non-string
 * column `X == 1` is never null (null == 1 is false, documented) but `X in (1, 2)` may be.
 */
export function setTest(column: string, op: 'in' | 'in~', literals: string[], nonString: boolean, range?: SourceRange, node?: string): Atom {
  const set = { column, op, literals, nonString };
  if (literals.length === 1) {
    const eq = op === 'in~' ? '=~' : '==';
    const ne = op === 'in~' ? '!~' : '!=';
    return { k: 'atom', text: `${column} ${eq} ${literals[0]}`, negated: `${column} ${ne} ${literals[0]}`, nullable: false, range, node, set };
  }
  const list = `(${literals.join(', ')})`;
  return { k: 'atom', text: `${column} ${op} ${list}`, negated: nonString ? undefined : `${column} !${op} ${list}`, nullable: nonString, range, node, set };
}

/** Merges, in place, equality atoms of an `or` on the same column and operator into one list. */
function mergeSets(args: Expr[]): void {
  const groups = new Map<string, Atom[]>();
  for (const e of args) {
    const a = setAtom(e);
    if (!a) continue;
    const key = `${a.set!.op} ${a.set!.column}`;
    const g = groups.get(key);
    if (g) g.push(a);
    else groups.set(key, [a]);
  }
  let merged = false;
  const replacement = new Map<Atom, Atom | null>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    merged = true;
    const literals = [...new Set(g.flatMap((a) => a.set!.literals))];
    let range = g[0].range;
    for (const a of g) if (a.range) range = range ? coverRange(range, a.range) : a.range;
    const nonString = g.some((a) => a.set!.nonString);
    replacement.set(g[0], setTest(g[0].set!.column, g[0].set!.op, literals, nonString, range, 'value'));
    for (const a of g.slice(1)) replacement.set(a, null);
  }
  if (!merged) return;
  const out: Expr[] = [];
  for (const e of args) {
    const a = setAtom(e);
    const r = a ? replacement.get(a) : undefined;
    if (r === null) continue;
    out.push(r ?? e);
  }
  args.splice(0, args.length, ...out);
}

function coverRange(a: SourceRange, b: SourceRange): SourceRange {
  const s = a.start <= b.start ? a : b;
  const e = a.end >= b.end ? a : b;
  return { start: s.start, end: e.end, startLine: s.startLine, startColumn: s.startColumn, endLine: e.endLine, endColumn: e.endColumn };
}

/** The constant value of `e`, seeing through groups. */
export function constOf(e: Expr): boolean | undefined {
  if (e.k === 'const') return e.value;
  if (e.k === 'group') return constOf(e.arg);
  return undefined;
}

/** `e` with one more source range, without changing its meaning or printing. */
export function group(e: Expr, range: SourceRange, node: string): Expr {
  if (e.range === undefined) return { ...e, range, node } as Expr;
  return { k: 'group', arg: e, range, node };
}

export function negate(e: Expr, range?: SourceRange, node?: string): Expr {
  const c = constOf(e);
  if (c !== undefined) return { k: 'const', value: !c, range, node };
  if (e.k === 'const') return { k: 'const', value: !e.value, range, node };
  if (e.k === 'not' && !range) return e.arg;
  return { k: 'not', arg: e, range, node };
}

const PREC = { or: 1, and: 2, unary: 3 } as const;
/**
 * The Kusto parser refuses expressions nested deeper than a limit (KS245, "Query syntax depth
 * exceeds maximum safe limit"), and `a or b or c ...` nests one level per operator: between 400
 * and 500 operators fail. Longer chains are printed as parenthesised runs of this many.
 */
const MAX_CHAIN = 64;

/** Splits and/or chains longer than MAX_CHAIN into parenthesised runs, recursively. */
export function chunk(e: Expr): Expr {
  switch (e.k) {
    case 'not':
    case 'group':
      return { ...e, arg: chunk(e.arg) };
    case 'and':
    case 'or': {
      let args = e.args.map(chunk);
      while (args.length > MAX_CHAIN) {
        const runs: Expr[] = [];
        for (let i = 0; i < args.length; i += MAX_CHAIN) {
          const run = args.slice(i, i + MAX_CHAIN);
          runs.push(run.length === 1 ? run[0] : { k: e.k, args: run, paren: true });
        }
        args = runs;
      }
      return { ...e, args };
    }
    default:
      return e;
  }
}
const MAX_WIDTH = 100;
const INDENT = '    ';

/** The atom under `e` (through groups) when `not(e)` can be written with its direct negated form. */
function negatableAtom(e: Expr): Atom | undefined {
  if (e.k === 'group') return negatableAtom(e.arg);
  return e.k === 'atom' && e.negated !== undefined && !e.nullable ? e : undefined;
}

/** Writes the negated form of a negatable atom, recording the spans of the groups around it. */
function writeNegatedAtom(w: QueryWriter, e: Expr): void {
  w.span(e.range, e.node, () => {
    if (e.k === 'group') writeNegatedAtom(w, e.arg);
    else if (e.k === 'atom') w.write(e.negated!);
  });
}

/**
 * `e` is an unparenthesised `and` inside an `or`: its own continuation lines are indented one
 * step more so its operators stand apart (an `or` inside an `and` gets parentheses instead).
 */
function isJunction(e: Expr, parent: 'and' | 'or'): boolean {
  return e.k === 'group' ? isJunction(e.arg, parent) : e.k === 'and' && parent === 'or' && !e.paren;
}

/** `negated` (here and in the printers below): the atom sits somewhere under a `not(...)`. */
function atomText(a: Atom, negated: boolean): string {
  if (negated && a.nullable) return a.call ? `${a.text} == true` : `(${a.text}) == true`;
  return a.text;
}

/** Single-line rendering (used to measure and for short expressions). */
function flat(e: Expr, negated: boolean, outerPrec: number): string {
  switch (e.k) {
    case 'const':
      return e.value ? 'true' : 'false';
    case 'atom':
      return atomText(e, negated);
    case 'group':
      return flat(e.arg, negated, outerPrec);
    case 'not': {
      const na = negatableAtom(e.arg);
      if (na) return na.negated!;
      return `not(${flat(e.arg, true, 0)})`;
    }
    default: {
      const p = PREC[e.k];
      const s = e.args.map((a) => flat(a, negated, p)).join(` ${e.k} `);
      return p < outerPrec || e.paren ? `(${s})` : s;
    }
  }
}

/**
 * Writes `e` at the writer's current position. `indent` is the indentation of continuation
 * lines. Records a source-map span for every node that has a range.
 */
function write(w: QueryWriter, e: Expr, indent: string, negated: boolean, outerPrec: number): void {
  w.span(e.range, e.node, () => {
    const one = flat(e, negated, outerPrec);
    if (e.k === 'atom' || e.k === 'const' || w.column + one.length <= MAX_WIDTH) {
      if (e.k === 'atom' || e.k === 'const') {
        w.write(one);
        return;
      }
      // Flat, but still descend so nested nodes get their spans.
      writeFlat(w, e, negated, outerPrec);
      return;
    }
    if (e.k === 'group') {
      write(w, e.arg, indent, negated, outerPrec);
      return;
    }
    if (e.k === 'not') {
      if (negatableAtom(e.arg)) {
        writeNegatedAtom(w, e.arg);
        return;
      }
      const inner = indent + INDENT;
      w.write('not(\n' + inner);
      write(w, e.arg, inner, true, 0);
      w.write('\n' + indent + ')');
      return;
    }
    const p = PREC[e.k];
    const paren = p < outerPrec || e.paren === true;
    const inner = paren ? indent + INDENT : indent;
    if (paren) w.write('(\n' + inner);
    e.args.forEach((a, i) => {
      if (i > 0) w.write('\n' + inner + e.k + ' ');
      // A nested and/or that breaks too is indented one step more, so its operators stand apart.
      write(w, a, isJunction(a, e.k) ? inner + INDENT : inner, negated, p);
    });
    if (paren) w.write('\n' + indent + ')');
  });
}

function writeFlat(w: QueryWriter, e: Expr, negated: boolean, outerPrec: number): void {
  w.span(e.range, e.node, () => {
    switch (e.k) {
      case 'const':
        w.write(e.value ? 'true' : 'false');
        return;
      case 'atom':
        w.write(atomText(e, negated));
        return;
      case 'group':
        writeFlat(w, e.arg, negated, outerPrec);
        return;
      case 'not':
        if (negatableAtom(e.arg)) {
          writeNegatedAtom(w, e.arg);
          return;
        }
        w.write('not(');
        writeFlat(w, e.arg, true, 0);
        w.write(')');
        return;
      default: {
        const p = PREC[e.k];
        const paren = p < outerPrec || e.paren === true;
        if (paren) w.write('(');
        e.args.forEach((a, i) => {
          if (i > 0) w.write(` ${e.k} `);
          writeFlat(w, a, negated, p);
        });
        if (paren) w.write(')');
      }
    }
  });
}

/** Writes a `| where` clause for `e` (a no-op for a constant true). */
export function writeWhere(w: QueryWriter, e: Expr): void {
  if (e.k === 'const' && e.value) return;
  w.write('\n| where ');
  write(w, chunk(e), INDENT, false, 0);
}

/** A `//` comment line; line breaks and control characters in `text` become spaces. */
export function commentLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return '// ' + text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}
