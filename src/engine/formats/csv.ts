/**
 * CSV with a header row, as RFC 4180 describes it: quoted fields with doubled quotes, embedded
 * delimiters and line breaks, CRLF or LF. Tab-, semicolon- and pipe-separated text is read too
 * when its header row makes the delimiter obvious. Cells stay text (the matcher compares numbers
 * with text anyway); an empty cell is the empty string; a row shorter than the header lacks the
 * missing columns; extra cells are kept as `columnN`.
 */
import { sealRecord, setKey } from '../record.ts';
import type { EventSink } from './sink.ts';

const CANDIDATES = ['\t', ',', ';', '|'];

/**
 * The delimiter of the header row at `start`: the candidate that occurs most often outside
 * quotes (ties prefer tab, then comma). Undefined when the row contains none.
 */
export function detectCsvDelimiter(text: string, start = 0): string | undefined {
  const counts = new Map<string, number>();
  let inQuotes = false;
  const limit = Math.min(text.length, start + 65536);
  for (let i = start; i < limit; i++) {
    const ch = text[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (ch === '\n' || ch === '\r') break;
      if (CANDIDATES.includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const c of CANDIDATES) {
    const k = counts.get(c) ?? 0;
    if (k > bestCount) {
      best = c;
      bestCount = k;
    }
  }
  return best;
}

export function readCsv(sink: EventSink, start = 0, delimiter = detectCsvDelimiter(sink.text, start) ?? ','): void {
  const text = sink.text;
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  let header: string[] | undefined;
  let i = start;
  let lastCheck = start;
  let strayQuoteReported = false;

  while (i < n && !sink.stopped) {
    const recordStart = i;
    const record: string[] = [];
    let quoted = false;
    for (;;) {
      let field: string;
      if (text.charCodeAt(i) === 34 /* " */) {
        quoted = true;
        const open = i;
        let j = i + 1;
        field = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            sink.report('events-syntax', 'error', 'Quoted field is never closed (expected a closing ")', open, open + 1);
            field += text.slice(j);
            i = n;
            break;
          }
          if (text.charCodeAt(q + 1) === 34) {
            field += text.slice(j, q + 1);
            j = q + 2;
            continue;
          }
          field += text.slice(j, q);
          i = q + 1;
          break;
        }
        // Text after the closing quote is not RFC 4180; keep it rather than lose data.
        const tail = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === 10 || c === 13) break;
          i++;
        }
        if (i > tail) {
          field += text.slice(tail, i);
          if (!strayQuoteReported) {
            strayQuoteReported = true;
            sink.report('events-csv-quote', 'warning', 'Text after a closing quote: a quote inside a quoted field must be doubled ("")', tail, i);
          }
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        field = text.slice(i, j);
        i = j;
      }
      record.push(field);
      if (i < n && text.charCodeAt(i) === d) {
        i++;
        continue;
      }
      if (i < n && text.charCodeAt(i) === 13) i++;
      if (i < n && text.charCodeAt(i) === 10) i++;
      break;
    }
    if (record.length === 1 && record[0] === '' && !quoted) continue; // blank line
    if (!header) {
      header = headerNames(record);
      continue;
    }
    const row: Record<string, unknown> = {};
    const m = Math.min(record.length, header.length);
    for (let k = 0; k < m; k++) setKey(row, header[k], record[k]);
    if (record.length !== header.length) {
      sink.report(
        'events-csv-columns',
        'warning',
        `This row has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${header.length}`,
        recordStart,
        recordStart + 1,
      );
      for (let k = header.length; k < record.length; k++) setKey(row, `column${k + 1}`, record[k]);
    }
    sink.add(sealRecord(row), 'csv', recordStart);
    if (i - lastCheck > 1 << 20) {
      lastCheck = i;
      if (!sink.checkpoint(i)) break;
    }
  }
}

/** Header cells as keys: BOM and surrounding blanks removed, empty names and duplicates made unique. */
function headerNames(record: string[]): string[] {
  const seen = new Set<string>();
  return record.map((raw, k) => {
    let name = raw.replace(/^\uFEFF/, '').trim();
    if (name === '') name = `column${k + 1}`;
    let unique = name;
    for (let s = 2; seen.has(unique); s++) unique = `${name}_${s}`;
    seen.add(unique);
    return unique;
  });
}
