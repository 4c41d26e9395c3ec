/**
 * `.evtx` parsing throughput: every file in ../shared/evtx (or, when that is absent, the
 * committed synthetic fixtures), read repeatedly. Prints MB/s of file bytes for decoding records
 * only (`iterateEvtxRecords`) and for the full path to LogEvents (`readEvtx`). Goal: ≥ 50 MB/s.
 * The sample files are mostly empty chunk space (about ten records each), so a second run uses
 * a 16 MB synthetic file packed with Sysmon-like process-creation records: the honest figure for
 * a full production log.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvtx } from '../src/engine/evtx/read-evtx.ts';
import { iterateEvtxRecords } from '../src/engine/evtx/iterate-evtx-records.ts';
import { buildDenseEvtx } from '../src/engine/evtx/test-support/dense-evtx.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function evtxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? evtxFiles(p) : p.endsWith('.evtx') ? [p] : [];
  });
}

function measure(label: string, files: Uint8Array[], once: (b: Uint8Array) => number): void {
  const bytes = files.reduce((s, f) => s + f.length, 0);
  for (let i = 0; i < 3; i++) for (const f of files) once(f); // warm-up
  let rounds = 0;
  let records = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 2000 || rounds < 3) {
    for (const f of files) records += once(f);
    rounds++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const mbps = (bytes * rounds) / 1e6 / seconds;
  console.log(`  ${label.padEnd(34)} ${mbps.toFixed(1).padStart(7)} MB/s  ${Math.round(records / seconds).toLocaleString('en-US').padStart(10)} records/s  (${rounds} rounds)`);
}

export async function run(): Promise<void> {
  const shared = path.resolve(here, '../../shared/evtx');
  let paths = existsSync(shared) ? evtxFiles(shared) : [];
  if (paths.length === 0) {
    console.log(`  ${shared} is absent; measuring the committed synthetic fixtures instead`);
    paths = evtxFiles(path.resolve(here, '../src/engine/evtx/fixtures'));
  }
  const files = paths.map((p) => new Uint8Array(readFileSync(p)));
  const total = files.reduce((s, f) => s + f.length, 0);
  const decode = (b: Uint8Array) => {
    let n = 0;
    for (const _ of iterateEvtxRecords(b)) n++;
    return n;
  };
  const toEvents = (b: Uint8Array) => readEvtx(b).events.length;
  console.log(`  sample files: ${files.length} files, ${(total / 1e6).toFixed(2)} MB`);
  measure('decode records (iterateEvtxRecords)', files, decode);
  measure('to LogEvents (readEvtx)', files, toEvents);
  const dense = buildDenseEvtx(256);
  console.log(`  dense synthetic file: ${(dense.length / 1e6).toFixed(2)} MB, ${decode(dense).toLocaleString('en-US')} records`);
  measure('decode records (iterateEvtxRecords)', [dense], decode);
  measure('to LogEvents (readEvtx)', [dense], toEvents);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
