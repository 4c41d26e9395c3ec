import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isMap, isScalar, parseDocument, type Scalar } from 'yaml';
import { scalarOffsetMapper } from './yaml-ranges.ts';

function valueNode(src: string): Scalar {
  const doc = parseDocument(src);
  if (!isMap(doc.contents)) throw new Error('expected a map');
  const node = doc.contents.items[0].value;
  if (!isScalar(node)) throw new Error('expected a scalar');
  return node;
}

/** The source text that the value characters [start, end) came from. */
function sourceOf(src: string, word: string): string {
  const node = valueNode(src);
  const value = String(node.source);
  const at = value.indexOf(word);
  expect(at).toBeGreaterThanOrEqual(0);
  const [s, e] = scalarOffsetMapper(src, node)(at, at + word.length);
  return src.slice(s, e);
}

describe('scalarOffsetMapper', () => {
  it('maps plain scalars one to one', () => {
    expect(sourceOf('condition: sel and not filter\n', 'filter')).toBe('filter');
  });

  it('maps single-quoted scalars, including doubled quotes', () => {
    expect(sourceOf("condition: 'it''s and filter'\n", 'filter')).toBe('filter');
    expect(sourceOf("condition: 'it''s and filter'\n", "it's")).toBe("it''s");
  });

  it('maps double-quoted scalars with escapes', () => {
    expect(sourceOf('condition: "a\\tb and \\x41 filter"\n', 'filter')).toBe('filter');
    expect(sourceOf('condition: "a\\tb and \\x41 filter"\n', 'A')).toBe('\\x41');
  });

  it('maps literal and folded block scalars across lines', () => {
    const literal = 'condition: |\n    selection\n    and not filter\nlevel: high\n';
    expect(sourceOf(literal, 'filter')).toBe('filter');
    const folded = 'condition: >-\n    selection and\n    not filter\n';
    expect(sourceOf(folded, 'not filter')).toBe('not filter');
    expect(sourceOf(folded, 'and not')).toBe('and\n    not');
  });

  it('maps multi-line plain scalars', () => {
    expect(sourceOf('condition: selection\n   and not filter\n', 'filter')).toBe('filter');
  });

  it('never returns offsets outside the scalar for any sub-range', () => {
    const scalars = fc.oneof(
      fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
      fc.string({ maxLength: 20 }).map((s) => `'${s.replace(/'/g, "''")}'`),
      fc.stringMatching(/^[a-z][a-z ()*_]{0,20}$/),
    );
    fc.assert(
      fc.property(scalars, fc.nat(30), fc.nat(30), (scalar, a, b) => {
        const src = `k: ${scalar}\n`;
        const doc = parseDocument(src);
        if (doc.errors.length > 0 || !isMap(doc.contents)) return;
        const node = doc.contents.items[0].value;
        if (!isScalar(node) || !node.range) return;
        const [s, e] = scalarOffsetMapper(src, node)(Math.min(a, b), Math.max(a, b));
        expect(s).toBeGreaterThanOrEqual(node.range[0]);
        expect(e).toBeLessThanOrEqual(node.range[1]);
        expect(e).toBeGreaterThanOrEqual(s);
      }),
    );
  });
});
