/**
 * Reads pasted or loaded event text in any supported format into `LogEvent`s.
 *
 * Detection (unless `options.format` says): after a byte-order mark, blank space and evtxexport's
 * banner line, `<` is Windows event XML; `{` or `[` is JSON — NDJSON when the first line is a complete value on its
 * own and more lines follow, otherwise one document (object, array, or values one after another);
 * `Record N` (evtx_dump) is a JSON stream; anything else is CSV when its first row has a
 * delimiter. Windows events (evtx-JSON, Winlogbeat) are reshaped the way Sigma names fields; see
 * `windows-event.ts`.
 *
 * Never throws. Problems become diagnostics positioned in the text; what can be read is read.
 * Progress is reported in characters of the text (`done` of `total`); `shouldStop` is polled
 * every thousand events or megabyte and ends reading with an `events-cancelled` note.
 */
import type { EventFormat, ReadEventsResult } from './event.ts';
import { detectCsvDelimiter, readCsv } from './formats/csv.ts';
import { readJsonDocument } from './formats/json.ts';
import { readNdjson } from './formats/ndjson.ts';
import { EventSink } from './formats/sink.ts';
import { readXmlEvents } from './formats/xml.ts';

export interface ReadEventsOptions {
  /** Read as this format instead of detecting it. */
  format?: EventFormat;
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
  /** Stop after this many events (an `events-truncated` warning says so). */
  maxEvents?: number;
}

/** Detected format of `text`, or undefined when it is empty or not recognisable. */
export function detectEventFormat(text: string): Exclude<EventFormat, 'evtx' | 'evtx-json'> | undefined {
  const start = firstContent(text);
  if (start >= text.length) return undefined;
  const c = text.charCodeAt(start);
  if (c === 60 /* < */) return 'xml';
  if (c === 123 /* { */ || c === 91 /* [ */) return looksLikeNdjson(text, start) ? 'ndjson' : 'json';
  if (/^Record \d+[ \t]*\r?$/m.test(text.slice(start, start + 40).split('\n')[0])) return 'json';
  if (detectCsvDelimiter(text, start) !== undefined) return 'csv';
  return undefined;
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}

/** Offset of the first content: after blank space, a byte-order mark and evtxexport's banner line. */
function firstContent(text: string): number {
  let i = 0;
  while (i < text.length && isWs(text.charCodeAt(i))) i++;
  const banner = /^evtxexport \d+[ \t]*\r?\n/.exec(text.slice(i, i + 40));
  if (banner) {
    i += banner[0].length;
    while (i < text.length && isWs(text.charCodeAt(i))) i++;
  }
  return i;
}

/** The first line ends a complete value (`}` or `]`) and another non-blank line follows. */
function looksLikeNdjson(text: string, start: number): boolean {
  let nl = text.indexOf('\n', start);
  if (nl < 0) return false;
  let e = nl;
  while (e > start && isWs(text.charCodeAt(e - 1))) e--;
  const last = text.charCodeAt(e - 1);
  if (last !== 125 && last !== 93) return false;
  // A one-line `[...]` with nothing else is a JSON array; check that more content follows.
  for (let i = nl + 1; i < text.length; i++) if (!isWs(text.charCodeAt(i))) return true;
  return false;
}

export function readEvents(text: string, options: ReadEventsOptions = {}): ReadEventsResult {
  const source = typeof text === 'string' ? text : '';
  const sink = new EventSink(source, options);
  let format: EventFormat | undefined;
  try {
    const start = firstContent(source);
    if (options.format === 'evtx') {
      sink.report('events-binary', 'error', 'Binary .evtx files are read by the .evtx reader, not as text');
    } else if (start < source.length) {
      format = options.format ?? detectEventFormat(source);
      switch (format) {
        case 'xml':
          readXmlEvents(sink, start);
          break;
        case 'ndjson':
          readNdjson(sink, start);
          break;
        case 'json':
          readJsonDocument(sink, start);
          break;
        case 'evtx-json':
          if (looksLikeNdjson(source, start)) readNdjson(sink, start);
          else readJsonDocument(sink, start);
          break;
        case 'csv':
          readCsv(sink, start);
          break;
        default: {
          let e = source.indexOf('\n', start);
          if (e < 0) e = source.length;
          sink.report(
            'events-format',
            'error',
            'Unrecognised events: expected JSON, NDJSON, CSV with a header row, evtx-JSON or Windows event XML',
            start,
            e,
          );
        }
      }
    }
  } catch (e) {
    sink.report('events-internal', 'error', `Reading stopped by an internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (options.format === 'evtx-json') {
    const other = sink.events.filter((ev) => ev.origin.format !== 'evtx-json').length;
    if (other > 0) {
      sink.report('events-not-evtx-json', 'warning', `${other} event${other === 1 ? ' is' : 's are'} not in the evtx-JSON shape ({"Event":{"System":...}}) and ${other === 1 ? 'was' : 'were'} read as plain JSON`);
    }
  }
  sink.finish();
  if (format === 'json' || format === 'ndjson') {
    if (sink.events.length > 0 && sink.events.every((ev) => ev.origin.format === 'evtx-json')) format = 'evtx-json';
  }
  return { events: sink.events, format, diagnostics: sink.diagnostics };
}
