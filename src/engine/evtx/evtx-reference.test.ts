/**
 * Our reader against independent readers: evtxexport (libevtx) for event content and
 * python-evtx for record headers. The real files in ../shared/evtx are GPL test data that stays
 * outside the repository, so those tests run only where the files and the tools are installed;
 * the committed synthetic fixtures and the reference output generated from them always run.
 * The normalisations are listed and justified in test-support/reference-compare.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { iterateEvtxRecords, type EvtxRecord } from './iterate-evtx-records.ts';
import { readEvtx } from './read-evtx.ts';
import type { Diagnostic } from '../../diagnostics.ts';
import { SYNTHETIC_FIXTURES } from './test-support/synthetic-fixtures.ts';
import {
  compareWithEvtxexport,
  compareWithPythonEvtx,
  haveEvtxexport,
  havePythonEvtx,
  runEvtxexport,
  runPythonEvtx,
  splitEvents,
  runEvtxexportText,
  compareWrittenTimes,
  type PyRecord,
  type WrittenTime,
} from './test-support/reference-compare.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, 'fixtures');
const sharedEvtx = join(here, '../../../../shared/evtx');

function readAll(bytes: Uint8Array): { records: EvtxRecord[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  return { records: [...iterateEvtxRecords(bytes, { diagnostics })], diagnostics };
}

/** Every difference between our reading of `bytes` and the references. */
function differences(bytes: Uint8Array, evtxexportXml: string | undefined, written: WrittenTime[] | undefined, py: PyRecord[] | undefined): string[] {
  const { records, diagnostics } = readAll(bytes);
  const problems = diagnostics.map((d) => `diagnostic: ${d.code} ${d.message}`);
  const { events } = readEvtx(bytes);
  const byOffset = new Map(events.map((e) => [e.origin.offset, e]));
  if (evtxexportXml !== undefined) {
    const blocks = splitEvents(evtxexportXml);
    if (blocks.length !== records.length) problems.push(`record count ${records.length} != evtxexport ${blocks.length}`);
    records.forEach((r, i) => {
      if (blocks[i] !== undefined) problems.push(...compareWithEvtxexport(r, byOffset.get(r.offset), blocks[i]));
    });
  }
  if (written) problems.push(...compareWrittenTimes(records, written));
  if (py) problems.push(...compareWithPythonEvtx(records, py));
  return problems;
}

describe('synthetic fixtures (committed, with reference output from evtxexport and python-evtx)', () => {
  for (const f of SYNTHETIC_FIXTURES) {
    const evtxPath = join(fixturesDir, `${f.name}.evtx`);
    const reference = JSON.parse(readFileSync(join(fixturesDir, `${f.name}.reference.json`), 'utf8')) as {
      evtxexportXml?: string;
      evtxexportWritten?: WrittenTime[];
      pythonEvtx: PyRecord[];
    };
    const bytes = new Uint8Array(readFileSync(evtxPath));

    it(`${f.name}: the committed file is exactly what the generator builds (${f.covers})`, () => {
      expect(Buffer.from(f.build()).equals(Buffer.from(bytes))).toBe(true);
    });

    it(`${f.name}: agrees with the committed evtxexport/python-evtx output`, () => {
      expect(reference.pythonEvtx.length).toBeGreaterThan(0);
      if (f.evtxexportReadable) expect(splitEvents(reference.evtxexportXml ?? '').length).toBe(reference.pythonEvtx.length);
      if (f.evtxexportReadable) expect(reference.evtxexportWritten?.length).toBe(reference.pythonEvtx.length);
      expect(differences(bytes, reference.evtxexportXml, reference.evtxexportWritten, reference.pythonEvtx)).toEqual([]);
    });

    it.skipIf(!haveEvtxexport() || !f.evtxexportReadable)(`${f.name}: agrees with evtxexport run now`, () => {
      expect(differences(bytes, runEvtxexport(evtxPath), runEvtxexportText(evtxPath), undefined)).toEqual([]);
    });
  }
});

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.evtx') ? [p] : [];
    });
}

const realFiles = existsSync(sharedEvtx) ? walk(sharedEvtx) : [];
const canCompare = realFiles.length > 0 && haveEvtxexport();
if (!canCompare) {
  console.warn(
    realFiles.length === 0
      ? `evtx reference tests: ${sharedEvtx} is absent; only the committed fixtures are compared`
      : 'evtx reference tests: evtxexport is not installed (apt-get install libevtx-utils python3-evtx); only the committed fixtures are compared',
  );
}

describe.skipIf(!canCompare)('real .evtx files in ../shared/evtx against evtxexport and python-evtx', () => {
  const py = canCompare && havePythonEvtx() ? runPythonEvtx(realFiles) : undefined;
  let totalRecords = 0;
  for (const path of realFiles) {
    it(relative(sharedEvtx, path), () => {
      const bytes = new Uint8Array(readFileSync(path));
      const problems = differences(bytes, runEvtxexport(path), runEvtxexportText(path), py?.[path]);
      totalRecords += readAll(bytes).records.length;
      expect(problems).toEqual([]);
    });
  }
  it('covers every file and record', () => {
    expect(realFiles.length).toBeGreaterThan(0);
    expect(totalRecords).toBeGreaterThan(0);
    console.info(`evtx reference tests: ${realFiles.length} files, ${totalRecords} records agree with evtxexport${py ? ' and python-evtx' : ''}`);
  });
});
