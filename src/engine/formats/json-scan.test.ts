import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findJsonError, skipJsonValue, toNullProto } from './json-scan.ts';

describe('findJsonError', () => {
  it('agrees with JSON.parse on validity', () => {
    const alphabet = fc.constantFrom(...'{}[]",:0123456789.-+eEtrufalsn \n\\/ux'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabet, maxLength: 30 }), fc.json().map((j) => j.slice(0, Math.max(1, j.length - 1))), fc.json()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const err = findJsonError(text);
        expect(err === undefined).toBe(valid);
        if (err) {
          expect(err.offset).toBeGreaterThanOrEqual(0);
          expect(err.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('names what is wrong, where', () => {
    expect(findJsonError('{"a": 1 "b": 2}')).toEqual({ offset: 8, message: 'Expected "," or "}" after a property value but found "\\""' });
    expect(findJsonError('[1, 2,]')).toEqual({ offset: 5, message: 'Trailing comma before "]" is not allowed in JSON' });
    expect(findJsonError('{"a": "\\x"}')?.message).toMatch(/Invalid escape/);
    expect(findJsonError('{"a": "b\nc"}')).toMatchObject({ offset: 6, message: expect.stringMatching(/line break/) });
    expect(findJsonError('{"a": 01}')?.offset).toBe(7);
    expect(findJsonError('')?.message).toMatch(/end of input/);
    expect(findJsonError('{} x')?.offset).toBe(3);
  });

  it('survives hostile nesting depth', () => {
    const deep = '['.repeat(200000);
    expect(findJsonError(deep)?.message).toMatch(/end of input/);
  });
});

describe('skipJsonValue and toNullProto', () => {
  it('finds the end of a value, skipping brackets inside strings', () => {
    const text = '{"a": "}]\\"{", "b": [1, {"c": 2}]} tail';
    expect(text.slice(0, skipJsonValue(text, 0))).toBe('{"a": "}]\\"{", "b": [1, {"c": 2}]}');
    expect(skipJsonValue('123, 4', 0)).toBe(3);
  });

  it('copies into null-prototype objects', () => {
    const v = toNullProto(JSON.parse('{"__proto__": {"x": 1}, "a": [{"b": 2}]}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(Object.getPrototypeOf((v.a as object[])[0])).toBeNull();
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
  });
});
