/**
 * Sigma strings: wildcards, the specification's escaping algorithm, placeholders.
 *
 * Sigma specification v2, "Escape Character": `\` escapes the wildcards `*` and `?` and itself;
 * a backslash before any other character is a plain backslash (so `C:\Windows\` needs no
 * doubling). The algorithm is the one pySigma's SigmaString implements: in escape mode a
 * special character or a backslash is taken literally and the escaping backslash is consumed;
 * any other character keeps the backslash; a trailing lone backslash is literal.
 */
import type { PatternPart, StringPattern } from './model.ts';

/** A pattern part while modifiers are applied: placeholders live until `expand` resolves them. */
export type ValuePart = PatternPart | { kind: 'placeholder'; name: string };

const ANY: PatternPart = { kind: 'any' };
const ONE: PatternPart = { kind: 'one' };

/** Splits a Sigma string into text, `*` (any) and `?` (one) parts, applying the escaping rules. */
export function parseSigmaString(s: string): PatternPart[] {
  const out: PatternPart[] = [];
  let acc = '';
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (escaped) {
      acc += c === '*' || c === '?' || c === '\\' ? c : '\\' + c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === '*' || c === '?') {
      if (acc) out.push({ kind: 'text', text: acc });
      acc = '';
      out.push(c === '*' ? ANY : ONE);
    } else {
      acc += c;
    }
  }
  if (escaped) acc += '\\';
  if (acc) out.push({ kind: 'text', text: acc });
  return out;
}

/** True when the parts contain a wildcard (`*` or `?`). */
export function hasWildcard(parts: readonly ValuePart[]): boolean {
  return parts.some((p) => p.kind === 'any' || p.kind === 'one');
}

/**
 * The canonical form the model promises: adjacent text merged, empty text dropped, runs of `any`
 * collapsed into one (`**` means the same as `*`).
 */
export function normalizeParts<T extends ValuePart>(parts: readonly T[]): T[] {
  const out: T[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === 'text') {
      if (!p.text) continue;
      if (last && last.kind === 'text') {
        out[out.length - 1] = { kind: 'text', text: last.text + p.text } as T;
        continue;
      }
    } else if (p.kind === 'any' && last && last.kind === 'any') {
      continue;
    }
    out.push(p);
  }
  return out;
}

/** A pattern as a Sigma string again (wildcards bare, literal `*`/`?` escaped), for display. */
export function formatPattern(pattern: StringPattern | readonly ValuePart[]): string {
  const parts = Array.isArray(pattern) ? pattern : (pattern as StringPattern).parts;
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as ValuePart;
    if (p.kind === 'any') out += '*';
    else if (p.kind === 'one') out += '?';
    else if (p.kind === 'placeholder') out += `%${p.name}%`;
    else {
      const next = parts[i + 1] as ValuePart | undefined;
      const text = p.text;
      for (let k = 0; k < text.length; k++) {
        const c = text[k];
        if (c === '*' || c === '?') out += '\\' + c;
        else if (c === '\\') {
          // A backslash only needs doubling where the reader would otherwise see an escape.
          const following = k + 1 < text.length ? text[k + 1] : next && next.kind !== 'text' ? (next.kind === 'placeholder' ? '%' : '*') : '';
          out += following === '*' || following === '?' || following === '\\' ? '\\\\' : '\\';
        } else out += c;
      }
    }
  }
  return out;
}

/** Text parts turned into a whole-value pattern with the given prefix/suffix wildcards. */
export function wrapParts<T extends ValuePart>(parts: readonly T[], leading: boolean, trailing: boolean): T[] {
  const out = parts.slice();
  if (leading && !(out.length > 0 && out[0].kind === 'any')) out.unshift(ANY as T);
  if (trailing && !(out.length > 0 && out[out.length - 1].kind === 'any')) out.push(ANY as T);
  return out;
}

/**
 * `expand`: `%name%` in text parts becomes a placeholder part; `\%` is a plain percent sign
 * (specification v2, "Placeholders"; the same rule as pySigma's insert_placeholders).
 */
export function insertPlaceholders(parts: readonly ValuePart[]): ValuePart[] {
  const out: ValuePart[] = [];
  const re = /(?<!\\)%([^%]+)%/g;
  for (const p of parts) {
    if (p.kind !== 'text') {
      out.push(p);
      continue;
    }
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(p.text); m; m = re.exec(p.text)) {
      const before = p.text.slice(last, m.index).replace(/\\%/g, '%');
      if (before) out.push({ kind: 'text', text: before });
      out.push({ kind: 'placeholder', name: m[1] });
      last = m.index + m[0].length;
    }
    const rest = p.text.slice(last).replace(/\\%/g, '%');
    if (rest) out.push({ kind: 'text', text: rest });
  }
  return out;
}

/** The placeholder names in parts, in order of appearance, without duplicates. */
export function placeholderNames(parts: readonly ValuePart[]): string[] {
  const names: string[] = [];
  for (const p of parts) if (p.kind === 'placeholder' && !names.includes(p.name)) names.push(p.name);
  return names;
}

/** The plain text of parts without wildcards (field names for `fieldref`, bytes for `base64`). */
export function plainText(parts: readonly ValuePart[]): string {
  let s = '';
  for (const p of parts) if (p.kind === 'text') s += p.text;
  return s;
}
