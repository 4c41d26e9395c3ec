/**
 * Windows events reshaped the way Sigma rules name their fields.
 *
 * Every route a Windows event can take into siglab — evtx-JSON pasted from evtx_dump/evtx-rs,
 * Chainsaw or xmltodict-style converters, Windows event XML (converted to the evtx-JSON shape by
 * `formats/xml.ts`), and binary `.evtx` records (the evtx reader builds the same shape) — ends in
 * `windowsEventFromEvtxJson`, so a rule sees identical fields whichever way the event arrived.
 *
 * Field naming, as SigmaHQ rules (and converters such as Hayabusa and Zircolite) expect it:
 * - EventData `<Data Name="X">v</Data>` (or evtx-JSON `EventData.X`) → `X`.
 * - UserData: the fields of its single inner element (`UserData.LogFileCleared.SubjectUserName`)
 *   → `SubjectUserName`; nested structures stay nested under their element name.
 * - Unnamed `<Data>` elements → `Data`: a string when there is one, a list when there are several
 *   (SigmaHQ's classic PowerShell rules match `Data|contains`, which the matcher applies to each
 *   element of a list). `<Binary>` → `Binary` (hex text).
 * - System → `EventID` (number), `Version`, `Level`, `Task`, `Opcode`, `EventRecordID`, `ProcessID`,
 *   `ThreadID` (numbers), `Keywords` (hex text), `TimeCreated` (SystemTime text), `Channel`,
 *   `Computer`, `Provider_Name`, `Provider_Guid`, `Security_UserID`.
 * - When EventData/UserData use a System name, the payload field takes the flat name: SigmaHQ's
 *   log-cleared rules (EventID 104) test `Channel` against the *cleared* log, which is
 *   `UserData.LogFileCleared.Channel` (the System channel of event 104 is always `System`).
 *   `EventID`, `Provider_Name`, `Provider_Guid` and `EventRecordID` identify the event and are
 *   never replaced. The shadowed System value stays reachable by its full path in the original
 *   (`Event.System.Channel`, see `LogEvent.raw`), and the source hints always come from System.
 * - EventData/UserData values are text, as Windows renders them in XML: converters disagree on
 *   types (evtx-rs writes `ProcessId` as a number and `Initiated` as a boolean, XML has strings),
 *   and the matcher compares numbers and booleans with their text anyway. An empty or null value
 *   is the empty string.
 */
import type { EventSourceHints } from './event.ts';
import { sealRecord, setKey } from './record.ts';

type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

function has(o: object, key: string): boolean {
  return hasOwn.call(o, key);
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Attribute `name` of `node`, in any of the shapes converters use. */
function attr(node: unknown, name: string, parent?: Obj, key?: string): unknown {
  if (isObj(node)) {
    const a = node['#attributes'];
    if (isObj(a) && has(a, name)) return a[name];
    if (has(node, '@' + name)) return node['@' + name];
  }
  if (parent && key !== undefined) {
    // evtx-rs --separate-json-attributes: `"Provider_attributes": {"Name": ...}` beside `Provider`.
    const pa = parent[key + '_attributes'];
    if (isObj(pa) && has(pa, name)) return pa[name];
  }
  return undefined;
}

function textOf(node: unknown): unknown {
  if (isObj(node)) return has(node, '#text') ? node['#text'] : undefined;
  return node;
}

/** Keys that carry markup rather than data: attributes, namespace declarations. */
function isMarkupKey(o: Obj, key: string): boolean {
  if (key === '#attributes' || key.charCodeAt(0) === 64 /* @ */ || key === 'xmlns' || key.startsWith('xmlns:')) return true;
  return key.endsWith('_attributes') && has(o, key.slice(0, -'_attributes'.length));
}

function asNumber(v: unknown): number | string | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    return /^\d{1,15}$/.test(t) ? Number(t) : v;
  }
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** An EventData/UserData value as text (see the module comment); structures are kept. */
function fieldValue(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.map(fieldValue);
  if (isObj(v)) {
    const keys: string[] = [];
    for (const k of Object.keys(v)) if (!isMarkupKey(v, k)) keys.push(k);
    if (keys.length === 0) return has(v, '#text') ? fieldValue(v['#text']) : '';
    if (keys.length === 1 && keys[0] === '#text') return fieldValue(v['#text']);
    const out: Obj = Object.create(null);
    for (const k of keys) out[k] = fieldValue(v[k]);
    return out;
  }
  return String(v);
}

function windowsEventNode(obj: unknown): Obj | undefined {
  if (!isObj(obj)) return undefined;
  const ev = obj.Event;
  if (isObj(ev) && isObj(ev.System)) return ev;
  // Some converters drop the `Event` wrapper.
  if (isObj(obj.System) && (has(obj.System, 'EventID') || has(obj.System, 'Provider'))) return obj;
  return undefined;
}

/** True when `obj` has the evtx-JSON shape (`{"Event":{"System":{...}}}`). */
export function isEvtxJson(obj: unknown): boolean {
  return windowsEventNode(obj) !== undefined;
}

/**
 * The Sigma-named fields and source hints of one evtx-JSON-shaped event, or undefined when `obj`
 * does not have that shape. Never throws; `data` is a fresh null-prototype object.
 */
export function windowsEventFromEvtxJson(obj: unknown): { data: Record<string, unknown>; hints: EventSourceHints } | undefined {
  const ev = windowsEventNode(obj);
  if (!ev) return undefined;
  const sys = ev.System as Obj;
  // Filled as an ordinary object and sealed with a null prototype at the end (see record.ts).
  const data: Obj = {};
  put(data, 'EventID', asNumber(textOf(sys.EventID)));
  put(data, 'Provider_Name', asText(attr(sys.Provider, 'Name', sys, 'Provider')));
  put(data, 'Provider_Guid', asText(attr(sys.Provider, 'Guid', sys, 'Provider')));
  put(data, 'Channel', asText(textOf(sys.Channel)));
  put(data, 'Computer', asText(textOf(sys.Computer)));
  put(data, 'EventRecordID', asNumber(textOf(sys.EventRecordID)));
  const created = attr(sys.TimeCreated, 'SystemTime', sys, 'TimeCreated');
  put(data, 'TimeCreated', asText(created !== undefined ? created : textOf(sys.TimeCreated)));
  put(data, 'Version', asNumber(textOf(sys.Version)));
  put(data, 'Level', asNumber(textOf(sys.Level)));
  put(data, 'Task', asNumber(textOf(sys.Task)));
  put(data, 'Opcode', asNumber(textOf(sys.Opcode)));
  put(data, 'Keywords', asText(textOf(sys.Keywords)));
  put(data, 'ProcessID', asNumber(attr(sys.Execution, 'ProcessID', sys, 'Execution')));
  put(data, 'ThreadID', asNumber(attr(sys.Execution, 'ThreadID', sys, 'Execution')));
  put(data, 'Security_UserID', asText(attr(sys.Security, 'UserID', sys, 'Security')));
  // Hints come from System values only, whatever the payload does to the flat names below.
  const hints = hintsFromWindowsData(data);
  const overridden = new Set<string>();

  const unnamed: unknown[] = [];
  const ed = ev.EventData;
  if (isObj(ed)) {
    for (const key of Object.keys(ed)) {
      if (key === 'Data') addData(data, ed[key], unnamed, overridden);
      else if (key !== '#text' && !isMarkupKey(ed, key)) setPayload(data, key, fieldValue(ed[key]), overridden);
    }
  } else if (Array.isArray(ed)) addData(data, ed, unnamed, overridden);

  const ud = ev.UserData;
  if (isObj(ud)) {
    for (const key of Object.keys(ud)) {
      if (isMarkupKey(ud, key) || key === '#text') continue;
      const inner = ud[key];
      if (isObj(inner)) {
        for (const k of Object.keys(inner)) {
          if (isMarkupKey(inner, k) || k === '#text') continue;
          setPayload(data, k, fieldValue(inner[k]), overridden);
        }
      } else setPayload(data, key, fieldValue(inner), overridden);
    }
  }
  if (unnamed.length === 1) setIfAbsent(data, 'Data', unnamed[0]);
  else if (unnamed.length > 1) setIfAbsent(data, 'Data', unnamed);

  return { data: sealRecord(data), hints };
}

function put(data: Obj, key: string, v: unknown): void {
  if (v !== undefined) setKey(data, key, v);
}

function setIfAbsent(data: Obj, key: string, v: unknown): void {
  if (!has(data, key)) setKey(data, key, v);
}

/** System names that identify the event: a payload field of the same name never replaces them. */
const IDENTITY_KEYS = new Set(['EventID', 'Provider_Name', 'Provider_Guid', 'EventRecordID']);

/**
 * An EventData/UserData field: it replaces a System value of the same name (once; the first
 * payload field of a name wins), except the identity keys.
 */
function setPayload(data: Obj, key: string, v: unknown, overridden: Set<string>): void {
  if (!has(data, key)) {
    setKey(data, key, v);
    overridden.add(key);
  } else if (!overridden.has(key) && !IDENTITY_KEYS.has(key)) {
    setKey(data, key, v);
    overridden.add(key);
  }
}

/** EventData `Data`: named items become fields, unnamed ones are collected in `unnamed`. */
function addData(data: Obj, v: unknown, unnamed: unknown[], overridden: Set<string>): void {
  const items = Array.isArray(v) ? v : [v];
  for (const item of items) {
    const name = attr(item, 'Name');
    if (typeof name === 'string') setPayload(data, name, fieldValue(textOf(item)), overridden);
    else if (isObj(item)) {
      const t = has(item, '#text') ? item['#text'] : '';
      if (Array.isArray(t)) for (const x of t) unnamed.push(fieldValue(x));
      else unnamed.push(fieldValue(t));
    } else unnamed.push(fieldValue(item));
  }
}

function hintsFromWindowsData(data: Obj): EventSourceHints {
  const hints: EventSourceHints = {};
  if (typeof data.EventID === 'number') hints.eventId = data.EventID;
  if (typeof data.Channel === 'string') hints.channel = data.Channel;
  if (typeof data.Provider_Name === 'string') hints.provider = data.Provider_Name;
  return hints;
}

/**
 * Winlogbeat/Elastic documents (`winlog.event_data.X`, `winlog.channel`, ...): the original keys
 * are kept, and the Sigma names (`X`, `EventID`, `Channel`, `Provider_Name`, `Computer`, ...) are
 * added beside them where the document does not already use them. Undefined for other shapes.
 */
export function windowsEventFromWinlogbeat(obj: unknown): { data: Record<string, unknown>; hints: EventSourceHints } | undefined {
  if (!isObj(obj) || !isObj(obj.winlog)) return undefined;
  const w = obj.winlog;
  const data: Obj = {};
  for (const k of Object.keys(obj)) setKey(data, k, obj[k]);
  const system: Obj = Object.create(null);
  put(system, 'EventID', asNumber(w.event_id));
  put(system, 'Provider_Name', asText(w.provider_name));
  put(system, 'Provider_Guid', asText(w.provider_guid));
  put(system, 'Channel', asText(w.channel));
  put(system, 'Computer', asText(w.computer_name));
  put(system, 'EventRecordID', asNumber(w.record_id));
  // Same precedence as evtx-JSON: payload fields before System values, identity keys excepted.
  for (const key of IDENTITY_KEYS) if (has(system, key)) setIfAbsent(data, key, system[key]);
  for (const bag of [w.event_data, w.user_data]) {
    if (!isObj(bag)) continue;
    for (const k of Object.keys(bag)) setIfAbsent(data, k, bag[k]);
  }
  for (const key of Object.keys(system)) setIfAbsent(data, key, system[key]);
  return { data: sealRecord(data), hints: hintsFromWindowsData(system) };
}

const EVENT_ID_KEYS = new Set(['eventid', 'eventcode']);
const CHANNEL_KEYS = new Set(['channel', 'logname']);
const PROVIDER_KEYS = new Set(['providername', 'provider', 'source', 'sourcename']);

/** Keys seen so far → their normalised spelling when it can name a hint (cached: keys repeat across events). */
const hintKeys = new Map<string, string | undefined>();

function hintKey(key: string): string | undefined {
  if (key.length > 16) return undefined;
  if (hintKeys.has(key)) return hintKeys.get(key);
  const norm = key.replace(/[\s_]/g, '').toLowerCase();
  const useful = EVENT_ID_KEYS.has(norm) || CHANNEL_KEYS.has(norm) || PROVIDER_KEYS.has(norm) ? norm : undefined;
  if (hintKeys.size < 10000) hintKeys.set(key, useful);
  return useful;
}

/**
 * Source hints from a flat event that names Windows System values itself (`EventID` + `Channel`
 * in hand-written JSON, `Event ID`/`Source` in an Event Viewer CSV export). Only an event ID
 * makes the other keys count, so a generic `source` column alone hints nothing.
 */
export function hintsFromData(data: Record<string, unknown>): EventSourceHints {
  const hints: EventSourceHints = {};
  let provider: string | undefined;
  let channel: string | undefined;
  let eventId: number | undefined;
  for (const key of Object.keys(data)) {
    const norm = hintKey(key);
    if (norm === undefined) continue;
    const v = data[key];
    if (eventId === undefined && EVENT_ID_KEYS.has(norm)) {
      const n = asNumber(v);
      if (typeof n === 'number') eventId = n;
    } else if (channel === undefined && CHANNEL_KEYS.has(norm) && typeof v === 'string') channel = v;
    else if (provider === undefined && PROVIDER_KEYS.has(norm) && typeof v === 'string') provider = v;
  }
  if (eventId !== undefined) {
    hints.eventId = eventId;
    if (channel !== undefined) hints.channel = channel;
    if (provider !== undefined) hints.provider = provider;
  } else if (channel !== undefined && provider !== undefined) {
    hints.channel = channel;
    hints.provider = provider;
  }
  return hints;
}
