/**
 * Field resolution: how a rule's field name finds a value in an event.
 *
 * In order, the first that finds something wins:
 * 1. the exact key (`data[name]`, own keys only) — the fast path the matcher hits nearly always;
 * 2. a dotted name walks nested objects (`process.executable`). A key that itself contains dots
 *    is found too (`{"winlog.event_data": {...}}`). A path through an array: a numeric segment
 *    indexes it (`args.0`); any other segment is applied to every element, and the result is the
 *    list of values found (flattened one level, elements lacking the field skipped) — the matcher
 *    treats a list as "any element";
 * 3. a log key written with blanks is found by the name without them (`Process Name` by
 *    `ProcessName`, as Event Viewer CSV exports name columns);
 * 4. case-insensitively (blanks ignored), for plain and dotted names: Windows field names differ
 *    in case between sources (`ProcessId` in Sysmon EventData vs `ProcessID` in System,
 *    `CommandLine` vs `Commandline` in some exports, lower-case keys in some converters), and
 *    Sigma field names are case-sensitive only by convention; the first key in event order wins;
 * 5. for reshaped Windows events, the same steps over the original (`LogEvent.raw`), so full
 *    paths such as `Event.EventData.Image` or `Event.UserData.LogFileCleared.Channel` work, with
 *    `#attributes` looked through (`Event.System.Provider.Name`) and `{#text}` unwrapped.
 *
 * Steps 2-5 build a per-event index on first use and cache each answer, so repeated lookups of a
 * missing or loose name cost one map lookup. Events are treated as immutable once read.
 */
import type { FieldLookup, LogEvent } from './event.ts';

type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;
const NOT_FOUND: FieldLookup = Object.freeze({ found: false });

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Per data object: answers already computed for names that missed the fast path. */
const answers = new WeakMap<object, Map<string, FieldLookup>>();
/** Per object: key with blanks removed → first such key, and the same lower-cased. */
const looseKeys = new WeakMap<object, { compacted: Map<string, string>; lower: Map<string, string> }>();

export function getField(event: LogEvent, name: string): FieldLookup {
  const data = event.data;
  if (hasOwn.call(data, name)) return { found: true, value: data[name], path: name };
  let cache = answers.get(data);
  if (cache === undefined) {
    cache = new Map();
    answers.set(data, cache);
  } else {
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
  }
  const result = Object.freeze(resolveSlow(event, name));
  cache.set(name, result);
  return result;
}

function resolveSlow(event: LogEvent, name: string): FieldLookup {
  const found = resolveIn(event.data, name, false);
  if (found.found) return found;
  if (event.raw !== undefined && event.raw !== null && typeof event.raw === 'object') {
    const inRaw = resolveIn(event.raw as Obj, name, true);
    if (inRaw.found) return inRaw;
  }
  return NOT_FOUND;
}

function resolveIn(root: Obj, name: string, raw: boolean): FieldLookup {
  const segments = name.indexOf('.') >= 0 ? name.split('.') : undefined;
  if (raw && hasOwn.call(root, name)) return { found: true, value: unwrap(root[name], raw), path: name };
  if (segments) {
    const r = walk(root, segments, 0, false, raw);
    if (r) return { found: true, value: r.value, path: r.path };
  }
  const key = looseKey(root, name);
  if (key !== undefined) return { found: true, value: unwrap(root[key], raw), path: key };
  if (segments) {
    const r = walk(root, segments, 0, true, raw);
    if (r) return { found: true, value: r.value, path: r.path };
  }
  return NOT_FOUND;
}

function unwrap(v: unknown, raw: boolean): unknown {
  if (raw && isObj(v) && hasOwn.call(v, '#text')) return v['#text'];
  return v;
}

function compact(s: string): string {
  return /\s/.test(s) ? s.replace(/\s+/g, '') : s;
}

/**
 * The key of `obj` matching `name` with blanks ignored (same case first, then any case), or
 * undefined. Exact keys are the caller's business.
 */
function looseKey(obj: Obj, name: string): string | undefined {
  let index = looseKeys.get(obj);
  if (index === undefined) {
    index = { compacted: new Map(), lower: new Map() };
    for (const k of Object.keys(obj)) {
      const c = compact(k);
      if (c !== k && !index.compacted.has(c)) index.compacted.set(c, k);
      const lower = c.toLowerCase();
      if (!index.lower.has(lower)) index.lower.set(lower, k);
    }
    looseKeys.set(obj, index);
  }
  const c = compact(name);
  if (c !== name && hasOwn.call(obj, c)) return c;
  return index.compacted.get(c) ?? index.lower.get(c.toLowerCase());
}

/** The key of `obj` for `segment`: exact, then loose when allowed; `#attributes` looked through in raw events. */
function keyIn(obj: Obj, segment: string, loose: boolean, raw: boolean): { obj: Obj; key: string } | undefined {
  if (hasOwn.call(obj, segment)) return { obj, key: segment };
  if (loose) {
    const k = looseKey(obj, segment);
    if (k !== undefined) return { obj, key: k };
  }
  if (raw) {
    const attrs = obj['#attributes'];
    if (isObj(attrs)) return keyIn(attrs, segment, loose, false);
  }
  return undefined;
}

interface Walked {
  value: unknown;
  path: string;
}

/** Arrays nested deeper than this inside arrays are not searched (hostile input, not logs). */
const MAX_ARRAY_NESTING = 32;

function walk(node: unknown, segments: string[], i: number, loose: boolean, raw: boolean, nesting = 0): Walked | undefined {
  if (i >= segments.length) return { value: unwrap(node, raw), path: '' };
  if (Array.isArray(node)) {
    if (nesting >= MAX_ARRAY_NESTING) return undefined;
    const seg = segments[i];
    if (/^\d+$/.test(seg)) {
      const idx = Number(seg);
      if (idx >= node.length) return undefined;
      const r = walk(node[idx], segments, i + 1, loose, raw);
      return r && { value: r.value, path: join(seg, r.path) };
    }
    const values: unknown[] = [];
    let path: string | undefined;
    for (const el of node) {
      const r = walk(el, segments, i, loose, raw, nesting + 1);
      if (!r) continue;
      path ??= r.path;
      if (Array.isArray(r.value)) values.push(...r.value);
      else values.push(r.value);
    }
    return path === undefined ? undefined : { value: values, path };
  }
  if (!isObj(node)) return undefined;
  // Try the next segment alone, then joined with the following ones (keys containing dots).
  for (let j = i + 1; j <= segments.length; j++) {
    const seg = j === i + 1 ? segments[i] : segments.slice(i, j).join('.');
    const hit = keyIn(node, seg, loose, raw);
    if (!hit) continue;
    const r = walk(hit.obj[hit.key], segments, j, loose, raw);
    if (r) return { value: r.value, path: join(hit.key, r.path) };
  }
  return undefined;
}

function join(a: string, b: string): string {
  return b === '' ? a : `${a}.${b}`;
}

export interface FieldPathInfo {
  /** Dotted path as `getField` accepts it (arrays of objects are walked through, no index). */
  path: string;
  /** Number of events that have the path. */
  count: number;
  /** The first non-empty value seen, as text (at most 120 characters). */
  sample?: string;
}

const MAX_PATHS = 10000;
const MAX_DEPTH = 16;

/**
 * Every field path in `events` with how many events have it and a sample value, most common
 * first (ties in order of first appearance) — for the app's field panel.
 */
export function collectFieldPaths(events: LogEvent[]): FieldPathInfo[] {
  const stats = new Map<string, { count: number; sample?: string; last: number }>();
  const record = (path: string, value: unknown, ev: number) => {
    let s = stats.get(path);
    if (!s) {
      if (stats.size >= MAX_PATHS) return;
      s = { count: 0, last: -1 };
      stats.set(path, s);
    }
    if (s.last !== ev) {
      s.count++;
      s.last = ev;
    }
    if (s.sample === undefined && value !== null && value !== undefined && value !== '' && typeof value !== 'object') {
      const t = String(value);
      s.sample = t.length > 120 ? t.slice(0, 119) + '…' : t;
    }
  };
  const visit = (value: unknown, path: string, ev: number, depth: number) => {
    if (Array.isArray(value)) {
      let scalarSeen = false;
      for (const el of value) {
        if (isObj(el) && depth < MAX_DEPTH) visit(el, path, ev, depth + 1);
        else if (!scalarSeen || el !== '') {
          record(path, el, ev);
          scalarSeen = true;
        }
      }
      if (value.length === 0) record(path, undefined, ev);
      return;
    }
    if (isObj(value) && depth < MAX_DEPTH) {
      const keys = Object.keys(value);
      if (keys.length === 0 && path !== '') record(path, undefined, ev);
      for (const k of keys) visit(value[k], path === '' ? k : `${path}.${k}`, ev, depth + 1);
      return;
    }
    if (path !== '') record(path, value, ev);
  };
  for (let e = 0; e < events.length; e++) visit(events[e].data, '', e, 0);
  const out: FieldPathInfo[] = [];
  for (const [path, s] of stats) {
    const info: FieldPathInfo = { path, count: s.count };
    if (s.sample !== undefined) info.sample = s.sample;
    out.push(info);
  }
  return out.sort((a, b) => b.count - a.count);
}
