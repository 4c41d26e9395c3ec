/**
 * Where the format readers put what they read: events (reshaped for Sigma), diagnostics with
 * source ranges over the pasted text, progress and cancellation.
 */
import { LineIndex, type Diagnostic, type Severity } from '../../diagnostics.ts';
import type { EventFormat, LogEvent } from '../event.ts';
import { hintsFromData, windowsEventFromEvtxJson, windowsEventFromWinlogbeat } from '../windows-event.ts';
import { isPlainObject } from './json-scan.ts';

export interface SinkOptions {
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
  maxEvents?: number;
}

/** A flood of broken lines yields this many diagnostics, then one summary. */
const MAX_DIAGNOSTICS = 100;
/** Progress and cancellation are checked every this many events. */
const CHECK_EVERY = 1024;

export class EventSink {
  readonly events: LogEvent[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** True once reading must end (cancelled or `maxEvents` reached). */
  stopped = false;
  private truncated = false;
  private cancelled = false;
  private lineIndex: LineIndex | undefined;
  private suppressed = 0;
  private readonly maxEvents: number;

  constructor(
    readonly text: string,
    private readonly options: SinkOptions = {},
  ) {
    const max = options.maxEvents;
    this.maxEvents = typeof max === 'number' && max >= 0 ? Math.floor(max) : Infinity;
  }

  get lines(): LineIndex {
    this.lineIndex ??= new LineIndex(this.text);
    return this.lineIndex;
  }

  /**
   * 1-based line of `offset`. Readers ask in increasing order, so lines are counted forward from
   * the previous answer instead of indexing the whole text (which diagnostics alone need).
   */
  lineOf(offset: number): number {
    if (this.loneCarriageReturns === undefined) this.loneCarriageReturns = /\r(?!\n)/.test(this.text);
    if (this.lineIndex || this.loneCarriageReturns || offset < this.cursorOffset) return this.lines.position(offset).line;
    const text = this.text;
    let line = this.cursorLine;
    // The first line break at or after the cursor is remembered, so a long line (a minified
    // array) is not rescanned for every event on it.
    let nl = this.nextLineBreak;
    if (nl === -2) nl = text.indexOf('\n');
    while (nl >= 0 && nl < offset) {
      line++;
      nl = text.indexOf('\n', nl + 1);
    }
    this.nextLineBreak = nl;
    this.cursorOffset = offset;
    this.cursorLine = line;
    return line;
  }

  private cursorOffset = 0;
  private cursorLine = 1;
  /** -2: not looked up yet; -1: none left. */
  private nextLineBreak = -2;
  private loneCarriageReturns: boolean | undefined;

  report(code: string, severity: Severity, message: string, start?: number, end?: number): void {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS && severity !== 'info') {
      this.suppressed++;
      return;
    }
    const d: Diagnostic = { code, severity, message };
    if (start !== undefined) d.range = this.lines.range(start, end ?? start + 1);
    this.diagnostics.push(d);
  }

  /**
   * Adds one parsed value: an object becomes an event (Windows shapes reshaped), an array adds
   * each element, anything else is reported. Returns false when reading should stop.
   */
  add(value: unknown, format: EventFormat, offset: number, line?: number, end?: number): boolean {
    if (this.stopped) return false;
    if (Array.isArray(value)) {
      for (const v of value) if (!this.add(v, format, offset, line, end)) return false;
      return true;
    }
    if (this.events.length >= this.maxEvents) {
      this.stopped = true;
      this.truncated = true;
      return false;
    }
    if (!isPlainObject(value)) {
      const what = value === null ? 'null' : typeof value;
      this.report('events-not-object', 'warning', `Skipped a JSON ${what}: each event must be a JSON object`, offset, end);
      return true;
    }
    let data: Record<string, unknown>;
    let hints;
    let raw: unknown;
    let fmt = format;
    try {
      const win = windowsEventFromEvtxJson(value);
      if (win) {
        ({ data, hints } = win);
        raw = value;
        if (format !== 'xml' && format !== 'evtx') fmt = 'evtx-json';
      } else {
        const beat = windowsEventFromWinlogbeat(value);
        if (beat) ({ data, hints } = beat);
        else {
          data = value;
          hints = hintsFromData(value);
        }
      }
    } catch (e) {
      // Only hostile nesting depth gets here (the reshaping recurses); skip that event alone.
      const why = e instanceof RangeError ? 'it is nested too deeply' : e instanceof Error ? e.message : String(e);
      this.report('events-syntax', 'error', `Skipped an event: ${why}`, offset, end);
      return true;
    }
    const event: LogEvent = {
      index: this.events.length,
      data,
      origin: { format: fmt, line: line ?? this.lineOf(offset), offset },
      hints,
    };
    if (raw !== undefined) event.raw = raw;
    this.events.push(event);
    if (this.events.length % CHECK_EVERY === 0) return this.checkpoint(offset);
    return true;
  }

  /** Reports progress and asks whether to go on; readers call it while skipping large spans too. */
  checkpoint(offset: number): boolean {
    if (this.stopped) return false;
    this.options.onProgress?.(offset, this.text.length);
    if (this.options.shouldStop?.()) {
      this.stopped = true;
      this.cancelled = true;
      return false;
    }
    return true;
  }

  finish(): void {
    if (this.suppressed > 0) {
      this.diagnostics.push({
        code: 'events-syntax',
        severity: 'error',
        message: `${this.suppressed} more problem${this.suppressed === 1 ? '' : 's'} not listed`,
      });
    }
    if (this.truncated) {
      this.diagnostics.push({
        code: 'events-truncated',
        severity: 'warning',
        message: `Read the first ${this.events.length} events only (limit ${this.maxEvents})`,
      });
    }
    if (this.cancelled) {
      this.diagnostics.push({ code: 'events-cancelled', severity: 'info', message: `Reading was cancelled after ${this.events.length} events` });
    } else {
      this.options.onProgress?.(this.text.length, this.text.length);
    }
  }
}
