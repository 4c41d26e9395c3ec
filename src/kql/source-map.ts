/**
 * The link between the generated KQL and the Sigma rule: spans of query text, each pointing at
 * the Sigma node (a field item, a value, a search identifier, the logsource) it came from. The
 * editor uses it to highlight the KQL for the Sigma under the cursor and the other way round;
 * the compiler uses it to place language-service diagnostics on the Sigma source.
 */
import type { SourceRange } from '../diagnostics.ts';

export interface SourceMapSpan {
  /** Offsets into the query text, `end` exclusive (UTF-16 code units). */
  start: number;
  end: number;
  /** The Sigma source range this span was compiled from. */
  range: SourceRange;
  /** What kind of Sigma node: `item`, `value`, `identifier`, `logsource`, `condition`. */
  node?: string;
}

/** Builds query text and its spans together, so offsets are never recomputed. */
export class QueryWriter {
  text = '';
  readonly spans: SourceMapSpan[] = [];
  private lineStart = 0;

  write(s: string): void {
    const nl = s.lastIndexOf('\n');
    if (nl >= 0) this.lineStart = this.text.length + nl + 1;
    this.text += s;
  }

  /** Column of the next character on the current line (0-based). */
  get column(): number {
    return this.text.length - this.lineStart;
  }

  /** Runs `body`, then records a span over what it wrote (if `range` is known). */
  span(range: SourceRange | undefined, node: string | undefined, body: () => void): void {
    const start = this.text.length;
    body();
    if (range) this.spans.push({ start, end: this.text.length, range, node });
  }
}

/**
 * The innermost span containing a query offset (the most specific Sigma node), or undefined.
 * Spans are nested, so the shortest containing span is the innermost.
 */
export function spanAt(spans: readonly SourceMapSpan[], offset: number): SourceMapSpan | undefined {
  let best: SourceMapSpan | undefined;
  for (const s of spans) {
    if (s.start <= offset && offset < s.end && (!best || s.end - s.start < best.end - best.start)) best = s;
  }
  return best;
}

/** All spans that came from Sigma text overlapping `range`, outermost first. */
export function spansForSource(spans: readonly SourceMapSpan[], start: number, end: number): SourceMapSpan[] {
  return spans
    .filter((s) => s.range.start < Math.max(end, start + 1) && start < Math.max(s.range.end, s.range.start + 1))
    .sort((a, b) => b.end - b.start - (a.end - a.start));
}
