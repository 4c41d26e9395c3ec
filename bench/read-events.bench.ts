/**
 * Event ingestion throughput: `readEvents` over large generated inputs in every text format,
 * and `getField` lookups per second by resolution step. Prints MB/s and events/s by the wall
 * clock, and the process CPU time beside it (which includes V8's parallel GC threads, but is
 * steadier than the wall clock on a shared machine).
 * Run through `npm run bench` (bench/run.ts calls `run()`), or alone:
 * `node bin/run-ts.mjs bench/read-events.bench.ts`.
 */
import { readEvents } from '../src/engine/read-events.ts';
import { getField } from '../src/engine/fields.ts';
import type { LogEvent } from '../src/engine/event.ts';

function sysmonFields(i: number): Record<string, unknown> {
  return {
    EventID: 1,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Image: `C:\\Windows\\System32\\proc${i % 97}.exe`,
    CommandLine: `proc${i % 97}.exe /c task-${i} --flag`,
    ParentImage: 'C:\\Windows\\explorer.exe',
    User: 'CORP\\jdoe',
    ProcessId: 1000 + (i % 5000),
    Hashes: 'SHA256=DE96A6E69944335375DC1AC238336066889D9FFC7D73628EF4FE1B1B160AB32C',
  };
}

function xmlEvent(i: number): string {
  return (
    `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Sysmon" Guid="{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"/>` +
    `<EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>` +
    `<TimeCreated SystemTime="2024-05-14T09:21:07.4418220Z"/><EventRecordID>${i}</EventRecordID><Correlation/><Execution ProcessID="3104" ThreadID="4412"/>` +
    `<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WKS-0142.corp.example.com</Computer><Security UserID="S-1-5-18"/></System>` +
    `<EventData><Data Name="Image">C:\\Windows\\System32\\proc${i % 97}.exe</Data><Data Name="CommandLine">proc.exe /c &quot;task-${i}&quot;</Data>` +
    `<Data Name="ParentImage">C:\\Windows\\explorer.exe</Data><Data Name="User">CORP\\jdoe</Data><Data Name="ProcessId">${1000 + (i % 5000)}</Data></EventData></Event>\n`
  );
}

function evtxJsonEvent(i: number): Record<string, unknown> {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
        EventID: 1,
        EventRecordID: i,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: 'WKS-0142',
        TimeCreated: { '#attributes': { SystemTime: '2024-05-14T09:21:07.4418220Z' } },
      },
      EventData: { Image: `C:\\Windows\\System32\\proc${i % 97}.exe`, CommandLine: `proc.exe /c task-${i}`, ProcessId: 1000 + (i % 5000) },
    },
  };
}

/** Builds text of about `targetBytes` from `piece(i)`; returns it and the number of pieces. */
function build(targetBytes: number, piece: (i: number) => string, maxPieces = Infinity): { text: string; count: number } {
  const parts: string[] = [];
  let size = 0;
  let i = 0;
  while (size < targetBytes && i < maxPieces) {
    const p = piece(i++);
    parts.push(p);
    size += p.length;
  }
  return { text: parts.join(''), count: i };
}

function measure(label: string, text: string, expected: number): void {
  // One warm-up run on a slice so the timed run measures steady-state code.
  readEvents(text.slice(0, Math.min(text.length, 200_000)).replace(/[^\n]*$/, ''));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = readEvents(text);
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const mb = text.length / 1e6;
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const ok = r.events.length === expected && errors === 0 ? '' : `  (!) read ${r.events.length}/${expected} events, ${errors} errors`;
  console.log(
    `  ${label.padEnd(34)} ${mb.toFixed(1).padStart(6)} MB  ${String(r.events.length).padStart(8)} events  ${(ms / 1000).toFixed(2).padStart(6)} s  ` +
      `${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s  ${Math.round(r.events.length / (ms / 1000)).toLocaleString('en-US').padStart(11)} events/s  (cpu ${(cpuMs / 1000).toFixed(2)} s, ${(mb / (cpuMs / 1000)).toFixed(1)} MB/s)${ok}`,
  );
}

function lookups(label: string, events: LogEvent[], name: string, rounds: number, expectFound = true): void {
  let found = 0;
  for (let k = 0; k < events.length; k++) if (getField(events[k], name).found) found++;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (let k = 0; k < events.length; k++) if (getField(events[k], name).found) found++;
  const ms = performance.now() - t0;
  const perSec = (events.length * rounds) / (ms / 1000);
  console.log(`  ${label.padEnd(44)} ${Math.round(perSec).toLocaleString('en-US').padStart(13)} lookups/s${(found > 0) !== expectFound ? `  (!) expected ${expectFound ? 'hits' : 'misses'}` : ''}`);
}

export async function run(): Promise<void> {
  console.log('readEvents (text formats):');
  const ndjson1m = build(Infinity, (i) => `{"i":${i},"host":"h${i % 50}","msg":"event ${i}"}\n`, 1_000_000);
  measure('NDJSON, 1,000,000 short lines', ndjson1m.text, ndjson1m.count);
  const ndjson = build(50e6, (i) => JSON.stringify(sysmonFields(i)) + '\n');
  measure('NDJSON, Sysmon-like, 50 MB', ndjson.text, ndjson.count);
  const array = build(50e6, (i) => (i === 0 ? '[\n' : ',\n') + JSON.stringify(sysmonFields(i)));
  measure('JSON array, 50 MB', array.text + '\n]', array.count);
  measure('JSON array on one line, 50 MB', array.text.replace(/\n/g, '') + ']', array.count);
  const evtx = build(50e6, (i) => JSON.stringify(evtxJsonEvent(i)) + '\n');
  measure('evtx-JSON NDJSON, 50 MB', evtx.text, evtx.count);
  const header = 'EventID,Channel,Image,CommandLine,ParentImage,User,ProcessId,Hashes\r\n';
  const csv = build(50e6, (i) => {
    const f = sysmonFields(i);
    return `1,${f.Channel},${f.Image},"${String(f.CommandLine).replace(/-/g, ',')} ""q""",${f.ParentImage},${f.User},${f.ProcessId},${f.Hashes}\r\n`;
  });
  measure('CSV (quoted fields, CRLF), 50 MB', header + csv.text, csv.count);
  const xml = build(50e6, xmlEvent);
  measure('Windows event XML, 50 MB', `<Events>\n${xml.text}</Events>\n`, xml.count);

  console.log('getField (100,000 events):');
  const small = readEvents(
    Array.from({ length: 100_000 }, (_, i) => JSON.stringify({ ...sysmonFields(i), 'Process Name': 'x', process: { executable: 'y', args: ['a', 'b'] } })).join('\n'),
  ).events;
  lookups('exact key (Image)', small, 'Image', 20);
  lookups('dotted (process.executable)', small, 'process.executable', 10);
  lookups('through an array (process.args)', small, 'process.args', 10);
  lookups('blanks removed (ProcessName)', small, 'ProcessName', 10);
  lookups('case-insensitive (commandline)', small, 'commandline', 10);
  lookups('missing field (TargetFilename)', small, 'TargetFilename', 10, false);
  const windows = readEvents(Array.from({ length: 100_000 }, (_, i) => JSON.stringify(evtxJsonEvent(i))).join('\n')).events;
  lookups('evtx-JSON exact (Image)', windows, 'Image', 20);
  lookups('evtx-JSON raw path (Event.EventData.Image)', windows, 'Event.EventData.Image', 5);
}

const invokedDirectly = typeof process !== 'undefined' && process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0');
if (invokedDirectly) await run();
