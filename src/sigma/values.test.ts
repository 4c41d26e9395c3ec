import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PatternPart } from './model.ts';
import { formatPattern, hasWildcard, insertPlaceholders, normalizeParts, parseSigmaString, wrapParts } from './values.ts';

const text = (t: string): PatternPart => ({ kind: 'text', text: t });
const any: PatternPart = { kind: 'any' };
const one: PatternPart = { kind: 'one' };

describe('parseSigmaString: the specification\'s escaping rules (Sigma rules specification v2, "Escape Character")', () => {
  // Each row quotes a bullet of the specification's summary.
  it('"Plain backslash not followed by a wildcard can be expressed as single \\ or double backslash \\\\"', () => {
    expect(parseSigmaString('C:\\Windows\\System32\\whoami.exe')).toEqual([text('C:\\Windows\\System32\\whoami.exe')]);
    expect(parseSigmaString('C:\\\\Windows\\\\System32')).toEqual([text('C:\\Windows\\System32')]);
  });

  it('"A wildcard has to be escaped to be handled as a plain character. eg: \\*, \\?"', () => {
    expect(parseSigmaString('\\*')).toEqual([text('*')]);
    expect(parseSigmaString('\\?')).toEqual([text('?')]);
    expect(parseSigmaString('what\\?now\\*')).toEqual([text('what?now*')]);
  });

  it('"The backslash before a wildcard has to be escaped to handle the value as a backslash followed by a wildcard: \\\\*"', () => {
    expect(parseSigmaString('\\\\*')).toEqual([text('\\'), any]);
    expect(parseSigmaString('C:\\Users\\\\*')).toEqual([text('C:\\Users\\'), any]);
  });

  it('"Three backslashes are necessary to escape both, the backslash and the wildcard and handle them as plain values: \\\\\\*"', () => {
    expect(parseSigmaString('\\\\\\*')).toEqual([text('\\*')]);
  });

  it('"Three or four backslashes are handled as double backslash ... \\\\\\\\ results in the plain value \\\\"', () => {
    expect(parseSigmaString('\\\\\\')).toEqual([text('\\\\')]);
    expect(parseSigmaString('\\\\\\\\')).toEqual([text('\\\\')]);
  });

  it('unescaped * and ? are wildcards (specification examples prog?.exe, antivirus_V*.exe)', () => {
    expect(parseSigmaString('prog?.exe')).toEqual([text('prog'), one, text('.exe')]);
    expect(parseSigmaString('antivirus_V*.exe')).toEqual([text('antivirus_V'), any, text('.exe')]);
    expect(parseSigmaString('*')).toEqual([any]);
  });

  it('a backslash before any other character stays, and a trailing backslash is literal', () => {
    expect(parseSigmaString('\\a\\%')).toEqual([text('\\a\\%')]);
    expect(parseSigmaString('dir\\')).toEqual([text('dir\\')]);
  });

  it('the empty string has no parts', () => {
    expect(parseSigmaString('')).toEqual([]);
  });
});

describe('normalizeParts / wrapParts', () => {
  it('merges text, drops empty text, collapses * runs but keeps ? runs', () => {
    expect(normalizeParts([text('a'), text(''), text('b'), any, any, one, one])).toEqual([text('ab'), any, one, one]);
  });

  it('contains/startswith/endswith wrapping does not double an existing *', () => {
    expect(wrapParts([any, text('x')], true, true)).toEqual([any, text('x'), any]);
    expect(wrapParts([text('x')], false, true)).toEqual([text('x'), any]);
    expect(wrapParts([text('x')], true, false)).toEqual([any, text('x')]);
  });
});

describe('insertPlaceholders (expand)', () => {
  it('follows the specification examples', () => {
    // `field|expand: %name%` handles `%name%` as placeholder.
    expect(insertPlaceholders(parseSigmaString('%name%'))).toEqual([{ kind: 'placeholder', name: 'name' }]);
    // `field|expand: \%plain%name%` handles `%plain` as plain value and `%name%` as placeholder.
    expect(insertPlaceholders(parseSigmaString('\\%plain%name%'))).toEqual([text('%plain'), { kind: 'placeholder', name: 'name' }]);
  });

  it('keeps wildcards around placeholders; a backslash right before % escapes it (as in pySigma)', () => {
    expect(insertPlaceholders(parseSigmaString('*%Servers%\\x*'))).toEqual([any, { kind: 'placeholder', name: 'Servers' }, text('\\x'), any]);
    expect(insertPlaceholders(parseSigmaString('C:\\%Servers%'))).toEqual([text('C:%Servers%')]);
  });
});

describe('formatPattern', () => {
  it('escapes literal wildcards and backslashes that precede a wildcard', () => {
    expect(formatPattern([text('a*b?'), any])).toBe('a\\*b\\?*');
    expect(formatPattern([text('C:\\Users\\'), any])).toBe('C:\\Users\\\\*');
    expect(formatPattern([text('C:\\Windows')])).toBe('C:\\Windows');
  });

  it('round-trips any pattern through parseSigmaString', () => {
    const part = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', '\\', '*', '?', '%', ' ') , minLength: 1, maxLength: 6 }).map(text),
      fc.constant(any),
      fc.constant(one),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const normal = normalizeParts(parts);
        expect(normalizeParts(parseSigmaString(formatPattern(normal)))).toEqual(normal);
      }),
    );
  });

  it('hasWildcard sees * and ? only', () => {
    expect(hasWildcard(parseSigmaString('a\\*'))).toBe(false);
    expect(hasWildcard(parseSigmaString('a?'))).toBe(true);
  });
});
