import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectEventFormat, readEvents } from './read-events.ts';
import { getField } from './fields.ts';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('readEvents: detection', () => {
  it('reads nothing, and reports nothing, from empty or blank input', () => {
    for (const text of ['', '   \n\t\r\n', '\uFEFF', '\uFEFF\n  ']) {
      const r = readEvents(text);
      expect(r.events).toEqual([]);
      expect(r.diagnostics).toEqual([]);
      expect(r.format).toBeUndefined();
    }
  });

  it('detects each format', () => {
    expect(detectEventFormat('{"a":1}')).toBe('json');
    expect(detectEventFormat('[{"a":1},\n{"a":2}]')).toBe('json');
    expect(detectEventFormat('{"a":1}\n{"a":2}\n')).toBe('ndjson');
    expect(detectEventFormat('a,b\n1,2\n')).toBe('csv');
    expect(detectEventFormat('a\tb\n1\t2\n')).toBe('csv');
    expect(detectEventFormat('<Events><Event/></Events>')).toBe('xml');
    expect(detectEventFormat('Record 1\n{"a":1}')).toBe('json');
    expect(detectEventFormat('hello world')).toBeUndefined();
  });

  it('tells a JSON array from NDJSON whose lines are arrays', () => {
    const array = readEvents('[{"a":1},\n {"a":2}]');
    expect(array.format).toBe('json');
    expect(array.events.map((e) => e.data.a)).toEqual([1, 2]);
    expect(array.events.map((e) => e.origin.line)).toEqual([1, 2]);
    const lines = readEvents('[{"a":1},{"a":2}]\n[{"a":3}]\n');
    expect(lines.format).toBe('ndjson');
    expect(lines.events.map((e) => e.data.a)).toEqual([1, 2, 3]);
    expect(lines.events.map((e) => e.origin.line)).toEqual([1, 1, 2]);
    expect(lines.diagnostics).toEqual([]);
  });

  it('reads a pretty-printed object as one event and concatenated objects as several', () => {
    const one = readEvents('{\n  "a": 1,\n  "b": {"c": [1, 2]}\n}\n');
    expect(one.events.length).toBe(1);
    expect(plain(one.events[0].data)).toEqual({ a: 1, b: { c: [1, 2] } });
    const many = readEvents('{\n "a": 1\n}\n{\n "a": 2\n}\n');
    expect(many.events.map((e) => [e.data.a, e.origin.line])).toEqual([
      [1, 1],
      [2, 4],
    ]);
    expect(many.diagnostics).toEqual([]);
  });

  it('skips a byte-order mark and keeps offsets in the original text', () => {
    const r = readEvents('\uFEFF{"a":1}\n{"a":2}\n');
    expect(r.events.map((e) => e.origin.offset)).toEqual([1, 9]);
    const csv = readEvents('\uFEFFName,Value\r\nx,1\r\n');
    expect(Object.keys(csv.events[0].data)).toEqual(['Name', 'Value']);
  });

  it('reports text it cannot recognise with a position', () => {
    const r = readEvents('\n\n  this is not an event log\n');
    expect(r.events).toEqual([]);
    expect(r.diagnostics).toMatchObject([{ code: 'events-format', severity: 'error', range: { startLine: 3, startColumn: 3 } }]);
  });

  it('refuses binary evtx as text', () => {
    expect(readEvents('ElfFile\0', { format: 'evtx' }).diagnostics[0].code).toBe('events-binary');
  });

  it('honours a requested format', () => {
    const r = readEvents('{"a":1}\n', { format: 'ndjson' });
    expect(r.format).toBe('ndjson');
    expect(r.events[0].origin.format).toBe('ndjson');
    const evtx = readEvents('{"Event": {"System": {"EventID": 1}}}\n{"a": 1}\n', { format: 'evtx-json' });
    expect(evtx.events.length).toBe(2);
    expect(evtx.diagnostics.map((d) => [d.code, d.severity])).toEqual([['events-not-evtx-json', 'warning']]);
    const csv = readEvents('just one column\nvalue\n', { format: 'csv' });
    expect(csv.events.map((e) => plain(e.data))).toEqual([{ 'just one column': 'value' }]);
  });
});

describe('readEvents: JSON and NDJSON', () => {
  it('loads the other NDJSON lines when one is broken and names its line and column', () => {
    const lines = Array.from({ length: 9 }, (_, i) => JSON.stringify({ n: i + 1 }));
    lines[6] = '{"n": 7, "bad": tru}';
    const r = readEvents(lines.join('\n'));
    expect(r.format).toBe('ndjson');
    expect(r.events.map((e) => e.data.n)).toEqual([1, 2, 3, 4, 5, 6, 8, 9]);
    expect(r.events.map((e) => e.origin.line)).toEqual([1, 2, 3, 4, 5, 6, 8, 9]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'events-syntax', severity: 'error', range: { startLine: 7, startColumn: 17 } });
    expect(r.diagnostics[0].message).toMatch(/^Line 7 is not valid JSON: /);
  });

  it('skips blank lines and CRLF line ends in NDJSON', () => {
    const r = readEvents('{"a":1}\r\n\r\n   \r\n{"a":2}\r\n');
    expect(r.events.map((e) => [e.data.a, e.origin.line])).toEqual([
      [1, 1],
      [2, 4],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reports a trailing comma at the comma', () => {
    const r = readEvents('[\n  {"a": 1},\n  {"a": 2},\n]');
    expect(r.events.length).toBe(2);
    expect(r.diagnostics).toMatchObject([{ code: 'events-syntax', range: { startLine: 3, startColumn: 11 } }]);
    expect(r.diagnostics[0].message).toMatch(/Trailing comma/);
    const inObject = readEvents('{"a": 1,\n "b": 2,\n}');
    expect(inObject.events).toEqual([]);
    expect(inObject.diagnostics[0]).toMatchObject({ range: { startLine: 2, startColumn: 8 } });
    expect(inObject.diagnostics[0].message).toMatch(/Trailing comma/);
  });

  it('keeps the good elements of an array with a broken one', () => {
    const r = readEvents('[{"a":1},\n{"a":},\n{"a":3}]');
    expect(r.events.map((e) => e.data.a)).toEqual([1, 3]);
    expect(r.diagnostics).toMatchObject([{ code: 'events-syntax', range: { startLine: 2, startColumn: 6 } }]);
  });

  it('reports an unclosed array, single quotes and unterminated strings with positions', () => {
    expect(readEvents('[{"a":1},\n{"a":2}').diagnostics[0]).toMatchObject({ range: { startLine: 1, startColumn: 1 } });
    const single = readEvents("{'a': 1}");
    expect(single.diagnostics[0].message).toMatch(/double quotes/);
    const unterminated = readEvents('{"a": "x}');
    expect(unterminated.diagnostics[0]).toMatchObject({ range: { startLine: 1, startColumn: 7 } });
  });

  it('warns about values that are not objects and keeps the objects', () => {
    const r = readEvents('[1, {"a": 1}, "x", null]');
    expect(r.events.length).toBe(1);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['events-not-object', 'events-not-object', 'events-not-object']);
    expect(r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('creates null-prototype objects and keeps __proto__, constructor and prototype as data', () => {
    const r = readEvents('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "nested": [{"__proto__": 3}]}');
    const data = r.events[0].data;
    expect(Object.getPrototypeOf(data)).toBeNull();
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor', 'nested']);
    expect(plain(Object.getOwnPropertyDescriptor(data, '__proto__')?.value)).toEqual({ polluted: 1 });
    expect(Object.getPrototypeOf((data.nested as object[])[0])).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(getField(r.events[0], 'constructor.prototype.polluted')).toMatchObject({ found: true, value: 2 });
    expect(getField(r.events[0], 'toString').found).toBe(false);
  });

  it('reads evtx_dump output with its Record lines', () => {
    const text = 'Record 1\n{\n  "Event": {"System": {"EventID": 1, "Channel": "c"}, "EventData": {"Image": "a.exe"}}\n}\nRecord 2\n{\n  "Event": {"System": {"EventID": 3}}\n}\n';
    const r = readEvents(text);
    expect(r.format).toBe('evtx-json');
    expect(r.events.map((e) => [e.data.EventID, e.origin.line])).toEqual([
      [1, 2],
      [3, 6],
    ]);
    expect(r.events[0].data.Image).toBe('a.exe');
  });

  it('reports the mixed format as JSON and each event by its own shape', () => {
    const r = readEvents('{"Event": {"System": {"EventID": 1}}}\n{"a": 1}\n');
    expect(r.format).toBe('ndjson');
    expect(r.events.map((e) => e.origin.format)).toEqual(['evtx-json', 'ndjson']);
  });

  it('caps a flood of errors with a summary', () => {
    const r = readEvents(Array.from({ length: 500 }, () => '{"bad"}').join('\n') + '\n{"ok":1}\n{"ok":2}');
    expect(r.events.length).toBe(2);
    expect(r.diagnostics.length).toBe(101);
    expect(r.diagnostics[100].message).toBe('400 more problems not listed');
  });
});

describe('readEvents: progress, cancellation, limits', () => {
  const big = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i })).join('\n');

  it('reports progress ending at the total', () => {
    const calls: Array<[number, number]> = [];
    readEvents(big, { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls.length).toBeGreaterThan(2);
    for (let k = 1; k < calls.length; k++) expect(calls[k][0]).toBeGreaterThanOrEqual(calls[k - 1][0]);
    expect(calls[calls.length - 1]).toEqual([big.length, big.length]);
  });

  it('stops when asked and says so', () => {
    let polls = 0;
    const r = readEvents(big, { shouldStop: () => ++polls >= 2 });
    expect(r.events.length).toBe(2048);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['events-cancelled']);
  });

  it('stops at maxEvents with a warning, in every format', () => {
    const texts = [
      big,
      '[' + Array.from({ length: 10 }, (_, i) => `{"i":${i}}`).join(',') + ']',
      'i,j\n' + Array.from({ length: 10 }, (_, i) => `${i},x`).join('\n'),
      '<Events>' + '<Event><System><EventID>1</EventID></System></Event>'.repeat(10) + '</Events>',
    ];
    for (const text of texts) {
      const r = readEvents(text, { maxEvents: 3 });
      expect(r.events.length).toBe(3);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['events-truncated']);
    }
  });
});

describe('readEvents: properties', () => {
  it('warns about truncation only when events were left unread', () => {
    expect(readEvents('{"a":1}\n{"a":2}\n', { maxEvents: 2 })).toMatchObject({ diagnostics: [] });
    const none = readEvents('{"a":1}\n{"a":2}\n', { maxEvents: 0 });
    expect(none.events).toEqual([]);
    expect(none.diagnostics.map((d) => d.code)).toEqual(['events-truncated']);
  });

  it('skips the banner line evtxexport prints', () => {
    const r = readEvents('evtxexport 20181227\n\n<Event><System><EventID>4</EventID></System></Event>\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.events[0].data.EventID).toBe(4);
  });

  it('never throws on random text and returns well-formed results', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: fc.constantFrom(...'{}[]",:<>/\\ \n\r\tabc01=&;!?-'.split('')), maxLength: 200 })), (text) => {
        const r = readEvents(text);
        expect(Array.isArray(r.events)).toBe(true);
        for (const d of r.diagnostics) {
          if (d.range) {
            expect(d.range.start).toBeGreaterThanOrEqual(0);
            expect(d.range.end).toBeLessThanOrEqual(text.length);
          }
        }
        r.events.forEach((e, i) => expect(e.index).toBe(i));
      }),
      { numRuns: 400 },
    );
  });

  const jsonObject = fc.dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'a.b', 'Event')),
    fc.jsonValue({ maxDepth: 3 }),
    { maxKeys: 6 },
  );

  it('round-trips random objects through JSON, a JSON array and NDJSON', () => {
    fc.assert(
      fc.property(fc.array(jsonObject, { minLength: 1, maxLength: 5 }), (objects) => {
        // Objects shaped like Windows events are reshaped on purpose; compare the others.
        const expected = objects.map(plain);
        const asArray = readEvents(JSON.stringify(objects, null, 1));
        const asLines = readEvents(objects.map((o) => JSON.stringify(o)).join('\n'), { format: 'ndjson' });
        const single = readEvents(JSON.stringify(objects[0]));
        for (const r of [asArray, asLines]) {
          expect(r.diagnostics).toEqual([]);
          r.events.forEach((e, i) => {
            if (!e.raw) expect(plain(e.data)).toEqual(expected[i]);
          });
          expect(r.events.length).toBe(objects.length);
        }
        if (!single.events[0].raw) expect(plain(single.events[0].data)).toEqual(expected[0]);
      }),
      { numRuns: 200 },
    );
  });
});
