/**
 * JSON helpers shared by the JSON and NDJSON readers: a validator that pin-points the first
 * syntax error (engines word and locate `JSON.parse` errors differently, and some give no
 * position at all), a cheap scanner that finds where a top-level value ends, and the copy into
 * null-prototype objects that `LogEvent.data` promises.
 */

export interface JsonError {
  /** Offset into the scanned text. */
  offset: number;
  message: string;
}

const OBJECT = 1;
const ARRAY = 2;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipWs(text: string, i: number, end: number): number {
  while (i < end && isWs(text.charCodeAt(i))) i++;
  return i;
}

function describe(text: string, i: number, end: number): string {
  if (i >= end) return 'end of input';
  const cp = text.codePointAt(i) ?? 0;
  return JSON.stringify(String.fromCodePoint(cp));
}

/** Scans a JSON string starting at the quote at `i`; returns the offset after it or an error. */
function scanString(text: string, i: number, end: number): number | JsonError {
  let j = i + 1;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c === 92) {
      const e = text.charCodeAt(j + 1);
      if (j + 1 >= end) break;
      if (e === 117) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
          return { offset: j, message: 'Invalid \\u escape: expected 4 hexadecimal digits' };
        }
        j += 6;
        continue;
      }
      // " \ / b f n r t
      if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        j += 2;
        continue;
      }
      return { offset: j, message: `Invalid escape sequence \\${String.fromCharCode(e)} in string (write \\\\ for a backslash)` };
    }
    if (c < 0x20) {
      if (c === 10 || c === 13) return { offset: i, message: 'Unterminated string: a line break inside a JSON string must be written as \\n' };
      return { offset: j, message: `Control character U+${c.toString(16).padStart(4, '0').toUpperCase()} in string must be escaped` };
    }
    j++;
  }
  return { offset: i, message: 'Unterminated string' };
}

/**
 * Validates `text[start, end)` as one JSON value and returns the first error, or undefined when
 * it is valid. Iterative, so hostile nesting depth cannot overflow the stack.
 */
export function findJsonError(text: string, start = 0, end = text.length): JsonError | undefined {
  const stack: number[] = [];
  let i = skipWs(text, start, end);
  let expectValue = true;
  const err = (offset: number, message: string): JsonError => ({ offset, message });

  const readKey = (commaAt: number): JsonError | undefined => {
    i = skipWs(text, i, end);
    if (text.charCodeAt(i) !== 34) {
      if (commaAt >= 0 && text.charCodeAt(i) === 125) return err(commaAt, 'Trailing comma before "}" is not allowed in JSON');
      return err(i, `Expected a property name in double quotes but found ${describe(text, i, end)}`);
    }
    const s = scanString(text, i, end);
    if (typeof s !== 'number') return s;
    i = skipWs(text, s, end);
    if (text.charCodeAt(i) !== 58) return err(i, `Expected ":" after the property name but found ${describe(text, i, end)}`);
    i++;
    return undefined;
  };

  for (;;) {
    i = skipWs(text, i, end);
    if (expectValue) {
      if (i >= end) return err(i, 'Unexpected end of input: expected a value');
      const c = text.charCodeAt(i);
      if (c === 123) {
        i = skipWs(text, i + 1, end);
        if (text.charCodeAt(i) === 125) {
          i++;
          expectValue = false;
          continue;
        }
        const e = readKey(-1);
        if (e) return e;
        stack.push(OBJECT);
        continue;
      }
      if (c === 91) {
        i = skipWs(text, i + 1, end);
        if (text.charCodeAt(i) === 93) {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(ARRAY);
        continue;
      }
      if (c === 34) {
        const s = scanString(text, i, end);
        if (typeof s !== 'number') return s;
        i = s;
        expectValue = false;
        continue;
      }
      if (c === 45 || (c >= 48 && c <= 57)) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (!m || i + m[0].length > end) return err(i, 'Invalid number');
        i += m[0].length;
        expectValue = false;
        continue;
      }
      const word = /true|false|null/y;
      word.lastIndex = i;
      const w = word.exec(text);
      if (w && i + w[0].length <= end) {
        i += w[0].length;
        expectValue = false;
        continue;
      }
      if (c === 39) return err(i, 'Strings must use double quotes (") in JSON, not single quotes');
      return err(i, `Unexpected ${describe(text, i, end)}: expected a value`);
    }
    if (stack.length === 0) {
      if (i < end) return err(i, `Unexpected ${describe(text, i, end)} after the end of the JSON value`);
      return undefined;
    }
    const top = stack[stack.length - 1];
    const c = text.charCodeAt(i);
    if (c === 44) {
      const commaAt = i;
      i++;
      if (top === OBJECT) {
        const e = readKey(commaAt);
        if (e) return e;
      } else {
        i = skipWs(text, i, end);
        if (text.charCodeAt(i) === 93) return err(commaAt, 'Trailing comma before "]" is not allowed in JSON');
      }
      expectValue = true;
      continue;
    }
    if ((top === OBJECT && c === 125) || (top === ARRAY && c === 93)) {
      stack.pop();
      i++;
      continue;
    }
    if (i >= end) return err(i, `Unexpected end of input: expected "${top === OBJECT ? '}' : ']'}"`);
    return err(
      i,
      top === OBJECT
        ? `Expected "," or "}" after a property value but found ${describe(text, i, end)}`
        : `Expected "," or "]" after an array element but found ${describe(text, i, end)}`,
    );
  }
}

/**
 * Finds where the JSON value starting at `i` ends, counting brackets and skipping strings,
 * without validating. Returns the offset after the value (or `end` when it never closes).
 * Lenient on purpose: it is used to split input into values, the parser judges each one.
 */
export function skipJsonValue(text: string, i: number, end = text.length): number {
  const c0 = text.charCodeAt(i);
  if (c0 === 34) return skipString(text, i, end);
  if (c0 !== 123 && c0 !== 91) {
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 44 || c === 93 || c === 125 || isWs(c)) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i, end);
      continue;
    }
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return end;
}

/** Offset after the string whose opening quote is at `i` (a raw line break ends it too). */
function skipString(text: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c === 92) j += 2;
    else if (c === 10) return j;
    else j++;
  }
  return end;
}

/**
 * Gives every object in a freshly parsed JSON value a null prototype, in place, so that keys such
 * as `__proto__` or `constructor` are plain data wherever the value travels next. In place because
 * the parser's objects are ours alone: no second allocation, and V8 keeps them in fast mode
 * (objects made by `Object.create(null)` start as slower dictionaries). Returns `value`.
 */
export function toNullProto(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v !== null && typeof v === 'object') toNullProto(v);
    }
    return value;
  }
  Object.setPrototypeOf(value, null);
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== null && typeof v === 'object') toNullProto(v);
  }
  return value;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
