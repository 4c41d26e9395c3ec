/**
 * How event values look to the matcher: scalars as text, numbers from numeric text, every
 * scalar of an event for keyword search, and short display forms for explanations.
 */

/** The text a scalar event value is compared as; undefined for null, objects and arrays. */
export function scalarText(x: unknown): string | undefined {
  switch (typeof x) {
    case 'string':
      return x;
    case 'number':
      return Number.isFinite(x) ? String(x) : undefined;
    case 'boolean':
      return x ? 'true' : 'false';
    case 'bigint':
      return x.toString();
    default:
      return undefined;
  }
}

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number from a number or numeric text (`"8080"`, `" 1.5 "`, `"0x1F"`); undefined otherwise. */
export function toNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x !== 'string') return undefined;
  const s = x.trim();
  if (s.length === 0 || s.length > 40) return undefined;
  if (NUMERIC.test(s)) return Number(s);
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
  return undefined;
}

const MAX_DEPTH = 32;

/** Calls `fn` on every scalar of a field value; arrays (nested too) mean "any element". */
export function forEachScalar(value: unknown, fn: (x: unknown, index: number) => boolean | void, depth = 0, index = -1): boolean {
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return false;
    for (let i = 0; i < value.length; i++) {
      if (forEachScalar(value[i], fn, depth + 1, depth === 0 ? i : index)) return true;
    }
    return false;
  }
  return fn(value, index) === true;
}

/** Every string/number/boolean anywhere in the event (keys excluded), for keyword search. */
export function collectScalars(data: unknown, out: unknown[] = [], depth = 0): unknown[] {
  if (depth > MAX_DEPTH || data === null || data === undefined) return out;
  if (Array.isArray(data)) {
    for (const x of data) collectScalars(x, out, depth + 1);
  } else if (typeof data === 'object') {
    for (const key in data as Record<string, unknown>) {
      if (Object.hasOwn(data as object, key)) collectScalars((data as Record<string, unknown>)[key], out, depth + 1);
    }
  } else if (scalarText(data) !== undefined) out.push(data);
  return out;
}

const LIMIT = 160;

/** A display form of an event value: long text keeps its start and end (paths end in the useful part). */
export function displayValue(x: unknown, limit = LIMIT): string {
  if (x === undefined) return 'field missing';
  if (x === null) return 'null';
  if (typeof x === 'string') return truncateMiddle(x, limit);
  const t = scalarText(x);
  if (t !== undefined) return t;
  let json: string;
  try {
    json = JSON.stringify(x) ?? String(x);
  } catch {
    json = Array.isArray(x) ? '[array]' : '[object]';
  }
  return truncateMiddle(json, limit);
}

export function truncateMiddle(s: string, limit = LIMIT): string {
  if (s.length <= limit) return s;
  const head = Math.ceil(limit * 0.55);
  const tail = limit - head - 1;
  return `${s.slice(0, head)}…${s.slice(s.length - tail)}`;
}

/** Quotes a value for a one-line reason when it would otherwise be ambiguous. */
export function quoteIfNeeded(s: string): string {
  return s === '' || /[\s'|,()]/.test(s) ? `'${s.replace(/'/g, "''")}'` : s;
}
