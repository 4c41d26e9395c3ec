import type { SourceRange } from '../../diagnostics.ts';

/**
 * A byte span of a binary input as a SourceRange: a binary file has no lines, so it is one
 * line whose columns are byte offsets + 1 (offsets stay 0-based, `end` exclusive).
 */
export function binaryRange(start: number, end: number): SourceRange {
  const s = Math.max(0, start);
  const e = Math.max(s, end);
  return { start: s, end: e, startLine: 1, startColumn: s + 1, endLine: 1, endColumn: e + 1 };
}
