/**
 * Compares our reader with the independent readers' output (evtxexport -f xml for content,
 * python-evtx for record headers). Formatting differences are normalised deliberately, each for
 * a stated reason:
 *
 * 1. FILETIME fractions: evtxexport prints nine digits (`.762708800Z`), we print the seven the
 *    100 ns FILETIME holds (`.7627088Z`, as Windows does); the two trailing zeros are dropped.
 * 2. Hex integers: evtxexport zero-pads to the type width (`0x00000000000003e7`), Windows and we
 *    do not (`0x3e7`); and evtxexport prints SizeT (0x10) in decimal where the specification pairs
 *    it with the hex types, so every `0x...` token is compared as its decimal value (on both sides).
 * 3. Floats: evtxexport prints C `%e` (`1.500000e+000`), we print the shortest exact decimal
 *    (`1.5`); both are compared as numbers.
 * 4. XML escaping and entity references are decoded before field values are compared.
 * 5. python-evtx prints record times as Python `isoformat()` (microseconds, no `Z`) after
 *    converting FILETIME through floating point, which loses up to a few microseconds (it prints
 *    `.844011` for `.8440132`); python-evtx times may differ from ours by at most 5 µs. The exact
 *    check of record times is against evtxexport's text output (`Written time`, 100 ns precision,
 *    printed as `May 09, 2019 02:52:18.844013200 UTC`, converted to ISO 8601).
 * 7. A payload name that is also a flattened System name (Security 5156 has its own `ProcessID`,
 *    event 104 its own `Channel`) shares one flat key in LogEvent.data, and which one wins is
 *    windows-event.ts's policy; so System values are compared through the source hints (always
 *    from System) and the raw `Event.System`, and such EventData fields through the raw
 *    `Event.EventData.X`.
 * 6. Our LogEvent fields are text (EventData values as Windows renders them in XML); a field
 *    that repeats (array substitutions) is a list, which evtxexport prints as repeated elements.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { LogEvent } from '../../event.ts';
import type { EvtxRecord } from '../iterate-evtx-records.ts';
import { renderEvtxXml } from '../render-evtx-xml.ts';

export const EVTXEXPORT = '/usr/bin/evtxexport';
export const PYTHON = '/usr/bin/python3';

export function haveEvtxexport(): boolean {
  return existsSync(EVTXEXPORT);
}

export function havePythonEvtx(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import Evtx.Evtx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `evtxexport -f xml` output (banner and all). */
export function runEvtxexport(path: string): string {
  return execFileSync(EVTXEXPORT, ['-f', 'xml', path], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
}

export interface PyRecord {
  offset: number;
  recordNum: number;
  timestamp: string;
}

const PY_SCRIPT = `
import sys, json
import Evtx.Evtx as evtx
out = {}
for path in sys.argv[1:]:
    with evtx.Evtx(path) as fh:
        out[path] = [{"offset": r.offset(), "recordNum": r.record_num(), "timestamp": r.timestamp().isoformat()} for r in fh.records()]
json.dump(out, sys.stdout)
`;

/** Record headers as python-evtx reads them, per path. */
export function runPythonEvtx(paths: string[]): Record<string, PyRecord[]> {
  return JSON.parse(execFileSync(PYTHON, ['-c', PY_SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Record<string, PyRecord[]>;
}

export interface WrittenTime {
  eventNumber: number;
  /** ISO 8601 with seven fractional digits, like ours. */
  written: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Record numbers and written times from evtxexport's default text output. */
export function runEvtxexportText(path: string): WrittenTime[] {
  const out = execFileSync(EVTXEXPORT, [path], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const list: WrittenTime[] = [];
  for (const m of out.matchAll(/Event number\s*: (\d+)\s*\nWritten time\s*: (\w{3}) (\d\d), (\d{4}) (\d\d:\d\d:\d\d)\.(\d{9}) UTC/g)) {
    const month = String(MONTHS.indexOf(m[2]) + 1).padStart(2, '0');
    list.push({ eventNumber: Number(m[1]), written: `${m[4]}-${month}-${m[3]}T${m[5]}.${m[6].slice(0, 7)}Z` });
  }
  return list;
}

/** Differences between our record headers and evtxexport's text output. */
export function compareWrittenTimes(records: EvtxRecord[], times: WrittenTime[]): string[] {
  const problems: string[] = [];
  if (records.length !== times.length) problems.push(`record count ${records.length} != evtxexport text ${times.length}`);
  for (let i = 0; i < Math.min(records.length, times.length); i++) {
    if (records[i].timestamp !== times[i].written) problems.push(`record ${records[i].recordId}: written ${records[i].timestamp} != evtxexport ${times[i].written}`);
  }
  return problems;
}

/** The `<Event ...>...</Event>` blocks of evtxexport's XML output. */
export function splitEvents(output: string): string[] {
  return output.match(/<Event[\s>][\s\S]*?<\/Event>/g) ?? [];
}

const HEX = /0x[0-9a-fA-F]+/g;
const FLOAT_E = /-?\d\.\d{6}e[+-]\d{3}/g;

/** Normalisations 1–3 applied to XML text or a value. */
export function normalizeText(s: string): string {
  return s
    .replace(/(\d\d:\d\d:\d\d\.\d{7})00Z/g, '$1Z')
    .replace(HEX, (h) => BigInt(h).toString())
    .replace(FLOAT_E, (f) => String(Number(f)));
}

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e];
  });
}

export interface ReferenceFields {
  eventId?: string;
  channel?: string;
  provider?: string;
  eventRecordId?: string;
  /** EventData `<Data Name=...>` values (text-only ones), repeated names collected in order. */
  data: Map<string, string[]>;
}

/** The compared fields of one evtxexport event block. */
export function referenceFields(block: string): ReferenceFields {
  const one = (re: RegExp) => {
    const m = re.exec(block);
    return m ? decodeXml(m[1] ?? '') : undefined;
  };
  const data = new Map<string, string[]>();
  const ed = /<EventData>([\s\S]*?)<\/EventData>/.exec(block)?.[1] ?? '';
  for (const m of ed.matchAll(/<Data Name="([^"]*)"(?:\/>|>([^<]*)<\/Data>)/g)) {
    const name = decodeXml(m[1]);
    const list = data.get(name) ?? [];
    list.push(decodeXml(m[2] ?? ''));
    data.set(name, list);
  }
  return {
    eventId: one(/<EventID[^>]*>(\d+)<\/EventID>/),
    channel: one(/<Channel>([^<]*)<\/Channel>/) ?? (/<Channel\/>/.test(block) ? '' : undefined),
    provider: one(/<Provider Name="([^"]*)"/),
    eventRecordId: one(/<EventRecordID>(\d+)<\/EventRecordID>/),
    data,
  };
}

const SYSTEM_NAMES = new Set(['EventID', 'Version', 'Level', 'Task', 'Opcode', 'Keywords', 'TimeCreated', 'EventRecordID', 'ProcessID', 'ThreadID', 'Channel', 'Computer', 'Provider_Name', 'Provider_Guid', 'Security_UserID']);

/** Differences between our record/event and one evtxexport block; empty when they agree. */
export function compareWithEvtxexport(record: EvtxRecord, event: LogEvent | undefined, block: string): string[] {
  const problems: string[] = [];
  const where = `record ${record.recordId} @0x${record.offset.toString(16)}`;
  const ours = normalizeText(renderEvtxXml(record.nodes));
  const theirs = normalizeText(block);
  if (ours !== theirs) problems.push(`${where}: XML differs\n--- evtxexport\n${theirs}\n+++ ours\n${ours}`);
  if (!event) {
    problems.push(`${where}: no LogEvent`);
    return problems;
  }
  const ref = referenceFields(block);
  const d = event.data;
  const text = (v: unknown) => (v === undefined ? undefined : normalizeText(String(v)));
  // System values are compared through the source hints and the raw System object: the flat
  // names in LogEvent.data may belong to a payload field of the same name (normalisation 7).
  const rawSystem = ((event.raw as { Event?: { System?: Record<string, unknown> } } | undefined)?.Event?.System ?? {}) as Record<string, unknown>;
  if (text(event.hints.eventId) !== ref.eventId) problems.push(`${where}: EventID ${String(event.hints.eventId)} != ${ref.eventId}`);
  if (text(event.hints.channel) !== (ref.channel === undefined ? undefined : normalizeText(ref.channel))) problems.push(`${where}: Channel ${String(event.hints.channel)} != ${ref.channel}`);
  if (text(event.hints.provider) !== ref.provider) problems.push(`${where}: Provider ${String(event.hints.provider)} != ${ref.provider}`);
  if (text(rawSystem.EventRecordID) !== ref.eventRecordId) problems.push(`${where}: EventRecordID ${String(rawSystem.EventRecordID)} != ${ref.eventRecordId}`);
  const rawEventData = ((event.raw as { Event?: { EventData?: Record<string, unknown> } } | undefined)?.Event?.EventData ?? {}) as Record<string, unknown>;
  for (const [name, values] of ref.data) {
    const expected = values.map(normalizeText);
    const actual = SYSTEM_NAMES.has(name) ? rawEventData[name] : d[name];
    const got = Array.isArray(actual) ? actual.map((x) => normalizeText(String(x))) : actual === undefined ? undefined : [normalizeText(String(actual))];
    if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`${where}: EventData ${name} = ${JSON.stringify(actual)}, evtxexport ${JSON.stringify(values)}`);
  }
  return problems;
}

/** Differences between our record headers and python-evtx's. */
export function compareWithPythonEvtx(records: EvtxRecord[], py: PyRecord[]): string[] {
  const problems: string[] = [];
  if (records.length !== py.length) problems.push(`record count ${records.length} != python-evtx ${py.length}`);
  for (let i = 0; i < Math.min(records.length, py.length); i++) {
    const r = records[i];
    const p = py[i];
    if (r.offset !== p.offset) problems.push(`record ${i}: offset ${r.offset} != ${p.offset}`);
    if (r.recordId !== p.recordNum) problems.push(`record ${i}: id ${r.recordId} != ${p.recordNum}`);
    const diff = micros(r.timestamp) - micros(p.timestamp);
    if (diff > 5n || diff < -5n) problems.push(`record ${r.recordId}: timestamp ${r.timestamp} != ${p.timestamp}`);
  }
  return problems;
}

/** Microseconds since 1970 of an ISO time (ours with 7 digits and `Z`, or Python's isoformat). */
export function micros(iso: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/.exec(iso);
  if (!m) return -1n << 62n;
  const seconds = BigInt(Date.parse(`${m[1]}Z`) / 1000);
  const frac = (m[2] ?? '').padEnd(7, '0');
  // Truncate to whole microseconds, as python-evtx does.
  return seconds * 1000000n + BigInt(frac.slice(0, 6));
}
