/**
 * Real Windows events: the shared EVTX-ATTACK-SAMPLES files (../shared/evtx, GPL, never copied
 * here) rendered to XML by two independent readers, libevtx's `evtxexport` and python-evtx.
 * Every record must load as a Windows event, without a diagnostic, from both renderings, and
 * the two must agree on every field where the tools render values the same way.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readEvents } from '../read-events.ts';

const root = path.resolve(__dirname, '../../../../shared/evtx');
const files: string[] = [];
const walk = (dir: string) => {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.evtx')) files.push(p);
  }
};
if (existsSync(root)) walk(root);
const hasTool = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status !== null;
const evtxexport = files.length > 0 && hasTool('evtxexport', ['-V']);
// Debian's python3-evtx lives in the system interpreter, which a pyenv shim may hide.
const python = files.length === 0 ? undefined : ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import Evtx.Evtx'], { encoding: 'utf8' }).status === 0);
const pythonEvtx = python !== undefined;

const PY_DUMP = `
import sys, Evtx.Evtx as evtx
with evtx.Evtx(sys.argv[1]) as log:
    sys.stdout.write('<?xml version="1.1" encoding="utf-8" standalone="yes" ?>\\n<Events>\\n')
    for rec in log.records():
        sys.stdout.write(rec.xml() + '\\n')
    sys.stdout.write('</Events>\\n')
`;

// Renderings that legitimately differ between the two tools (time format, GUID case, boolean case,
// python-evtx's "<string>" wrapping of string arrays and empty Security/Binary elements).
const TOOL_RENDERED = /Guid$|GUID$|^TimeCreated$|^Security_UserID$|^Initiated$|IsIpv6$|^Data$|^Binary$|^OpCorrelationID$|^ObjectGUID$/;

describe.skipIf(!evtxexport)('real .evtx files via evtxexport -f xml', () => {
  it(`reads every record of ${files.length} files as a Windows event`, () => {
    let total = 0;
    for (const file of files) {
      const out = spawnSync('evtxexport', ['-f', 'xml', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const expected = (out.stdout.match(/<Event xmlns=/g) ?? []).length;
      const r = readEvents(out.stdout);
      expect(r.diagnostics, file).toEqual([]);
      expect(r.format).toBe('xml');
      expect(r.events.length, file).toBe(expected);
      for (const e of r.events) {
        expect(typeof e.data.EventID, file).toBe('number');
        expect(e.hints.eventId).toBe(e.data.EventID);
        expect(typeof e.data.Channel).toBe('string');
        expect(typeof e.data.Provider_Name).toBe('string');
      }
      total += r.events.length;
    }
    expect(total).toBeGreaterThan(0);
  });

  it.skipIf(!pythonEvtx)('agrees with python-evtx on every field both render alike', () => {
    let compared = 0;
    for (const file of files.slice(0, 15)) {
      const a = readEvents(spawnSync('evtxexport', ['-f', 'xml', file], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
      const b = readEvents(spawnSync(python!, ['-c', PY_DUMP, file], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
      expect(b.diagnostics, file).toEqual([]);
      const byRecord = new Map(b.events.map((e) => [e.data.EventRecordID, e]));
      for (const ea of a.events) {
        const eb = byRecord.get(ea.data.EventRecordID);
        expect(eb, `${file} record ${String(ea.data.EventRecordID)}`).toBeDefined();
        const keys = new Set([...Object.keys(ea.data), ...Object.keys(eb!.data)]);
        for (const k of keys) {
          if (TOOL_RENDERED.test(k)) continue;
          expect(eb!.data[k], `${file} record ${String(ea.data.EventRecordID)} field ${k}`).toEqual(ea.data[k]);
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe.skipIf(evtxexport)('real .evtx files', () => {
  it.skip('skipped: ../shared/evtx or evtxexport (Debian libevtx-utils) is not available', () => {});
});
