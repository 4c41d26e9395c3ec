/**
 * One test for a whole OR-list of compiled patterns, so a 4,000-value list costs about as much
 * as a single value: equality through a Set, startswith/endswith through Sets keyed by length,
 * many `contains` through an Aho-Corasick automaton (linear in the value, whatever the list
 * size), and the rest (general wildcards) one by one.
 */
import type { CompiledPattern } from './wildcard.ts';

const MANY = 8;

/**
 * Aho-Corasick over UTF-16 code units. The trie is built from the sorted needles without any
 * per-node maps (each needle shares a prefix only with its predecessor), children are sorted
 * sibling lists in typed arrays, and the root has a dense table: most characters of a value
 * that does not match never leave the root.
 */
export function compileSubstringSet(needles: readonly string[]): (haystack: string) => boolean {
  const sorted = [...new Set(needles)].sort();
  if (sorted.length === 0) return () => false;
  if (sorted[0].length === 0) return () => true;
  let capacity = 1;
  for (const n of sorted) capacity += n.length;
  const firstChild = new Int32Array(capacity).fill(-1);
  const lastChild = new Int32Array(capacity).fill(-1);
  const nextSibling = new Int32Array(capacity).fill(-1);
  const codeOf = new Int32Array(capacity);
  const fail = new Int32Array(capacity);
  const terminal = new Uint8Array(capacity);
  const rootNext = new Int32Array(65536);
  let count = 1;
  const path: number[] = [0];
  let prev = '';
  for (const needle of sorted) {
    let lcp = 0;
    const max = Math.min(prev.length, needle.length);
    while (lcp < max && prev.charCodeAt(lcp) === needle.charCodeAt(lcp)) lcp++;
    let node = path[lcp];
    for (let i = lcp; i < needle.length; i++) {
      const child = count++;
      const code = needle.charCodeAt(i);
      codeOf[child] = code;
      if (firstChild[node] < 0) firstChild[node] = child;
      else nextSibling[lastChild[node]] = child;
      lastChild[node] = child;
      if (node === 0) rootNext[code] = child;
      path[i + 1] = child;
      node = child;
    }
    terminal[node] = 1;
    prev = needle;
  }
  const child = (node: number, code: number): number => {
    if (node === 0) return rootNext[code] || -1;
    for (let c = firstChild[node]; c >= 0; c = nextSibling[c]) {
      const k = codeOf[c];
      if (k === code) return c;
      if (k > code) return -1;
    }
    return -1;
  };
  // Breadth-first failure links; a node is terminal when any suffix of it is a needle.
  const queue = new Int32Array(count);
  let tail = 0;
  for (let c = firstChild[0]; c >= 0; c = nextSibling[c]) queue[tail++] = c;
  for (let head = 0; head < tail; head++) {
    const u = queue[head];
    for (let v = firstChild[u]; v >= 0; v = nextSibling[v]) {
      const code = codeOf[v];
      let f = fail[u];
      let t = child(f, code);
      while (t < 0 && f !== 0) {
        f = fail[f];
        t = child(f, code);
      }
      fail[v] = t >= 0 && t !== v ? t : 0;
      if (terminal[fail[v]]) terminal[v] = 1;
      queue[tail++] = v;
    }
  }
  return (haystack) => {
    let node = 0;
    for (let i = 0; i < haystack.length; i++) {
      const code = haystack.charCodeAt(i);
      for (;;) {
        if (node === 0) {
          node = rootNext[code];
          break;
        }
        let next = -1;
        for (let c = firstChild[node]; c >= 0; c = nextSibling[c]) {
          const k = codeOf[c];
          if (k >= code) {
            if (k === code) next = c;
            break;
          }
        }
        if (next >= 0) {
          node = next;
          break;
        }
        node = fail[node];
      }
      if (terminal[node] === 1) return true;
    }
    return false;
  };
}

function byLength(texts: string[], take: (v: string, len: number) => string): (v: string) => boolean {
  const sets = new Map<number, Set<string>>();
  for (const t of texts) {
    let set = sets.get(t.length);
    if (!set) sets.set(t.length, (set = new Set()));
    set.add(t);
  }
  const lengths = [...sets.keys()].sort((a, b) => a - b);
  return (v) => {
    for (const len of lengths) {
      if (len > v.length) return false;
      if (sets.get(len)!.has(take(v, len))) return true;
    }
    return false;
  };
}

/** Combines patterns (all folded the same way) into one OR test. */
export function compilePatternSet(patterns: readonly CompiledPattern[]): (value: string) => boolean {
  if (patterns.some((p) => p.shape === 'anything')) return () => true;
  const equals = new Set<string>();
  const starts: string[] = [];
  const ends: string[] = [];
  const contains: string[] = [];
  const general: Array<(v: string) => boolean> = [];
  for (const p of patterns) {
    if (p.shape === 'equals') equals.add(p.text);
    else if (p.shape === 'startswith') starts.push(p.text);
    else if (p.shape === 'endswith') ends.push(p.text);
    else if (p.shape === 'contains') contains.push(p.text);
    else general.push(p.test);
  }
  const tests: Array<(v: string) => boolean> = [];
  if (equals.size === 1) {
    const only = [...equals][0];
    tests.push((v) => v === only);
  } else if (equals.size > 1) tests.push((v) => equals.has(v));
  if (starts.length >= MANY) tests.push(byLength(starts, (v, len) => v.slice(0, len)));
  else for (const s of starts) tests.push((v) => v.startsWith(s));
  if (ends.length >= MANY) tests.push(byLength(ends, (v, len) => v.slice(v.length - len)));
  else for (const s of ends) tests.push((v) => v.endsWith(s));
  if (contains.length >= MANY) tests.push(compileSubstringSet(contains));
  else for (const s of contains) tests.push((v) => v.includes(s));
  tests.push(...general);
  if (tests.length === 0) return () => false;
  if (tests.length === 1) return tests[0];
  if (tests.length === 2) {
    const [a, b] = tests;
    return (v) => a(v) || b(v);
  }
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (tests[i](v)) return true;
    return false;
  };
}
