/**
 * A densely packed `.evtx` file shaped like Sysmon process-creation logs (one template, every
 * chunk full of records that reference it), for measuring throughput on realistic record density:
 * the public sample files are mostly empty chunk space.
 */
import { buildEvtx, type TNode, type TValue } from './build-evtx.ts';
import { filetime, guidBytes, v } from './encode-values.ts';
import { crc32 } from '../crc32.ts';

const FIELDS: [string, number][] = [
  ['RuleName', 0x01],
  ['UtcTime', 0x01],
  ['ProcessGuid', 0x0f],
  ['ProcessId', 0x08],
  ['Image', 0x01],
  ['FileVersion', 0x01],
  ['Description', 0x01],
  ['Product', 0x01],
  ['Company', 0x01],
  ['OriginalFileName', 0x01],
  ['CommandLine', 0x01],
  ['CurrentDirectory', 0x01],
  ['User', 0x01],
  ['LogonGuid', 0x0f],
  ['LogonId', 0x15],
  ['TerminalSessionId', 0x08],
  ['IntegrityLevel', 0x01],
  ['Hashes', 0x01],
  ['ParentProcessGuid', 0x0f],
  ['ParentProcessId', 0x08],
  ['ParentImage', 0x01],
  ['ParentCommandLine', 0x01],
];

const TEMPLATE = {
  id: 0x5750001,
  guid: guidBytes('C0FFEE00-1234-4567-89AB-CDEF01234567'),
  root: {
    el: 'Event',
    attrs: [['xmlns', [{ text: 'http://schemas.microsoft.com/win/2004/08/events/event' }]]],
    children: [
      {
        el: 'System',
        children: [
          { el: 'Provider', attrs: [['Name', [{ sub: 0, type: 0x01 }]], ['Guid', [{ sub: 1, type: 0x0f }]]] },
          { el: 'EventID', children: [{ sub: 2, type: 0x06 }] },
          { el: 'TimeCreated', attrs: [['SystemTime', [{ sub: 3, type: 0x11 }]]] },
          { el: 'EventRecordID', children: [{ sub: 4, type: 0x0a }] },
          { el: 'Execution', attrs: [['ProcessID', [{ sub: 5, type: 0x08 }]], ['ThreadID', [{ sub: 6, type: 0x08 }]]] },
          { el: 'Channel', children: [{ sub: 7, type: 0x01 }] },
          { el: 'Computer', children: [{ sub: 8, type: 0x01 }] },
          { el: 'Security', attrs: [['UserID', [{ sub: 9, type: 0x13 }]]] },
        ],
      },
      { el: 'EventData', children: FIELDS.map(([name, type], i) => ({ el: 'Data', attrs: [['Name', [{ text: name }]]], children: [{ sub: 10 + i, type }] })) },
    ],
  } as TNode,
};

function values(n: number): TValue[] {
  const pid = 1000 + (n % 5000);
  return [
    v.str('Microsoft-Windows-Sysmon'),
    v.guid('5770385F-C22A-43E0-BF4C-06F5698FFBD9'),
    v.u16(1),
    v.filetime('2024-05-01T10:00:00.1234567Z'),
    v.u64(BigInt(n)),
    v.u32(2044),
    v.u32(3112),
    v.str('Microsoft-Windows-Sysmon/Operational'),
    v.str('WKS-0042.corp.example.com'),
    v.sid('S-1-5-18'),
    v.str('technique_id=T1059,technique_name=Command and Scripting Interpreter'),
    v.str('2024-05-01 10:00:00.123'),
    v.guid('DFAE8213-70EB-5CDD-0000-0010F66D0A00'),
    v.u32(pid),
    v.str('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'),
    v.str('10.0.19041.546 (WinBuild.160101.0800)'),
    v.str('Windows PowerShell'),
    v.str('Microsoft® Windows® Operating System'),
    v.str('Microsoft Corporation'),
    v.str('PowerShell.EXE'),
    v.str(`powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "Get-Process | Where-Object { $_.Id -eq ${pid} }"`),
    v.str('C:\\Users\\alice\\'),
    v.str('CORP\\alice'),
    v.guid('DFAE8213-7002-5CDD-0000-0020E6850500'),
    v.hex64(0x585e6n),
    v.u32(1),
    v.str('High'),
    v.str('SHA1=0873F40DE395DE017495ED5C7E693AFB55E9F867,MD5=A3F446F1E2B8C6ECE56F608FB32B8DC6,SHA256=849F54DC526EA18D59ABAF4904CB11BC15B982D2952B971F2E1B6FBF8C974B39'),
    v.guid('DFAE8213-702C-5CDD-0000-0010E8C50600'),
    v.u32(3748),
    v.str('C:\\Windows\\explorer.exe'),
    v.str('C:\\Windows\\Explorer.EXE'),
  ];
}

/**
 * `chunks` chunks packed with as many process-creation records as fit. The chunk is built once
 * and repeated (record identifiers repeat too, which readers do not mind), so building is fast.
 */
export function buildDenseEvtx(chunks: number): Uint8Array {
  const written = filetime('2024-05-01T10:00:00.1234567Z');
  const records: ((valueAt: (i: number) => number) => { id: number; written: bigint; body: { template: typeof TEMPLATE; values: TValue[] } })[] = [];
  const record = (n: number) => () => ({ id: n, written, body: { template: TEMPLATE, values: values(n) } });
  // Every record after the first has the same size, so two builds tell how many fit.
  const probe = buildEvtx([[record(1), record(2)]]);
  const view = new DataView(probe.buffer);
  const first = view.getUint32(4096 + 512 + 4, true);
  const other = view.getUint32(4096 + 512 + first + 4, true);
  const count = 1 + Math.floor((65536 - 512 - first) / other);
  for (let n = 1; n <= count; n++) records.push(record(n));
  const one = buildEvtx([records]);
  const file = new Uint8Array(4096 + 65536 * chunks);
  file.set(one.subarray(0, 4096 + 65536));
  for (let c = 1; c < chunks; c++) file.set(one.subarray(4096, 4096 + 65536), 4096 + 65536 * c);
  const fv = new DataView(file.buffer);
  fv.setBigUint64(16, BigInt(chunks - 1), true);
  fv.setUint16(42, Math.min(chunks, 0xffff), true);
  fv.setUint32(124, crc32(file, 0, 120), true);
  return file;
}
