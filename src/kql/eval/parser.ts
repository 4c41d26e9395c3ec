/**
 * `parseKql`: KQL text → syntax tree with spans, plus diagnostics. It parses the language the
 * compiler emits (tabular expressions from a table, `where`/`filter`, `extend`, `project`,
 * `union`, `summarize ... by`, `take`, `let` statements; scalar expressions with the string,
 * comparison, set, regex and logical operators and function calls) as a real recursive-descent
 * parser; anything else is a `kql-not-supported` error naming the construct and its line:col,
 * and syntax errors are `kql-syntax` errors. Never throws; parsing resumes at the next `|` or `;`.
 */
import { LineIndex, type Diagnostic } from '../../diagnostics.ts';
import type { Assignment, Expr, Operator, QueryAst, Source, Span, Statement, Tabular } from './ast.ts';
import { lex, type Token } from './lexer.ts';
import { parseDatetime, TICKS_PER_MS, TICKS_PER_SECOND, type KValue } from './values.ts';

export interface ParseResult {
  ast?: QueryAst;
  diagnostics: Diagnostic[];
}

/** Binary operators over strings and values, by their KQL spelling. */
export const STRING_OPERATORS = new Set([
  'contains', '!contains', 'contains_cs', '!contains_cs',
  'startswith', '!startswith', 'startswith_cs', '!startswith_cs',
  'endswith', '!endswith', 'endswith_cs', '!endswith_cs',
  'has', '!has', 'has_cs', '!has_cs',
  'hasprefix', '!hasprefix', 'hasprefix_cs', '!hasprefix_cs',
  'hassuffix', '!hassuffix', 'hassuffix_cs', '!hassuffix_cs',
]);
const COMPARISON = new Set(['==', '!=', '=~', '!~', '<', '<=', '>', '>=']);
const LIST_OPERATORS = new Set(['in', '!in', 'in~', '!in~', 'has_any', 'has_all']);
const TABULAR_OPERATORS_KNOWN = new Set([
  'sort', 'order', 'top', 'count', 'distinct', 'join', 'lookup', 'parse', 'parse-where', 'mv-expand', 'mv-apply', 'make-series',
  'project-away', 'project-rename', 'project-keep', 'project-reorder', 'render', 'evaluate', 'invoke', 'as', 'search', 'sample',
  'serialize', 'getschema', 'fork', 'facet', 'partition', 'scan', 'top-nested', 'reduce', 'consume', 'externaldata',
]);

/** Deeper nesting is refused (the Kusto parser refuses far less). */
const MAX_DEPTH = 400;

class ParseError extends Error {
  constructor(readonly code: string, message: string, readonly span: Span) {
    super(message);
  }
}

const TIMESPAN_UNITS: Array<[RegExp, bigint]> = [
  [/^(days?|d)$/, 24n * 3600n * TICKS_PER_SECOND],
  [/^(hours?|hrs?|h)$/, 3600n * TICKS_PER_SECOND],
  [/^(minutes?|min|m)$/, 60n * TICKS_PER_SECOND],
  [/^(seconds?|sec|s)$/, TICKS_PER_SECOND],
  [/^(milliseconds?|millis|ms)$/, TICKS_PER_MS],
  [/^(microseconds?|micros)$/, 10n],
  [/^(ticks?)$/, 1n],
];

/** A number token's value: long, real, or a timespan with a unit suffix. */
function numberValue(text: string): KValue | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return { t: 'long', v: BigInt.asIntN(64, BigInt(text)) };
  const m = /^(\d*\.?\d+(?:[eE][-+]?\d+)?)([a-z]*)$/.exec(text);
  if (!m) return undefined;
  const [, num, unit] = m;
  if (unit) {
    const u = TIMESPAN_UNITS.find(([re]) => re.test(unit));
    if (!u) return undefined;
    if (/^\d+$/.test(num)) return { t: 'timespan', v: BigInt(num) * u[1] };
    return { t: 'timespan', v: BigInt(Math.round(Number(num) * Number(u[1]))) };
  }
  if (/^\d+$/.test(num)) {
    const v = BigInt(num);
    return v <= 2n ** 63n - 1n ? { t: 'long', v } : { t: 'real', v: Number(num) };
  }
  return { t: 'real', v: Number(num) };
}

class Parser {
  private pos = 0;
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines: LineIndex;

  constructor(private readonly text: string, private readonly tokens: Token[]) {
    this.lines = new LineIndex(text);
  }

  report(code: string, message: string, span: Span): void {
    const at = this.lines.position(span.start);
    this.diagnostics.push({ code, severity: 'error', message: `${message} at ${at.line}:${at.column}`, range: this.lines.range(span.start, Math.max(span.end, span.start + 1)) });
  }

  private get tok(): Token {
    return this.tokens[this.pos];
  }
  private atEnd(): boolean {
    return this.tokens[this.pos].k === 'eof';
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.tokens[this.pos];
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  private isPunct(text: string, t: Token = this.tok): boolean {
    return t.k === 'punct' && t.text === text;
  }
  private isWord(word: string, t: Token = this.tok): boolean {
    return t.k === 'ident' && !t.bracketed && t.text === word;
  }
  private expectPunct(text: string, what?: string): Token {
    if (!this.isPunct(text)) throw new ParseError('kql-syntax', `expected '${text}'${what ? ` ${what}` : ''} but found ${this.describe(this.tok)}`, this.tok.span);
    return this.next();
  }
  private describe(t: Token): string {
    return t.k === 'eof' ? 'the end of the query' : `'${this.text.slice(t.span.start, t.span.end).slice(0, 40)}'`;
  }
  private expectName(what: string): Token & { k: 'ident' } {
    const t = this.tok;
    if (t.k !== 'ident') throw new ParseError('kql-syntax', `expected ${what} but found ${this.describe(t)}`, t.span);
    this.next();
    return t;
  }

  /** Skips to the next `|` or `;` at parenthesis depth 0 (error recovery). */
  private recover(): void {
    let depth = 0;
    while (!this.atEnd()) {
      if (this.isPunct('(') || this.isPunct('[')) depth++;
      else if (this.isPunct(')') || this.isPunct(']')) depth = Math.max(0, depth - 1);
      else if (depth === 0 && (this.isPunct('|') || this.isPunct(';'))) return;
      this.next();
    }
  }

  parseQuery(): QueryAst {
    const statements: Statement[] = [];
    while (!this.atEnd()) {
      if (this.isPunct(';')) {
        this.next();
        continue;
      }
      const start = this.tok.span.start;
      try {
        if (this.isWord('let')) statements.push(this.parseLet());
        else if (this.isWord('set') || this.isWord('declare') || this.isWord('alias') || this.isWord('pattern')) {
          throw new ParseError('kql-not-supported', `not supported: the '${(this.tok as { text: string }).text}' statement`, this.tok.span);
        } else {
          const tabular = this.parseTabular();
          statements.push({ k: 'query', span: { start, end: tabular.span.end }, tabular });
        }
        if (!this.isPunct(';') && !this.atEnd()) throw new ParseError('kql-syntax', `expected '|', ';' or the end of the query but found ${this.describe(this.tok)}`, this.tok.span);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.report(e.code, e.message, e.span);
        // Skip the rest of this statement.
        while (!this.atEnd() && !this.isPunct(';')) {
          this.recover();
          if (this.isPunct('|')) this.next();
        }
      }
    }
    return { statements };
  }

  private parseLet(): Statement {
    const start = this.next().span.start;
    const name = this.expectName('a name after let');
    this.expectPunct('=', `after 'let ${name.text}'`);
    if (this.isPunct('(') && this.looksLikeLambda()) throw new ParseError('kql-not-supported', 'not supported: user-defined functions (let f = (...) { ... })', this.tok.span);
    if (this.looksTabular()) {
      const tabular = this.parseTabular();
      return { k: 'let', span: { start, end: tabular.span.end }, name: name.text, value: { kind: 'tabular', tabular } };
    }
    const expr = this.parseExpr();
    return { k: 'let', span: { start, end: expr.span.end }, name: name.text, value: { kind: 'scalar', expr } };
  }

  private looksLikeLambda(): boolean {
    // `(a:string) { ... }` or `() { ... }`
    let i = this.pos + 1;
    let depth = 1;
    while (i < this.tokens.length && depth > 0) {
      const t = this.tokens[i];
      if (t.k === 'punct' && t.text === '(') depth++;
      if (t.k === 'punct' && t.text === ')') depth--;
      i++;
    }
    const after = this.tokens[i];
    return after !== undefined && after.k === 'punct' && after.text === '{';
  }

  private looksTabular(): boolean {
    const t = this.tok;
    if (this.isWord('union') || this.isWord('datatable') || this.isWord('print') || this.isWord('range')) return true;
    if (t.k === 'ident' && !['true', 'false'].includes(t.text)) {
      const n = this.peek();
      if (n.k === 'punct' && (n.text === '|' || n.text === ';')) return true;
      if ((n as Token).k === 'eof') return true;
      if (n.k === 'punct' && n.text === '(' && this.peek(2).k === 'punct' && this.peek(2).text === ')' && /^(im|_Im|_ASim)/.test(t.text)) return true;
    }
    if (this.isPunct('(')) {
      const a = this.peek();
      const b = this.peek(2);
      return a.k === 'ident' && b.k === 'punct' && b.text === '|';
    }
    return false;
  }

  parseTabular(): Tabular {
    const start = this.tok.span.start;
    const source = this.parseSource();
    const operators: Operator[] = [];
    while (this.isPunct('|')) {
      this.next();
      try {
        operators.push(this.parseOperator());
        if (!this.isPunct('|') && !this.isPunct(';') && !this.isPunct(')') && !this.atEnd()) {
          throw new ParseError('kql-syntax', `unexpected ${this.describe(this.tok)} (expected '|' before the next operator)`, this.tok.span);
        }
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.report(e.code, e.message, e.span);
        this.recover();
      }
    }
    const end = this.tokens[Math.max(0, this.pos - 1)].span.end;
    return { span: { start, end }, source, operators };
  }

  private parseSource(): Source {
    const t = this.tok;
    if (this.isWord('union')) {
      this.next();
      const sources = this.parseUnionArgs();
      return { k: 'union', span: { start: t.span.start, end: sources[sources.length - 1]?.span.end ?? t.span.end }, sources };
    }
    if (this.isPunct('(')) {
      throw new ParseError('kql-not-supported', 'not supported: a parenthesised tabular expression as a query source (use union or let)', t.span);
    }
    if (t.k === 'ident') {
      if (!t.bracketed && ['datatable', 'print', 'range', 'search', 'find', 'externaldata', 'evaluate', 'materialize', 'table', 'database', 'cluster'].includes(t.text)) {
        throw new ParseError('kql-not-supported', `not supported: '${t.text}' as a query source (the evaluator runs queries over the pasted rows' tables)`, t.span);
      }
      this.next();
      if (/[*]/.test(t.text)) throw new ParseError('kql-not-supported', 'not supported: wildcard table names', t.span);
      if (this.isPunct('(')) {
        const open = this.next();
        if (!this.isPunct(')')) throw new ParseError('kql-not-supported', `not supported: arguments to the function '${t.text}' (the evaluator treats ${t.text}() as a table)`, open.span);
        const close = this.next();
        return { k: 'table', span: { start: t.span.start, end: close.span.end }, name: t.text };
      }
      return { k: 'table', span: t.span, name: t.text };
    }
    throw new ParseError('kql-syntax', `expected a table name but found ${this.describe(t)}`, t.span);
  }

  private parseUnionArgs(): Tabular[] {
    const sources: Tabular[] = [];
    while (this.tok.k === 'ident' && this.peek().k === 'punct' && (this.peek() as { text: string }).text === '=' && !this.tok.bracketed) {
      const p = this.tok;
      throw new ParseError('kql-not-supported', `not supported: the union parameter '${(p as { text: string }).text}'`, p.span);
    }
    for (;;) {
      if (this.isPunct('(')) {
        this.next();
        const inner = this.parseTabular();
        this.expectPunct(')', 'to close the union leg');
        sources.push(inner);
      } else {
        const t = this.tok;
        if (t.k !== 'ident') throw new ParseError('kql-syntax', `expected a table name in union but found ${this.describe(t)}`, t.span);
        if (t.text.includes('*')) throw new ParseError('kql-not-supported', 'not supported: wildcard table names in union', t.span);
        const source = this.parseSource();
        sources.push({ span: source.span, source, operators: [] });
      }
      if (!this.isPunct(',')) break;
      this.next();
    }
    return sources;
  }

  private parseOperator(): Operator {
    const t = this.tok;
    if (t.k !== 'ident') throw new ParseError('kql-syntax', `expected an operator after '|' but found ${this.describe(t)}`, t.span);
    const word = t.text;
    switch (word) {
      case 'where':
      case 'filter': {
        this.next();
        const predicate = this.parseExpr();
        return { k: 'where', span: { start: t.span.start, end: predicate.span.end }, predicate };
      }
      case 'extend':
      case 'project': {
        this.next();
        const items = this.parseAssignments(word === 'project');
        return { k: word, span: { start: t.span.start, end: items[items.length - 1].span.end }, items };
      }
      case 'union': {
        this.next();
        const sources = this.parseUnionArgs();
        return { k: 'union', span: { start: t.span.start, end: sources[sources.length - 1].span.end }, sources };
      }
      case 'summarize': {
        this.next();
        const aggregates = this.isWord('by') ? [] : this.parseAssignments(false);
        let by: Assignment[] = [];
        if (this.isWord('by')) {
          this.next();
          by = this.parseAssignments(false);
        }
        const last = by[by.length - 1] ?? aggregates[aggregates.length - 1];
        if (!last) throw new ParseError('kql-syntax', 'summarize needs an aggregate or a by clause', t.span);
        return { k: 'summarize', span: { start: t.span.start, end: last.span.end }, aggregates, by };
      }
      case 'take':
      case 'limit': {
        this.next();
        const count = this.parseExpr();
        return { k: 'take', span: { start: t.span.start, end: count.span.end }, count };
      }
      default:
        if (TABULAR_OPERATORS_KNOWN.has(word)) throw new ParseError('kql-not-supported', `not supported: the '${word}' operator`, t.span);
        throw new ParseError('kql-syntax', `unknown tabular operator '${word}'`, t.span);
    }
  }

  private parseAssignments(project: boolean): Assignment[] {
    const items: Assignment[] = [];
    for (;;) {
      const t = this.tok;
      if (t.k === 'ident' && this.isPunct('=', this.peek())) {
        this.next();
        this.next();
        const expr = this.parseExpr();
        items.push({ span: { start: t.span.start, end: expr.span.end }, name: t.text, expr });
      } else if (this.isPunct('(') && this.peek().k === 'ident' && this.isPunct(',', this.peek(2))) {
        throw new ParseError('kql-not-supported', 'not supported: assigning several columns at once ((a, b) = ...)', t.span);
      } else {
        const expr = this.parseExpr();
        if (project && expr.k !== 'column') throw new ParseError('kql-not-supported', 'not supported: an unnamed computed column in project (write Name = expression)', expr.span);
        items.push({ span: expr.span, expr });
      }
      if (!this.isPunct(',')) break;
      this.next();
    }
    return items;
  }

  // ---- scalar expressions -------------------------------------------------------------------

  private depth = 0;

  parseExpr(): Expr {
    if (++this.depth > MAX_DEPTH) {
      this.depth = 0;
      throw new ParseError('kql-not-supported', `not supported: expressions nested more than ${MAX_DEPTH} levels deep`, this.tok.span);
    }
    try {
      return this.parseOr();
    } finally {
      this.depth = Math.max(0, this.depth - 1);
    }
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      const op = this.next();
      const right = this.parseAnd();
      left = { k: 'binary', span: { start: left.span.start, end: right.span.end }, op: 'or', opSpan: op.span, left, right };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseComparison();
    while (this.isWord('and')) {
      const op = this.next();
      const right = this.parseComparison();
      left = { k: 'binary', span: { start: left.span.start, end: right.span.end }, op: 'and', opSpan: op.span, left, right };
    }
    return left;
  }

  private parseComparison(): Expr {
    const left = this.isPunct('*') && this.isStringOpToken(this.peek()) ? this.star() : this.parseAdditive();
    const t = this.tok;
    if (t.k === 'punct' && COMPARISON.has(t.text)) {
      this.next();
      const right = this.parseAdditive();
      return { k: 'binary', span: { start: left.span.start, end: right.span.end }, op: t.text, opSpan: t.span, left, right };
    }
    if (t.k !== 'ident' || t.bracketed) return left;
    let op = t.text;
    let opSpan = t.span;
    if ((op === 'in' || op === '!in') && this.isPunct('~', this.peek()) && this.peek().span.start === t.span.end) {
      op += '~';
      opSpan = { start: t.span.start, end: this.peek().span.end };
      this.next();
    }
    if (LIST_OPERATORS.has(op)) {
      this.next();
      const open = this.expectPunct('(', `after '${op}'`);
      const items: Expr[] = [];
      if (!this.isPunct(')')) {
        for (;;) {
          items.push(this.parseExpr());
          if (!this.isPunct(',')) break;
          this.next();
        }
      }
      const close = this.expectPunct(')', `to close the list opened at ${this.lines.position(open.span.start).line}:${this.lines.position(open.span.start).column}`);
      return { k: 'inlist', span: { start: left.span.start, end: close.span.end }, op, opSpan, left, items };
    }
    if (STRING_OPERATORS.has(op)) {
      this.next();
      const right = this.parseAdditive();
      return { k: 'binary', span: { start: left.span.start, end: right.span.end }, op, opSpan, left, right };
    }
    if (op === 'matches') {
      this.next();
      const re = this.tok;
      if (!this.isWord('regex')) throw new ParseError('kql-syntax', `expected 'regex' after 'matches' but found ${this.describe(re)}`, re.span);
      this.next();
      const right = this.parseAdditive();
      return { k: 'binary', span: { start: left.span.start, end: right.span.end }, op: 'matches regex', opSpan: { start: t.span.start, end: re.span.end }, left, right };
    }
    if (op === 'between' || op === '!between') {
      this.next();
      this.expectPunct('(', `after '${op}'`);
      const low = this.parseAdditive();
      this.expectPunct('..', 'between the bounds of between');
      const high = this.parseAdditive();
      const close = this.expectPunct(')', 'to close between');
      return { k: 'between', span: { start: left.span.start, end: close.span.end }, negated: op === '!between', left, low, high };
    }
    if (/^!?(has_any_cs|has_all_cs|has_ipv4|has_ipv4_prefix|like|notlike|contains_any)$/.test(op)) {
      throw new ParseError('kql-not-supported', `not supported: the '${op}' operator`, t.span);
    }
    return left;
  }

  private isStringOpToken(t: Token): boolean {
    return t.k === 'ident' && (STRING_OPERATORS.has(t.text) || t.text === 'matches' || LIST_OPERATORS.has(t.text));
  }

  private star(): Expr {
    const t = this.next();
    return { k: 'star', span: t.span };
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.next();
      const right = this.parseMultiplicative();
      left = { k: 'binary', span: { start: left.span.start, end: right.span.end }, op: op.text, opSpan: op.span, left, right };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.isPunct('*') || this.isPunct('/') || this.isPunct('%')) {
      const op = this.next();
      const right = this.parseUnary();
      left = { k: 'binary', span: { start: left.span.start, end: right.span.end }, op: op.text, opSpan: op.span, left, right };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isPunct('-') || this.isPunct('+')) {
      const op = this.next();
      if (++this.depth > MAX_DEPTH) {
        this.depth = 0;
        throw new ParseError('kql-not-supported', `not supported: expressions nested more than ${MAX_DEPTH} levels deep`, op.span);
      }
      let arg: Expr;
      try {
        arg = this.parseUnary();
      } finally {
        this.depth = Math.max(0, this.depth - 1);
      }
      if (arg.k === 'literal' && op.text === '-' && (arg.value.t === 'long' || arg.value.t === 'real' || arg.value.t === 'timespan') && arg.value.v !== null) {
        const v = arg.value;
        const neg: KValue = v.t === 'real' ? { t: 'real', v: -(v.v as number) } : ({ t: v.t, v: -(v.v as bigint) } as KValue);
        return { k: 'literal', span: { start: op.span.start, end: arg.span.end }, value: neg, text: '-' + arg.text };
      }
      return { k: 'unary', span: { start: op.span.start, end: arg.span.end }, op: op.text as '-' | '+', arg };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let e = this.parsePrimary();
    for (;;) {
      if (this.isPunct('.') && this.peek().k === 'ident') {
        this.next();
        const name = this.next() as Token & { k: 'ident' };
        e = { k: 'member', span: { start: e.span.start, end: name.span.end }, object: e, name: name.text, nameSpan: name.span };
      } else if (this.isPunct('[')) {
        this.next();
        const index = this.parseExpr();
        const close = this.expectPunct(']', 'to close the index');
        e = { k: 'index', span: { start: e.span.start, end: close.span.end }, object: e, index };
      } else return e;
    }
  }

  /** Text between the `(` at the current token and its matching `)` (for datetime/dynamic/guid literals). */
  private rawParenthesised(): { raw: string; span: Span } {
    const open = this.expectPunct('(');
    let depth = 1;
    let i = open.span.end;
    let inStr: string | undefined;
    for (; i < this.text.length; i++) {
      const c = this.text[i];
      if (inStr) {
        if (c === '\\' && inStr === '"') i++;
        else if (c === inStr) inStr = undefined;
        continue;
      }
      if (c === '"' || c === "'") inStr = c;
      else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (i >= this.text.length) throw new ParseError('kql-syntax', "expected ')' to close the literal", open.span);
    while (!this.atEnd() && this.tok.span.start < i) this.next();
    const close = this.expectPunct(')');
    return { raw: this.text.slice(open.span.end, i), span: { start: open.span.start, end: close.span.end } };
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    if (t.k === 'string') {
      this.next();
      let value = t.value;
      let end = t.span.end;
      // Adjacent literals concatenate ("a" "b").
      while (this.tok.k === 'string') {
        value += (this.tok as { value: string }).value;
        end = this.next().span.end;
      }
      return { k: 'literal', span: { start: t.span.start, end }, value: { t: 'string', v: value }, text: this.text.slice(t.span.start, end) };
    }
    if (t.k === 'number') {
      this.next();
      const value = numberValue(t.text);
      if (!value) throw new ParseError('kql-syntax', `'${t.text}' is not a number or timespan literal`, t.span);
      return { k: 'literal', span: t.span, value, text: t.text };
    }
    if (this.isPunct('(')) {
      const open = this.next();
      const e = this.parseExpr();
      if (this.isPunct(',')) throw new ParseError('kql-not-supported', 'not supported: tuples', this.tok.span);
      const close = this.expectPunct(')', `to close the '(' at ${this.lines.position(open.span.start).line}:${this.lines.position(open.span.start).column}`);
      return { ...e, span: { start: open.span.start, end: close.span.end } } as Expr;
    }
    if (t.k === 'ident') {
      if (!t.bracketed && (t.text === 'true' || t.text === 'false')) {
        this.next();
        return { k: 'literal', span: t.span, value: { t: 'bool', v: t.text === 'true' }, text: t.text };
      }
      if (!t.bracketed && this.isPunct('(', this.peek())) {
        const typed = this.typedLiteral(t);
        if (typed) return typed;
        this.next();
        this.next();
        const args: Expr[] = [];
        if (!this.isPunct(')')) {
          for (;;) {
            if (this.isPunct('*') && (this.isPunct(')', this.peek()) || this.isPunct(',', this.peek()))) args.push(this.star());
            else args.push(this.parseExpr());
            if (!this.isPunct(',')) break;
            this.next();
          }
        }
        const close = this.expectPunct(')', `to close the call of ${t.text}()`);
        return { k: 'call', span: { start: t.span.start, end: close.span.end }, name: t.text, nameSpan: t.span, args };
      }
      this.next();
      return { k: 'column', span: t.span, name: t.text };
    }
    throw new ParseError('kql-syntax', `expected a value but found ${this.describe(t)}`, t.span);
  }

  private typedLiteral(t: Token & { k: 'ident' }): Expr | undefined {
    const name = t.text;
    const scalarTypes: Record<string, KValue['t']> = {
      bool: 'bool', boolean: 'bool', int: 'int', long: 'long', real: 'real', double: 'real', decimal: 'real',
      datetime: 'datetime', date: 'datetime', timespan: 'timespan', time: 'timespan', guid: 'guid', uniqueid: 'guid', dynamic: 'dynamic', string: 'string',
    };
    const type = scalarTypes[name];
    if (!type) return undefined;
    this.next();
    const { raw, span } = this.rawParenthesised();
    const body = raw.trim();
    const whole = { start: t.span.start, end: span.end };
    const text = this.text.slice(whole.start, whole.end);
    const lit = (value: KValue): Expr => ({ k: 'literal', span: whole, value, text });
    const bad = (what: string): never => {
      throw new ParseError('kql-syntax', `${text} is not a valid ${what} literal`, whole);
    };
    if (body === 'null') {
      if (type === 'string') bad('string');
      return lit({ t: type, v: null } as KValue);
    }
    switch (type) {
      case 'bool':
        if (body !== 'true' && body !== 'false') bad('bool');
        return lit({ t: 'bool', v: body === 'true' });
      case 'int':
      case 'long': {
        if (!/^[-+]?(\d+|0x[0-9a-f]+)$/i.test(body)) bad(type);
        const v = BigInt(body.replace(/^\+/, ''));
        return lit({ t: type, v: BigInt.asIntN(type === 'int' ? 32 : 64, v) });
      }
      case 'real': {
        const v = Number(body);
        if (body === '' || (Number.isNaN(v) && !/^nan$/i.test(body))) bad('real');
        return lit({ t: 'real', v: /^\+?inf$/i.test(body) ? Infinity : /^-inf$/i.test(body) ? -Infinity : v });
      }
      case 'datetime': {
        const ticks = parseDatetime(body);
        if (ticks === undefined) bad('datetime');
        return lit({ t: 'datetime', v: ticks! });
      }
      case 'timespan': {
        const v = numberValue(body);
        if (!v || v.t !== 'timespan') bad('timespan');
        return lit(v!);
      }
      case 'guid':
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(body)) bad('guid');
        return lit({ t: 'guid', v: body.toLowerCase() });
      case 'dynamic':
        try {
          return lit({ t: 'dynamic', v: JSON.parse(body) });
        } catch {
          throw new ParseError('kql-not-supported', `not supported: this dynamic literal (siglab reads dynamic literals written as JSON)`, whole);
        }
      case 'string':
        throw new ParseError('kql-not-supported', 'not supported: string(...) literals (write "...")', whole);
    }
    return undefined;
  }
}

/** Parses KQL text. `ast` is absent only when nothing could be parsed. */
export function parseKql(query: string): ParseResult {
  const text = typeof query === 'string' ? query : '';
  const { tokens, errors } = lex(text);
  const p = new Parser(text, tokens);
  for (const e of errors) p.report('kql-syntax', e.message, e.span);
  let ast: QueryAst;
  try {
    ast = p.parseQuery();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { diagnostics: [...p.diagnostics, { code: 'kql-too-complex', severity: 'error', message: 'the query is too deeply nested to parse' }] };
  }
  if (ast.statements.length === 0 && !p.diagnostics.length) {
    p.diagnostics.push({ code: 'kql-empty', severity: 'error', message: 'the query is empty' });
  }
  return { ast: ast.statements.length ? ast : undefined, diagnostics: p.diagnostics };
}
