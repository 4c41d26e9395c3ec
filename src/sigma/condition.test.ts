import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineIndex, type Diagnostic } from '../diagnostics.ts';
import type { ConditionNode } from './model.ts';
import {
  closestName,
  editDistance,
  parseCondition,
  referencedIdentifiers,
  resolveIdentifierPattern,
  MAX_CONDITION_DEPTH,
} from './condition.ts';

const IDS = ['selection', 'selection_img', 'selection_cli', 'filter_main', 'filter_optional_x', 'keywords', '_internal', 'sel_a_main', 'a', 'b', 'c', 'd'];

function parse(text: string, ids: readonly string[] = IDS) {
  const index = new LineIndex(text);
  return parseCondition(text, ids, (s, e) => index.range(s, e));
}

/** A compact rendering of the tree: `or(a, and(b, not(c)))`, `any(sel*)=[...]`. */
function show(node: ConditionNode | undefined): string {
  if (!node) return '<none>';
  switch (node.kind) {
    case 'id':
      return node.name;
    case 'not':
      return `not(${show(node.arg)})`;
    case 'of':
      return `${node.quantifier}(${node.pattern})=[${node.identifiers.join(',')}]`;
    default:
      return `${node.kind}(${node.args.map(show).join(', ')})`;
  }
}

function ok(text: string, ids: readonly string[] = IDS): ConditionNode {
  const r = parse(text, ids);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
  expect(r.ast, text).toBeDefined();
  return r.ast!;
}

function errors(text: string, ids: readonly string[] = IDS): Diagnostic[] {
  const r = parse(text, ids);
  expect(r.ast, `${text} should not give an AST`).toBeUndefined();
  return r.diagnostics.filter((d) => d.severity === 'error');
}

function slice(text: string, d: { range?: { start: number; end: number } }): string {
  return text.slice(d.range!.start, d.range!.end);
}

/** Checks that every node's range lies inside its parent's and inside the text. */
function checkRanges(node: ConditionNode, text: string, parent = { start: 0, end: text.length }): void {
  expect(node.range.start).toBeGreaterThanOrEqual(parent.start);
  expect(node.range.end).toBeLessThanOrEqual(parent.end);
  expect(node.range.start).toBeLessThan(node.range.end);
  if (node.kind === 'not') checkRanges(node.arg, text, node.range);
  if (node.kind === 'and' || node.kind === 'or') node.args.forEach((a) => checkRanges(a, text, node.range));
  if (node.kind === 'of') {
    expect(text.slice(node.patternRange.start, node.patternRange.end)).toBe(node.pattern === 'them' ? text.slice(node.patternRange.start, node.patternRange.end) : node.pattern);
  }
}

describe('parseCondition: forms', () => {
  it('single identifier', () => {
    const text = 'selection';
    const ast = ok(text);
    expect(ast).toMatchObject({ kind: 'id', name: 'selection' });
    expect(ast.range).toMatchObject({ start: 0, end: 9, startLine: 1, startColumn: 1, endColumn: 10 });
  });

  it('and / or / not', () => {
    expect(show(ok('selection and not filter_main'))).toBe('and(selection, not(filter_main))');
    expect(show(ok('a or b'))).toBe('or(a, b)');
    expect(show(ok('not a'))).toBe('not(a)');
    expect(show(ok('not not a'))).toBe('not(not(a))');
  });

  it('1 of / any of / all of with patterns anywhere', () => {
    expect(show(ok('1 of selection_*'))).toBe('any(selection_*)=[selection_img,selection_cli]');
    expect(show(ok('any of selection*'))).toBe('any(selection*)=[selection,selection_img,selection_cli]');
    expect(show(ok('all of filter_*'))).toBe('all(filter_*)=[filter_main,filter_optional_x]');
    expect(show(ok('1 of *_main'))).toBe('any(*_main)=[filter_main,sel_a_main]');
    expect(show(ok('1 of sel*main*'))).toBe('any(sel*main*)=[sel_a_main]');
    expect(show(ok('1 of selection'))).toBe('any(selection)=[selection]');
    expect(show(ok('1 of *'))).toBe(`any(*)=[${IDS.filter((i) => !i.startsWith('_')).join(',')}]`);
  });

  it('them excludes identifiers starting with _', () => {
    const ast = ok('1 of them');
    expect(ast.kind === 'of' && ast.identifiers).toEqual(IDS.filter((i) => !i.startsWith('_')));
    expect(show(ok('1 of them', ['x', '_y', 'z']))).toBe('any(them)=[x,z]');
  });

  it('a pattern starting with _ can select _ identifiers; others cannot', () => {
    expect(show(ok('1 of _*'))).toBe('any(_*)=[_internal]');
    expect(resolveIdentifierPattern('*internal', IDS)).toEqual([]);
    expect(show(ok('_internal and a'))).toBe('and(_internal, a)');
  });

  it('all of them is accepted with a warning', () => {
    const r = parse('all of them');
    expect(show(r.ast)).toBe(`all(them)=[${IDS.filter((i) => !i.startsWith('_')).join(',')}]`);
    expect(r.diagnostics).toMatchObject([{ code: 'all-of-them', severity: 'warning' }]);
    expect(slice('all of them', r.diagnostics[0])).toBe('all of them');
  });

  it('1 of them with a single identifier is an info with a fix', () => {
    const r = parse('1 of them', ['selection']);
    expect(r.ast).toBeDefined();
    expect(r.diagnostics).toMatchObject([{ code: 'them-single-identifier', severity: 'info', fixes: [{ text: 'selection' }] }]);
  });

  it('pattern metacharacters are literal except *', () => {
    const ids = ['a.b', 'axb', 'a+b', 'aab'];
    expect(resolveIdentifierPattern('a.b', ids)).toEqual(['a.b']);
    expect(resolveIdentifierPattern('a+b', ids)).toEqual(['a+b']);
    expect(resolveIdentifierPattern('a*b', ids)).toEqual(ids);
  });

  it('identifiers with dots and dashes, as the corpus has', () => {
    expect(show(ok('sel-1 and not filter_main_mdadm.conf', ['sel-1', 'filter_main_mdadm.conf']))).toBe(
      'and(sel-1, not(filter_main_mdadm.conf))',
    );
    expect(show(ok('1 of filter_main_*', ['sel', 'filter_main_mdadm.conf']))).toBe('any(filter_main_*)=[filter_main_mdadm.conf]');
  });

  it('keywords are case-insensitive, with a warning and a fix', () => {
    const text = 'a AND NOT b Or 1 OF them';
    const r = parse(text);
    expect(show(r.ast)).toBe(`or(and(a, not(b)), any(them)=[${IDS.filter((i) => !i.startsWith('_')).join(',')}])`);
    const warnings = r.diagnostics.filter((d) => d.code === 'condition-keyword-case');
    expect(warnings.map((d) => slice(text, d))).toEqual(['AND', 'NOT', 'Or', 'OF']);
    expect(warnings[0].fixes).toMatchObject([{ text: 'and' }]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('a word that is a defined identifier stays an identifier even if it looks like a keyword', () => {
    expect(show(ok('AND or b', ['AND', 'b']))).toBe('or(AND, b)');
  });

  it('whitespace: tabs, newlines, no spaces around parentheses', () => {
    expect(show(ok('a\tand\n(b or c)'))).toBe('and(a, or(b, c))');
    expect(show(ok('(a)and(b)'))).toBe('and(a, b)');
    expect(show(ok('  a  '))).toBe('a');
  });

  it('referencedIdentifiers collects ids and pattern matches', () => {
    const ast = ok('selection and not 1 of filter_* and (a or not b)');
    expect([...referencedIdentifiers(ast)].sort()).toEqual(['a', 'b', 'filter_main', 'filter_optional_x', 'selection']);
  });
});

describe('parseCondition: precedence', () => {
  const cases: Array<[string, string]> = [
    ['a or b and not c', 'or(a, and(b, not(c)))'],
    ['a and b or c', 'or(and(a, b), c)'],
    ['not a and b', 'and(not(a), b)'],
    ['not a or b', 'or(not(a), b)'],
    ['a and not b or not c and d', 'or(and(a, not(b)), and(not(c), d))'],
    ['not (a or b)', 'not(or(a, b))'],
    ['a and (b or c)', 'and(a, or(b, c))'],
    ['(a or b) and c', 'and(or(a, b), c)'],
    ['((a))', 'a'],
    ['((a or (b and (c or d))))', 'or(a, and(b, or(c, d)))'],
    ['not 1 of filter_*', 'not(any(filter_*)=[filter_main,filter_optional_x])'],
    ['1 of selection_* and not 1 of filter_*', 'and(any(selection_*)=[selection_img,selection_cli], not(any(filter_*)=[filter_main,filter_optional_x]))'],
    ['a or 1 of filter_* and b', 'or(a, and(any(filter_*)=[filter_main,filter_optional_x], b))'],
    ['all of filter_* or a', 'or(all(filter_*)=[filter_main,filter_optional_x], a)'],
  ];
  for (const [text, expected] of cases) {
    it(text, () => {
      const ast = ok(text);
      expect(show(ast)).toBe(expected);
      checkRanges(ast, text);
    });
  }

  it('flattens nested and/or of the same kind, with or without parentheses', () => {
    expect(show(ok('a and b and c and d'))).toBe('and(a, b, c, d)');
    expect(show(ok('(a and b) and (c and d)'))).toBe('and(a, b, c, d)');
    expect(show(ok('a or (b or (c or d))'))).toBe('or(a, b, c, d)');
    expect(show(ok('a or (b and c) or d'))).toBe('or(a, and(b, c), d)');
  });
});

describe('parseCondition: ranges', () => {
  it('every node has a precise range', () => {
    const text = 'selection and not (a or 1 of filter_*)';
    const ast = ok(text);
    checkRanges(ast, text);
    if (ast.kind !== 'and') throw new Error('expected and');
    expect(slice(text, ast)).toBe(text);
    expect(slice(text, ast.args[0])).toBe('selection');
    const not = ast.args[1];
    expect(slice(text, not)).toBe('not (a or 1 of filter_*)');
    if (not.kind !== 'not') throw new Error('expected not');
    expect(slice(text, not.arg)).toBe('(a or 1 of filter_*)');
    if (not.arg.kind !== 'or') throw new Error('expected or');
    const of = not.arg.args[1];
    expect(slice(text, of)).toBe('1 of filter_*');
    if (of.kind !== 'of') throw new Error('expected of');
    expect(slice(text, { range: of.patternRange })).toBe('filter_*');
  });

  it('ranges go through toRange (offset in a bigger document)', () => {
    const doc = 'detection:\n  condition: a and b\n';
    const base = doc.indexOf('a and b');
    const index = new LineIndex(doc);
    const r = parseCondition('a and b', ['a', 'b'], (s, e) => index.range(base + s, base + e));
    expect(r.ast!.range).toMatchObject({ startLine: 2, startColumn: 14, endLine: 2, endColumn: 21 });
  });
});

describe('parseCondition: errors', () => {
  function one(text: string, code: string, at: string, messagePart?: RegExp, ids: readonly string[] = IDS): Diagnostic {
    const errs = errors(text, ids);
    const d = errs.find((x) => x.code === code);
    expect(d, `${text}: ${JSON.stringify(errs)}`).toBeDefined();
    expect(slice(text, d!)).toBe(at);
    if (messagePart) expect(d!.message).toMatch(messagePart);
    return d!;
  }

  it('empty condition', () => {
    expect(errors('')).toMatchObject([{ code: 'condition-syntax' }]);
    expect(errors('   ')[0].message).toMatch(/empty/);
  });

  it('unbalanced parentheses', () => {
    const d = one('(a and b', 'condition-syntax', '(', /never closed/);
    expect(d.fixes?.[0].text).toBe(')');
    one('a and b)', 'condition-syntax', ')', /no matching '\('/);
    one('((a)', 'condition-syntax', '(', /never closed/);
    one(')a', 'condition-syntax', ')', /unexpected '\)'/);
    one('()', 'condition-syntax', '()', /empty parentheses/);
  });

  it('missing operands say what was expected', () => {
    one('a and', 'condition-syntax', 'and', /missing operand after 'and'.*end of the condition/);
    one('a or or b', 'condition-syntax', 'or', /missing operand after 'or'/);
    one('not', 'condition-syntax', 'not', /missing operand after 'not'/);
    one('a and not', 'condition-syntax', 'not', /missing operand after 'not'/);
    one('(a and )', 'condition-syntax', ')', /missing operand after 'and'/);
    one('and a', 'condition-syntax', 'and', /found the keyword 'and'/);
  });

  it('adjacent operands need an operator', () => {
    const d = one('a b', 'condition-syntax', 'b', /expected 'and', 'or' or the end of the condition, found 'b'/);
    expect(d.fixes?.map((f) => f.text)).toEqual(['and ', 'or ']);
    one('(a) (b)', 'condition-syntax', '(', /found '\('/);
  });

  it('quantifier errors', () => {
    one('2 of filter_*', 'condition-syntax', '2', /not a Sigma quantifier/);
    one('1 of', 'condition-syntax', 'of', /expected an identifier pattern.*after '1 of'/);
    one('all of (a)', 'condition-syntax', '(', /expected an identifier pattern/);
    one('them', 'condition-syntax', 'them', /needs a quantifier/);
    one('all', 'condition-syntax', 'all', /must be followed by 'of'/);
    one('of a', 'condition-syntax', 'of', /quantifier/);
  });

  it('a bare wildcard needs a quantifier', () => {
    const d = one('selection_*', 'condition-syntax', 'selection_*', /1 of selection_\*/);
    expect(d.fixes?.map((f) => f.text)).toEqual(['1 of ', 'all of ']);
  });

  it('other languages operators get a hint', () => {
    one('a && b', 'condition-syntax', '&&', /use 'and'/);
    one('a || b', 'condition-syntax', '||', /use 'or'/);
    one('! a', 'condition-syntax', '!', /use 'not'/);
  });

  it('undefined identifiers with a quick fix to the closest one', () => {
    const d = one('selectoin and not filter_main', 'undefined-identifier', 'selectoin', /did you mean 'selection'/);
    expect(d.fixes).toMatchObject([{ text: 'selection', title: "Change to 'selection'" }]);
    expect(slice('selectoin and not filter_main', d.fixes![0])).toBe('selectoin');
    const caseOnly = one('Selection', 'undefined-identifier', 'Selection', /did you mean 'selection'/);
    expect(caseOnly.fixes?.[0].text).toBe('selection');
    const far = one('zzzzzzzzzz', 'undefined-identifier', 'zzzzzzzzzz');
    expect(far.fixes).toBeUndefined();
    expect(far.message).toMatch(/defined: selection/);
    one('x', 'undefined-identifier', 'x', /defines none/, []);
  });

  it('every undefined identifier is reported', () => {
    const text = 'foo and (bar or a)';
    const errs = errors(text);
    expect(errs.map((d) => [d.code, slice(text, d)])).toEqual([
      ['undefined-identifier', 'foo'],
      ['undefined-identifier', 'bar'],
    ]);
  });

  it('patterns that match nothing', () => {
    one('1 of nothing_*', 'pattern-matches-nothing', 'nothing_*', /matches no search identifier/);
    const d = one('1 of selectoin', 'pattern-matches-nothing', 'selectoin', /did you mean 'selection'/);
    expect(d.fixes?.[0].text).toBe('selection');
    one('1 of *internal', 'pattern-matches-nothing', '*internal', /start with '_'/);
    one('all of them', 'pattern-matches-nothing', 'them', /excluded/, ['_a', '_b']);
    one('1 of them', 'pattern-matches-nothing', 'them', /defines none/, []);
  });

  it('Sigma v1 aggregations are reported as deprecated, with the range of the tail', () => {
    const text = 'selection | count(TargetUserName) by SourceIp > 5';
    const d = one(text, 'deprecated-aggregation', '| count(TargetUserName) by SourceIp > 5', /correlation rule/);
    expect(d.message).toMatch(/'count\(\)'/);
    one('selection | near filter_main', 'deprecated-aggregation', '| near filter_main', /'near'/);
    one('selection |', 'deprecated-aggregation', '|');
    // The part before the pipe is still checked.
    const errs = errors('selectoin | count() > 5');
    expect(errs.map((e) => e.code).sort()).toEqual(['deprecated-aggregation', 'undefined-identifier']);
  });

  it('excessive nesting is refused, not a stack overflow', () => {
    const deep = '('.repeat(MAX_CONDITION_DEPTH + 5) + 'a' + ')'.repeat(MAX_CONDITION_DEPTH + 5);
    expect(errors(deep)[0].message).toMatch(/nested more than/);
    const nots = 'not '.repeat(100_000) + 'a';
    expect(errors(nots)[0].message).toMatch(/nested more than/);
    const ok200 = '('.repeat(200) + 'a' + ')'.repeat(200);
    expect(show(ok(ok200))).toBe('a');
  });

  it('long flat conditions are fine', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `s${i}`);
    const ast = ok(ids.join(' or '), ids);
    expect(ast.kind === 'or' && ast.args.length).toBe(5000);
  });

  it('diagnostics are sorted by position', () => {
    const r = parse('zz and AND_b or yy', IDS);
    const starts = r.diagnostics.map((d) => d.range!.start);
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
  });
});

describe('helpers', () => {
  it('editDistance counts transpositions as one edit', () => {
    expect(editDistance('selection', 'selectoin')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('closestName stays quiet when nothing is close', () => {
    expect(closestName('filter', ['selection', 'keywords'])).toBeUndefined();
    expect(closestName('filter_mian', ['filter_main', 'filter_optional'])).toBe('filter_main');
  });
});

describe('parseCondition: never throws (property)', () => {
  const toRange = (text: string) => {
    const index = new LineIndex(text);
    return (s: number, e: number) => index.range(s, e);
  };

  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'grapheme' }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }), (text, ids) => {
        const r = parseCondition(text, ids, toRange(text));
        expect(Array.isArray(r.diagnostics)).toBe(true);
        if (r.ast) checkRanges(r.ast, text);
        else expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        for (const d of r.diagnostics) {
          if (d.range) {
            expect(d.range.start).toBeGreaterThanOrEqual(0);
            expect(d.range.end).toBeLessThanOrEqual(text.length);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random token soups', () => {
    const ids = ['sel', 'sel_a', 'filter', 'filter_b', '_x'];
    const token = fc.constantFrom(
      'and', 'or', 'not', '(', ')', '1', 'any', 'all', 'of', 'them', 'sel', 'sel_a', 'filter', 'filter_b', '_x',
      'sel*', '*', 'nope', 'AND', '|', 'count()', '>', '5', '||', '&&', '!',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), fc.constantFrom(' ', '', '\n'), (tokens, sep) => {
        const text = tokens.join(sep === '' ? ' ' : sep);
        const r = parseCondition(text, ids, toRange(text));
        if (r.ast) {
          checkRanges(r.ast, text);
          // Any tree we hand out refers only to defined identifiers.
          for (const id of referencedIdentifiers(r.ast)) expect(ids).toContain(id);
        } else {
          expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('generated valid conditions parse to the expected shape', () => {
    const ids = ['a', 'b', 'c', 'sel_1', 'sel_2'];
    type Expr = { text: string; eval: (env: Record<string, boolean>) => boolean };
    const leaf = fc.constantFrom<Expr>(
      ...ids.map((id) => ({ text: id, eval: (env: Record<string, boolean>) => env[id] })),
      { text: '1 of sel_*', eval: (env) => env.sel_1 || env.sel_2 },
      { text: 'all of sel_*', eval: (env) => env.sel_1 && env.sel_2 },
    );
    const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), tie('e'), fc.constantFrom('and', 'or')).map(([x, y, op]) => ({
          text: `(${x.text} ${op} ${y.text})`,
          eval: (env: Record<string, boolean>) => (op === 'and' ? x.eval(env) && y.eval(env) : x.eval(env) || y.eval(env)),
        })),
        tie('e').map((x) => ({ text: `not ${x.text.startsWith('(') || !x.text.includes(' ') ? x.text : `(${x.text})`}`, eval: (env: Record<string, boolean>) => !x.eval(env) })),
      ),
    })).e;
    const evaluate = (node: ConditionNode, env: Record<string, boolean>): boolean => {
      switch (node.kind) {
        case 'id':
          return env[node.name];
        case 'not':
          return !evaluate(node.arg, env);
        case 'and':
          return node.args.every((a) => evaluate(a, env));
        case 'or':
          return node.args.some((a) => evaluate(a, env));
        case 'of':
          return node.quantifier === 'all' ? node.identifiers.every((i) => env[i]) : node.identifiers.some((i) => env[i]);
      }
    };
    fc.assert(
      fc.property(expr, fc.record(Object.fromEntries(ids.map((id) => [id, fc.boolean()])) as Record<string, fc.Arbitrary<boolean>>), (e, env) => {
        const r = parseCondition(e.text, ids, toRange(e.text));
        expect(r.ast, e.text).toBeDefined();
        expect(evaluate(r.ast!, env)).toBe(e.eval(env));
      }),
      { numRuns: 1000 },
    );
  });
});
