/**
 * Windows event XML: one `<Event>` or many, with or without an `<Events>` wrapper, namespaced or
 * not — what `wevtutil qe /f:xml`, Event Viewer's "Save as XML", evtxexport and python-evtx
 * print. A small tokenizer of our own (not a general XML parser): it keeps offsets for error
 * messages, needs no DOM, and recovers from a broken event by skipping to the next `<Event`.
 * Each event is converted to the evtx-JSON shape and reshaped by `windowsEventFromEvtxJson`, so
 * XML and evtx-JSON of the same event give the same fields.
 */
import type { EventSink } from './sink.ts';

export interface XmlElement {
  /** Local name (namespace prefix removed). */
  name: string;
  /** Attributes by local name (namespace declarations keep their `xmlns`/`xmlns:p` name). */
  attrs: Record<string, string> | undefined;
  children: XmlElement[];
  text: string;
  /** Offset of the `<` of the start tag. */
  start: number;
}

interface Open {
  qname: string;
  el: XmlElement | undefined;
  start: number;
}

class XmlSyntaxError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY, (m, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return NAMED[named];
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}

function localName(qname: string): string {
  const colon = qname.lastIndexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

function isNameEnd(c: number): boolean {
  return isWs(c) || c === 47 || c === 62 || c === 61 || Number.isNaN(c);
}

/** Offset of the next `<Event` start tag at or after `from` (text length when none). */
function nextEventTag(text: string, from: number): number {
  let i = from;
  for (;;) {
    const j = text.indexOf('<Event', i);
    if (j < 0) return text.length;
    const c = text.charCodeAt(j + 6);
    if (isWs(c) || c === 62 || c === 47) return j;
    i = j + 6;
  }
}

/** Reads Windows event XML from `sink.text[start..]` into the sink. */
export function readXmlEvents(sink: EventSink, start = 0): void {
  const text = sink.text;
  const n = text.length;
  let stack: Open[] = [];
  let eventDepth = -1;
  let i = start;
  let found = 0;
  let otherRoot: { name: string; start: number } | undefined;
  let lastCheck = start;

  const recover = (e: XmlSyntaxError) => {
    sink.report('events-syntax', 'error', e.message, e.start, e.end);
    if (eventDepth >= 0) {
      stack = stack.slice(0, eventDepth);
      eventDepth = -1;
    }
    i = nextEventTag(text, Math.max(e.end, i + 1));
  };

  const emit = (el: XmlElement) => {
    found++;
    const ev: Record<string, unknown> = Object.create(null);
    ev.Event = xmlElementToEvtxJson(el);
    return sink.add(ev, 'xml', el.start);
  };

  while (i < n && !sink.stopped) {
    try {
      const lt = text.indexOf('<', i);
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > i) {
        const top = stack.length > 0 ? stack[stack.length - 1].el : undefined;
        if (top) top.text += decode(text.slice(i, textEnd));
        else if (stack.length === 0) {
          for (let k = i; k < textEnd; k++) {
            if (!isWs(text.charCodeAt(k))) {
              let e = k;
              while (e < textEnd && text.charCodeAt(e) !== 10) e++;
              throw new XmlSyntaxError('Text outside any element: expected a Windows event such as <Event>...</Event>', k, e);
            }
          }
        }
      }
      if (lt < 0) break;
      i = lt;
      const c1 = text.charCodeAt(i + 1);
      if (c1 === 33 /* ! */) {
        if (text.startsWith('<!--', i)) {
          const e = text.indexOf('-->', i + 4);
          if (e < 0) throw new XmlSyntaxError('Comment is never closed (expected "-->")', i, i + 4);
          i = e + 3;
        } else if (text.startsWith('<![CDATA[', i)) {
          const e = text.indexOf(']]>', i + 9);
          if (e < 0) throw new XmlSyntaxError('CDATA section is never closed (expected "]]>")', i, i + 9);
          const top = stack.length > 0 ? stack[stack.length - 1].el : undefined;
          if (top) top.text += text.slice(i + 9, e);
          i = e + 3;
        } else if (text.startsWith('<!DOCTYPE', i)) {
          let depth = 0;
          let k = i + 9;
          for (; k < n; k++) {
            const c = text.charCodeAt(k);
            if (c === 91) depth++;
            else if (c === 93) depth--;
            else if (c === 62 && depth <= 0) break;
          }
          if (k >= n) throw new XmlSyntaxError('DOCTYPE is never closed', i, i + 9);
          i = k + 1;
        } else throw new XmlSyntaxError('Unexpected "<!": expected a comment, CDATA section or element', i, i + 2);
        continue;
      }
      if (c1 === 63 /* ? */) {
        const e = text.indexOf('?>', i + 2);
        if (e < 0) throw new XmlSyntaxError('Processing instruction is never closed (expected "?>")', i, i + 2);
        i = e + 2;
        continue;
      }
      if (c1 === 47 /* / */) {
        const gt = text.indexOf('>', i + 2);
        if (gt < 0) throw new XmlSyntaxError('End tag is never closed (expected ">")', i, n);
        const qname = text.slice(i + 2, gt).trim();
        const open = stack.pop();
        if (!open) throw new XmlSyntaxError(`End tag </${qname}> has no matching start tag`, i, gt + 1);
        if (open.qname !== qname) {
          stack.push(open);
          const line = sink.lineOf(open.start);
          throw new XmlSyntaxError(`Expected </${open.qname}> (to close the element opened on line ${line}) but found </${qname}>`, i, gt + 1);
        }
        i = gt + 1;
        if (open.el && stack.length === eventDepth) {
          eventDepth = -1;
          if (!emit(open.el)) break;
        }
        continue;
      }
      // Start tag.
      let j = i + 1;
      while (j < n && !isNameEnd(text.charCodeAt(j))) j++;
      const qname = text.slice(i + 1, j);
      if (qname === '') throw new XmlSyntaxError('"<" must start a tag (write &lt; for a literal "<")', i, i + 1);
      let attrs: Record<string, string> | undefined;
      let selfClosing = false;
      for (;;) {
        while (j < n && isWs(text.charCodeAt(j))) j++;
        if (j >= n) throw new XmlSyntaxError(`Start tag <${qname}> is never closed (expected ">")`, i, n);
        const c = text.charCodeAt(j);
        if (c === 62) {
          j++;
          break;
        }
        if (c === 47 && text.charCodeAt(j + 1) === 62) {
          selfClosing = true;
          j += 2;
          break;
        }
        const a = j;
        while (j < n && !isNameEnd(text.charCodeAt(j))) j++;
        const aname = text.slice(a, j);
        if (aname === '') throw new XmlSyntaxError(`Unexpected ${JSON.stringify(text[j])} in start tag <${qname}>`, j, j + 1);
        while (j < n && isWs(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) !== 61) throw new XmlSyntaxError(`Attribute ${aname} needs a value (${aname}="...")`, a, j);
        j++;
        while (j < n && isWs(text.charCodeAt(j))) j++;
        const q = text.charCodeAt(j);
        if (q !== 34 && q !== 39) throw new XmlSyntaxError(`The value of attribute ${aname} must be in quotes`, j, j + 1);
        const close = text.indexOf(q === 34 ? '"' : "'", j + 1);
        if (close < 0) throw new XmlSyntaxError(`The value of attribute ${aname} is never closed`, j, n);
        const raw = text.slice(j + 1, close);
        if (raw.indexOf('<') >= 0) throw new XmlSyntaxError(`The value of attribute ${aname} contains "<" (write &lt;)`, j, close + 1);
        attrs ??= Object.create(null) as Record<string, string>;
        const key = aname === 'xmlns' || aname.startsWith('xmlns:') ? aname : localName(aname);
        attrs[key] = decode(raw);
        j = close + 1;
      }
      const name = localName(qname);
      let el: XmlElement | undefined;
      let startsEvent = false;
      if (eventDepth >= 0) {
        el = { name, attrs, children: [], text: '', start: i };
        stack[stack.length - 1].el?.children.push(el);
      } else if (name === 'Event') {
        el = { name, attrs, children: [], text: '', start: i };
        startsEvent = true;
      } else if (stack.length === 0 && name !== 'Events' && !otherRoot) {
        otherRoot = { name: qname, start: i };
      }
      i = j;
      if (selfClosing) {
        if (startsEvent && el && !emit(el)) break;
        continue;
      }
      if (startsEvent) eventDepth = stack.length;
      stack.push({ qname, el, start: el?.start ?? i });
    } catch (e) {
      if (!(e instanceof XmlSyntaxError)) throw e;
      recover(e);
    }
    if (i - lastCheck > 1 << 20) {
      lastCheck = i;
      if (!sink.checkpoint(i)) break;
    }
  }
  if (!sink.stopped && stack.length > 0) {
    const open = stack[eventDepth >= 0 ? eventDepth : stack.length - 1];
    sink.report('events-syntax', 'error', `<${open.qname}> on line ${sink.lineOf(open.start)} is never closed`, open.start, open.start + open.qname.length + 1);
  }
  if (found === 0 && otherRoot) {
    sink.report(
      'events-not-windows-xml',
      'error',
      `<${otherRoot.name}> is not a Windows event: expected <Event> elements (optionally inside <Events>)`,
      otherRoot.start,
      otherRoot.start + otherRoot.name.length + 1,
    );
  }
}

/**
 * One `<Event>` element in the evtx-JSON shape evtx-rs writes: attributes under `#attributes`,
 * text under `#text` (or as the value itself when there are no attributes), repeated children as
 * lists, `<Data Name="X">v</Data>` in EventData as `X: v`, empty elements as null.
 */
export function xmlElementToEvtxJson(el: XmlElement): unknown {
  if (el.children.length === 0) {
    if (!el.attrs) return el.text === '' ? null : el.text;
    const o: Record<string, unknown> = Object.create(null);
    o['#attributes'] = el.attrs;
    if (el.text !== '') o['#text'] = el.text;
    return o;
  }
  const o: Record<string, unknown> = Object.create(null);
  if (el.attrs) o['#attributes'] = el.attrs;
  const collapseData = el.name === 'EventData';
  for (const child of el.children) {
    const dataName = collapseData && child.name === 'Data' && child.children.length === 0 ? child.attrs?.Name : undefined;
    if (dataName !== undefined && dataName !== '' && dataName !== 'Data' && !/^[#@]|^xmlns/.test(dataName)) {
      addMember(o, dataName, child.text === '' ? null : child.text);
    } else addMember(o, child.name, xmlElementToEvtxJson(child));
  }
  if (el.text.trim() !== '') o['#text'] = el.text;
  return o;
}

/** Sets `key`, turning a repeated element into a list (the converter never yields lists otherwise). */
function addMember(o: Record<string, unknown>, key: string, v: unknown): void {
  if (!(key in o)) o[key] = v;
  else {
    const prev = o[key];
    if (Array.isArray(prev)) prev.push(v);
    else o[key] = [prev, v];
  }
}
