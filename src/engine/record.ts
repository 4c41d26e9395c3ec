/**
 * Event data objects that are fast to read and safe to key by anything.
 *
 * `LogEvent.data` must have a null prototype so keys such as `__proto__` are plain data. Objects
 * made by `Object.create(null)` start in V8's dictionary mode, which makes every field lookup of
 * the matcher about twice as slow; an ordinary object filled first and given a null prototype at
 * the end stays in fast mode. While it still has `Object.prototype`, the key `__proto__` must be
 * defined rather than assigned (assignment would call the prototype setter): `setKey` does that.
 */

export function setKey(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}

/** Gives a record filled with `setKey` its null prototype; returns it. */
export function sealRecord<T extends Record<string, unknown>>(record: T): T {
  Object.setPrototypeOf(record, null);
  return record;
}
