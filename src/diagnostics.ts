/**
 * Diagnostics and source ranges shared by every phase of the core.
 *
 * Every phase (YAML loading, rule checking, condition parsing, event reading, matching, KQL
 * compilation) returns its result together with a list of diagnostics instead of throwing.
 * Ranges are born in the YAML parser and carried to the end, so a diagnostic, an explanation
 * node or a KQL source-map span can always be shown in the editor.
 */

/**
 * A span of source text. Offsets are 0-based UTF-16 code-unit offsets into the text
 * (what JavaScript strings and Monaco's `getPositionAt` use); lines and columns are 1-based
 * (what editors and `file:line:col` output use). `end` is exclusive.
 */
export interface SourceRange {
  start: number;
  end: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** A text edit that fixes a diagnostic: replace `range` with `text`. */
export interface QuickFix {
  title: string;
  range: SourceRange;
  text: string;
}

export interface Diagnostic {
  /** Stable, documented code such as `unknown-modifier`; tests and users match on it. */
  code: string;
  severity: Severity;
  message: string;
  /** Where in the source it applies; absent only when no position exists (e.g. an empty file). */
  range?: SourceRange;
  /** Fixes the editor can offer (e.g. the closest valid modifier). */
  fixes?: QuickFix[];
}

/** Converts offsets into line/column pairs for one text; built once per text. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  /** 1-based line and column of an offset (clamped to the text). */
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.lineStarts[lo] + 1 };
  }

  /** 0-based offset of a 1-based line and column (clamped). */
  offset(line: number, column: number): number {
    const l = Math.max(1, Math.min(line, this.lineStarts.length));
    return Math.min(this.text.length, this.lineStarts[l - 1] + Math.max(0, column - 1));
  }

  range(start: number, end: number): SourceRange {
    const s = this.position(start);
    const e = this.position(Math.max(start, end));
    return {
      start: Math.max(0, Math.min(start, this.text.length)),
      end: Math.max(0, Math.min(Math.max(start, end), this.text.length)),
      startLine: s.line,
      startColumn: s.column,
      endLine: e.line,
      endColumn: e.column,
    };
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:col: severity code message`, the format of `siglab check`. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  const line = d.range?.startLine ?? 1;
  const col = d.range?.startColumn ?? 1;
  return `${file}:${line}:${col}: ${d.severity} ${d.code} ${d.message}`;
}
