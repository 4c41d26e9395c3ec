import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEventsFromFile } from './read-events-file.ts';
import { SYNTHETIC_FIXTURES } from '../engine/evtx/test-support/synthetic-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'siglab-read-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const evtx = SYNTHETIC_FIXTURES[0].build();

describe('readEventsFromFile', () => {
  it('reads .evtx files with the binary reader', async () => {
    const p = join(dir, 'sample.evtx');
    writeFileSync(p, evtx);
    const r = await readEventsFromFile(p);
    expect(r.format).toBe('evtx');
    expect(r.events).toHaveLength(5);
    expect(r.events[0].origin).toEqual({ format: 'evtx', offset: 4608 });
    expect(r.diagnostics).toEqual([]);
  });

  it('recognises EVTX by its signature whatever the file name', async () => {
    const p = join(dir, 'exported.log');
    writeFileSync(p, evtx);
    const r = await readEventsFromFile(p);
    expect(r.format).toBe('evtx');
    expect(r.events).toHaveLength(5);
  });

  it('reads other files as text, including UTF-16 XML exports with a byte-order mark', async () => {
    const json = join(dir, 'events.json');
    writeFileSync(json, '{"Image": "C:\\\\x.exe"}\n');
    expect((await readEventsFromFile(json)).events[0].data.Image).toBe('C:\\x.exe');

    const xml = '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4688</EventID><Channel>Security</Channel></System><EventData><Data Name="NewProcessName">C:\\a.exe</Data></EventData></Event>';
    const p = join(dir, 'export.xml');
    writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
    const r = await readEventsFromFile(p);
    expect(r.format).toBe('xml');
    expect(r.events[0].data).toMatchObject({ EventID: 4688, Channel: 'Security', NewProcessName: 'C:\\a.exe' });
  });

  it('turns an unreadable path into an error diagnostic instead of throwing', async () => {
    const r = await readEventsFromFile(join(dir, 'missing.evtx'));
    expect(r.events).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['events-unreadable', 'error']]);
  });

  it('reports a file named .evtx that is not EVTX', async () => {
    const p = join(dir, 'fake.evtx');
    writeFileSync(p, 'hello');
    const r = await readEventsFromFile(p);
    expect(r.events).toEqual([]);
    expect(r.diagnostics[0].code).toBe('evtx-not-evtx');
  });
});
