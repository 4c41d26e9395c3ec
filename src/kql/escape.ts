/**
 * Turning values into KQL text: string literals, regular-expression escaping of literal parts,
 * typed literals, and the choice of string operator for a Sigma wildcard pattern.
 *
 * Facts relied on (Kusto "string data type" page and kql-semantics.md): regular literals `"..."`
 * use backslash escapes (`\\`, `\"`, `\t`, `\n`, `\r`, `\uXXXX`); verbatim literals `@"..."` have
 * no escapes except a doubled quote and cannot hold a line break. `matches regex` is RE2.
 */
import type { PatternPart, StringPattern } from '../sigma/model.ts';

/** Characters that cannot appear raw inside a KQL string literal or would be unreadable there. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hex4(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** A regular `"..."` literal; every character that could break or hide is escaped. */
export function regularString(value: string): string {
  if (!NEEDS_ESCAPE.test(value) && !/["\\]/.test(value)) return '"' + value + '"';
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ch = value[i];
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (c === 9) out += '\\t';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) out += hex4(c);
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + value[i + 1];
        i++;
      } else out += hex4(c);
    } else if (c >= 0xdc00 && c <= 0xdfff) out += hex4(c);
    else out += ch;
  }
  return out + '"';
}

/** A verbatim `@"..."` literal, or undefined when the value cannot be written verbatim. */
export function verbatimString(value: string): string | undefined {
  if (NEEDS_ESCAPE.test(value)) return undefined;
  return '@"' + value.replace(/"/g, '""') + '"';
}

/**
 * The most readable exact literal for a string: verbatim `@"C:\Windows\"` when the value has
 * backslashes (Windows paths, registry keys, regexes) and nothing that needs an escape; a
 * regular literal otherwise.
 */
export function kqlString(value: string): string {
  if (value.includes('\\')) {
    const v = verbatimString(value);
    if (v !== undefined) return v;
  }
  return regularString(value);
}

/** Decodes a KQL string literal as written by `kqlString` (for tests and the source map). */
export function decodeKqlString(literal: string): string {
  if (literal.startsWith('@')) {
    const q = literal[1];
    return literal.slice(2, -1).split(q + q).join(q);
  }
  const d = decodeRegularBody(literal.slice(1, -1));
  if ('error' in d) throw new Error(`not a KQL string literal: ${d.error}`);
  return d.value;
}

/** Decodes the body of a regular (quoted) KQL literal; an error message on a bad escape. */
export function decodeRegularBody(body: string): { value: string } | { error: string; at: number } {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case "'": out += "'"; break;
      case '0': out += '\0'; break;
      case 'a': out += '\u0007'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'u': {
        const hex = body.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return { error: 'a \\u escape needs four hex digits', at: i - 1 };
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      case 'x': {
        const hex = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { error: 'a \\x escape needs two hex digits', at: i - 1 };
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      default:
        return { error: `unknown escape '\\${n ?? ''}' in a string literal (write '\\\\' for a backslash, or use a verbatim @"..." literal)`, at: i - 1 };
    }
  }
  return { value: out };
}

/**
 * True when the text is a whole number written the way a number prints (`80`, `-1`; not `080`,
 * `+80`, ` 80`). The matcher compares plain values as text, so `"080"` never equals port 80;
 * the query must agree, so only canonical text becomes an int/long literal.
 */
export function isIntegerText(text: string): boolean {
  return /^-?(0|[1-9]\d*)$/.test(text) && text !== '-0';
}

/** True when the text is a decimal number literal (for real/decimal columns); no trimming, as above. */
export function isRealText(text: string): boolean {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text);
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The KQL literal of an integer for an int or long column; undefined if out of range. */
export function integerLiteral(text: string, type: 'int' | 'long'): string | undefined {
  const t = text;
  if (!isIntegerText(t)) return undefined;
  if (t.length < 10) return String(Number(t));
  const n = BigInt(t);
  if (type === 'int') {
    if (n < BigInt(INT32_MIN) || n > BigInt(INT32_MAX)) return undefined;
    return n.toString();
  }
  if (n < -(2n ** 63n) || n > 2n ** 63n - 1n) return undefined;
  return n.toString();
}

/** RE2 metacharacters that must be escaped in a literal part. */
const REGEX_META = /[\\.+*?()|[\]{}^$]/;

/**
 * Escapes literal text for an RE2 pattern: metacharacters get a backslash, control and
 * invisible characters become `\x{..}` so the pattern stays readable and survives any literal.
 */
export function escapeRegexText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (REGEX_META.test(ch)) out += '\\' + ch;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0xd800 && c <= 0xdfff)) {
      out += '\\x{' + c.toString(16) + '}';
    } else out += ch;
  }
  return out;
}

/**
 * The anchored RE2 pattern equal to a Sigma wildcard pattern: `*` is `.*`, `?` is exactly one
 * character `.`; `(?s)` makes both cross line breaks (a Sigma wildcard matches any character),
 * `(?i)` unless cased. `^`/`$` without `(?m)` anchor at the ends of the whole value.
 */
export function patternToRegex(pattern: StringPattern, cased: boolean): string {
  let body = '';
  for (const p of pattern.parts) {
    if (p.kind === 'text') body += escapeRegexText(p.text);
    else if (p.kind === 'any') body += '.*';
    else body += '.';
  }
  return `(?${cased ? '' : 'i'}s)^${body}$`;
}

/** How a string pattern can be tested with a plain KQL string operator. */
export type PatternShape =
  | { op: 'equals'; text: string }
  | { op: 'contains'; text: string }
  | { op: 'startswith'; text: string }
  | { op: 'endswith'; text: string }
  /** `*` alone: any value at all. */
  | { op: 'any' }
  /** Needs `matches regex`. */
  | { op: 'regex' };

/**
 * Picks the operator that means exactly the pattern. Only these shapes have a plain operator:
 * `x`, `*x*`, `x*`, `*x`, `*`; anything with `?` or an inner `*` needs a regex (e.g. `a*b` is not
 * `startswith a and endswith b`: "ab*b" vs value "ab" overlaps).
 */
export function patternShape(pattern: StringPattern): PatternShape {
  const parts: PatternPart[] = pattern.parts;
  const kinds = parts.map((p) => p.kind).join(',');
  const textOf = (i: number): string => (parts[i] as { text: string }).text;
  switch (kinds) {
    case '':
      return { op: 'equals', text: '' };
    case 'text':
      return { op: 'equals', text: textOf(0) };
    case 'any':
      return { op: 'any' };
    case 'any,text,any':
      return { op: 'contains', text: textOf(1) };
    case 'text,any':
      return { op: 'startswith', text: textOf(0) };
    case 'any,text':
      return { op: 'endswith', text: textOf(1) };
    default:
      return { op: 'regex' };
  }
}

/** Normalises a pattern: merges adjacent text parts and collapses runs of `any`. */
export function normalizePattern(pattern: StringPattern): StringPattern {
  const out: PatternPart[] = [];
  for (const p of pattern.parts) {
    const last = out[out.length - 1];
    if (p.kind === 'text') {
      if (p.text === '') continue;
      if (last && last.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + p.text };
      else out.push({ kind: 'text', text: p.text });
    } else if (p.kind === 'any') {
      if (!(last && last.kind === 'any')) out.push({ kind: 'any' });
    } else out.push({ kind: 'one' });
  }
  return { parts: out };
}
