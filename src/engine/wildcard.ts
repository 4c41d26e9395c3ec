/**
 * Linear-time matching of Sigma string patterns (text, `*`, `?`) against whole values.
 *
 * Patterns are compiled once into the cheapest test that is faithful to them: plain equality,
 * startsWith / endsWith / includes, or a segment matcher for general wildcards. The segment
 * matcher never backtracks: `*` splits the pattern into segments, and each segment is placed at
 * its leftmost possible position (which is optimal for glob patterns), so the cost is bounded
 * by value length × pattern length even for hostile patterns such as `*a*a*a*a*b`.
 *
 * Case-insensitivity is handled by the caller folding both sides with `foldCase`: compiled
 * patterns hold already-folded text unless they are cased.
 */
import type { PatternPart, StringPattern } from '../sigma/model.ts';

/** The case folding every case-insensitive comparison in the matcher uses. */
export function foldCase(s: string): string {
  return s.toLowerCase();
}

export type PatternShape = 'equals' | 'startswith' | 'endswith' | 'contains' | 'wildcard' | 'anything';

export interface CompiledPattern {
  shape: PatternShape;
  /** The (folded unless cased) literal for equals/startswith/endswith/contains. */
  text: string;
  /** Tests a value that the caller has folded the same way as the pattern. */
  test: (value: string) => boolean;
}

type Atom = string | number; // text, or a run of N `?`

interface Segment {
  atoms: Atom[];
  /** Minimum and maximum UTF-16 length the segment can cover (`?` is one code point). */
  minLength: number;
  maxLength: number;
  hasOne: boolean;
}

/** Sigma's pattern shape for display and fast paths, independent of case. */
export function patternShape(pattern: StringPattern): PatternShape {
  const p = normaliseParts(pattern.parts);
  if (p.length === 0) return 'equals';
  if (p.every((x) => x.kind === 'any')) return 'anything';
  const ones = p.some((x) => x.kind === 'one');
  if (ones) return 'wildcard';
  const texts = p.filter((x) => x.kind === 'text').length;
  if (texts !== 1) return 'wildcard';
  const first = p[0].kind;
  const last = p[p.length - 1].kind;
  if (p.length === 1) return 'equals';
  if (p.length === 2) return first === 'text' ? 'startswith' : 'endswith';
  if (p.length === 3 && first === 'any' && last === 'any') return 'contains';
  return 'wildcard';
}

/** Merges adjacent text parts and collapses runs of `*` (the loader does this too; be robust). */
export function normaliseParts(parts: readonly PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const part of parts) {
    const prev = out[out.length - 1];
    if (part.kind === 'text') {
      if (part.text === '') continue;
      if (prev && prev.kind === 'text') out[out.length - 1] = { kind: 'text', text: prev.text + part.text };
      else out.push({ kind: 'text', text: part.text });
    } else if (part.kind === 'any') {
      if (!prev || prev.kind !== 'any') out.push(part);
    } else out.push(part);
  }
  return out;
}

/** The single literal of a pattern whose shape is equals/startswith/endswith/contains. */
function soleText(parts: PatternPart[]): string {
  for (const p of parts) if (p.kind === 'text') return p.text;
  return '';
}

export function compilePattern(pattern: StringPattern, cased: boolean): CompiledPattern {
  const parts = normaliseParts(pattern.parts).map((p) =>
    p.kind === 'text' && !cased ? { kind: 'text' as const, text: foldCase(p.text) } : p,
  );
  const shape = patternShape({ parts });
  const text = soleText(parts);
  switch (shape) {
    case 'equals':
      return { shape, text, test: (v) => v === text };
    case 'startswith':
      return { shape, text, test: (v) => v.startsWith(text) };
    case 'endswith':
      return { shape, text, test: (v) => v.endsWith(text) };
    case 'contains':
      return { shape, text, test: (v) => v.includes(text) };
    case 'anything':
      return { shape, text: '', test: () => true };
    default: {
      const matcher = compileSegments(parts);
      return { shape, text, test: matcher };
    }
  }
}

function toSegment(parts: PatternPart[]): Segment {
  const atoms: Atom[] = [];
  let minLength = 0;
  let maxLength = 0;
  let hasOne = false;
  for (const p of parts) {
    if (p.kind === 'text') {
      atoms.push(p.text);
      minLength += p.text.length;
      maxLength += p.text.length;
    } else {
      hasOne = true;
      const last = atoms[atoms.length - 1];
      if (typeof last === 'number') atoms[atoms.length - 1] = last + 1;
      else atoms.push(1);
      minLength += 1;
      maxLength += 2;
    }
  }
  return { atoms, minLength, maxLength, hasOne };
}

/** Matches `seg` at `pos`; returns the end offset or -1. */
function matchAt(value: string, pos: number, seg: Segment): number {
  let p = pos;
  for (const atom of seg.atoms) {
    if (typeof atom === 'string') {
      if (!value.startsWith(atom, p)) return -1;
      p += atom.length;
    } else {
      for (let i = 0; i < atom; i++) {
        if (p >= value.length) return -1;
        const c = value.charCodeAt(p);
        // `?` is one character: a surrogate pair counts once.
        p += c >= 0xd800 && c <= 0xdbff && p + 1 < value.length && (value.charCodeAt(p + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      }
    }
  }
  return p;
}

/** Leftmost position >= from where `seg` matches; returns [start, end] or undefined. */
function findFrom(value: string, from: number, seg: Segment): [number, number] | undefined {
  const first = seg.atoms[0];
  if (typeof first === 'string') {
    let i = value.indexOf(first, from);
    while (i >= 0) {
      const end = matchAt(value, i, seg);
      if (end >= 0) return [i, end];
      i = value.indexOf(first, i + 1);
    }
    return undefined;
  }
  for (let i = from; i + seg.minLength <= value.length; i++) {
    const end = matchAt(value, i, seg);
    if (end >= 0) return [i, end];
  }
  return undefined;
}

/** The general case: segments separated by `*`, anchored at both ends of the value. */
export function compileSegments(parts: PatternPart[]): (value: string) => boolean {
  const groups: PatternPart[][] = [[]];
  for (const p of parts) {
    if (p.kind === 'any') groups.push([]);
    else groups[groups.length - 1].push(p);
  }
  const segments = groups.map(toSegment);
  if (segments.length === 1) {
    const only = segments[0];
    return (v) => matchAt(v, 0, only) === v.length;
  }
  const head = segments[0];
  const tail = segments[segments.length - 1];
  const middle = segments.slice(1, -1).filter((s) => s.atoms.length > 0);
  return (v) => {
    let pos = head.atoms.length ? matchAt(v, 0, head) : 0;
    if (pos < 0) return false;
    for (const seg of middle) {
      const found = findFrom(v, pos, seg);
      if (!found) return false;
      pos = found[1];
    }
    if (tail.atoms.length === 0) return true;
    if (!tail.hasOne) {
      const start = v.length - tail.minLength;
      return start >= pos && matchAt(v, start, tail) === v.length;
    }
    // With `?` the tail's UTF-16 length varies by at most one unit per `?`.
    const lo = Math.max(pos, v.length - tail.maxLength);
    for (let start = v.length - tail.minLength; start >= lo; start--) {
      if (matchAt(v, start, tail) === v.length) return true;
    }
    return false;
  };
}
