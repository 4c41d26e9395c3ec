import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compilePattern, patternShape, type CompiledPattern } from './wildcard.ts';
import { parseSigmaString } from '../sigma/values.ts';
import type { StringPattern } from '../sigma/model.ts';

const pat = (s: string): StringPattern => ({ parts: parseSigmaString(s) });
const matches = (pattern: string, value: string, cased = false) => {
  const c: CompiledPattern = compilePattern(pat(pattern), cased);
  return c.test(cased ? value : value.toLowerCase());
};

/** Reference semantics: a backtracking-free DP over code points, for differential testing. */
function reference(pattern: StringPattern, value: string): boolean {
  const chars = Array.from(value);
  const parts = pattern.parts;
  // Expand text parts into single characters.
  const atoms: Array<string | '*' | '?'> = [];
  for (const p of parts) {
    if (p.kind === 'text') atoms.push(...Array.from(p.text).map((c) => `=${c}`));
    else atoms.push(p.kind === 'any' ? '*' : '?');
  }
  let prev = new Array(chars.length + 1).fill(false);
  prev[0] = true;
  for (const a of atoms) {
    const cur = new Array(chars.length + 1).fill(false);
    for (let i = 0; i <= chars.length; i++) {
      if (a === '*') cur[i] = prev[i] || (i > 0 && cur[i - 1]);
      else if (i > 0 && prev[i - 1] && (a === '?' || a.slice(1) === chars[i - 1])) cur[i] = true;
    }
    prev = cur;
  }
  return prev[chars.length];
}

describe('wildcard patterns', () => {
  it('chooses the cheapest faithful shape', () => {
    expect(patternShape(pat('cmd.exe'))).toBe('equals');
    expect(patternShape(pat('*\\cmd.exe'))).toBe('endswith');
    expect(patternShape(pat('C:\\Windows\\\\*'))).toBe('startswith');
    // A backslash before * escapes it (specification's escaping table).
    expect(patternShape(pat('C:\\Windows\\*'))).toBe('equals');
    expect(patternShape(pat('*mimikatz*'))).toBe('contains');
    expect(patternShape(pat('*'))).toBe('anything');
    expect(patternShape(pat('a*b'))).toBe('wildcard');
    expect(patternShape(pat('prog?.exe'))).toBe('wildcard');
  });

  it('matches whole values, case-insensitively unless cased', () => {
    expect(matches('cmd.exe', 'CMD.EXE')).toBe(true);
    expect(matches('cmd.exe', 'C:\\cmd.exe')).toBe(false);
    expect(matches('cmd.exe', 'CMD.EXE', true)).toBe(false);
    expect(matches('*\\cmd.exe', 'C:\\Windows\\System32\\cmd.exe')).toBe(true);
    expect(matches('prog?.exe', 'progA.exe')).toBe(true);
    expect(matches('prog?.exe', 'prog.exe')).toBe(false);
    expect(matches('prog?.exe', 'progAB.exe')).toBe(false);
    expect(matches('antivirus_V*.exe', 'antivirus_V21.2.1.exe')).toBe(true);
    expect(matches('*a*b*c', 'xxaxxbxxc')).toBe(true);
    expect(matches('*a*b*c', 'xxaxxcxxb')).toBe(false);
    expect(matches('a*a', 'a')).toBe(false);
    expect(matches('a*a', 'aa')).toBe(true);
    expect(matches('', '')).toBe(true);
    expect(matches('', 'x')).toBe(false);
  });

  it('treats escaped wildcards as literal characters', () => {
    expect(matches('what\\?', 'what?')).toBe(true);
    expect(matches('what\\?', 'whatx')).toBe(false);
    expect(matches('a\\*b', 'a*b')).toBe(true);
    expect(matches('a\\*b', 'axxb')).toBe(false);
    expect(matches('C:\\\\*', 'C:\\anything')).toBe(true);
  });

  it('counts a surrogate pair as one character for ?', () => {
    expect(matches('a?b', 'a😀b')).toBe(true);
    expect(matches('*?', '😀')).toBe(true);
    expect(matches('?', '😀')).toBe(true);
  });

  it('agrees with a reference matcher on random patterns', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '\\');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 10 }).map((a) => a.join('')), fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 12 }).map((a) => a.join('')), (p, v) => {
        const pattern = pat(p);
        expect(compilePattern(pattern, true).test(v)).toBe(reference(pattern, v));
      }),
      { numRuns: 3000 },
    );
  });

  it('stays fast on hostile patterns', () => {
    const value = 'a'.repeat(100_000);
    const c = compilePattern(pat('*a*a*a*a*a*a*a*a*a*a*b'), false);
    const t0 = performance.now();
    expect(c.test(value)).toBe(false);
    const q = compilePattern(pat('*?????????????????????????????b*'), false);
    expect(q.test(value)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
