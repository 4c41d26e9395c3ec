/**
 * The Sigma condition parser (`detection.condition`).
 *
 * Grammar (Sigma specification v2, "Condition"; precedence from least to most binding:
 * or, and, not, `x of`, parentheses):
 *
 *   condition := or
 *   or        := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | primary
 *   primary   := '(' or ')' | quantifier 'of' pattern | identifier
 *   quantifier:= '1' | 'any' | 'all'
 *   pattern   := 'them' | identifier name, `*` allowed anywhere
 *
 * Decisions, where the specification is silent:
 * - Keywords are recognised case-insensitively (`AND`, `Not`, `1 OF them`), because the intent is
 *   unambiguous, but a non-lowercase keyword gets a `condition-keyword-case` warning with a fix:
 *   pySigma (the reference implementation) only accepts lowercase keywords and rejects the rule.
 *   A word that is exactly a defined identifier is always that identifier.
 * - Identifier names are any run of characters other than whitespace, parentheses and `|`,
 *   because YAML keys can hold anything (the corpus has `filter_main_mdadm.conf`); a name that is
 *   not a defined identifier is an `undefined-identifier` error. Names are case-sensitive.
 * - Patterns match with `*` as "any run of characters", over the whole name, case-sensitively.
 *   Identifiers starting with `_` are left out of `them` and of patterns, unless the pattern itself
 *   starts with `_` (as pySigma does, so that filter-internal identifiers stay reachable).
 * - The Sigma v1 aggregation tail (`| count() by X > 5`, `| near ...`) is reported as
 *   `deprecated-aggregation`; Sigma v2 expresses it as a correlation rule.
 * - The AST is returned only when the condition has no error: a consumer never sees a tree with
 *   undefined identifiers or half-parsed parts. Nested `and`/`or` of the same kind are flattened.
 */
import type { Diagnostic, QuickFix, SourceRange } from '../diagnostics.ts';
import type { ConditionNode } from './model.ts';

export interface ParseConditionResult {
  ast?: ConditionNode;
  diagnostics: Diagnostic[];
}

/** Words with a meaning in conditions, for editor completion. */
export const CONDITION_KEYWORDS = ['and', 'or', 'not', '1 of', 'any of', 'all of', 'them'] as const;

/** Beyond this nesting depth a condition is rejected instead of risking the call stack. */
export const MAX_CONDITION_DEPTH = 256;

type TokenKind = 'lparen' | 'rparen' | 'word';

interface Token {
  kind: TokenKind;
  text: string;
  /** Lowercased text, for keyword tests. */
  lower: string;
  start: number;
  end: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any', '1']);

class ConditionSyntaxError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
    readonly fixes?: Array<{ title: string; start: number; end: number; text: string }>,
  ) {}
}

/** Translates a Sigma identifier pattern (`*` = any run of characters) into an anchored RegExp. */
function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[\\^$.+?()[\]{}|/]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${body}$`);
}

/**
 * The identifiers an `x of` pattern selects, in definition order. `them` selects every identifier
 * not starting with `_`; other patterns skip `_` identifiers unless they start with `_` themselves.
 */
export function resolveIdentifierPattern(pattern: string, identifiers: readonly string[]): string[] {
  if (pattern === 'them' || pattern.toLowerCase() === 'them') {
    return identifiers.filter((id) => !id.startsWith('_'));
  }
  const re = patternRegExp(pattern);
  const allowUnderscore = pattern.startsWith('_');
  return identifiers.filter((id) => (allowUnderscore || !id.startsWith('_')) && re.test(id));
}

/** Every identifier name the condition refers to, directly or through an `x of` pattern. */
export function referencedIdentifiers(ast: ConditionNode): Set<string> {
  const out = new Set<string>();
  const walk = (node: ConditionNode): void => {
    switch (node.kind) {
      case 'id':
        out.add(node.name);
        break;
      case 'of':
        for (const id of node.identifiers) out.add(id);
        break;
      case 'not':
        walk(node.arg);
        break;
      default:
        for (const arg of node.args) walk(arg);
    }
  };
  walk(ast);
  return out;
}

/** Damerau-Levenshtein (optimal string alignment) distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2: number[] = new Array(m + 1).fill(0);
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur: number[] = new Array(m + 1);
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m];
}

/** The closest candidate to `name`, when it is close enough to be a plausible typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === name) continue;
    // A case-only difference is the likeliest typo of all.
    const score = candidate.toLowerCase() === lower ? 0.5 : editDistance(lower, candidate.toLowerCase());
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  return bestScore <= limit ? best : undefined;
}

function describeToken(token: Token | undefined): string {
  if (!token) return 'the end of the condition';
  if (token.kind === 'lparen') return "'('";
  if (token.kind === 'rparen') return "')'";
  return `'${token.text}'`;
}

function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token !== undefined && token.kind === 'word' && token.lower === keyword;
}

function tokenize(text: string, end: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < end) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, lower: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    let j = i;
    while (j < end && !/\s/.test(text[j]) && text[j] !== '(' && text[j] !== ')' && text[j] !== '|') j++;
    const word = text.slice(i, j);
    tokens.push({ kind: 'word', text: word, lower: word.toLowerCase(), start: i, end: j });
    i = j;
  }
  return tokens;
}

/** Offset of the Sigma v1 aggregation pipe (`| count() ...`), ignoring `||`. */
function findAggregationPipe(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '|') continue;
    if (text[i + 1] === '|') {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** `&&`, `&`, `!`, `~` from other query languages get a pointed message and a fix. */
function throwIfForeignOperator(token: Token): void {
  if (token.kind !== 'word' || !/^(&&?|!|~)$/.test(token.text)) return;
  const operator = token.text === '!' || token.text === '~' ? 'not' : 'and';
  throw new ConditionSyntaxError(
    `'${token.text}' is not a Sigma operator: use '${operator}'`,
    token.start,
    token.end,
    [{ title: `Replace with '${operator}'`, start: token.start, end: token.end, text: operator }],
  );
}

class Parser {
  private pos = 0;
  private depth = 0;
  readonly diagnostics: Diagnostic[] = [];
  private readonly defined: Set<string>;

  constructor(
    private readonly tokens: Token[],
    private readonly identifiers: readonly string[],
    private readonly toRange: (start: number, end: number) => SourceRange,
    private readonly textLength: number,
  ) {
    this.defined = new Set(identifiers);
  }

  parse(): ConditionNode | undefined {
    if (this.tokens.length === 0) {
      throw new ConditionSyntaxError('the condition is empty: expected a search identifier, `1 of`, `all of` or `not`', 0, this.textLength);
    }
    const node = this.parseOr();
    const extra = this.tokens[this.pos];
    if (extra) {
      throwIfForeignOperator(extra);
      if (extra.kind === 'rparen') {
        throw new ConditionSyntaxError("unbalanced parenthesis: this ')' has no matching '('", extra.start, extra.end);
      }
      throw new ConditionSyntaxError(
        `expected 'and', 'or' or the end of the condition, found ${describeToken(extra)}`,
        extra.start,
        extra.end,
        extra.kind === 'word' && !KEYWORDS.has(extra.lower)
          ? [
              { title: `Insert 'and' before '${extra.text}'`, start: extra.start, end: extra.start, text: 'and ' },
              { title: `Insert 'or' before '${extra.text}'`, start: extra.start, end: extra.start, text: 'or ' },
            ]
          : undefined,
      );
    }
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private enter(token: Token | undefined): void {
    if (++this.depth > MAX_CONDITION_DEPTH) {
      const start = token?.start ?? this.textLength;
      throw new ConditionSyntaxError(
        `the condition is nested more than ${MAX_CONDITION_DEPTH} levels deep`,
        start,
        token?.end ?? start,
      );
    }
  }

  /** Keywords are case-insensitive, but tools other than siglab only accept lowercase. */
  private noteKeywordCase(token: Token): void {
    if (token.text === token.lower) return;
    const range = this.toRange(token.start, token.end);
    this.diagnostics.push({
      code: 'condition-keyword-case',
      severity: 'warning',
      message: `'${token.text}' is read as the keyword '${token.lower}'; pySigma and most Sigma tools only accept lowercase keywords`,
      range,
      fixes: [{ title: `Write '${token.lower}'`, range, text: token.lower }],
    });
  }

  /** Offsets in the condition text of each node; `range` is in the caller's coordinates. */
  private readonly offsets = new WeakMap<ConditionNode, { start: number; end: number }>();

  private node<T extends ConditionNode>(node: T, start: number, end: number): T {
    this.offsets.set(node, { start, end });
    return node;
  }

  private startOf(node: ConditionNode): number {
    return this.offsets.get(node)!.start;
  }

  private endOf(node: ConditionNode): number {
    return this.offsets.get(node)!.end;
  }

  private parseBinary(kind: 'and' | 'or'): ConditionNode {
    const next = (): ConditionNode => (kind === 'or' ? this.parseBinary('and') : this.parseNot());
    const first = next();
    const args: ConditionNode[] = [first];
    while (isKeyword(this.peek(), kind)) {
      const op = this.tokens[this.pos++];
      this.noteKeywordCase(op);
      if (this.peek() === undefined || this.peek()!.kind === 'rparen' || isKeyword(this.peek(), 'and') || isKeyword(this.peek(), 'or')) {
        const after = this.peek();
        throw new ConditionSyntaxError(
          `missing operand after '${op.text}': expected a search identifier, '(', 'not' or '1 of'/'all of', found ${describeToken(after)}`,
          after ? after.start : op.start,
          after ? after.end : op.end,
        );
      }
      args.push(next());
    }
    if (args.length === 1) return first;
    const flat: ConditionNode[] = [];
    // `(a and b) and c` means the same as `a and b and c`; one flat node reads better in explanations.
    for (const arg of args) {
      if (arg.kind === kind) flat.push(...arg.args);
      else flat.push(arg);
    }
    const start = this.startOf(args[0]);
    const end = this.endOf(args[args.length - 1]);
    return this.node({ kind, args: flat, range: this.toRange(start, end) }, start, end);
  }

  private parseOr(): ConditionNode {
    return this.parseBinary('or');
  }

  private parseNot(): ConditionNode {
    const token = this.peek();
    if (isKeyword(token, 'not')) {
      this.enter(token);
      this.pos++;
      this.noteKeywordCase(token!);
      const after = this.peek();
      if (after === undefined || after.kind === 'rparen' || isKeyword(after, 'and') || isKeyword(after, 'or')) {
        throw new ConditionSyntaxError(
          `missing operand after '${token!.text}': expected a search identifier, '(' or '1 of'/'all of', found ${describeToken(after)}`,
          after ? after.start : token!.start,
          after ? after.end : token!.end,
        );
      }
      const arg = this.parseNot();
      this.depth--;
      return this.node({ kind: 'not', arg, range: this.toRange(token!.start, this.endOf(arg)) }, token!.start, this.endOf(arg));
    }
    return this.parsePrimary();
  }

  private parsePrimary(): ConditionNode {
    const token = this.peek();
    if (token === undefined) {
      const end = this.textLength;
      throw new ConditionSyntaxError(
        'unexpected end of the condition: expected a search identifier, \'(\', \'not\' or \'1 of\'/\'all of\'',
        end,
        end,
      );
    }
    if (token.kind === 'lparen') {
      this.enter(token);
      this.pos++;
      if (this.peek()?.kind === 'rparen') {
        const close = this.peek()!;
        throw new ConditionSyntaxError('empty parentheses: expected an expression inside', token.start, close.end);
      }
      const inner = this.parseOr();
      const close = this.peek();
      if (close?.kind !== 'rparen') {
        if (close === undefined) {
          throw new ConditionSyntaxError(
            "unbalanced parenthesis: this '(' is never closed",
            token.start,
            token.end,
            [{ title: "Add the missing ')'", start: this.textLength, end: this.textLength, text: ')' }],
          );
        }
        throw new ConditionSyntaxError(`expected 'and', 'or' or ')', found ${describeToken(close)}`, close.start, close.end);
      }
      this.pos++;
      this.depth--;
      // The node covers its parentheses, so explanations can highlight the whole group.
      return this.node({ ...inner, range: this.toRange(token.start, close.end) } as ConditionNode, token.start, close.end);
    }
    if (token.kind === 'rparen') {
      throw new ConditionSyntaxError(
        "unexpected ')': expected a search identifier, '(', 'not' or '1 of'/'all of'",
        token.start,
        token.end,
      );
    }
    const next = this.tokens[this.pos + 1];
    if (isKeyword(next, 'of')) return this.parseOf(token, next!);
    return this.parseIdentifier(token);
  }

  private parseOf(quantifier: Token, of: Token): ConditionNode {
    if (quantifier.lower !== '1' && quantifier.lower !== 'any' && quantifier.lower !== 'all') {
      throw new ConditionSyntaxError(
        `'${quantifier.text} of' is not a Sigma quantifier: use '1 of' (or 'any of') or 'all of'`,
        quantifier.start,
        quantifier.end,
        [
          { title: "Use '1 of'", start: quantifier.start, end: quantifier.end, text: '1' },
          { title: "Use 'all of'", start: quantifier.start, end: quantifier.end, text: 'all' },
        ],
      );
    }
    this.noteKeywordCase(quantifier);
    this.noteKeywordCase(of);
    this.pos += 2;
    const pattern = this.peek();
    if (pattern === undefined || pattern.kind !== 'word' || (KEYWORDS.has(pattern.lower) && pattern.lower !== 'them' && !this.defined.has(pattern.text))) {
      const at = pattern ?? of;
      throw new ConditionSyntaxError(
        `expected an identifier pattern (such as 'selection_*') or 'them' after '${quantifier.text} ${of.text}', found ${describeToken(pattern)}`,
        pattern ? pattern.start : of.start,
        pattern ? at.end : of.end,
      );
    }
    this.pos++;
    const isThem = pattern.lower === 'them' && !this.defined.has(pattern.text);
    if (isThem) this.noteKeywordCase(pattern);
    const patternText = isThem ? 'them' : pattern.text;
    const resolved = resolveIdentifierPattern(patternText, this.identifiers);
    const patternRange = this.toRange(pattern.start, pattern.end);
    const quantifierWord = quantifier.lower === 'all' ? 'all' : 'any';
    if (resolved.length === 0) {
      const hidden = isThem ? [] : resolveIdentifierPattern(`_${patternText}`, this.identifiers).filter((id) => id.startsWith('_'));
      let message: string;
      if (isThem) {
        message = this.identifiers.length === 0
          ? "'them' matches no search identifier: the detection defines none"
          : "'them' matches no search identifier: identifiers starting with '_' are excluded from 'them'";
      } else if (!patternText.includes('*')) {
        message = `'${patternText}' matches no search identifier`;
      } else {
        message = `the pattern '${patternText}' matches no search identifier`;
      }
      const suggestion = !isThem && !patternText.includes('*') ? closestName(patternText, this.identifiers) : undefined;
      this.diagnostics.push({
        code: 'pattern-matches-nothing',
        severity: 'error',
        message: hidden.length > 0 ? `${message} (identifiers starting with '_' match only patterns that start with '_')` : suggestion ? `${message}; did you mean '${suggestion}'?` : message,
        range: patternRange,
        fixes: suggestion ? [{ title: `Change to '${suggestion}'`, range: patternRange, text: suggestion }] : undefined,
      });
    } else if (isThem && quantifierWord === 'all') {
      this.diagnostics.push({
        code: 'all-of-them',
        severity: 'warning',
        message: "'all of them' is discouraged by the Sigma specification: it stops users from adding filters to the rule; name the identifiers with a pattern instead",
        range: this.toRange(quantifier.start, pattern.end),
      });
    } else if (isThem && this.identifiers.length === 1) {
      this.diagnostics.push({
        code: 'them-single-identifier',
        severity: 'info',
        message: `'${quantifier.text} of them' with a single search identifier: write '${resolved[0]}' instead`,
        range: this.toRange(quantifier.start, pattern.end),
        fixes: [{ title: `Replace with '${resolved[0]}'`, range: this.toRange(quantifier.start, pattern.end), text: resolved[0] }],
      });
    }
    return this.node(
      {
        kind: 'of',
        quantifier: quantifierWord,
        pattern: patternText,
        identifiers: resolved,
        patternRange,
        range: this.toRange(quantifier.start, pattern.end),
      },
      quantifier.start,
      pattern.end,
    );
  }

  private parseIdentifier(token: Token): ConditionNode {
    const range = this.toRange(token.start, token.end);
    if (this.defined.has(token.text)) {
      this.pos++;
      return this.node({ kind: 'id', name: token.text, range }, token.start, token.end);
    }
    if (KEYWORDS.has(token.lower)) {
      const hint =
        token.lower === 'them'
          ? ": 'them' needs a quantifier, as in '1 of them'"
          : token.lower === 'of'
            ? ": 'of' needs a quantifier before it ('1 of' or 'all of')"
            : token.lower === 'all' || token.lower === 'any' || token.lower === '1'
              ? `: '${token.text}' must be followed by 'of' and a pattern`
              : '';
      throw new ConditionSyntaxError(
        `expected a search identifier, '(', 'not' or '1 of'/'all of', found the keyword '${token.text}'${hint}`,
        token.start,
        token.end,
      );
    }
    throwIfForeignOperator(token);
    if (token.text.includes('*')) {
      throw new ConditionSyntaxError(
        `'${token.text}' is a pattern: a wildcard needs a quantifier, as in '1 of ${token.text}' or 'all of ${token.text}'`,
        token.start,
        token.end,
        [
          { title: `Use '1 of ${token.text}'`, start: token.start, end: token.start, text: '1 of ' },
          { title: `Use 'all of ${token.text}'`, start: token.start, end: token.start, text: 'all of ' },
        ],
      );
    }
    this.pos++;
    const suggestion = closestName(token.text, this.identifiers);
    const fixes: QuickFix[] | undefined = suggestion ? [{ title: `Change to '${suggestion}'`, range, text: suggestion }] : undefined;
    this.diagnostics.push({
      code: 'undefined-identifier',
      severity: 'error',
      message: suggestion
        ? `'${token.text}' is not a search identifier of this rule; did you mean '${suggestion}'?`
        : this.identifiers.length > 0
          ? `'${token.text}' is not a search identifier of this rule (defined: ${this.identifiers.slice(0, 8).join(', ')}${this.identifiers.length > 8 ? ', ...' : ''})`
          : `'${token.text}' is not a search identifier of this rule: the detection defines none`,
      range,
      fixes,
    });
    return this.node({ kind: 'id', name: token.text, range }, token.start, token.end);
  }
}

/**
 * Parses a condition string. `identifiers` are the rule's search identifiers in definition order;
 * `toRange` maps offsets in `text` to source ranges. Never throws.
 */
export function parseCondition(
  text: string,
  identifiers: readonly string[],
  toRange: (start: number, end: number) => SourceRange,
): ParseConditionResult {
  const diagnostics: Diagnostic[] = [];
  try {
    const source = typeof text === 'string' ? text : String(text);
    let end = source.length;
    const pipe = findAggregationPipe(source);
    if (pipe >= 0) {
      const tail = source.slice(pipe + 1).trim();
      const kind = /^near\b/i.test(tail) ? "'near'" : /^\w+\s*\(/.test(tail) ? `'${tail.slice(0, tail.indexOf('(')).trim()}()'` : 'pipe';
      diagnostics.push({
        code: 'deprecated-aggregation',
        severity: 'error',
        message: `the Sigma v1 aggregation (${kind} after '|') is not part of Sigma v2: express it as a correlation rule (e.g. type event_count with group-by and condition)`,
        range: toRange(pipe, source.length),
      });
      end = pipe;
    }
    const doubledPipe = source.indexOf('||');
    if (doubledPipe >= 0 && doubledPipe < end) {
      const range = toRange(doubledPipe, doubledPipe + 2);
      diagnostics.push({
        code: 'condition-syntax',
        severity: 'error',
        message: "'||' is not a Sigma operator: use 'or'",
        range,
        fixes: [{ title: "Replace with 'or'", range, text: 'or' }],
      });
      return { diagnostics };
    }
    const tokens = tokenize(source, end);
    const parser = new Parser(tokens, identifiers, toRange, end);
    let ast: ConditionNode | undefined;
    try {
      ast = parser.parse();
    } catch (e) {
      diagnostics.push(...parser.diagnostics);
      if (e instanceof ConditionSyntaxError) {
        diagnostics.push({
          code: 'condition-syntax',
          severity: 'error',
          message: e.message,
          range: toRange(e.start, e.end),
          fixes: e.fixes?.map((f) => ({ title: f.title, range: toRange(f.start, f.end), text: f.text })),
        });
        return { diagnostics: sortByPosition(diagnostics) };
      }
      throw e;
    }
    diagnostics.push(...parser.diagnostics);
    const sorted = sortByPosition(diagnostics);
    if (sorted.some((d) => d.severity === 'error')) return { diagnostics: sorted };
    return { ast, diagnostics: sorted };
  } catch (e) {
    // Only a bug (or a hostile toRange) gets here; report it rather than crash the caller.
    diagnostics.push({
      code: 'condition-syntax',
      severity: 'error',
      message: `the condition could not be parsed: ${e instanceof Error ? e.message : String(e)}`,
    });
    return { diagnostics };
  }
}

function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.range?.start ?? 0) - (b.d.range?.start ?? 0) || a.i - b.i)
    .map((x) => x.d);
}
