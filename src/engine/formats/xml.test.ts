import { describe, expect, it } from 'vitest';
import { readEvents } from '../read-events.ts';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));
const event = (inner: string, ns = true) =>
  `<Event${ns ? ' xmlns="http://schemas.microsoft.com/win/2004/08/events/event"' : ''}><System><Provider Name="P"/><EventID>1</EventID></System>${inner}</Event>`;

describe('Windows event XML', () => {
  it('reads one event, with or without the namespace', () => {
    for (const ns of [true, false]) {
      const r = readEvents(event('<EventData><Data Name="Image">a.exe</Data></EventData>', ns));
      expect(r.format).toBe('xml');
      expect(r.diagnostics).toEqual([]);
      expect(plain(r.events[0].data)).toEqual({ EventID: 1, Provider_Name: 'P', Image: 'a.exe' });
    }
  });

  it('reads prefixed element names', () => {
    const r = readEvents('<e:Events xmlns:e="urn:x"><e:Event><e:System><e:EventID>5</e:EventID></e:System><e:EventData><e:Data Name="X">1</e:Data></e:EventData></e:Event></e:Events>');
    expect(r.diagnostics).toEqual([]);
    expect(plain(r.events[0].data)).toEqual({ EventID: 5, X: '1' });
  });

  it('decodes entities and character references in text and attributes, and CDATA', () => {
    const r = readEvents(
      event('<EventData><Data Name="A">&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#65;&#x42;&#x1F600;</Data><Data Name="B"><![CDATA[<not & markup>]]> tail</Data><Data Name="&quot;q&quot;">v</Data></EventData>'),
    );
    expect(r.diagnostics).toEqual([]);
    const d = r.events[0].data;
    expect(d.A).toBe(`<a> & "b" 'c' AB\u{1F600}`);
    expect(d.B).toBe('<not & markup> tail');
    expect(d['"q"']).toBe('v');
  });

  it('keeps unnamed Data as Data (string or list), Binary as Binary, empty Data as the empty string', () => {
    const one = readEvents(event('<EventData><Data>only</Data><Binary>0A0B0C</Binary></EventData>')).events[0].data;
    expect(plain(one)).toMatchObject({ Data: 'only', Binary: '0A0B0C' });
    const many = readEvents(event('<EventData><Data>a</Data><Data></Data><Data>c</Data></EventData>')).events[0].data;
    expect(plain(many.Data)).toEqual(['a', '', 'c']);
    const empty = readEvents(event('<EventData><Data Name="E"/><Data Name="F"></Data></EventData>')).events[0].data;
    expect([empty.E, empty.F]).toEqual(['', '']);
  });

  it('skips comments, processing instructions and a DOCTYPE', () => {
    const r = readEvents(`<?xml version="1.0"?>\n<!DOCTYPE Events [<!ENTITY x "y">]>\n<!-- exported -->\n<Events>${event('<!-- c --><EventData><Data Name="A">1</Data></EventData>')}</Events>`);
    expect(r.diagnostics).toEqual([]);
    expect(r.events[0].data.A).toBe('1');
  });

  it('reports a mismatched end tag with both lines and still reads the next event', () => {
    const text = ['<Events>', event('<EventData><Data Name="A">1</Data></EventData>'), '<Event><System><EventID>2</EventID></Sytem>', '</Event>', event('<EventData><Data Name="A">3</Data></EventData>'), '</Events>'].join('\n');
    const r = readEvents(text);
    expect(r.events.map((e) => e.data.A)).toEqual(['1', '3']);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'events-syntax', range: { startLine: 3, startColumn: 36 } });
    expect(r.diagnostics[0].message).toBe('Expected </System> (to close the element opened on line 3) but found </Sytem>');
  });

  it('reports unclosed elements, bad attributes and a stray "<" with positions', () => {
    const unclosed = readEvents('<Events>\n<Event><System><EventID>1</EventID></System>\n');
    expect(unclosed.events).toEqual([]);
    expect(unclosed.diagnostics[0]).toMatchObject({ range: { startLine: 2, startColumn: 1 } });
    expect(unclosed.diagnostics[0].message).toMatch(/<Event> on line 2 is never closed/);
    const attr = readEvents('<Event><System><Provider Name=P/></System></Event>');
    expect(attr.diagnostics[0]).toMatchObject({ range: { startLine: 1, startColumn: 31 } });
    expect(attr.diagnostics[0].message).toMatch(/must be in quotes/);
    const lt = readEvents('<Event><EventData><Data Name="A">a < b</Data></EventData></Event>');
    expect(lt.diagnostics[0].message).toMatch(/&lt;/);
  });

  it('reports XML that holds no Windows events', () => {
    const r = readEvents('<root><item>1</item></root>');
    expect(r.events).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['events-not-windows-xml']);
  });

  it('reports text outside elements', () => {
    const r = readEvents(`${event('')}\ngarbage here\n${event('')}`);
    expect(r.events.length).toBe(2);
    expect(r.diagnostics[0]).toMatchObject({ code: 'events-syntax', range: { startLine: 2, startColumn: 1 } });
  });

  it('handles CRLF line ends and a BOM', () => {
    const r = readEvents('\uFEFF<Events>\r\n' + event('<EventData>\r\n<Data Name="A">1</Data>\r\n</EventData>') + '\r\n</Events>\r\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.events[0].origin).toMatchObject({ line: 2, offset: 11 });
  });
});

describe('Windows event XML: fuzz', () => {
  it('never throws or hangs on random mixes of XML fragments', async () => {
    const fc = (await import('fast-check')).default;
    const fragments = ['<Event>', '</Event>', '<Events>', '</Events>', '<System>', '</System>', '<EventID>', '1', '</EventID>', '<EventData>', '</EventData>', '<Data Name="a">', '<Data>', '</Data>', '<Data Name=\'b\'/>', '<!--', '-->', '<![CDATA[', ']]>', '<?xml ?>', '&amp;', '&#x41;', '&bogus;', '<', '>', '"', ' ', '\n', 'x', '<e:Event xmlns:e="u">', '</e:Event>', '<!DOCTYPE [', ']>'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const r = readEvents(text, { format: 'xml' });
        for (const e of r.events) expect(Object.getPrototypeOf(e.data)).toBeNull();
        for (const d of r.diagnostics) expect(d.range === undefined || d.range.end <= text.length).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
