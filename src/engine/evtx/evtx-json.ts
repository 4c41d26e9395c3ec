/**
 * A decoded record as the evtx-JSON object that evtx-to-JSON converters (evtx_dump) print:
 * `{"Event":{"#attributes":{"xmlns":...},"System":{"EventID":1,"Provider":{"#attributes":{"Name":...}},...},
 * "EventData":{"Image":...}}}`. Typed substitution values keep their JSON type (numbers stay numbers);
 * `<Data Name="X">v</Data>` becomes `"X": v`; repeated child elements become arrays; an element
 * with neither attributes nor content becomes null.
 */
import { entityText } from './binxml.ts';
import type { EvtxContent, EvtxElement, EvtxInline, EvtxValue } from './evtx-types.ts';

type Json = EvtxValue | JsonObject | Json[];
interface JsonObject {
  [key: string]: Json;
}

function newObject(): JsonObject {
  // Plain literals stay in V8's fast mode (null-prototype objects start as dictionaries, which
  // costs memory and time on large files); `setMember` keeps `__proto__` an ordinary key.
  return {};
}

function setMember(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function inlineText(part: EvtxInline | EvtxContent): string {
  switch (part.kind) {
    case 'text':
    case 'cdata':
      return part.text;
    case 'charref':
      return String.fromCodePoint(part.code);
    case 'entity':
      return entityText(part.name);
    case 'value':
      return Array.isArray(part.value) ? part.value.map((v) => (v === null ? '' : String(v))).join(',') : part.value === null ? '' : String(part.value);
    default:
      return '';
  }
}

/** Text parts as one value: a lone typed value keeps its type; anything else is concatenated text. */
function partsValue(parts: readonly (EvtxInline | EvtxContent)[]): Json {
  let count = 0;
  let only: EvtxInline | EvtxContent | undefined;
  for (const p of parts) {
    if (p.kind === 'element' || p.kind === 'pi') continue;
    count++;
    only = p;
  }
  if (count === 0) return null;
  if (count === 1 && only!.kind === 'value') return only!.value;
  let s = '';
  for (const p of parts) if (p.kind !== 'element' && p.kind !== 'pi') s += inlineText(p);
  return s;
}

function nameAttribute(el: EvtxElement): string | undefined {
  for (const a of el.attributes) if (a.name === 'Name') return String(partsValue(a.value) ?? '');
  return undefined;
}

function hasElementChild(el: EvtxElement): boolean {
  for (const c of el.children) if (c.kind === 'element') return true;
  return false;
}

function addMember(obj: JsonObject, key: string, value: Json): void {
  if (!Object.hasOwn(obj, key)) {
    setMember(obj, key, value);
    return;
  }
  const prev = obj[key];
  if (Array.isArray(prev) && repeated.has(prev)) (prev as Json[]).push(value);
  else {
    const list: Json[] = [prev, value];
    repeated.add(list);
    setMember(obj, key, list);
  }
}

/** Arrays built from repeated elements, so an array-typed value is never mistaken for one. */
const repeated = new WeakSet<Json[]>();

export function elementToJson(el: EvtxElement): Json {
  const withChildren = hasElementChild(el);
  if (el.attributes.length === 0 && !withChildren) return partsValue(el.children);
  const obj = newObject();
  if (el.attributes.length > 0) {
    const attrs = newObject();
    for (const a of el.attributes) setMember(attrs, a.name, partsValue(a.value));
    obj['#attributes'] = attrs;
  }
  if (!withChildren) {
    const text = partsValue(el.children);
    if (text !== null) obj['#text'] = text;
    return obj;
  }
  let hasText = false;
  for (const c of el.children) {
    if (c.kind !== 'element') {
      if (c.kind !== 'pi') hasText = true;
      continue;
    }
    const dataName = c.name === 'Data' ? nameAttribute(c) : undefined;
    if (dataName !== undefined && dataName !== '') {
      addMember(obj, dataName, hasElementChild(c) ? elementToJson({ ...c, attributes: c.attributes.filter((a) => a.name !== 'Name') }) : partsValue(c.children));
    } else {
      addMember(obj, c.name, elementToJson(c));
    }
  }
  if (hasText) {
    // Whitespace between child elements is layout, not content.
    const text = partsValue(el.children);
    if (!(typeof text === 'string' && text.trim() === '')) obj['#text'] = text;
  }
  return obj;
}

/** The evtx-JSON object of a record's event element: `{ "Event": {...} }`. */
export function evtxJson(event: EvtxElement): { [key: string]: unknown } {
  const obj = newObject();
  setMember(obj, event.name, elementToJson(event));
  return obj;
}
