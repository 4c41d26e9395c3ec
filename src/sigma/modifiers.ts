/**
 * Value modifiers (`Field|contains|all`): parsing the key, checking the chain, applying it.
 *
 * The specification (v2.1, modifiers appendix) says modifiers are applied in the given order;
 * pySigma adds the typing that decides which orders are meaningful (`re` and `cidr` only on an
 * unmodified value, `base64` never on wildcards, `exists` only on its own, ...). The chain is
 * checked once per detection item (so a bad chain over 4,000 values gives one diagnostic), then
 * applied to each value, which turns string modifiers into wildcard patterns and alternatives
 * the matcher and compiler read without knowing about modifiers.
 */
import { RE2JS } from 're2js';
import ipaddr from 'ipaddr.js';
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import { MODIFIERS, type CompareOp, type Modifier, type ModifierName, type SigmaValue, type TimePart } from './model.ts';
import { closestName } from './condition.ts';
import {
  hasWildcard,
  insertPlaceholders,
  normalizeParts,
  parseSigmaString,
  placeholderNames,
  plainText,
  wrapParts,
  type ValuePart,
} from './values.ts';
import type { PatternPart } from './model.ts';

/** pySigma's long names for the regular-expression flags; read as the short ones. */
export const MODIFIER_ALIASES: Readonly<Record<string, ModifierName>> = { ignorecase: 'i', multiline: 'm', dotall: 's' };

/** A value may expand into at most this many alternatives (windash, placeholders); beyond it is an error. */
export const MAX_ALTERNATIVES = 10_000;

const MODIFIER_SET: ReadonlySet<string> = new Set(MODIFIERS);
const COMPARE_OPS: ReadonlySet<string> = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME_PARTS: ReadonlySet<string> = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const TIME_RANGES: Record<TimePart, [number, number]> = {
  minute: [0, 59],
  hour: [0, 23],
  day: [1, 31],
  // The appendix says 1..52; ISO 8601 years have 53 weeks often enough that 53 must be allowed.
  week: [1, 53],
  month: [1, 12],
  year: [-Infinity, Infinity],
};
/** Modifiers that change string values (so `re`, `cidr`, ... may no longer follow). */
const TRANSFORMING: ReadonlySet<string> = new Set([
  'contains', 'startswith', 'endswith', 'windash', 'base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'utf16', 'cased', 'expand',
]);
const WILDCARD_MODIFIERS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith']);

type RangeOf = (start: number, end: number) => SourceRange;

export interface ParsedKey {
  /** Null for a keyword search (`'|all'`). */
  field: string | null;
  modifiers: Modifier[];
  diagnostics: Diagnostic[];
  /** False when a modifier is unknown or empty: the item cannot be evaluated. */
  ok: boolean;
}

/** Splits `Field|mod1|mod2` and recognises each modifier; `rangeOf` maps offsets in `key`. */
export function parseFieldKey(key: string, rangeOf: RangeOf): ParsedKey {
  const segments = key.split('|');
  const field = segments[0] === '' ? null : segments[0];
  const modifiers: Modifier[] = [];
  const diagnostics: Diagnostic[] = [];
  let ok = true;
  let offset = segments[0].length + 1;
  for (let k = 1; k < segments.length; k++) {
    const name = segments[k];
    const range = rangeOf(offset, offset + name.length);
    if (name === '') {
      ok = false;
      const pipe = rangeOf(offset - 1, offset);
      diagnostics.push({
        code: 'empty-modifier',
        severity: 'error',
        message: "empty modifier: remove the extra '|'",
        range: pipe,
        fixes: [{ title: "Remove '|'", range: pipe, text: '' }],
      });
    } else if (MODIFIER_SET.has(name)) {
      modifiers.push({ name: name as ModifierName, range });
    } else if (Object.hasOwn(MODIFIER_ALIASES, name)) {
      modifiers.push({ name: MODIFIER_ALIASES[name], range });
    } else {
      ok = false;
      const suggestion = closestName(name, [...MODIFIERS, ...Object.keys(MODIFIER_ALIASES)]);
      const canonical = suggestion && Object.hasOwn(MODIFIER_ALIASES, suggestion) ? MODIFIER_ALIASES[suggestion] : suggestion;
      diagnostics.push({
        code: 'unknown-modifier',
        severity: 'error',
        message: canonical ? `unknown modifier '${name}'; did you mean '${canonical}'?` : `unknown modifier '${name}'`,
        range,
        fixes: canonical ? [{ title: `Change to '${canonical}'`, range, text: canonical }] : undefined,
      });
    }
    offset += name.length + 1;
  }
  return { field, modifiers, diagnostics, ok };
}

export type ChainKind = 'string' | 'regex' | 'cidr' | 'compare' | 'timepart' | 'exists' | 'fieldref';

export interface ChainInfo {
  kind: ChainKind;
  /** False when the chain is invalid: its values are not built (one diagnostic, not one per value). */
  ok: boolean;
  combine: 'or' | 'and';
  negated: boolean;
  diagnostics: Diagnostic[];
}

const KIND_MODIFIER: Record<Exclude<ChainKind, 'string'>, string> = {
  regex: 're',
  cidr: 'cidr',
  compare: 'lt/lte/gt/gte',
  timepart: 'minute/hour/day/week/month/year',
  exists: 'exists',
  fieldref: 'fieldref',
};

/** A modifier's range extended over the `|` before it (on the same line), for removal fixes. */
function withLeadingPipe(r: SourceRange): SourceRange {
  return r.startColumn > 1 ? { ...r, start: r.start - 1, startColumn: r.startColumn - 1 } : r;
}

/** Checks a modifier chain for one detection item. */
export function analyzeChain(field: string | null, modifiers: readonly Modifier[]): ChainInfo {
  const diagnostics: Diagnostic[] = [];
  let kind = 'string' as ChainKind;
  let kindModifier: Modifier | undefined;
  let transformedBy: Modifier | undefined;
  let combine: 'or' | 'and' = 'or';
  let negated = false;
  let ok = true;
  const fail = (m: Modifier, message: string): void => {
    ok = false;
    diagnostics.push({ code: 'invalid-modifier-chain', severity: 'error', message, range: m.range });
  };
  /** A type modifier (re, cidr, ...) must see the value as written. */
  const startType = (m: Modifier, next: ChainKind): void => {
    if (kind !== 'string') fail(m, `'${m.name}' cannot be combined with '${kindModifier?.name}'`);
    else if (transformedBy) fail(m, `'${m.name}' must come before '${transformedBy.name}': it works on the value as written`);
    kind = next;
    kindModifier = m;
  };
  const exists = modifiers.find((m) => m.name === 'exists');
  if (exists && modifiers.length > 1) {
    fail(exists, "'exists' cannot be combined with other modifiers");
    return { kind: 'exists', ok, combine, negated, diagnostics };
  }
  for (const m of modifiers) {
    const name = m.name;
    if (name === 'all') combine = 'and';
    else if (name === 'neq') negated = true;
    else if (name === 're') startType(m, 'regex');
    else if (name === 'i' || name === 'm' || name === 's') {
      if (kind !== 'regex') fail(m, `'${name}' is a flag of 're' and needs 're' before it`);
    } else if (name === 'cidr') startType(m, 'cidr');
    else if (COMPARE_OPS.has(name)) startType(m, 'compare');
    else if (TIME_PARTS.has(name)) startType(m, 'timepart');
    else if (name === 'exists') {
      if (field === null) fail(m, "'exists' needs a field name: 'Field|exists: true'");
      kind = 'exists';
      kindModifier = m;
    } else if (name === 'fieldref') {
      if (kind !== 'string') fail(m, `'fieldref' cannot be combined with '${kindModifier?.name}'`);
      else if (transformedBy && transformedBy.name !== 'cased') {
        fail(m, `'fieldref' must come before '${transformedBy.name}' (write 'Field|fieldref|${transformedBy.name}')`);
      }
      kind = 'fieldref';
      kindModifier = m;
    } else if (kind === 'fieldref' && (WILDCARD_MODIFIERS.has(name) || name === 'cased')) {
      // contains/startswith/endswith/cased qualify a field reference.
    } else if (kind === 'regex' && name === 'expand') {
      // placeholders inside a regular expression are supported
    } else if (TRANSFORMING.has(name)) {
      if (kind === 'string') transformedBy ??= m;
      else if (kind === 'regex' && WILDCARD_MODIFIERS.has(name)) {
        fail(m, `'${name}' cannot be combined with 're': a regular expression already matches anywhere unless anchored with ^ or $`);
      } else if (kind === 'regex' && name === 'cased') {
        fail(m, "'cased' cannot be combined with 're': regular expressions are case-sensitive unless 'i' is given");
      } else fail(m, `'${name}' cannot be combined with '${kindModifier?.name ?? KIND_MODIFIER[kind]}'`);
    }
  }
  if (field === null && (kind === 'compare' || kind === 'timepart' || kind === 'fieldref') && kindModifier) {
    fail(kindModifier, `'${kindModifier.name}' needs a field name`);
  }

  const names = modifiers.map((m) => m.name);
  const seen = new Set<string>();
  for (const m of modifiers) {
    if (seen.has(m.name) && m.name !== 'base64') {
      diagnostics.push({
        code: 'duplicate-modifier',
        severity: 'warning',
        message: `modifier '${m.name}' is applied more than once`,
        range: m.range,
        fixes: [{ title: `Remove the second '${m.name}'`, range: withLeadingPipe(m.range), text: '' }],
      });
    }
    seen.add(m.name);
  }
  const allModifier = modifiers.find((m) => m.name === 'all');
  if (ok && allModifier && field !== null && kind === 'string' && !names.includes('contains')) {
    diagnostics.push({
      code: 'all-without-contains',
      severity: 'warning',
      message: "'all' without 'contains': one field value can rarely equal several different values at once",
      range: allModifier.range,
    });
  }
  const b64o = modifiers.find((m) => m.name === 'base64offset');
  if (b64o && !names.includes('contains')) {
    diagnostics.push({
      code: 'base64offset-without-contains',
      severity: 'warning',
      message: "'base64offset' without 'contains': the offset encodings only match inside a longer base64 string",
      range: b64o.range,
    });
  }
  const windash = modifiers.find((m) => m.name === 'windash');
  if (windash && allModifier) {
    diagnostics.push({
      code: 'windash-with-all',
      severity: 'warning',
      message: "'windash' combined with 'all': every value must match, but each dash variant is an alternative",
      range: windash.range,
    });
  }
  return { kind, ok, combine, negated, diagnostics };
}

/** One YAML scalar of a detection value, as the loader hands it over. */
export interface ScalarInput {
  /** Plain scalars: the source text (`00000429` stays as written). Quoted: the unquoted text. */
  text: string;
  /** A plain (unquoted) scalar. */
  plain: boolean;
  /** A double-quoted scalar (where `\t`, `\n` are escapes, a classic slip in Windows paths). */
  doubleQuoted?: boolean;
  /** `null`, `~` or an empty value. */
  isNull: boolean;
  /** A plain decimal number. */
  number?: number;
  /** A plain `true` / `false`. */
  boolean?: boolean;
  range: SourceRange;
  /** Maps offsets in `text` to source ranges, for diagnostics about a part of the value. */
  rangeOf?: RangeOf;
}

export interface BuildContext {
  placeholders?: Record<string, string[]>;
}

export interface BuiltValue {
  value?: SigmaValue;
  diagnostics: Diagnostic[];
}

/** Applies a checked chain to one value. */
export function buildValue(input: ScalarInput, modifiers: readonly Modifier[], chain: ChainInfo, ctx: BuildContext = {}): BuiltValue {
  switch (chain.kind) {
    case 'regex':
      return buildRegex(input, modifiers, ctx);
    case 'cidr':
      return buildCidr(input);
    case 'compare':
      return buildCompare(input, modifiers);
    case 'timepart':
      return buildTimePart(input, modifiers);
    case 'exists':
      return buildExists(input);
    case 'fieldref':
      return buildFieldRef(input, modifiers);
    default:
      return buildString(input, modifiers, ctx);
  }
}

function error(code: string, message: string, range: SourceRange): Diagnostic {
  return { code, severity: 'error', message, range };
}

function partRange(input: ScalarInput, start: number, end: number): SourceRange {
  return input.rangeOf ? input.rangeOf(start, end) : input.range;
}

/** Parses a number the way YAML writes them: decimal, with fraction/exponent, or 0x hex. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  if (/^[-+]?0x[0-9a-fA-F]+$/.test(t)) {
    const neg = t.startsWith('-');
    const n = parseInt(t.replace(/^[-+]/, '').slice(2), 16);
    return Number.isFinite(n) ? (neg ? -n : n) : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------- regular expressions

const UNSUPPORTED_REGEX: Array<{ re: RegExp; what: string }> = [
  { re: /^\(\?<[=!]/, what: 'look-behind' },
  { re: /^\(\?[=!]/, what: 'look-ahead' },
  { re: /^\(\?>/, what: 'an atomic group' },
  { re: /^\(\?\|/, what: 'a branch-reset group' },
  { re: /^\(\?\(/, what: 'a conditional group' },
  { re: /^\(\?(R|[+-]?\d+|&\w+|P>\w+)\)/, what: 'recursion' },
  { re: /^\\[1-9]\d*/, what: 'a back-reference' },
  { re: /^\\[kg][<{'][^>}']*[>}']/, what: 'a named back-reference' },
  { re: /^\\g-?\d+/, what: 'a back-reference' },
  { re: /^(\*|\+|\?|\})\+/, what: 'a possessive quantifier' },
  { re: /^\\[GKRXZ]/, what: 'a PCRE-only escape' },
];

/**
 * The first construct RE2 lacks (look-around, back-references, ...) outside character classes:
 * its offset, length and name.
 */
export function findUnsupportedRegex(pattern: string): { start: number; end: number; what: string } | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '\\' || c === '(' || c === '*' || c === '+' || c === '?' || c === '}') {
      const rest = pattern.slice(i, i + 40);
      for (const { re, what } of UNSUPPORTED_REGEX) {
        const m = re.exec(rest);
        if (m) return { start: i, end: i + m[0].length, what };
      }
      if (c === '\\') i++;
    }
  }
  return undefined;
}

/** Validates a pattern with RE2 (the engine of the matcher and of KQL `matches regex`). */
export function validateRegex(pattern: string, flags: { i: boolean; m: boolean; s: boolean }, input: ScalarInput, offset = 0): Diagnostic[] {
  let reFlags = 0;
  if (flags.i) reFlags |= RE2JS.CASE_INSENSITIVE;
  if (flags.m) reFlags |= RE2JS.MULTILINE;
  if (flags.s) reFlags |= RE2JS.DOTALL;
  try {
    RE2JS.compile(pattern, reFlags);
    return [];
  } catch (e) {
    const unsupported = findUnsupportedRegex(pattern);
    if (unsupported) {
      return [
        error(
          'regex-unsupported',
          `${unsupported.what} ('${pattern.slice(unsupported.start, unsupported.end)}') is not supported: regular expressions run on RE2, the linear-time engine that KQL 'matches regex' also uses`,
          partRange(input, offset + unsupported.start, offset + unsupported.end),
        ),
      ];
    }
    const raw = e instanceof Error ? e.message : String(e);
    const message = raw.replace(/^error parsing regexp:\s*/, '');
    const snippet = /`([^`]*)`\s*$/.exec(message)?.[1];
    const at = snippet ? pattern.indexOf(snippet) : -1;
    const range = at >= 0 ? partRange(input, offset + at, offset + at + snippet!.length) : input.range;
    return [error('invalid-regex', `invalid regular expression: ${message}`, range)];
  }
}

function buildRegex(input: ScalarInput, modifiers: readonly Modifier[], ctx: BuildContext): BuiltValue {
  if (input.isNull) return { diagnostics: [error('invalid-value', "'re' needs a regular expression, not null", input.range)] };
  const flags = { i: false, m: false, s: false };
  for (const m of modifiers) if (m.name === 'i' || m.name === 'm' || m.name === 's') flags[m.name] = true;
  const diagnostics: Diagnostic[] = [];
  let pattern = input.text;
  if (modifiers.some((m) => m.name === 'expand')) {
    // Placeholder values are inserted as written (as pySigma does), OR-ed in a group.
    const unresolved: string[] = [];
    pattern = pattern.replace(/(?<!\\)%([^%]+)%/g, (whole, name: string, index: number) => {
      const values = lookupPlaceholder(ctx, name);
      if (!values) {
        unresolved.push(name);
        diagnostics.push(unresolvedPlaceholder(input, name, index, whole.length));
        return whole;
      }
      return `(?:${values.join('|')})`;
    });
    if (unresolved.length > 0) {
      return { value: { kind: 'placeholder', name: unresolved[0], raw: input.text, range: input.range }, diagnostics };
    }
  }
  diagnostics.push(...validateRegex(pattern, flags, input));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { value: { kind: 'regex', pattern, flags, range: input.range }, diagnostics };
}

// ---------------------------------------------------------------- cidr, numbers, exists, fieldref

function buildCidr(input: ScalarInput): BuiltValue {
  const text = input.text.trim();
  const invalid = (why: string): BuiltValue => ({
    diagnostics: [error('invalid-cidr', `invalid CIDR '${input.text}': ${why}`, input.range)],
  });
  if (input.isNull || text === '') return invalid('a network such as 10.0.0.0/8 or fc00::/7 is expected');
  const slash = text.indexOf('/');
  const address = slash >= 0 ? text.slice(0, slash) : text;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : undefined;
  let family: 4 | 6;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) family = 4;
  else if (!address.includes('%') && ipaddr.IPv6.isValid(address)) family = 6;
  else return invalid(`'${address}' is not an IPv4 address (four decimal numbers) or an IPv6 address`);
  const max = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return invalid(`the prefix length '${prefixText}' is not a number`);
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return invalid(`the prefix length ${prefix} is larger than ${max}`);
  const cidr = `${address}/${prefix}`;
  const network = family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr).toString() : ipaddr.IPv6.networkAddressFromCIDR(cidr).toRFC5952String();
  const given = family === 4 ? ipaddr.IPv4.parse(address).toString() : ipaddr.IPv6.parse(address).toRFC5952String();
  const diagnostics: Diagnostic[] = [];
  if (given !== network) {
    diagnostics.push({
      code: 'cidr-host-bits',
      severity: 'warning',
      message: `'${text}' has host bits set; it means the network ${network}/${prefix}`,
      range: input.range,
      fixes: [{ title: `Change to ${network}/${prefix}`, range: input.range, text: `${network}/${prefix}` }],
    });
  }
  return { value: { kind: 'cidr', cidr: input.text, family, network, prefix, range: input.range }, diagnostics };
}

function numberOf(input: ScalarInput): number | undefined {
  if (input.isNull) return undefined;
  return input.number ?? parseNumber(input.text);
}

function buildCompare(input: ScalarInput, modifiers: readonly Modifier[]): BuiltValue {
  const op = modifiers.find((m) => COMPARE_OPS.has(m.name))!.name as CompareOp;
  const value = numberOf(input);
  if (value === undefined) {
    return { diagnostics: [error('not-a-number', `'${op}' needs a number, not '${input.isNull ? 'null' : input.text}'`, input.range)] };
  }
  return { value: { kind: 'compare', op, value, raw: input.text, range: input.range }, diagnostics: [] };
}

function buildTimePart(input: ScalarInput, modifiers: readonly Modifier[]): BuiltValue {
  const part = modifiers.find((m) => TIME_PARTS.has(m.name))!.name as TimePart;
  const value = numberOf(input);
  if (value === undefined || !Number.isInteger(value)) {
    return { diagnostics: [error('not-a-number', `'${part}' needs a whole number, not '${input.isNull ? 'null' : input.text}'`, input.range)] };
  }
  const [lo, hi] = TIME_RANGES[part];
  if (value < lo || value > hi) {
    return { diagnostics: [error('invalid-timepart', `'${part}' is between ${lo} and ${hi}; ${value} can never match`, input.range)] };
  }
  return { value: { kind: 'timepart', part, value, raw: input.text, range: input.range }, diagnostics: [] };
}

function buildExists(input: ScalarInput): BuiltValue {
  if (input.boolean === undefined) {
    return {
      diagnostics: [
        error(
          'invalid-exists-value',
          `'exists' needs true or false (unquoted), not '${input.isNull ? 'null' : input.text}'${/^(yes|no|on|off|y|n)$/i.test(input.text) ? " (YAML 1.1's yes/no are not booleans in Sigma v2)" : ''}`,
          input.range,
        ),
      ],
    };
  }
  return { value: { kind: 'exists', value: input.boolean, range: input.range }, diagnostics: [] };
}

function buildFieldRef(input: ScalarInput, modifiers: readonly Modifier[]): BuiltValue {
  if (input.isNull || input.text.trim() === '') {
    return { diagnostics: [error('invalid-fieldref', "'fieldref' needs the name of another field", input.range)] };
  }
  const parts = parseSigmaString(input.text);
  if (hasWildcard(parts)) {
    return { diagnostics: [error('invalid-fieldref', `a field reference cannot contain wildcards: '${input.text}'`, input.range)] };
  }
  let starts = false;
  let ends = false;
  let cased = false;
  for (const m of modifiers) {
    if (m.name === 'contains') starts = ends = true;
    else if (m.name === 'startswith') starts = true;
    else if (m.name === 'endswith') ends = true;
    else if (m.name === 'cased') cased = true;
  }
  // pySigma's flags: starts_with = the value may continue after the referenced one (startswith).
  const op = starts && ends ? 'contains' : starts ? 'startswith' : ends ? 'endswith' : 'equals';
  return { value: { kind: 'fieldref', field: plainText(parts), op, cased, range: input.range }, diagnostics: [] };
}

// ---------------------------------------------------------------- strings

const WORD_CHAR = /[\p{L}\p{N}_]/u;
/** windash replacements: hyphen-minus, slash, en dash, em dash, horizontal bar (modifiers appendix). */
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;

/**
 * windash, as pySigma does it (`\B[-/]\b` per text part): a `-` or `/` that starts a word (no word
 * character before it, a word character after it) becomes each of the five dash characters.
 */
function windashVariants(parts: readonly ValuePart[]): ValuePart[][] {
  let variants: ValuePart[][] = [[]];
  for (const p of parts) {
    if (p.kind !== 'text') {
      for (const v of variants) v.push(p);
      continue;
    }
    const t = p.text;
    const pieces: Array<string | null> = [];
    let last = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t[i];
      if ((c === '-' || c === '/') && (i === 0 || !WORD_CHAR.test(t[i - 1])) && i + 1 < t.length && WORD_CHAR.test(t[i + 1])) {
        pieces.push(t.slice(last, i), null);
        last = i + 1;
      }
    }
    pieces.push(t.slice(last));
    for (const piece of pieces) {
      if (piece === null) {
        const next: ValuePart[][] = [];
        for (const v of variants) for (const d of WINDASH_CHARS) next.push([...v, { kind: 'text', text: d }]);
        variants = next;
        if (variants.length > MAX_ALTERNATIVES) return variants;
      } else if (piece) {
        for (const v of variants) v.push({ kind: 'text', text: piece });
      }
    }
  }
  return variants.map((v) => normalizeParts(v));
}

/** Bytes of a text part: UTF-8 for text, one byte per char once wide/utf16 produced bytes. */
function toBytes(text: string, bytesMode: boolean): Uint8Array {
  if (!bytesMode) return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

/** UTF-16 encodings of text, kept as one char per byte so base64 can follow. */
function utf16(text: string, bigEndian: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const hi = String.fromCharCode(code >> 8);
    const lo = String.fromCharCode(code & 0xff);
    out += bigEndian ? hi + lo : lo + hi;
  }
  return out;
}

/**
 * base64offset: the value's encoding at the three byte offsets, trimmed to the characters that do
 * not depend on the surrounding bytes (pySigma's start offsets 0/2/3 and end trims 0/3/2, here
 * computed from the byte length rather than the character length, so non-ASCII text is right).
 */
function base64Offsets(bytes: Uint8Array): string[] {
  const startCut = [0, 2, 3];
  const endCut = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const padded = new Uint8Array(bytes.length + i);
    padded.fill(0x20, 0, i);
    padded.set(bytes, i);
    const enc = base64(padded);
    const piece = enc.slice(startCut[i], enc.length - endCut[(bytes.length + i) % 3]);
    if (piece && !out.includes(piece)) out.push(piece);
  }
  return out;
}

function lookupPlaceholder(ctx: BuildContext, name: string): string[] | undefined {
  const map = ctx.placeholders;
  if (!map || !Object.hasOwn(map, name)) return undefined;
  const values = map[name];
  return Array.isArray(values) ? values.map((v) => String(v)) : [String(values)];
}

function unresolvedPlaceholder(input: ScalarInput, name: string, index: number, length: number): Diagnostic {
  return error(
    'unresolved-placeholder',
    `placeholder '%${name}%' has no values: give them in the Placeholders tab (playground) or with --placeholders FILE (CLI), or the rule cannot be evaluated`,
    partRange(input, index, index + length),
  );
}

function buildString(input: ScalarInput, modifiers: readonly Modifier[], ctx: BuildContext): BuiltValue {
  const diagnostics: Diagnostic[] = [];
  const transforming = modifiers.filter((m) => TRANSFORMING.has(m.name) && m.name !== 'cased');
  if (input.isNull) {
    if (transforming.length > 0) {
      return { diagnostics: [error('invalid-value', `null cannot be used with '${transforming[0].name}'`, input.range)] };
    }
    return { value: { kind: 'null', range: input.range }, diagnostics };
  }
  let alts: ValuePart[][] = [parseSigmaString(input.text)];
  let bytesMode = false;
  let cased = false;
  for (const m of modifiers) {
    switch (m.name) {
      case 'contains':
        alts = alts.map((a) => wrapParts(a, true, true));
        break;
      case 'startswith':
        alts = alts.map((a) => wrapParts(a, false, true));
        break;
      case 'endswith':
        alts = alts.map((a) => wrapParts(a, true, false));
        break;
      case 'cased':
        cased = true;
        break;
      case 'windash':
        alts = alts.flatMap(windashVariants);
        break;
      case 'expand': {
        const next: ValuePart[][] = [];
        for (const alt of alts) next.push(...resolvePlaceholders(insertPlaceholders(alt), ctx, diagnostics, input, m));
        alts = next;
        break;
      }
      case 'wide':
      case 'utf16le':
      case 'utf16be':
      case 'utf16': {
        const be = m.name === 'utf16be';
        alts = alts.map((alt) => {
          const encoded: ValuePart[] = alt.map((p) => (p.kind === 'text' ? { kind: 'text', text: utf16(p.text, be) } : p));
          // The byte order mark of 'utf16' (modifiers appendix: FF FE, then little-endian).
          return m.name === 'utf16' ? [{ kind: 'text', text: '\xff\xfe' }, ...encoded] : encoded;
        });
        bytesMode = true;
        break;
      }
      case 'base64':
      case 'base64offset': {
        const next: ValuePart[][] = [];
        for (const alt of alts) {
          if (hasWildcard(alt) || alt.some((p) => p.kind === 'placeholder')) {
            return {
              diagnostics: [
                ...diagnostics,
                error(
                  'base64-wildcard',
                  `'${m.name}' cannot encode wildcards or placeholders: the encoded form of '*' is not a wildcard (put 'contains' after '${m.name}', or escape the wildcard as \\*)`,
                  m.range,
                ),
              ],
            };
          }
          const bytes = toBytes(plainText(alt), bytesMode);
          const encoded = m.name === 'base64' ? [base64(bytes)] : base64Offsets(bytes);
          for (const e of encoded) next.push([{ kind: 'text', text: e }]);
        }
        alts = next;
        bytesMode = false;
        break;
      }
      default:
        break; // all, neq: item-level
    }
    if (alts.length > MAX_ALTERNATIVES) {
      return {
        diagnostics: [
          ...diagnostics,
          error('too-many-alternatives', `'${m.name}' expands this value into more than ${MAX_ALTERNATIVES} alternatives`, m.range),
        ],
      };
    }
  }
  const unresolved = alts.flatMap(placeholderNames);
  if (unresolved.length > 0) {
    return { value: { kind: 'placeholder', name: unresolved[0], raw: input.text, range: input.range }, diagnostics };
  }
  const patterns: Array<{ parts: PatternPart[] }> = [];
  if (alts.length === 1) patterns.push({ parts: normalizeParts(alts[0]) as PatternPart[] });
  else {
    const seen = new Set<string>();
    for (const alt of alts) {
      const parts = normalizeParts(alt) as PatternPart[];
      const key = JSON.stringify(parts);
      if (seen.has(key)) continue;
      seen.add(key);
      patterns.push({ parts });
    }
  }
  const value: SigmaValue = { kind: 'string', raw: input.text, patterns, cased, range: input.range };
  // number/boolean describe the value as written; once a modifier changed it they no longer apply.
  if (transforming.length === 0) {
    if (input.number !== undefined) value.number = input.number;
    if (input.boolean !== undefined) value.boolean = input.boolean;
  }
  return { value, diagnostics };
}

/** Replaces placeholder parts with each of their values (parsed as Sigma strings); keeps unknown ones. */
function resolvePlaceholders(parts: ValuePart[], ctx: BuildContext, diagnostics: Diagnostic[], input: ScalarInput, modifier: Modifier): ValuePart[][] {
  let variants: ValuePart[][] = [[]];
  for (const p of parts) {
    if (p.kind !== 'placeholder') {
      for (const v of variants) v.push(p);
      continue;
    }
    const values = lookupPlaceholder(ctx, p.name);
    if (!values) {
      const token = `%${p.name}%`;
      const at = input.text.indexOf(token);
      if (!diagnostics.some((d) => d.code === 'unresolved-placeholder' && d.message.includes(`'${token}'`))) {
        diagnostics.push(unresolvedPlaceholder(input, p.name, Math.max(0, at), at >= 0 ? token.length : input.text.length));
      }
      for (const v of variants) v.push(p);
      continue;
    }
    if (values.length === 0) {
      diagnostics.push({
        code: 'empty-placeholder',
        severity: 'warning',
        message: `placeholder '%${p.name}%' has an empty value list: this value can never match`,
        range: modifier.range,
      });
    }
    const next: ValuePart[][] = [];
    for (const v of variants) for (const value of values) next.push([...v, ...parseSigmaString(value)]);
    variants = next;
    if (variants.length > MAX_ALTERNATIVES) return variants;
  }
  return variants;
}
