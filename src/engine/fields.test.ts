import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { LogEvent } from './event.ts';
import { collectFieldPaths, getField } from './fields.ts';
import { readEvents } from './read-events.ts';

const ev = (json: string): LogEvent => {
  const r = readEvents(json, { format: 'json' });
  expect(r.diagnostics).toEqual([]);
  return r.events[0];
};

describe('getField', () => {
  it('finds the exact key first, null values included', () => {
    const e = ev('{"Image": "a.exe", "image": "other", "process.executable": "flat", "process": {"executable": "nested"}, "Gone": null}');
    expect(getField(e, 'Image')).toEqual({ found: true, value: 'a.exe', path: 'Image' });
    expect(getField(e, 'image').value).toBe('other');
    expect(getField(e, 'process.executable')).toEqual({ found: true, value: 'flat', path: 'process.executable' });
    expect(getField(e, 'Gone')).toEqual({ found: true, value: null, path: 'Gone' });
    expect(getField(e, 'Missing')).toEqual({ found: false });
  });

  it('walks dotted names through nested objects, keys containing dots included', () => {
    const e = ev('{"process": {"executable": "x", "parent": {"pid": 4}}, "winlog.event_data": {"Image": "y"}, "a": {"b.c": {"d": 1}}}');
    expect(getField(e, 'process.executable')).toEqual({ found: true, value: 'x', path: 'process.executable' });
    expect(getField(e, 'process.parent.pid').value).toBe(4);
    expect(getField(e, 'process.parent')).toMatchObject({ found: true, path: 'process.parent' });
    expect(getField(e, 'winlog.event_data.Image')).toEqual({ found: true, value: 'y', path: 'winlog.event_data.Image' });
    expect(getField(e, 'a.b.c.d')).toEqual({ found: true, value: 1, path: 'a.b.c.d' });
    expect(getField(e, 'process.executable.more').found).toBe(false);
    expect(getField(e, 'process.nothing').found).toBe(false);
  });

  it('collects values through arrays and indexes them with numeric segments', () => {
    const e = ev('{"procs": [{"name": "a", "args": ["-x", "-y"]}, {"other": 1}, {"name": "b", "args": ["-z"]}], "tags": ["t1", "t2"]}');
    expect(getField(e, 'procs.name')).toEqual({ found: true, value: ['a', 'b'], path: 'procs.name' });
    expect(getField(e, 'procs.args').value).toEqual(['-x', '-y', '-z']);
    expect(getField(e, 'procs.2.name')).toEqual({ found: true, value: 'b', path: 'procs.2.name' });
    expect(getField(e, 'procs.5.name').found).toBe(false);
    expect(getField(e, 'tags').value).toEqual(['t1', 't2']);
    expect(getField(e, 'procs.missing').found).toBe(false);
  });

  it('finds a key written with blanks by the name without them', () => {
    const e = ev('{"Process Name": "C:\\\\a.exe", "Event ID": "4688", "New  Process\\tId": "0x1"}');
    expect(getField(e, 'ProcessName')).toEqual({ found: true, value: 'C:\\a.exe', path: 'Process Name' });
    expect(getField(e, 'EventID').value).toBe('4688');
    expect(getField(e, 'NewProcessId').value).toBe('0x1');
    expect(getField(e, 'Process Name').value).toBe('C:\\a.exe');
  });

  it('matches case-insensitively as the last resort, first key in event order', () => {
    const e = ev('{"commandline": "lower", "COMMANDLINE": "upper", "Process": {"Executable": "x"}, "CommandLineX": 1}');
    expect(getField(e, 'CommandLine')).toEqual({ found: true, value: 'lower', path: 'commandline' });
    expect(getField(e, 'process.executable')).toEqual({ found: true, value: 'x', path: 'Process.Executable' });
    expect(getField(e, 'commandlinex').value).toBe(1);
  });

  it('prefers an exact dotted walk over a case-insensitive top-level key', () => {
    const e = ev('{"A.B": "loose", "A": {"B": "walked"}}');
    expect(getField(e, 'A.B').value).toBe('loose');
    const f = ev('{"a.b": "loose", "A": {"B": "walked"}}');
    expect(getField(f, 'A.B').value).toBe('walked');
  });

  it('never reads inherited properties', () => {
    const e = ev('{"a": {}}');
    for (const name of ['toString', 'constructor', '__proto__', 'a.constructor', 'a.hasOwnProperty', 'valueOf']) {
      expect(getField(e, name).found).toBe(false);
    }
    const literal: LogEvent = { index: 0, data: { a: 1 }, origin: { format: 'json' }, hints: {} };
    expect(getField(literal, 'constructor').found).toBe(false);
    expect(getField(literal, 'a').value).toBe(1);
  });

  it('looks through the raw Windows event for full paths', () => {
    const e = readEvents('<Event><System><Provider Name="P"/><EventID Qualifiers="16384">7045</EventID></System><EventData><Data Name="ServiceName">s</Data></EventData></Event>').events[0];
    expect(getField(e, 'Event.System.Provider.Name')).toMatchObject({ found: true, value: 'P' });
    expect(getField(e, 'Event.System.EventID')).toMatchObject({ found: true, value: '7045' });
    expect(getField(e, 'Event.System.EventID.Qualifiers').value).toBe('16384');
    expect(getField(e, 'Event.EventData.ServiceName').value).toBe('s');
    expect(getField(e, 'Event.EventData.Nothing').found).toBe(false);
  });

  it('answers repeated lookups the same way', () => {
    const e = ev('{"Process Name": "x"}');
    const first = getField(e, 'ProcessName');
    expect(getField(e, 'ProcessName')).toBe(first);
    expect(getField(e, 'Nope')).toBe(getField(e, 'Nope'));
  });

  it('never throws for random names on random events', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', ' ', 'A', '0', '_'), maxLength: 8 }), (value, name) => {
        const data = { root: value, a: value };
        const e = readEvents(JSON.stringify(data)).events[0];
        const r = getField(e, name);
        expect(typeof r.found).toBe('boolean');
        if (r.found) expect(typeof r.path).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('collectFieldPaths', () => {
  it('lists leaf paths with counts and samples, most common first', () => {
    const { events } = readEvents('{"a": 1, "n": {"x": "", "y": [1, 2]}}\n{"a": 2, "n": {"x": "seen"}, "list": [{"k": "v"}, {"k": "w"}], "e": {}}\n{"b": null}');
    const paths = collectFieldPaths(events);
    expect(paths).toEqual([
      { path: 'a', count: 2, sample: '1' },
      { path: 'n.x', count: 2, sample: 'seen' },
      { path: 'n.y', count: 1, sample: '1' },
      { path: 'list.k', count: 1, sample: 'v' },
      { path: 'e', count: 1 },
      { path: 'b', count: 1 },
    ]);
    for (const p of paths) expect(events.some((e) => getField(e, p.path).found)).toBe(true);
  });

  it('lists what getField resolves, for Windows events too', () => {
    const { events } = readEvents('<Event><System><EventID>1</EventID></System><EventData><Data Name="Image">a.exe</Data></EventData></Event>');
    const paths = collectFieldPaths(events);
    expect(paths.map((p) => p.path)).toEqual(['EventID', 'Image']);
    for (const p of paths) expect(getField(events[0], p.path).found).toBe(true);
  });
});

describe('getField on hostile shapes', () => {
  it('does not overflow the stack on deeply nested arrays', () => {
    const deep = '['.repeat(5000) + '{"a": 1}' + ']'.repeat(5000);
    const e = readEvents(`{"x": ${deep}}`).events[0];
    expect(getField(e, 'x.a').found).toBe(false);
    const shallow = readEvents('{"x": [[[{"a": 1}]], [{"a": 2}]]}').events[0];
    expect(getField(shallow, 'x.a').value).toEqual([1, 2]);
  });
});
