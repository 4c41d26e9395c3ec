/**
 * Property tests: truncated and bit-flipped files (the synthetic fixtures, and a real file from
 * ../shared/evtx when present) never throw and never hang: each read finishes within a time
 * bound, and whatever is returned is well formed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEvtx } from './read-evtx.ts';
import { iterateEvtxRecords } from './iterate-evtx-records.ts';
import { renderEvtxXml } from './render-evtx-xml.ts';
import { SYNTHETIC_FIXTURES } from './test-support/synthetic-fixtures.ts';

const here = dirname(fileURLToPath(import.meta.url));
const sharedEvtx = join(here, '../../../../shared/evtx');

/** Generous for 2-core CI machines: an intact file of this size reads in a few milliseconds. */
const TIME_LIMIT_MS = 2000;

function firstRealFiles(limit: number): { name: string; bytes: Uint8Array }[] {
  if (!existsSync(sharedEvtx)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.evtx')) out.push(p);
    }
  };
  walk(sharedEvtx);
  // The largest files have the most records and templates to damage.
  return out
    .sort((a, b) => statSync(b).size - statSync(a).size)
    .slice(0, limit)
    .map((p) => ({ name: p.slice(sharedEvtx.length + 1), bytes: new Uint8Array(readFileSync(p)) }));
}

const inputs = [...SYNTHETIC_FIXTURES.map((f) => ({ name: `fixture ${f.name}`, bytes: f.build() })), ...firstRealFiles(2)];
if (inputs.length === SYNTHETIC_FIXTURES.length) console.warn(`evtx fuzz: ${sharedEvtx} is absent; fuzzing the synthetic fixtures only`);

function checkRead(bytes: Uint8Array): void {
  const t0 = performance.now();
  const result = readEvtx(bytes);
  // Rendering walks every decoded tree, so a malformed tree would surface here too.
  let rendered = 0;
  for (const rec of iterateEvtxRecords(bytes)) rendered += renderEvtxXml(rec.nodes).length;
  const elapsed = performance.now() - t0;
  expect(elapsed).toBeLessThan(TIME_LIMIT_MS);
  expect(rendered).toBeGreaterThanOrEqual(0);
  for (const [i, e] of result.events.entries()) {
    expect(e.index).toBe(i);
    expect(e.origin.format).toBe('evtx');
    expect(typeof e.origin.offset).toBe('number');
  }
  for (const d of result.diagnostics) {
    expect(typeof d.code).toBe('string');
    expect(typeof d.message).toBe('string');
  }
}

describe('damaged .evtx input never throws and never hangs', () => {
  for (const input of inputs) {
    const { bytes } = input;

    it(`${input.name}: truncated at any length`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: bytes.length }), (len) => {
          checkRead(bytes.slice(0, len));
        }),
        { numRuns: 60 },
      );
    });

    it(`${input.name}: random bit flips`, () => {
      // Flips are aimed at the bytes in use (headers and records), where damage matters.
      const used = Math.min(bytes.length, 4096 + 65536);
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: used - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 24 }), (flips) => {
          const b = bytes.slice();
          for (const [at, bit] of flips) b[at] ^= 1 << bit;
          checkRead(b);
        }),
        { numRuns: 120 },
      );
    });

    it(`${input.name}: overwritten byte runs inside records`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 4096 + 512, max: Math.min(bytes.length, 4096 + 65536) - 1 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (at, junk) => {
          const b = bytes.slice();
          b.set(junk.subarray(0, b.length - at), at);
          checkRead(b);
        }),
        { numRuns: 120 },
      );
    });
  }
});
