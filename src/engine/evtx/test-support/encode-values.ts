/** Encoders for substitution values (the inverse of ../values.ts), for building test files. */
import type { TValue } from './build-evtx.ts';

function le(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}
function utf16(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff, s.charCodeAt(i) >> 8);
  return out;
}
function f32(x: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return [...b];
}
function f64(x: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...b];
}
/** A GUID from its text form `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX`. */
export function guidBytes(text: string): number[] {
  const h = text.replace(/[{}-]/g, '');
  const d1 = le(BigInt('0x' + h.slice(0, 8)), 4);
  const d2 = le(BigInt('0x' + h.slice(8, 12)), 2);
  const d3 = le(BigInt('0x' + h.slice(12, 16)), 2);
  const d4: number[] = [];
  for (let i = 16; i < 32; i += 2) d4.push(parseInt(h.slice(i, i + 2), 16));
  return [...d1, ...d2, ...d3, ...d4];
}
function sidBytes(text: string): number[] {
  const [, rev, auth, ...subs] = text.split('-');
  return [Number(rev), subs.length, ...le(BigInt(auth), 6).reverse(), ...subs.flatMap((s) => le(BigInt(s), 4))];
}
function systemtime(iso: string): number[] {
  const d = new Date(iso);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()].flatMap((x) => le(BigInt(x), 2));
}
/** FILETIME ticks of an ISO time with up to 7 fractional digits. */
export function filetime(iso: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(iso);
  if (!m) throw new Error(`bad time ${iso}`);
  const seconds = BigInt(Date.parse(m[1] + 'Z') / 1000);
  const frac = BigInt((m[2] ?? '').padEnd(7, '0'));
  return (seconds + 11644473600n) * 10000000n + frac;
}

export const v = {
  null: (size = 0): TValue => ({ type: 0x00, bytes: new Array(size).fill(0) }),
  str: (s: string): TValue => ({ type: 0x01, bytes: utf16(s) }),
  ansi: (s: string): TValue => ({ type: 0x02, bytes: [...s].map((c) => c.charCodeAt(0) & 0xff) }),
  i8: (x: number): TValue => ({ type: 0x03, bytes: le(BigInt(x), 1) }),
  u8: (x: number): TValue => ({ type: 0x04, bytes: le(BigInt(x), 1) }),
  i16: (x: number): TValue => ({ type: 0x05, bytes: le(BigInt(x), 2) }),
  u16: (x: number): TValue => ({ type: 0x06, bytes: le(BigInt(x), 2) }),
  i32: (x: number): TValue => ({ type: 0x07, bytes: le(BigInt(x), 4) }),
  u32: (x: number): TValue => ({ type: 0x08, bytes: le(BigInt(x), 4) }),
  i64: (x: bigint): TValue => ({ type: 0x09, bytes: le(x, 8) }),
  u64: (x: bigint): TValue => ({ type: 0x0a, bytes: le(x, 8) }),
  f32: (x: number): TValue => ({ type: 0x0b, bytes: f32(x) }),
  f64: (x: number): TValue => ({ type: 0x0c, bytes: f64(x) }),
  bool: (x: boolean): TValue => ({ type: 0x0d, bytes: le(x ? 1n : 0n, 4) }),
  binary: (hex: string): TValue => ({ type: 0x0e, bytes: hex.match(/../g)!.map((b) => parseInt(b, 16)) }),
  guid: (text: string): TValue => ({ type: 0x0f, bytes: guidBytes(text) }),
  sizeT: (x: bigint): TValue => ({ type: 0x10, bytes: le(x, 8) }),
  filetime: (iso: string): TValue => ({ type: 0x11, bytes: le(filetime(iso), 8) }),
  systemtime: (iso: string): TValue => ({ type: 0x12, bytes: systemtime(iso) }),
  sid: (text: string): TValue => ({ type: 0x13, bytes: sidBytes(text) }),
  hex32: (x: number): TValue => ({ type: 0x14, bytes: le(BigInt(x), 4) }),
  hex64: (x: bigint): TValue => ({ type: 0x15, bytes: le(x, 8) }),
  strArray: (items: string[]): TValue => ({ type: 0x81, bytes: items.flatMap((s) => [...utf16(s), 0, 0]) }),
  u16Array: (items: number[]): TValue => ({ type: 0x86, bytes: items.flatMap((x) => le(BigInt(x), 2)) }),
  i32Array: (items: number[]): TValue => ({ type: 0x87, bytes: items.flatMap((x) => le(BigInt(x), 4)) }),
  guidArray: (items: string[]): TValue => ({ type: 0x8f, bytes: items.flatMap(guidBytes) }),
};
