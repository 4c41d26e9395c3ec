/**
 * Tokens of KQL text with their offsets. String literals are decoded here (regular `"..."` and
 * `'...'` with backslash escapes; verbatim `@"..."`/`@'...'` where only a doubled quote is an
 * escape; the `h` prefix of obfuscated literals is accepted and ignored). Comments `//` run to
 * the end of the line. Problems are reported, never thrown.
 */
import { decodeRegularBody } from '../escape.ts';
import type { Span } from './ast.ts';

export type Token =
  | { k: 'ident'; text: string; span: Span; bracketed?: boolean }
  | { k: 'string'; value: string; text: string; span: Span }
  | { k: 'number'; text: string; span: Span }
  | { k: 'punct'; text: string; span: Span }
  | { k: 'eof'; text: ''; span: Span };

export interface LexError {
  message: string;
  span: Span;
}

const PUNCT = ['==', '!=', '=~', '!~', '<=', '>=', '..', '|', '(', ')', '[', ']', '{', '}', ',', ';', '=', '<', '>', '+', '-', '*', '/', '%', '.', ':', '~'];

/** Words after which `[` starts a bracketed name rather than an index. */
const NOT_PRIMARY = /^(where|filter|extend|project|by|and|or|union|summarize|let|take|limit|in|!in|contains|!contains|contains_cs|!contains_cs|startswith|!startswith|startswith_cs|!startswith_cs|endswith|!endswith|endswith_cs|!endswith_cs|has|!has|has_cs|!has_cs|hasprefix|hassuffix|has_any|has_all|regex|between|!between)$/;

const isIdStart = (c: string): boolean => /[A-Za-z_$]/.test(c);
const isIdPart = (c: string): boolean => /[A-Za-z0-9_$]/.test(c);

export function lex(text: string): { tokens: Token[]; errors: LexError[] } {
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // String literals, optionally verbatim (@) and/or obfuscated (h/H).
    let j = i;
    if ((text[j] === 'h' || text[j] === 'H') && (text[j + 1] === '"' || text[j + 1] === "'" || (text[j + 1] === '@' && (text[j + 2] === '"' || text[j + 2] === "'")))) j++;
    const verbatim = text[j] === '@' && (text[j + 1] === '"' || text[j + 1] === "'");
    if (verbatim) j++;
    if (text[j] === '"' || text[j] === "'") {
      const q = text[j];
      let k = j + 1;
      let body = '';
      let closed = false;
      while (k < n) {
        const ch = text[k];
        if (ch === '\n' && verbatim) break;
        if (ch === '\n' && !verbatim) break;
        if (verbatim) {
          if (ch === q) {
            if (text[k + 1] === q) {
              body += q;
              k += 2;
              continue;
            }
            closed = true;
            k++;
            break;
          }
          body += ch;
          k++;
        } else {
          if (ch === '\\') {
            body += ch + (text[k + 1] ?? '');
            k += 2;
            continue;
          }
          if (ch === q) {
            closed = true;
            k++;
            break;
          }
          body += ch;
          k++;
        }
      }
      const span = { start, end: k };
      if (!closed) {
        errors.push({ message: 'unterminated string literal', span });
        tokens.push({ k: 'string', value: body, text: text.slice(start, k), span });
        i = k;
        continue;
      }
      if (verbatim) tokens.push({ k: 'string', value: body, text: text.slice(start, k), span });
      else {
        const d = decodeRegularBody(body);
        if ('error' in d) {
          errors.push({ message: d.error, span: { start: j + 1 + d.at, end: Math.min(k, j + 3 + d.at) } });
          tokens.push({ k: 'string', value: body, text: text.slice(start, k), span });
        } else tokens.push({ k: 'string', value: d.value, text: text.slice(start, k), span });
      }
      i = k;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const afterPrimary = prev !== undefined && ((prev.k === 'ident' && (prev.bracketed || !NOT_PRIMARY.test(prev.text))) || prev.k === 'string' || prev.k === 'number' || (prev.k === 'punct' && (prev.text === ')' || prev.text === ']')));
    if (c === '[' && (text[i + 1] === '"' || text[i + 1] === "'") && !afterPrimary) {
      // ['name with spaces']: a bracketed identifier (after a primary, `x["k"]` is an index instead)
      const q = text[i + 1];
      let k = i + 2;
      let body = '';
      let ok = false;
      while (k < n && text[k] !== '\n') {
        if (text[k] === '\\') {
          body += text[k + 1] ?? '';
          k += 2;
          continue;
        }
        if (text[k] === q && text[k + 1] === ']') {
          ok = true;
          k += 2;
          break;
        }
        body += text[k++];
      }
      if (!ok) errors.push({ message: `unterminated bracketed name (expected ${q}])`, span: { start, end: k } });
      tokens.push({ k: 'ident', text: body, span: { start, end: k }, bracketed: true });
      i = k;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let k = i;
      if (c === '0' && (text[k + 1] === 'x' || text[k + 1] === 'X')) {
        k += 2;
        while (k < n && /[0-9a-fA-F]/.test(text[k])) k++;
      } else {
        while (k < n && /[0-9]/.test(text[k])) k++;
        if (text[k] === '.' && /[0-9]/.test(text[k + 1] ?? '')) {
          k++;
          while (k < n && /[0-9]/.test(text[k])) k++;
        }
        if ((text[k] === 'e' || text[k] === 'E') && /[-+0-9]/.test(text[k + 1] ?? '')) {
          k += 2;
          while (k < n && /[0-9]/.test(text[k])) k++;
        }
        // Timespan suffixes: 1d, 2h, 30m, 10s, 5ms, 3tick, 1microsecond...
        const suffix = /^(days?|d|hours?|hrs?|h|minutes?|min|m|seconds?|sec|s|milliseconds?|millis|ms|microseconds?|micros|tick|ticks)\b/.exec(text.slice(k, k + 13));
        if (suffix) k += suffix[0].length;
      }
      tokens.push({ k: 'number', text: text.slice(i, k), span: { start: i, end: k } });
      i = k;
      continue;
    }
    if (isIdStart(c)) {
      let k = i + 1;
      while (k < n && (isIdPart(text[k]) || (text[k] === '-' && /^(project-away|project-rename|project-keep|project-reorder|mv-expand|mv-apply|make-series)$/.test(text.slice(i, k) + '-' + (/^[a-z]+/.exec(text.slice(k + 1))?.[0] ?? ''))))) k++;
      tokens.push({ k: 'ident', text: text.slice(i, k), span: { start: i, end: k } });
      i = k;
      continue;
    }
    if (c === '!' && isIdStart(text[i + 1] ?? '')) {
      // !contains, !in, !has, !startswith, ...: one token
      let k = i + 2;
      while (k < n && isIdPart(text[k])) k++;
      tokens.push({ k: 'ident', text: text.slice(i, k), span: { start: i, end: k } });
      i = k;
      continue;
    }
    const p = PUNCT.find((x) => text.startsWith(x, i));
    if (p) {
      tokens.push({ k: 'punct', text: p, span: { start: i, end: i + p.length } });
      i += p.length;
      continue;
    }
    errors.push({ message: `unexpected character ${JSON.stringify(c)}`, span: { start: i, end: i + 1 } });
    i++;
  }
  tokens.push({ k: 'eof', text: '', span: { start: n, end: n } });
  return { tokens, errors };
}
