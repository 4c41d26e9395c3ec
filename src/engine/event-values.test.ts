import { describe, expect, it } from 'vitest';
import { collectScalars, displayValue, forEachScalar, quoteIfNeeded, scalarText, toNumber } from './event-values.ts';

describe('event values as the matcher sees them', () => {
  it('scalars become text; null, objects and arrays do not', () => {
    expect([scalarText('a'), scalarText(8080), scalarText(true), scalarText(10n)]).toEqual(['a', '8080', 'true', '10']);
    expect([scalarText(null), scalarText({}), scalarText([]), scalarText(NaN), scalarText(undefined)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('numbers come from numbers and numeric text only', () => {
    expect([toNumber(' 42 '), toNumber('-1.5e3'), toNumber('0x1F'), toNumber(7)]).toEqual([42, -1500, 31, 7]);
    expect([toNumber(''), toNumber('12abc'), toNumber(true), toNumber(null), toNumber(Infinity)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('lists mean any element, nested lists too', () => {
    const seen: unknown[] = [];
    expect(forEachScalar(['a', ['b', 'c']], (x) => void seen.push(x))).toBe(false);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(forEachScalar(['a', 'b'], (x) => x === 'b')).toBe(true);
  });

  it('keyword search sees every scalar, not keys, and survives deep nesting', () => {
    expect(collectScalars({ a: 1, b: { c: ['x', null, { d: true }] }, key: 'v' })).toEqual([1, 'x', true, 'v']);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(collectScalars({ deep })).toEqual([]);
  });

  it('long values keep their start and end', () => {
    const path = 'C:\\' + 'x'.repeat(500) + '\\evil.exe';
    const shown = displayValue(path);
    expect(shown.length).toBe(160);
    expect(shown.startsWith('C:\\xxx')).toBe(true);
    expect(shown.endsWith('\\evil.exe')).toBe(true);
    expect(displayValue(undefined)).toBe('field missing');
    expect(displayValue({ a: [1, 2] })).toBe('{"a":[1,2]}');
  });

  it('quotes only what would be ambiguous in a one-line reason', () => {
    expect(quoteIfNeeded('10.1.2.3')).toBe('10.1.2.3');
    expect(quoteIfNeeded('C:\\Program Files\\x')).toBe("'C:\\Program Files\\x'");
    expect(quoteIfNeeded('')).toBe("''");
  });
});
