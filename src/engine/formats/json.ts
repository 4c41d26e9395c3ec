/**
 * JSON events: one object, an array of objects, or several JSON values one after another
 * (pretty-printed `jq` output, `evtx_dump -o json` with its `Record N` lines between records).
 * Arrays are read element by element so each event knows its line, and one broken element is
 * reported at its position while the others still load.
 */
import { findJsonError, skipJsonValue, toNullProto } from './json-scan.ts';
import type { EventSink } from './sink.ts';

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && isWs(text.charCodeAt(i))) i++;
  return i;
}

function describe(text: string, i: number): string {
  return i >= text.length ? 'end of input' : JSON.stringify(String.fromCodePoint(text.codePointAt(i) ?? 0));
}

const RECORD_LINE = /^Record \d+[ \t]*\r?$/;

/** Parses `text[start, end)` as one JSON value, reporting a positioned error when it is not. */
export function parseJsonValue(sink: EventSink, start: number, end: number, context = 'Invalid JSON'): { ok: true; value: unknown } | { ok: false } {
  const text = sink.text;
  try {
    return { ok: true, value: toNullProto(JSON.parse(text.slice(start, end))) };
  } catch (e) {
    const found = findJsonError(text, start, end);
    if (found) sink.report('events-syntax', 'error', `${context}: ${found.message}`, found.offset, found.offset + 1);
    else {
      const msg = e instanceof RangeError ? 'the value is nested too deeply' : e instanceof Error ? e.message : String(e);
      sink.report('events-syntax', 'error', `${context}: ${msg}`, start, Math.min(end, start + 1));
    }
    return { ok: false };
  }
}

/** Reads one or more JSON values starting at `start`; a top-level array is read per element. */
export function readJsonDocument(sink: EventSink, start = 0): void {
  const text = sink.text;
  let p = skipWs(text, start);
  let first = true;
  while (p < text.length && !sink.stopped) {
    if (text.charCodeAt(p) === 82 /* R */) {
      let nl = text.indexOf('\n', p);
      if (nl < 0) nl = text.length;
      if (RECORD_LINE.test(text.slice(p, nl))) {
        p = skipWs(text, nl + 1);
        continue;
      }
    }
    if (first && text.charCodeAt(p) === 91 /* [ */) {
      p = readJsonArray(sink, p);
    } else {
      const end = skipJsonValue(text, p);
      if (end === p) {
        sink.report('events-syntax', 'error', `Unexpected ${describe(text, p)}: expected a JSON value`, p, p + 1);
        let nl = text.indexOf('\n', p);
        if (nl < 0) nl = text.length;
        p = nl + 1;
      } else {
        const parsed = parseJsonValue(sink, p, end);
        if (parsed.ok) sink.add(parsed.value, 'json', p, undefined, end);
        p = end;
      }
    }
    first = false;
    p = skipWs(text, p);
  }
}

/** Reads the array whose `[` is at `open`; returns the offset after it. */
function readJsonArray(sink: EventSink, open: number): number {
  const text = sink.text;
  const n = text.length;
  let p = open + 1;
  let expectElement = true;
  while (!sink.stopped) {
    p = skipWs(text, p);
    if (p >= n) {
      sink.report('events-syntax', 'error', 'Unexpected end of input: the array opened here is never closed (expected "]")', open, open + 1);
      return n;
    }
    const c = text.charCodeAt(p);
    if (c === 93 /* ] */) return p + 1;
    if (!expectElement) {
      if (c === 44 /* , */) {
        const comma = p;
        p = skipWs(text, p + 1);
        if (text.charCodeAt(p) === 93) sink.report('events-syntax', 'error', 'Trailing comma before "]" is not allowed in JSON', comma, comma + 1);
        expectElement = true;
        continue;
      }
      sink.report('events-syntax', 'error', `Expected "," or "]" after an array element but found ${describe(text, p)}`, p, p + 1);
    }
    if (c === 44) {
      sink.report('events-syntax', 'error', 'Unexpected ",": expected an array element', p, p + 1);
      p++;
      continue;
    }
    const end = skipJsonValue(text, p);
    if (end === p) {
      sink.report('events-syntax', 'error', `Unexpected ${describe(text, p)}: expected an array element`, p, p + 1);
      p++;
      continue;
    }
    const parsed = parseJsonValue(sink, p, end);
    if (parsed.ok) sink.add(parsed.value, 'json', p, undefined, end);
    p = end;
    expectElement = false;
  }
  return p;
}
