/**
 * Event XML text of a decoded record, indented like Event Viewer's export and evtxexport, for
 * display and comparison. Text is escaped (`&`, `<`, `>`; in attributes also `"`); character and
 * entity references are written back as references.
 */
import type { EvtxAttribute, EvtxContent, EvtxElement } from './evtx-types.ts';
import { scalarText } from './values.ts';

function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

function inlineXml(c: EvtxContent, attr: boolean): string {
  const esc = attr ? escapeAttr : escapeText;
  switch (c.kind) {
    case 'text':
      return esc(c.text);
    case 'value':
      return esc(Array.isArray(c.value) ? c.value.map(scalarText).join(',') : scalarText(c.value));
    case 'charref':
      return `&#${c.code};`;
    case 'entity':
      return `&${c.name};`;
    case 'cdata':
      return `<![CDATA[${c.text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
    case 'pi':
      return `<?${c.target}${c.data ? ` ${c.data}` : ''}?>`;
    default:
      return '';
  }
}

function attrsXml(attrs: EvtxAttribute[]): string {
  let s = '';
  for (const a of attrs) s += ` ${a.name}="${a.value.map((p) => inlineXml(p, true)).join('')}"`;
  return s;
}

function elementXml(el: EvtxElement, indent: string, step: string, out: string[]): void {
  const open = `${indent}<${el.name}${attrsXml(el.attributes)}`;
  if (el.children.length === 0) {
    out.push(`${open}/>`);
    return;
  }
  if (!el.children.some((c) => c.kind === 'element')) {
    const text = el.children.map((c) => inlineXml(c, false)).join('');
    out.push(text === '' ? `${open}/>` : `${open}>${text}</${el.name}>`);
    return;
  }
  out.push(`${open}>`);
  for (const c of el.children) {
    if (c.kind === 'element') elementXml(c, indent + step, step, out);
    else out.push(indent + step + inlineXml(c, false));
  }
  out.push(`${indent}</${el.name}>`);
}

/** XML text of decoded nodes (normally a record's `<Event>` element). */
export function renderEvtxXml(nodes: EvtxContent | readonly EvtxContent[], options: { indent?: string } = {}): string {
  const step = options.indent ?? '  ';
  const out: string[] = [];
  for (const n of Array.isArray(nodes) ? nodes : [nodes as EvtxContent]) {
    if (n.kind === 'element') elementXml(n, '', step, out);
    else out.push(inlineXml(n, false));
  }
  return out.join('\n');
}
