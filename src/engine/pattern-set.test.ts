import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compilePatternSet, compileSubstringSet } from './pattern-set.ts';
import { compilePattern } from './wildcard.ts';
import { parseSigmaString } from '../sigma/values.ts';

describe('pattern sets', () => {
  it('finds any of many substrings (Aho-Corasick) exactly like includes()', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 30 }), fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 30 }), (needles, hay) => {
        expect(compileSubstringSet(needles)(hay)).toBe(needles.some((n) => hay.includes(n)));
      }),
      { numRuns: 3000 },
    );
  });

  it('combines equals/startswith/endswith/contains/wildcards into one OR test', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 6 }), { minLength: 1, maxLength: 40 }), fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 10 }), (sources, value) => {
        const patterns = sources.map((s) => compilePattern({ parts: parseSigmaString(s) }, true));
        expect(compilePatternSet(patterns)(value)).toBe(patterns.some((p) => p.test(value)));
      }),
      { numRuns: 2000 },
    );
  });
});
