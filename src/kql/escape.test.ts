import { describe, expect, it } from 'vitest';
import { decodeKqlString, escapeRegexText, integerLiteral, kqlString, patternShape, patternToRegex, regularString, verbatimString } from './escape.ts';

describe('KQL string literals', () => {
  it('picks verbatim literals for backslashes, regular ones otherwise', () => {
    expect(kqlString('C:\\Program Files\\')).toBe('@"C:\\Program Files\\"');
    expect(kqlString('a"b')).toBe('"a\\"b"');
    expect(kqlString('C:\\x"y')).toBe('@"C:\\x""y"');
    expect(kqlString('plain')).toBe('"plain"');
  });

  it('escapes control and invisible characters in a regular literal', () => {
    expect(kqlString('a\\b\nc')).toBe('"a\\\\b\\nc"');
    expect(regularString('\u0000\u007f\u2028\ufeff')).toBe('"\\u0000\\u007f\\u2028\\ufeff"');
    expect(verbatimString('x\ty')).toBeUndefined();
    expect(regularString('😀')).toBe('"😀"');
    expect(regularString('\ud800x')).toBe('"\\ud800x"');
  });

  it('round-trips', () => {
    for (const s of ['', 'a', '"', '\\', '\\"', 'C:\\', '\n\r\t', 'é😀', '\u0001', "it's"]) expect(decodeKqlString(kqlString(s))).toBe(s);
  });
});

describe('patterns', () => {
  const p = (...parts: Array<string | '*' | '?'>) => ({ parts: parts.map((x) => (x === '*' ? { kind: 'any' as const } : x === '?' ? { kind: 'one' as const } : { kind: 'text' as const, text: x })) });

  it('uses plain operators only for the shapes they mean exactly', () => {
    expect(patternShape(p('a'))).toEqual({ op: 'equals', text: 'a' });
    expect(patternShape(p('*', 'a', '*'))).toEqual({ op: 'contains', text: 'a' });
    expect(patternShape(p('a', '*'))).toEqual({ op: 'startswith', text: 'a' });
    expect(patternShape(p('*', 'a'))).toEqual({ op: 'endswith', text: 'a' });
    expect(patternShape(p('*'))).toEqual({ op: 'any' });
    expect(patternShape(p('a', '*', 'b'))).toEqual({ op: 'regex' });
    expect(patternShape(p('a', '?'))).toEqual({ op: 'regex' });
  });

  it('anchors and escapes regexes', () => {
    expect(patternToRegex(p('a.b', '*', '(x)', '?'), false)).toBe('(?is)^a\\.b.*\\(x\\).$');
    expect(patternToRegex(p('$^|+{}[]\\'), true)).toBe('(?s)^\\$\\^\\|\\+\\{\\}\\[\\]\\\\$');
    expect(escapeRegexText('a\u0000b')).toBe('a\\x{0}b');
  });

  it('types integer literals and refuses out-of-range ones', () => {
    expect(integerLiteral('8080', 'int')).toBe('8080');
    // Only canonical text: the matcher compares plain values as text, so '+7' and '007' never equal 7.
    expect(integerLiteral('+7', 'int')).toBeUndefined();
    expect(integerLiteral('007', 'int')).toBeUndefined();
    expect(integerLiteral('-12', 'long')).toBe('-12');
    expect(integerLiteral('2147483648', 'int')).toBeUndefined();
    expect(integerLiteral('2147483648', 'long')).toBe('2147483648');
    expect(integerLiteral('0x10', 'int')).toBeUndefined();
  });
});
