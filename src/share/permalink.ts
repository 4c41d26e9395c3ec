/**
 * The permalink codec: the whole playground state in a URL fragment (never sent to a server).
 *
 * Format v1 (`v1/<payload>`): payload = base64url, without padding, of raw DEFLATE (RFC 1951)
 * with the frozen preset dictionary of dictionary-v1.ts, of this byte layout:
 *
 *   fields := field* 0x00 crc32
 *   field  := tag:varint length:varint bytes[length]      (tag >= 1, each tag at most once)
 *   crc32  := CRC-32 (IEEE) of every byte before the 0x00, 4 bytes big-endian
 *
 *   tag 1 rule, 2 target, 3 events, 4 expectations, 5 mapping, 6 placeholders, 7 selectedRow,
 *       8 expectation tokens (added later, additively: a decoder without it skips it)
 *
 * Text is WTF-8 (UTF-8 that also carries lone surrogates), so every JavaScript string survives
 * byte for byte, including broken pastes. Expectations are `index` + `m`/`f`/`n` joined with `,`
 * (`0m,3f`); selectedRow is decimal. Tag 8 carries expectations tag 4 cannot say exactly
(`no-alert`, `filtered:<identifier>`) as a JSON object of index → token (`{"2":"no-alert"}`);
it is written only when needed, next to tag 4's nearest v1 reading, so older decoders still get
every expectation they can represent. Later versions can add tags: a v1 decoder skips tags it does
 * not know and says so, and every later decoder keeps reading v1. A change that old decoders
 * cannot skip gets a new version prefix, and the decoders of older versions stay as they are.
 *
 * Prefill links from other sites: `rule=<base64url of the YAML, UTF-8>&target=<id>`.
 *
 * Links are input from someone else: decoding never throws, refuses fragments over 1 MB and
 * payloads that inflate past 16 MiB (decompression bombs), checks the checksum, and returns either
 * a whole state or none.
 */
import { deflateSync, Inflate } from 'fflate';
import type { Diagnostic } from '../diagnostics.ts';
import { PERMALINK_DICTIONARY_V1 } from './dictionary-v1.ts';

export type ExpectedVerdict = 'match' | 'filtered' | 'nomatch';

export interface ShareState {
  /** The rule text, byte for byte. */
  rule: string;
  /** Target id (`sentinel-asim`, ...). Empty when a prefill link named none. */
  target: string;
  /** The events as pasted. */
  events?: string;
  /** Expected verdict per event index. */
  expectations?: Record<number, ExpectedVerdict>;
  /**
   * Expected verdicts in full, as `expectationToken` (src/tests/expectations.ts) writes them:
   * `match`, `nomatch`, `no-alert`, `filtered`, `filtered:<identifier>`. On encode, when given,
   * it supersedes `expectations` (tag 4 gets its nearest v1 reading). On decode it is set only
   * when the link carries tokens tag 4 cannot say; readers use it first, then `expectations`.
   */
  expectationTokens?: Record<number, string>;
  /** Custom field mapping, as the user wrote it. */
  mapping?: string;
  /** Placeholder values, as the user wrote them. */
  placeholders?: string;
  /** The selected event row. */
  selectedRow?: number;
}

export interface DecodeResult {
  /** The whole decoded state; absent when the link could not be read (never partial). */
  state?: ShareState;
  /** `v1`, or `prefill` for `#rule=...` links. */
  format?: 'v1' | 'prefill';
  diagnostics: Diagnostic[];
}

export const PERMALINK_VERSION = 1;
/** Fragments longer than this are refused before any work is done. */
export const MAX_LINK_CHARS = 1_000_000;
/** Inflating stops once the output passes this size: a link cannot be a decompression bomb. */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;
/** Above this many characters chat and wiki tools tend to cut links; the UI warns. */
export const LONG_LINK_CHARS = 8000;

const DICTIONARY_V1 = encodeWtf8(PERMALINK_DICTIONARY_V1);

const TAG = { rule: 1, target: 2, events: 3, expectations: 4, mapping: 5, placeholders: 6, selectedRow: 7, expectationTokens: 8 } as const;
/** The highest tag this decoder knows; higher ones are skipped with a note. */
const LAST_KNOWN_TAG = TAG.expectationTokens;
const VERDICT_CODES: Record<ExpectedVerdict, string> = { match: 'm', filtered: 'f', nomatch: 'n' };
const CODE_VERDICTS: Record<string, ExpectedVerdict> = { m: 'match', f: 'filtered', n: 'nomatch' };

// ---------------------------------------------------------------------------------------------
// Bytes: WTF-8, base64url, varints, CRC-32

/** UTF-8, except that a lone surrogate is written as its own 3-byte sequence (WTF-8). */
export function encodeWtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return out.slice(0, n);
}

/**
 * Strict WTF-8 decoding: undefined for overlong forms, stray continuation bytes, truncated
 * sequences, code points above U+10FFFF, and surrogate pairs written as two 3-byte sequences
 * (the encoder never writes those, so accepting them would make two byte strings mean one text).
 */
export function decodeWtf8(bytes: Uint8Array): string | undefined {
  const parts: string[] = [];
  let units: number[] = [];
  let lastWasLeadSurrogate = false;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let c: number;
    let len: number;
    if (b < 0x80) {
      c = b;
      len = 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
      c = b & 31;
      len = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      c = b & 15;
      len = 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      c = b & 7;
      len = 4;
    } else return undefined;
    if (i + len > bytes.length) return undefined;
    for (let k = 1; k < len; k++) {
      const cont = bytes[i + k];
      if ((cont & 0xc0) !== 0x80) return undefined;
      c = (c << 6) | (cont & 63);
    }
    if ((len === 3 && c < 0x800) || (len === 4 && (c < 0x10000 || c > 0x10ffff))) return undefined;
    const isLead = c >= 0xd800 && c <= 0xdbff;
    const isTrail = c >= 0xdc00 && c <= 0xdfff;
    if (isTrail && lastWasLeadSurrogate) return undefined;
    lastWasLeadSurrogate = isLead;
    if (c >= 0x10000) {
      c -= 0x10000;
      units.push(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
    } else units.push(c);
    i += len;
    if (units.length >= 8192) {
      parts.push(String.fromCharCode(...units));
      units = [];
    }
  }
  parts.push(String.fromCharCode(...units));
  return parts.join('');
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_VALUES: Int16Array = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64URL.charCodeAt(i)] = i;
  // The standard alphabet too, for prefill links written by other sites.
  t['+'.charCodeAt(0)] = 62;
  t['/'.charCodeAt(0)] = 63;
  return t;
})();

export function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  const chunk: string[] = [];
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk.push(B64URL[v >> 18], B64URL[(v >> 12) & 63], B64URL[(v >> 6) & 63], B64URL[v & 63]);
    if (chunk.length >= 16384) {
      out += chunk.join('');
      chunk.length = 0;
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    chunk.push(B64URL[v >> 18], B64URL[(v >> 12) & 63]);
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    chunk.push(B64URL[v >> 18], B64URL[(v >> 12) & 63], B64URL[(v >> 6) & 63]);
  }
  return out + chunk.join('');
}

/**
 * Decodes base64url (or standard base64; padding optional). Undefined for any other character,
 * an impossible length, or non-zero leftover bits (so one byte string has one spelling).
 */
export function base64UrlDecode(text: string): Uint8Array | undefined {
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end--;
  if (text.length - end > 2) return undefined;
  if (end % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? B64_VALUES[code] : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) return undefined;
  return out.subarray(0, n);
}

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

class ByteWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  varint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.byte((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.byte(v);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function expectationsText(expectations: Record<number, ExpectedVerdict>): string {
  return Object.entries(expectations)
    .filter(([k, v]) => /^(0|[1-9]\d*)$/.test(k) && Number.isSafeInteger(Number(k)) && v in VERDICT_CODES)
    .map(([k, v]) => [Number(k), VERDICT_CODES[v]] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([k, code]) => `${k}${code}`)
    .join(',');
}

const INDEX_RE = /^(0|[1-9]\d{0,14})$/;
const TOKEN_RE = /^(match|nomatch|no-alert|filtered(:[^\n]{1,200})?)$/;

/** The tokens that are valid, by index; the v1 (tag 4) reading of each; and whether tag 4 says them all exactly. */
function splitTokens(tokens: Record<number, string>): { valid: Record<string, string>; v1: Record<number, ExpectedVerdict>; exact: boolean } {
  const valid: Record<string, string> = {};
  const v1: Record<number, ExpectedVerdict> = {};
  let exact = true;
  for (const [k, raw] of Object.entries(tokens)) {
    const t = typeof raw === 'string' ? raw.trim() : '';
    if (!INDEX_RE.test(k) || !TOKEN_RE.test(t)) continue;
    valid[k] = t;
    if (t === 'match' || t === 'nomatch' || t === 'filtered') v1[Number(k)] = t;
    else {
      exact = false;
      if (t.startsWith('filtered:')) v1[Number(k)] = 'filtered';
    }
  }
  return { valid, v1, exact };
}

/** The v1 fragment (without `#`) for a state. */
export function encodePermalink(state: ShareState): string {
  const w = new ByteWriter();
  const field = (tag: number, text: string | undefined) => {
    if (text === undefined) return;
    const bytes = encodeWtf8(String(text));
    w.varint(tag);
    w.varint(bytes.length);
    w.bytes(bytes);
  };
  field(TAG.rule, state.rule ?? '');
  field(TAG.target, state.target ?? '');
  field(TAG.events, state.events);
  const tokens = state.expectationTokens ? splitTokens(state.expectationTokens) : undefined;
  if (tokens) field(TAG.expectations, expectationsText(tokens.v1));
  else if (state.expectations) field(TAG.expectations, expectationsText(state.expectations));
  field(TAG.mapping, state.mapping);
  field(TAG.placeholders, state.placeholders);
  if (state.selectedRow !== undefined && Number.isSafeInteger(state.selectedRow) && state.selectedRow >= 0) {
    field(TAG.selectedRow, String(state.selectedRow));
  }
  if (tokens && !tokens.exact) field(TAG.expectationTokens, JSON.stringify(tokens.valid));
  const body = w.result();
  const crc = crc32(body);
  w.byte(0);
  w.byte(crc >>> 24);
  w.byte((crc >>> 16) & 0xff);
  w.byte((crc >>> 8) & 0xff);
  w.byte(crc & 0xff);
  const compressed = deflateSync(w.result(), { level: 9, dictionary: DICTIONARY_V1 });
  return `v${PERMALINK_VERSION}/${base64UrlEncode(compressed)}`;
}

/** A prefill fragment for "open in siglab" buttons: `rule=<base64url YAML>&target=<id>`. */
export function encodePrefill(rule: string, target?: string): string {
  const base = `rule=${base64UrlEncode(encodeWtf8(rule))}`;
  return target ? `${base}&target=${encodeURIComponent(target)}` : base;
}

// ---------------------------------------------------------------------------------------------
// Decoding

function problem(code: string, message: string): DecodeResult {
  return { diagnostics: [{ code, severity: 'error', message }] };
}

type InflateOutcome = { bytes: Uint8Array } | { error: 'too-large' | 'truncated' | 'corrupt'; detail: string };

/** Inflates in small steps so that a bomb is stopped after at most about one step of output. */
function inflateCapped(data: Uint8Array, dictionary: Uint8Array, cap: number): InflateOutcome {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  let over = false;
  const inflater = new Inflate({ dictionary }, (chunk, final) => {
    total += chunk.length;
    if (total > cap) over = true;
    else chunks.push(chunk);
    if (final) ended = true;
  });
  const step = 1024;
  try {
    for (let i = 0; i < data.length && !over; i += step) {
      const end = Math.min(data.length, i + step);
      inflater.push(data.subarray(i, end), end === data.length);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { error: /unexpected EOF/i.test(detail) ? 'truncated' : 'corrupt', detail };
  }
  if (over) return { error: 'too-large', detail: `more than ${cap} bytes` };
  if (!ended) return { error: 'truncated', detail: 'the compressed data ends early' };
  const out = new Uint8Array(total);
  let n = 0;
  for (const c of chunks) {
    out.set(c, n);
    n += c.length;
  }
  return { bytes: out };
}

function readVarint(bytes: Uint8Array, pos: { i: number }): number | undefined {
  let value = 0;
  let scale = 1;
  for (let k = 0; k < 5; k++) {
    if (pos.i >= bytes.length) return undefined;
    const b = bytes[pos.i++];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return value;
    scale *= 128;
  }
  return undefined;
}

const CORRUPT = 'This link is damaged (perhaps cut off or altered when it was copied); nothing was loaded.';

function decodeV1(payload: string): DecodeResult {
  if (!/^[A-Za-z0-9_-]*$/.test(payload)) {
    return problem('link-corrupt', `${CORRUPT} It contains characters that a siglab link never has.`);
  }
  const compressed = payload === '' ? undefined : base64UrlDecode(payload);
  if (!compressed) return problem('link-truncated', 'This link is incomplete (it was probably cut off when it was copied); nothing was loaded.');
  const inflated = inflateCapped(compressed, DICTIONARY_V1, MAX_INFLATED_BYTES);
  if ('error' in inflated) {
    if (inflated.error === 'too-large') {
      return problem('link-too-large', `This link unpacks to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MiB; it was refused and nothing was loaded.`);
    }
    if (inflated.error === 'truncated') return problem('link-truncated', 'This link is incomplete (it was probably cut off when it was copied); nothing was loaded.');
    return problem('link-corrupt', CORRUPT);
  }
  const bytes = inflated.bytes;
  const pos = { i: 0 };
  const fields = new Map<number, Uint8Array>();
  const unknownTags: number[] = [];
  for (;;) {
    const tagStart = pos.i;
    const tag = readVarint(bytes, pos);
    if (tag === undefined) return problem('link-corrupt', CORRUPT);
    if (tag === 0) {
      if (bytes.length - pos.i !== 4) return problem('link-corrupt', CORRUPT);
      const stored = ((bytes[pos.i] << 24) | (bytes[pos.i + 1] << 16) | (bytes[pos.i + 2] << 8) | bytes[pos.i + 3]) >>> 0;
      if (crc32(bytes.subarray(0, tagStart)) !== stored) return problem('link-corrupt', `${CORRUPT} (checksum mismatch)`);
      break;
    }
    const length = readVarint(bytes, pos);
    if (length === undefined || pos.i + length > bytes.length) return problem('link-corrupt', CORRUPT);
    if (fields.has(tag)) return problem('link-corrupt', CORRUPT);
    fields.set(tag, bytes.subarray(pos.i, pos.i + length));
    if (tag > LAST_KNOWN_TAG) unknownTags.push(tag);
    pos.i += length;
  }
  const text = (tag: number): string | undefined | null => {
    const b = fields.get(tag);
    if (!b) return undefined;
    const s = decodeWtf8(b);
    return s === undefined ? null : s;
  };
  const rule = text(TAG.rule);
  const target = text(TAG.target);
  if (typeof rule !== 'string' || typeof target !== 'string') return problem('link-corrupt', CORRUPT);
  const state: ShareState = { rule, target };
  for (const key of ['events', 'mapping', 'placeholders'] as const) {
    const value = text(TAG[key]);
    if (value === null) return problem('link-corrupt', CORRUPT);
    if (value !== undefined) state[key] = value;
  }
  const expectations = text(TAG.expectations);
  if (expectations === null) return problem('link-corrupt', CORRUPT);
  if (expectations !== undefined) {
    const map: Record<number, ExpectedVerdict> = {};
    if (expectations !== '') {
      for (const item of expectations.split(',')) {
        const m = /^(0|[1-9]\d{0,14})([mfn])$/.exec(item);
        if (!m) return problem('link-corrupt', CORRUPT);
        map[Number(m[1])] = CODE_VERDICTS[m[2]];
      }
    }
    state.expectations = map;
  }
  const row = text(TAG.selectedRow);
  if (row === null) return problem('link-corrupt', CORRUPT);
  if (row !== undefined) {
    if (!/^(0|[1-9]\d{0,14})$/.test(row)) return problem('link-corrupt', CORRUPT);
    state.selectedRow = Number(row);
  }
  const tokenText = text(TAG.expectationTokens);
  if (tokenText === null) return problem('link-corrupt', CORRUPT);
  if (tokenText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tokenText);
    } catch {
      return problem('link-corrupt', CORRUPT);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return problem('link-corrupt', CORRUPT);
    const map: Record<number, string> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (!INDEX_RE.test(k) || typeof v !== 'string' || !TOKEN_RE.test(v)) return problem('link-corrupt', CORRUPT);
      map[Number(k)] = v;
    }
    state.expectationTokens = map;
  }
  const diagnostics: Diagnostic[] = [];
  if (unknownTags.length > 0) {
    diagnostics.push({
      code: 'link-newer-fields',
      severity: 'info',
      message: 'This link was made by a newer siglab and carries data this version does not know; that part was skipped.',
    });
  }
  return { state, format: 'v1', diagnostics };
}

function decodePrefill(fragment: string): DecodeResult {
  const params = new Map<string, string>();
  for (const part of fragment.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    let value = eq < 0 ? '' : part.slice(eq + 1);
    try {
      value = decodeURIComponent(value);
    } catch {
      return problem('link-corrupt', `The '${key}' part of this link is not valid URL text; nothing was loaded.`);
    }
    if (!params.has(key)) params.set(key, value);
  }
  const encoded = params.get('rule');
  if (encoded === undefined) return problem('link-corrupt', 'This link has no rule; nothing was loaded.');
  const bytes = base64UrlDecode(encoded.replace(/\s+/g, ''));
  const rule = bytes ? decodeWtf8(bytes) : undefined;
  if (rule === undefined) {
    return problem('link-corrupt', "The rule in this link is not valid base64url-encoded UTF-8 text; nothing was loaded.");
  }
  const diagnostics: Diagnostic[] = [];
  const target = params.get('target') ?? '';
  if (!target) {
    diagnostics.push({ code: 'link-no-target', severity: 'info', message: 'This link names no target; the current target is kept.' });
  }
  return { state: { rule, target }, format: 'prefill', diagnostics };
}

/**
 * Reads a fragment (with or without the leading `#`). Never throws; on any problem the result
 * has no state and an error diagnostic saying what is wrong.
 */
export function decodePermalink(fragment: string): DecodeResult {
  try {
    if (typeof fragment !== 'string') return problem('link-corrupt', 'This link is not text; nothing was loaded.');
    if (fragment.length > MAX_LINK_CHARS + 1) {
      return problem('link-too-large', `This link is ${fragment.length.toLocaleString('en-US')} characters long, over the ${MAX_LINK_CHARS.toLocaleString('en-US')}-character limit; it was refused and nothing was loaded.`);
    }
    const f = (fragment.startsWith('#') ? fragment.slice(1) : fragment).trim();
    if (f.length > MAX_LINK_CHARS) {
      return problem('link-too-large', `This link is ${f.length.toLocaleString('en-US')} characters long, over the ${MAX_LINK_CHARS.toLocaleString('en-US')}-character limit; it was refused and nothing was loaded.`);
    }
    if (f === '') return problem('link-empty', 'The link carries no state.');
    const version = /^v(\d{1,6})\//.exec(f);
    if (version) {
      const v = Number(version[1]);
      if (v === 1) return decodeV1(f.slice(version[0].length));
      if (v > PERMALINK_VERSION) {
        return problem('link-version', `This link was made by a newer siglab (format v${v}); this version reads up to v${PERMALINK_VERSION}. Nothing was loaded.`);
      }
      return problem('link-version', `Unknown link format v${v}; nothing was loaded.`);
    }
    if (/^rule=|&rule=/.test(f)) return decodePrefill(f);
    return problem('link-corrupt', 'This is not a siglab link (it should start with #v1/ or #rule=); nothing was loaded.');
  } catch (e) {
    // Defensive: a bug must not break page load when someone opens a link.
    return problem('link-corrupt', `${CORRUPT} (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** One line for the "restored ..." message: `rule (1,234 bytes), target sentinel-asim, 12 events lines, ...`. */
export function describeShareState(state: ShareState): string {
  const parts = [`rule (${encodeWtf8(state.rule).length.toLocaleString('en-US')} bytes)`];
  if (state.target) parts.push(`target ${state.target}`);
  if (state.events !== undefined) parts.push(`events (${encodeWtf8(state.events).length.toLocaleString('en-US')} bytes)`);
  const expected = new Set([...Object.keys(state.expectations ?? {}), ...Object.keys(state.expectationTokens ?? {})]).size;
  if (expected > 0) parts.push(`${expected} expected verdict${expected === 1 ? '' : 's'}`);
  if (state.mapping !== undefined) parts.push('field mapping');
  if (state.placeholders !== undefined) parts.push('placeholders');
  if (state.selectedRow !== undefined) parts.push(`selected row ${state.selectedRow + 1}`);
  return parts.join(', ');
}
