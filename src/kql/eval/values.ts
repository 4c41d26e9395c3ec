/**
 * KQL's typed scalar values as the evaluator holds them. Facts (Kusto "Scalar data types" and
 * "Null values" pages): `string` is never null (a missing string is ""); every other type has a
 * null value. int and long are 32- and 64-bit integers (held as BigInt so a 64-bit registry
 * QWORD is exact); real is a double; datetime and timespan are 100-nanosecond ticks.
 */
import type { KqlType } from '../../targets/types.ts';

export type KValue =
  | { t: 'string'; v: string }
  | { t: 'bool'; v: boolean | null }
  | { t: 'int' | 'long'; v: bigint | null }
  | { t: 'real'; v: number | null }
  /** Ticks (100 ns) since 1970-01-01T00:00:00Z. */
  | { t: 'datetime'; v: bigint | null }
  | { t: 'timespan'; v: bigint | null }
  | { t: 'guid'; v: string | null }
  /** A JSON value; `null` is dynamic(null). */
  | { t: 'dynamic'; v: unknown };

export type KType = KValue['t'];

export const TICKS_PER_MS = 10_000n;
export const TICKS_PER_SECOND = 10_000_000n;

export const EMPTY: KValue = { t: 'string', v: '' };
export const TRUE_V: KValue = { t: 'bool', v: true };
export const FALSE_V: KValue = { t: 'bool', v: false };
export const NULL_BOOL: KValue = { t: 'bool', v: null };

export const str = (v: string): KValue => ({ t: 'string', v });
export const bool = (v: boolean | null): KValue => ({ t: 'bool', v });
export const long = (v: bigint | null): KValue => ({ t: 'long', v });
export const real = (v: number | null): KValue => ({ t: 'real', v });

export function isNull(x: KValue): boolean {
  return x.t !== 'string' && x.v === null;
}

export function nullOf(t: KType): KValue {
  return t === 'string' ? EMPTY : ({ t, v: null } as KValue);
}

export function isNumeric(x: KValue): x is Extract<KValue, { t: 'int' | 'long' | 'real' }> {
  return x.t === 'int' || x.t === 'long' || x.t === 'real';
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Wraps a BigInt to a signed 32/64-bit integer (KQL integer arithmetic overflows silently). */
export function wrapInt(v: bigint, t: 'int' | 'long'): bigint {
  return t === 'int' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
}

export function inIntRange(v: bigint, t: 'int' | 'long'): boolean {
  return t === 'int' ? v >= INT32_MIN && v <= INT32_MAX : v >= INT64_MIN && v <= INT64_MAX;
}

/** Parses ISO-8601-like text (what exports contain) as ticks; undefined when it is not a date. */
export function parseDatetime(text: string): bigint | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (!Number.isFinite(ms)) return undefined;
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  let ticks = BigInt(ms) * TICKS_PER_MS + BigInt((frac + '0000000').slice(0, 7));
  if (zone && zone.toUpperCase() !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const offsetMin = (Number(zm[2]) * 60 + Number(zm[3])) * (zm[1] === '-' ? -1 : 1);
    ticks -= BigInt(offsetMin) * 60n * TICKS_PER_SECOND;
  }
  return ticks;
}

/** `2024-01-02T03:04:05.0000000Z`, the way Kusto renders a datetime. */
export function formatDatetime(ticks: bigint): string {
  const ms = Number(ticks / TICKS_PER_MS);
  let rem = ticks % TICKS_PER_SECOND;
  if (rem < 0n) rem += TICKS_PER_SECOND;
  const d = new Date(Math.floor(ms / 1000) * 1000);
  if (Number.isNaN(d.getTime())) return String(ticks);
  return d.toISOString().slice(0, 19) + '.' + rem.toString().padStart(7, '0') + 'Z';
}

/** `d.hh:mm:ss.fffffff`, Kusto's timespan rendering. */
export function formatTimespan(ticks: bigint): string {
  const neg = ticks < 0n;
  let t = neg ? -ticks : ticks;
  const frac = t % TICKS_PER_SECOND;
  t /= TICKS_PER_SECOND;
  const s = t % 60n;
  t /= 60n;
  const m = t % 60n;
  t /= 60n;
  const h = t % 24n;
  const d = t / 24n;
  const two = (x: bigint) => x.toString().padStart(2, '0');
  return `${neg ? '-' : ''}${d > 0n ? `${d}.` : ''}${two(h)}:${two(m)}:${two(s)}${frac > 0n ? '.' + frac.toString().padStart(7, '0') : ''}`;
}

/** Formats a real the way `tostring` does for ordinary values (shortest round-trip text). */
function formatReal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

/** JSON text of a dynamic value (what `tostring(dynamic)` gives for arrays and objects). */
export function dynamicText(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) ?? '';
}

/**
 * `tostring(x)`: "" for null (documented: "If the input value is null, the result is an empty
 * string"), the string itself for a dynamic string, JSON text for arrays and objects.
 */
export function toStringValue(x: KValue): string {
  switch (x.t) {
    case 'string':
      return x.v;
    case 'bool':
      return x.v === null ? '' : x.v ? 'true' : 'false';
    case 'int':
    case 'long':
      return x.v === null ? '' : x.v.toString();
    case 'real':
      return x.v === null ? '' : formatReal(x.v);
    case 'datetime':
      return x.v === null ? '' : formatDatetime(x.v);
    case 'timespan':
      return x.v === null ? '' : formatTimespan(x.v);
    case 'guid':
      return x.v ?? '';
    case 'dynamic':
      if (x.v === null || x.v === undefined) return '';
      if (typeof x.v === 'string') return x.v;
      if (typeof x.v === 'number' || typeof x.v === 'boolean') return String(x.v);
      return dynamicText(x.v);
  }
}

/** A short display of a value for explanations: strings quoted, nulls as `int(null)`. */
export function display(x: KValue, limit = 120): string {
  if (x.t !== 'string' && x.v === null) return `${x.t}(null)`;
  if (x.t === 'string') {
    const s = x.v.length > limit ? x.v.slice(0, limit - 1) + '…' : x.v;
    return JSON.stringify(s);
  }
  if (x.t === 'dynamic') {
    const s = typeof x.v === 'string' ? JSON.stringify(x.v) : dynamicText(x.v);
    return `dynamic(${s.length > limit ? s.slice(0, limit - 1) + '…' : s})`;
  }
  if (x.t === 'datetime') return `datetime(${toStringValue(x)})`;
  if (x.t === 'timespan') return `timespan(${toStringValue(x)})`;
  if (x.t === 'guid') return `guid(${x.v})`;
  return toStringValue(x);
}

/** A KQL value from a dynamic (JSON) value, as member access and `todynamic` yield it. */
export function fromDynamic(v: unknown): KValue {
  return { t: 'dynamic', v: v === undefined ? null : v };
}

export interface TypeIssue {
  message: string;
}

/**
 * A raw JS value (from a JSON/CSV export or a test) as a value of the column's declared type.
 * Strings never become null; unparsable text in a typed column becomes null with an issue.
 */
export function typedValue(raw: unknown, type: KqlType | undefined, issues?: TypeIssue[]): KValue {
  const t = type ?? inferType(raw);
  const text = (): string => (typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : typeof raw === 'object' ? dynamicText(raw) : String(raw));
  const bad = (what: string): KValue => {
    issues?.push({ message: `${JSON.stringify(text()).slice(0, 60)} is not ${what}` });
    return nullOf(t === 'decimal' ? 'real' : (t as KType));
  };
  const blank = raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');
  switch (t) {
    case 'string':
      return str(text());
    case 'int':
    case 'long': {
      if (blank) return { t, v: null };
      if (typeof raw === 'number' && Number.isInteger(raw)) return inIntRange(BigInt(raw), t) ? { t, v: BigInt(raw) } : bad(`a ${t}`);
      if (typeof raw === 'bigint') return { t, v: raw };
      const s = text().trim();
      if (/^[+-]?\d+$/.test(s) && inIntRange(BigInt(s), t)) return { t, v: BigInt(s) };
      return bad(`a whole number that fits ${t}`);
    }
    case 'real':
    case 'decimal': {
      if (blank) return real(null);
      const n = typeof raw === 'number' ? raw : Number(text().trim());
      return Number.isNaN(n) && !/^\s*nan\s*$/i.test(text()) ? bad('a number') : real(n);
    }
    case 'bool': {
      if (blank) return bool(null);
      if (typeof raw === 'boolean') return bool(raw);
      const s = text().trim().toLowerCase();
      if (s === 'true' || s === '1') return bool(true);
      if (s === 'false' || s === '0') return bool(false);
      return bad('true or false');
    }
    case 'datetime': {
      if (blank) return { t: 'datetime', v: null };
      const ticks = parseDatetime(text());
      return ticks === undefined ? bad('a date and time') : { t: 'datetime', v: ticks };
    }
    case 'timespan': {
      if (blank) return { t: 'timespan', v: null };
      const m = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text().trim());
      if (!m) return bad('a timespan (d.hh:mm:ss)');
      const [, neg, d = '0', h, mi, s, f = ''] = m;
      const ticks = ((((BigInt(d) * 24n + BigInt(h)) * 60n + BigInt(mi)) * 60n + BigInt(s)) * TICKS_PER_SECOND) + BigInt((f + '0000000').slice(0, 7));
      return { t: 'timespan', v: neg ? -ticks : ticks };
    }
    case 'guid': {
      if (blank) return { t: 'guid', v: null };
      const s = text().trim().replace(/^\{|\}$/g, '');
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) ? { t: 'guid', v: s.toLowerCase() } : bad('a guid');
    }
    case 'dynamic': {
      if (raw === undefined || raw === null) return fromDynamic(null);
      if (typeof raw === 'string') {
        const s = raw.trim();
        if (s === '') return fromDynamic(null);
        // Exports write dynamic columns as JSON text.
        if (/^[[{"]/.test(s) || /^(-?\d|true$|false$|null$)/.test(s)) {
          try {
            return fromDynamic(JSON.parse(s));
          } catch {
            return fromDynamic(raw);
          }
        }
        return fromDynamic(raw);
      }
      return fromDynamic(raw);
    }
  }
}

/** The type a raw value would have without a schema (JSON numbers: long when whole, else real). */
export function inferType(raw: unknown): KqlType {
  if (typeof raw === 'string') return 'string';
  if (typeof raw === 'boolean') return 'bool';
  if (typeof raw === 'bigint') return 'long';
  if (typeof raw === 'number') return Number.isInteger(raw) && Math.abs(raw) <= Number.MAX_SAFE_INTEGER ? 'long' : 'real';
  if (raw === null || raw === undefined) return 'string';
  return 'dynamic';
}
