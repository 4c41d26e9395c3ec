/**
 * Decoding of BinXML substitution values (every scalar type and its array form) into the
 * renderings Windows uses: GUIDs upper-case in braces, SIDs as `S-1-...`, hex integers as `0x..`
 * without padding, FILETIME/SYSTEMTIME as ISO 8601 UTC.
 */
import { ValueType, type EvtxScalar, type EvtxValue } from './evtx-types.ts';

const utf16 = new TextDecoder('utf-16le');
const ansi = new TextDecoder('windows-1252');
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** UTF-16LE text of `count` code units at `pos`; short strings avoid the TextDecoder call overhead. */
export function readUtf16(bytes: Uint8Array, pos: number, count: number): string {
  if (count <= 0) return '';
  if (count < 24) {
    let s = '';
    for (let i = 0; i < count; i++) s += String.fromCharCode(bytes[pos + 2 * i] | (bytes[pos + 2 * i + 1] << 8));
    return s;
  }
  return utf16.decode(bytes.subarray(pos, pos + 2 * count));
}

function stripNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return end === s.length ? s : s.slice(0, end);
}

export function hexBytes(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[bytes[i]];
  return s;
}

const FILETIME_UNIX_EPOCH = 116444736000000000n;
/** Seconds between 1601-01-01 and 1970-01-01. */
const EPOCH_DELTA_SECONDS = 11644473600;

function isoWithTicks(unixSeconds: number, frac: number): string {
  const d = new Date(unixSeconds * 1000);
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return `${iso.slice(0, iso.length - 5)}.${String(frac).padStart(7, '0')}Z`;
}

/** FILETIME (100 ns ticks since 1601) as ISO 8601 with all seven fractional digits. */
export function filetimeToIso(ticks: bigint): string {
  const sinceUnix = ticks - FILETIME_UNIX_EPOCH;
  let seconds = sinceUnix / 10000000n;
  let frac = sinceUnix % 10000000n;
  if (frac < 0n) {
    frac += 10000000n;
    seconds -= 1n;
  }
  return isoWithTicks(Number(seconds), Number(frac)) || `FILETIME(${ticks})`;
}

/**
 * The same from the two 32-bit halves, without BigInt (the common path: one per record and per
 * FILETIME value). hi·2^32 = hi·429·10^7 + hi·4967296, which stays exact in a double while
 * hi < 2^30 (until about year 15,000); later values take the BigInt path.
 */
export function filetimePartsToIso(lo: number, hi: number): string {
  if (hi >= 0x40000000) return filetimeToIso((BigInt(hi) << 32n) | BigInt(lo));
  const rest = hi * 4967296 + lo;
  const restSeconds = Math.floor(rest / 10000000);
  const seconds = hi * 429 + restSeconds - EPOCH_DELTA_SECONDS;
  return isoWithTicks(seconds, rest - restSeconds * 10000000) || `FILETIME(${(BigInt(hi) << 32n) | BigInt(lo)})`;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function systemtimeToIso(view: DataView, p: number): string {
  const y = view.getUint16(p, true);
  const mo = view.getUint16(p + 2, true);
  const d = view.getUint16(p + 6, true);
  const h = view.getUint16(p + 8, true);
  const mi = view.getUint16(p + 10, true);
  const s = view.getUint16(p + 12, true);
  const ms = view.getUint16(p + 14, true);
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;
}

function guidAt(bytes: Uint8Array, view: DataView, p: number): string {
  const d1 = view.getUint32(p, true).toString(16).toUpperCase().padStart(8, '0');
  const d2 = view.getUint16(p + 4, true).toString(16).toUpperCase().padStart(4, '0');
  const d3 = view.getUint16(p + 6, true).toString(16).toUpperCase().padStart(4, '0');
  return `{${d1}-${d2}-${d3}-${hexBytes(bytes, p + 8, p + 10)}-${hexBytes(bytes, p + 10, p + 16)}}`;
}

/** A SID at `p` with its byte length, or undefined when it does not fit in `end`. */
function sidAt(bytes: Uint8Array, view: DataView, p: number, end: number): { text: string; size: number } | undefined {
  if (p + 8 > end) return undefined;
  const revision = bytes[p];
  const count = bytes[p + 1];
  const size = 8 + 4 * count;
  if (p + size > end) return undefined;
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + bytes[p + i];
  let s = `S-${revision}-${authority}`;
  for (let i = 0; i < count; i++) s += `-${view.getUint32(p + 8 + 4 * i, true)}`;
  return { text: s, size };
}

function int64Value(v: bigint): number | string {
  return v <= 9007199254740991n && v >= -9007199254740991n ? Number(v) : v.toString();
}

/** Fixed byte width of a scalar type, 0 when variable. */
function widthOf(type: number, size: number): number {
  switch (type) {
    case ValueType.Int8:
    case ValueType.UInt8:
      return 1;
    case ValueType.Int16:
    case ValueType.UInt16:
      return 2;
    case ValueType.Int32:
    case ValueType.UInt32:
    case ValueType.Real32:
    case ValueType.Bool:
    case ValueType.HexInt32:
      return 4;
    case ValueType.Int64:
    case ValueType.UInt64:
    case ValueType.Real64:
    case ValueType.FileTime:
    case ValueType.HexInt64:
      return 8;
    case ValueType.Guid:
    case ValueType.SysTime:
      return 16;
    case ValueType.SizeT:
      return size === 4 ? 4 : 8;
    default:
      return 0;
  }
}

/** One fixed-width scalar at `p` (the caller guarantees `width` bytes are there). */
function fixedScalar(bytes: Uint8Array, view: DataView, type: number, p: number, width: number): EvtxScalar {
  switch (type) {
    case ValueType.Int8:
      return view.getInt8(p);
    case ValueType.UInt8:
      return bytes[p];
    case ValueType.Int16:
      return view.getInt16(p, true);
    case ValueType.UInt16:
      return view.getUint16(p, true);
    case ValueType.Int32:
      return view.getInt32(p, true);
    case ValueType.UInt32:
      return view.getUint32(p, true);
    case ValueType.Int64:
      return int64Value(view.getBigInt64(p, true));
    case ValueType.UInt64:
      return int64Value(view.getBigUint64(p, true));
    case ValueType.Real32:
      return view.getFloat32(p, true);
    case ValueType.Real64:
      return view.getFloat64(p, true);
    case ValueType.Bool:
      return view.getUint32(p, true) !== 0;
    case ValueType.Guid:
      return guidAt(bytes, view, p);
    case ValueType.FileTime:
      return filetimePartsToIso(view.getUint32(p, true), view.getUint32(p + 4, true));
    case ValueType.SysTime:
      return systemtimeToIso(view, p);
    case ValueType.HexInt32:
      return `0x${view.getUint32(p, true).toString(16)}`;
    case ValueType.HexInt64:
      return `0x${view.getBigUint64(p, true).toString(16)}`;
    case ValueType.SizeT:
      return width === 4 ? `0x${view.getUint32(p, true).toString(16)}` : `0x${view.getBigUint64(p, true).toString(16)}`;
    default:
      return hexBytes(bytes, p, p + width);
  }
}

/**
 * Decodes one substitution value of `type` occupying `bytes[pos, pos + size)`. Returns undefined
 * when the data cannot hold the type (the caller reports it). BinXML (0x21) is not handled here.
 */
export function decodeValue(bytes: Uint8Array, view: DataView, type: number, pos: number, size: number): EvtxValue | undefined {
  const end = pos + size;
  const base = type & 0x7f;
  if (type & ValueType.ArrayFlag) return decodeArray(bytes, view, base, pos, end);
  switch (base) {
    case ValueType.Null:
      return null;
    case ValueType.String:
      return stripNuls(readUtf16(bytes, pos, size >> 1));
    case ValueType.AnsiString:
      return stripNuls(ansi.decode(bytes.subarray(pos, end)));
    case ValueType.Binary:
    case ValueType.EvtHandle:
    case ValueType.EvtXml:
      return hexBytes(bytes, pos, end);
    case ValueType.Sid:
      return sidAt(bytes, view, pos, end)?.text;
    case ValueType.Bool:
      // Booleans are 32-bit, but tolerate narrower producers rather than dropping the value.
      if (size === 0) return undefined;
      for (let i = pos; i < end; i++) if (bytes[i] !== 0) return true;
      return false;
    default: {
      const width = widthOf(base, size);
      if (width === 0 || size < width) return size === 0 ? null : undefined;
      return fixedScalar(bytes, view, base, pos, width);
    }
  }
}

function decodeArray(bytes: Uint8Array, view: DataView, base: number, pos: number, end: number): EvtxScalar[] | undefined {
  const out: EvtxScalar[] = [];
  if (base === ValueType.String) {
    // Items are NUL-terminated UTF-16 strings laid end to end.
    let start = pos;
    for (let p = pos; p + 1 < end; p += 2) {
      if (bytes[p] === 0 && bytes[p + 1] === 0) {
        out.push(readUtf16(bytes, start, (p - start) >> 1));
        start = p + 2;
      }
    }
    if (start + 1 < end) out.push(readUtf16(bytes, start, (end - start) >> 1));
    return out;
  }
  if (base === ValueType.AnsiString) {
    let start = pos;
    for (let p = pos; p < end; p++) {
      if (bytes[p] === 0) {
        out.push(ansi.decode(bytes.subarray(start, p)));
        start = p + 1;
      }
    }
    if (start < end) out.push(ansi.decode(bytes.subarray(start, end)));
    return out;
  }
  if (base === ValueType.Sid) {
    let p = pos;
    while (p < end) {
      const sid = sidAt(bytes, view, p, end);
      if (!sid) return undefined;
      out.push(sid.text);
      p += sid.size;
    }
    return out;
  }
  const width = widthOf(base, base === ValueType.SizeT ? 8 : 0);
  if (width === 0 || (end - pos) % width !== 0) return undefined;
  for (let p = pos; p < end; p += width) out.push(fixedScalar(bytes, view, base, p, width));
  return out;
}

/** Text of a scalar the way Windows renders it inside event XML. */
export function scalarText(v: EvtxScalar): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}
