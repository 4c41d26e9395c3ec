/**
 * NDJSON / JSON Lines: one JSON value per line; blank lines are skipped; a line that is not JSON
 * is reported at its line and column and the other lines still load. A line holding an array
 * adds each element. `Record N` lines (evtx_dump's separators) are skipped.
 */
import { findJsonError, toNullProto } from './json-scan.ts';
import type { EventSink } from './sink.ts';

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xfeff;
}

const RECORD_LINE = /^Record \d+$/;

export function readNdjson(sink: EventSink, start = 0): void {
  const text = sink.text;
  const n = text.length;
  let line = 1;
  for (let k = text.indexOf('\n'); k >= 0 && k < start; k = text.indexOf('\n', k + 1)) line++;
  let p = start;
  while (p < n && !sink.stopped) {
    let nl = text.indexOf('\n', p);
    if (nl < 0) nl = n;
    let s = p;
    let e = nl;
    while (s < e && isWs(text.charCodeAt(s))) s++;
    while (e > s && isWs(text.charCodeAt(e - 1))) e--;
    if (s < e) {
      const slice = text.slice(s, e);
      let value: unknown;
      let ok = false;
      try {
        value = toNullProto(JSON.parse(slice));
        ok = true;
      } catch (err) {
        if (!RECORD_LINE.test(slice)) {
          const found = findJsonError(text, s, e);
          const at = found ? found.offset : s;
          const msg = found ? found.message : err instanceof RangeError ? 'the value is nested too deeply' : String((err as Error)?.message ?? err);
          sink.report('events-syntax', 'error', `Line ${line} is not valid JSON: ${msg}`, at, Math.max(at + 1, Math.min(e, at + 1)));
        }
      }
      if (ok) sink.add(value, 'ndjson', s, line, e);
    }
    p = nl + 1;
    line++;
  }
}
