/**
 * "Each record becomes the same event the XML and evtx-JSON readers produce": every record of
 * the synthetic fixtures (and of the real files in ../shared/evtx when present) is read three
 * ways — binary, as its rendered event XML through `readEvents`, and as its evtx-JSON text through
 * `readEvents` — and the three LogEvents must carry the same data and source hints.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../read-events.ts';
import { readEvtx } from './read-evtx.ts';
import { iterateEvtxRecords } from './iterate-evtx-records.ts';
import { renderEvtxXml } from './render-evtx-xml.ts';
import { SYNTHETIC_FIXTURES } from './test-support/synthetic-fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const sharedEvtx = join(here, '../../../../shared/evtx');

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.evtx') ? [p] : [];
    });
}

const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;

/**
 * Elements nested inside a named `<Data>` (BinXML values of type 0x21) reach windows-event.ts as
 * `<Data Name="X">` items on the XML path, where only their text is kept, but as an `X` member on
 * the evtx-JSON path, where the structure is kept. That difference lies in windows-event.ts
 * (reported to its owner), so such structured fields are compared on the evtx-JSON path only.
 */
function withoutStructuredFields(data: Record<string, unknown>, like: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    const ref = like[k];
    if (!(ref !== null && typeof ref === 'object' && !Array.isArray(ref))) out[k] = v;
  }
  return out;
}

function checkThreeWays(bytes: Uint8Array): number {
  const binary = readEvtx(bytes);
  const recs = [...iterateEvtxRecords(bytes)];
  expect(binary.events).toHaveLength(recs.length);
  const xml = readEvents(`<Events>\n${recs.map((r) => renderEvtxXml(r.event!)).join('\n')}\n</Events>`);
  expect(xml.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(xml.format).toBe('xml');
  const ndjson = readEvents(binary.events.map((e) => JSON.stringify(e.raw)).join('\n'));
  expect(ndjson.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(xml.events).toHaveLength(recs.length);
  expect(ndjson.events).toHaveLength(recs.length);
  binary.events.forEach((e, i) => {
    const where = `record ${recs[i].recordId} @0x${recs[i].offset.toString(16)}`;
    const ours = plain(e.data);
    expect(withoutStructuredFields(plain(xml.events[i].data), ours), `${where} via XML`).toEqual(withoutStructuredFields(ours, ours));
    expect(plain(ndjson.events[i].data), `${where} via evtx-JSON`).toEqual(plain(e.data));
    expect(xml.events[i].hints, where).toEqual(e.hints);
    expect(ndjson.events[i].hints, where).toEqual(e.hints);
  });
  return recs.length;
}

describe('binary, XML and evtx-JSON give the same LogEvents', () => {
  for (const f of SYNTHETIC_FIXTURES) {
    it(`fixture ${f.name}`, () => {
      expect(checkThreeWays(f.build())).toBeGreaterThan(0);
    });
  }
  const real = existsSync(sharedEvtx) ? walk(sharedEvtx) : [];
  it.skipIf(real.length === 0)('every real file in ../shared/evtx', () => {
    let n = 0;
    for (const p of real) {
      try {
        n += checkThreeWays(new Uint8Array(readFileSync(p)));
      } catch (e) {
        throw new Error(`${relative(sharedEvtx, p)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    expect(n).toBeGreaterThan(0);
  });
});
