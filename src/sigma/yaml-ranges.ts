/**
 * Source offsets inside YAML scalars.
 *
 * A scalar's value is not its source text: quotes are removed, `''` and `\x41` escapes resolved,
 * plain and folded scalars fold line breaks into spaces, block scalars drop their indentation.
 * Diagnostics about a part of a value (a condition token, one modifier in a key, the `%name%` of a
 * placeholder) need the source position of a character of the value, which this module computes
 * by walking the value and the source side by side.
 */
import type { Scalar } from 'yaml';

/** Maps [start, end) offsets inside a scalar's value to [start, end) offsets in the source. */
export type OffsetMapper = (start: number, end: number) => [number, number];

/** Length of a double-quoted escape sequence starting at `j` (which holds the backslash). */
function escapeLength(src: string, j: number): number {
  const c = src[j + 1];
  if (c === 'x') return 4;
  if (c === 'u') return 6;
  if (c === 'U') return 10;
  return 2;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

export function scalarOffsetMapper(src: string, node: Scalar): OffsetMapper {
  const range = node.range ?? [0, 0, 0];
  const nodeStart = range[0];
  const nodeEnd = Math.min(range[1], src.length);
  const value = typeof node.source === 'string' ? node.source : String(node.value ?? '');
  const type = node.type;
  let j = nodeStart;
  if (type === 'QUOTE_SINGLE' || type === 'QUOTE_DOUBLE') j = nodeStart + 1;
  else if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const nl = src.indexOf('\n', nodeStart);
    j = nl < 0 || nl > nodeEnd ? nodeEnd : nl + 1;
  }
  const n = value.length;
  const begin = new Int32Array(n);
  const finish = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = value[i];
    if (type === 'QUOTE_DOUBLE') {
      // A backslash before a line break continues the line and produces nothing.
      while (j < nodeEnd && src[j] === '\\' && (src[j + 1] === '\n' || src[j + 1] === '\r')) {
        j += 2;
        while (j < nodeEnd && isSpace(src[j])) j++;
      }
      if (j < nodeEnd && src[j] === '\\') {
        const len = escapeLength(src, j);
        begin[i] = j;
        finish[i] = Math.min(j + len, nodeEnd);
        const code = value.charCodeAt(i);
        if (code >= 0xd800 && code <= 0xdbff && i + 1 < n) {
          begin[i + 1] = j;
          finish[i + 1] = finish[i];
          i++;
        }
        j = finish[i];
        continue;
      }
    }
    if (type === 'QUOTE_SINGLE' && src[j] === "'" && src[j + 1] === "'") {
      begin[i] = j;
      finish[i] = j + 2;
      j += 2;
      continue;
    }
    if (src[j] === c) {
      begin[i] = j;
      finish[i] = j + 1;
      j++;
      continue;
    }
    if (c === ' ' || c === '\n') {
      // A folded line break: the source has a line break plus indentation where the value has one char.
      begin[i] = j;
      while (j < nodeEnd && isSpace(src[j])) j++;
      finish[i] = j;
      continue;
    }
    let k = j;
    while (k < nodeEnd && src[k] !== c) k++;
    if (k < nodeEnd) {
      begin[i] = k;
      finish[i] = k + 1;
      j = k + 1;
    } else {
      begin[i] = finish[i] = Math.min(j, nodeEnd);
    }
  }
  const endOfValue = j;
  return (start, end) => {
    const s = Math.max(0, Math.min(start, n));
    const e = Math.max(s, Math.min(end, n));
    const from = s < n ? begin[s] : endOfValue;
    const to = e > s ? finish[e - 1] : from;
    return [from, Math.max(from, to)];
  };
}
