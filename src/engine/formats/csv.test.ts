import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readEvents } from '../read-events.ts';
import { detectCsvDelimiter } from './csv.ts';

const rows = (text: string) => readEvents(text).events.map((e) => JSON.parse(JSON.stringify(e.data)));

describe('CSV', () => {
  it('reads RFC 4180 quoting: doubled quotes, embedded delimiters and line breaks, CRLF', () => {
    const text = 'Image,CommandLine,Note\r\nC:\\a.exe,"a.exe /c ""x, y""","line 1\r\nline 2"\r\n"C:\\b.exe",,\r\n';
    const r = readEvents(text);
    expect(r.format).toBe('csv');
    expect(r.diagnostics).toEqual([]);
    expect(rows(text)).toEqual([
      { Image: 'C:\\a.exe', CommandLine: 'a.exe /c "x, y"', Note: 'line 1\r\nline 2' },
      { Image: 'C:\\b.exe', CommandLine: '', Note: '' },
    ]);
    expect(r.events.map((e) => e.origin.line)).toEqual([2, 4]);
  });

  it('reads quoted header names and makes empty or repeated names unique', () => {
    expect(rows('"Process Name","Event ID",,Process Name\nx,1,y,z\n')).toEqual([{ 'Process Name': 'x', 'Event ID': '1', column3: 'y', 'Process Name_2': 'z' }]);
  });

  it('reads tab- and semicolon-separated text when the header makes it obvious', () => {
    expect(detectCsvDelimiter('a\tb\tc\n')).toBe('\t');
    expect(detectCsvDelimiter('a;b;c,d\n')).toBe(';');
    expect(detectCsvDelimiter('"a;b",c\n')).toBe(',');
    expect(detectCsvDelimiter('abc\n')).toBeUndefined();
    expect(rows('a\tb\n1,5\t2\n')).toEqual([{ a: '1,5', b: '2' }]);
    expect(rows('a;b\n1;"x;y"\n')).toEqual([{ a: '1', b: 'x;y' }]);
  });

  it('warns about ragged rows and keeps extra cells', () => {
    const r = readEvents('a,b\n1\n1,2,3\n');
    expect(r.events.map((e) => JSON.parse(JSON.stringify(e.data)))).toEqual([{ a: '1' }, { a: '1', b: '2', column3: '3' }]);
    expect(r.diagnostics.map((d) => [d.code, d.range?.startLine])).toEqual([
      ['events-csv-columns', 2],
      ['events-csv-columns', 3],
    ]);
  });

  it('reports an unterminated quote where it opens', () => {
    const r = readEvents('a,b\n1,"open\n2,3\n');
    expect(r.diagnostics[0]).toMatchObject({ code: 'events-syntax', range: { startLine: 2, startColumn: 3 } });
  });

  it('keeps __proto__, constructor and prototype columns as data in null-prototype rows', () => {
    const r = readEvents('__proto__,constructor,prototype\n{"x":1},b,c\n');
    const data = r.events[0].data;
    expect(Object.getPrototypeOf(data)).toBeNull();
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toBe('{"x":1}');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('skips blank lines and reads a header-only file as no events', () => {
    expect(rows('a,b\n\n1,2\n\n')).toEqual([{ a: '1', b: '2' }]);
    expect(readEvents('a,b\n')).toMatchObject({ events: [], diagnostics: [] });
  });

  it('round-trips random tables', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', ';'), maxLength: 8 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (width, table) => {
        const header = Array.from({ length: width }, (_, i) => `col${i}`);
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const body = table.map((r) => r.slice(0, width));
        const text = [header.join(','), ...body.map((r) => r.map(quote).join(','))].join('\r\n');
        const r = readEvents(text, { format: 'csv' });
        const expected = body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
        expect(r.events.map((e) => JSON.parse(JSON.stringify(e.data)))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
