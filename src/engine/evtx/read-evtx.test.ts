/**
 * The evtx reader against what the synthetic fixture encodes (test-support/synthetic-fixtures.ts
 * states every value), and its behaviour on damaged files: warnings that say where, the rest
 * still loads, never an exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iterateEvtxEvents, readEvtx } from './read-evtx.ts';
import { iterateEvtxRecords } from './iterate-evtx-records.ts';
import { renderEvtxXml } from './render-evtx-xml.ts';
import { evtxJson } from './evtx-json.ts';
import { crc32 } from './crc32.ts';
import { filetimePartsToIso, filetimeToIso } from './values.ts';
import { SYNTHETIC_FIXTURES } from './test-support/synthetic-fixtures.ts';

const allTypes = () => SYNTHETIC_FIXTURES.find((f) => f.name === 'all-value-types')!.build();
const extended = () => SYNTHETIC_FIXTURES.find((f) => f.name === 'extended-constructs')!.build();
const CHUNK1 = 4096 + 65536;

function records(bytes: Uint8Array) {
  return [...iterateEvtxRecords(bytes)];
}

describe('readEvtx on the all-value-types fixture', () => {
  const result = readEvtx(allTypes());

  it('reads every record with no diagnostics, in file order, with evtx origins', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.format).toBe('evtx');
    expect(result.events.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
    const recs = records(allTypes());
    expect(recs.map((r) => r.recordId)).toEqual([1, 2, 3, 4, 5]);
    expect(recs.map((r) => r.chunk)).toEqual([0, 0, 0, 1, 1]);
    expect(result.events.map((e) => e.origin)).toEqual(recs.map((r) => ({ format: 'evtx', offset: r.offset })));
    expect(recs[0].offset).toBe(4096 + 512);
    expect(recs[3].offset).toBe(CHUNK1 + 512);
    expect(recs[0].timestamp).toBe('2024-02-29T23:59:59.9999999Z');
    expect(recs[1].timestamp).toBe('2000-01-01T00:00:00.0000000Z');
  });

  it('gives System values their Sigma names and source hints', () => {
    const d = result.events[0].data;
    expect(d.EventID).toBe(1);
    expect(d.Channel).toBe('SigLab/Operational');
    expect(d.Provider_Name).toBe('SigLab-Synthetic');
    expect(d.Provider_Guid).toBe('{5770385F-C22A-43E0-BF4C-06F5698FFBD9}');
    expect(d.Computer).toBe('host.example');
    expect(d.EventRecordID).toBe(1001);
    expect(d.TimeCreated).toBe('2024-02-29T23:59:58.1234567Z');
    expect(d.Keywords).toBe('0x8000000000000000');
    expect(d.Security_UserID).toBe('S-1-5-21-1004336348-1177238915-682003330-512');
    expect(result.events[0].hints).toEqual({ eventId: 1, channel: 'SigLab/Operational', provider: 'SigLab-Synthetic' });
  });

  it('decodes every value type the way Windows renders it', () => {
    const d = result.events[0].data;
    expect(d.String).toBe('C:\\Windows\\System32\\cmd.exe /c "echo <hi> & exit"');
    expect(d.Ansi).toBe('ANSI café');
    expect([d.Int8, d.UInt8, d.Int16, d.UInt16, d.Int32, d.UInt32]).toEqual(['-128', '255', '-32768', '65535', '-2147483648', '4294967295']);
    // 64-bit values beyond 2^53 keep every digit.
    expect([d.Int64, d.UInt64]).toEqual(['-9223372036854775808', '18446744073709551615']);
    expect([d.Real32, d.Real64, d.Bool]).toEqual(['1.5', '-2.75', 'true']);
    expect(d.Binary).toBe('00FF10ABCDEF');
    expect(d.Guid).toBe('{DFAE8213-70EB-5CDD-0000-0010F66D0A00}');
    expect(d.SizeT).toBe('0x7ffe0000');
    expect(d.FileTime).toBe('2019-05-16T14:17:15.7627088Z');
    expect(d.SysTime).toBe('2021-07-04T12:34:56.789Z');
    expect(d.Sid).toBe('S-1-5-18');
    expect([d.HexInt32, d.HexInt64]).toEqual(['0x1f1fff', '0x3e7']);
    expect(d.StringArray).toEqual(['first', 'second', 'third']);
    expect(d.UInt16Array).toEqual(['80', '443']);
    expect(d.Nested).toEqual({ Nested: { Inner: 'inner text', Count: '7' } });
    expect(d.Literal).toBe('a & b ');
    const second = result.events[1].data;
    expect(second.UInt64).toBe('9007199254740993');
    expect(second.HexInt64).toBe('0xfedcba9876543210');
    expect(second.Bool).toBe('false');
    expect(second.String).toBe('');
  });

  it('keeps JSON types in the raw evtx-JSON object', () => {
    const raw = result.events[0].raw as { Event: { System: Record<string, unknown>; EventData: Record<string, unknown> } };
    expect(raw.Event.System.EventID).toBe(1);
    expect(raw.Event.System.Provider).toEqual({ '#attributes': { Name: 'SigLab-Synthetic', Guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' } });
    expect(raw.Event.EventData.UInt32).toBe(4294967295);
    expect(raw.Event.EventData.Bool).toBe(true);
    expect(raw.Event.EventData.Real64).toBe(-2.75);
  });

  it('applies optional substitutions: a null value drops its attribute or element', () => {
    const recs = records(allTypes());
    const xml1 = renderEvtxXml(recs[0].nodes);
    expect(xml1).toContain('<EventID>1</EventID>');
    expect(xml1).toContain('<Correlation/>');
    expect(xml1).toContain('<Data Name="Optional">present</Data>');
    const xml2 = renderEvtxXml(recs[1].nodes);
    expect(xml2).toContain('<EventID Qualifiers="16384">4688</EventID>');
    expect(xml2).toContain('<Correlation ActivityID="{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}"/>');
    expect(xml2).not.toContain('Name="Optional"');
    expect(xml2).toContain('<Security/>');
    expect(result.events[1].data.Optional).toBeUndefined();
  });

  it('repeats an element for each item of an array substitution, and keeps one for an empty array', () => {
    const [first, second] = records(allTypes()).map((r) => renderEvtxXml(r.nodes));
    expect(first.match(/<Data Name="StringArray">/g)).toHaveLength(3);
    expect(second).toContain('<Data Name="StringArray"/>');
  });

  it('reads template-less records, unnamed Data and UserData', () => {
    expect(result.events[2].data).toMatchObject({ EventID: 7, Provider_Name: 'SigLab-Plain', Message: 'no template here', Data: ['unnamed one', 'unnamed two'] });
    expect(result.events[3].data).toMatchObject({ EventID: 104, SubjectUserName: 'alice', SubjectDomainName: 'CORP' });
    expect(result.events[3].hints).toEqual({ eventId: 104, channel: 'System', provider: 'Microsoft-Windows-Eventlog' });
    const raw = result.events[3].raw as { Event: { UserData: { LogFileCleared: Record<string, unknown> } } };
    expect(raw.Event.UserData.LogFileCleared.Channel).toBe('Microsoft-Windows-Sysmon/Operational');
  });
});

describe('extended BinXML constructs', () => {
  const [rec] = records(extended());

  it('renders character references, entity references, CDATA and processing instructions as XML', () => {
    const xml = renderEvtxXml(rec.nodes);
    expect(xml).toContain('<Data Name="Literal">a &amp; b &#169; c</Data>');
    expect(xml).toContain('<Data Name="CData"><![CDATA[x < y && z]]></Data>');
    expect(xml).toContain('<Data Name="PI"><?siglab-target some data?></Data>');
  });

  it('reads a nested BinXML element written without dependency identifiers', () => {
    const xml = renderEvtxXml(rec.nodes);
    expect(xml).toMatch(/<Data Name="NestedElement">\s*<Plain Mode="direct">\s*<Leaf>leaf text<\/Leaf>\s*<\/Plain>\s*<\/Data>/);
  });

  it('resolves them to text in evtx-JSON and LogEvent data', () => {
    const json = evtxJson(rec.event!) as { Event: { EventData: Record<string, unknown> } };
    expect(json.Event.EventData.Literal).toBe('a & b © c');
    expect(json.Event.EventData.CData).toBe('x < y && z');
    const { events } = readEvtx(extended());
    expect(events[0].data.Literal).toBe('a & b © c');
  });
});

describe('damaged files: warnings that say where, the rest still loads', () => {
  const fixRecordChecksum = (b: Uint8Array, chunkStart: number) => {
    const view = new DataView(b.buffer);
    const free = view.getUint32(chunkStart + 48, true);
    view.setUint32(chunkStart + 52, crc32(b, chunkStart + 512, chunkStart + free), true);
    view.setUint32(chunkStart + 124, crc32(b, chunkStart + 128, chunkStart + 512, crc32(b, chunkStart, chunkStart + 120)), true);
  };

  it('warns about a file header checksum mismatch and reads on', () => {
    const b = allTypes();
    b[60] ^= 0xff;
    const r = readEvtx(b);
    expect(r.events).toHaveLength(5);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['evtx-header-checksum']);
    expect(r.diagnostics[0].severity).toBe('warning');
  });

  it('warns about a chunk header checksum mismatch, naming the chunk and offset', () => {
    const b = allTypes();
    b[CHUNK1 + 100] ^= 0x01;
    const r = readEvtx(b);
    expect(r.events).toHaveLength(5);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].code).toBe('evtx-chunk-checksum');
    expect(r.diagnostics[0].message).toContain('chunk 1 (file offset 0x11000)');
    expect(r.diagnostics[0].range?.start).toBe(CHUNK1);
  });

  it('warns about an event records checksum mismatch', () => {
    const b = allTypes();
    const rec = records(b)[0];
    // Flip a bit inside the UTF-16 text of the String value ('C' of C:\Windows).
    const text = [...Buffer.from('C:\\Windows\\System32\\cmd.exe', 'utf16le')];
    const at = Buffer.from(b).indexOf(Buffer.from(text), rec.offset);
    b[at] = 'D'.charCodeAt(0);
    const r = readEvtx(b);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['evtx-records-checksum']);
    expect(r.events[0].data.String).toMatch(/^D:\\Windows/);
  });

  it('skips a record whose size copy is wrong, saying chunk, offset and record id', () => {
    const b = allTypes();
    const recs = records(b);
    const second = recs[1];
    const size = new DataView(b.buffer).getUint32(second.offset + 4, true);
    new DataView(b.buffer).setUint32(second.offset + size - 4, 0xdead, true);
    fixRecordChecksum(b, 4096);
    const r = readEvtx(b);
    expect(r.events.map((e) => e.data.EventRecordID ?? e.data.EventID)).toEqual([1001, 7, 1004, 1005]);
    expect(r.events).toHaveLength(4);
    expect(r.events.map((e) => e.origin.offset)).toEqual([recs[0].offset, recs[2].offset, recs[3].offset, recs[4].offset]);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d.code).toBe('evtx-bad-record');
    expect(d.message).toContain('chunk 0');
    expect(d.message).toContain(`file offset 0x${second.offset.toString(16)}`);
    expect(d.message).toContain('record id 2');
    expect(d.range?.start).toBe(second.offset);
  });

  it('skips records whose BinXML is broken (and those using its template), keeps the others', () => {
    const b = allTypes();
    const first = records(b)[0];
    // The first element token of the inline template definition (after 0x0c, 9 bytes, 24-byte
    // definition header and the 4-byte fragment header) becomes an invalid token.
    const at = Buffer.from(b).indexOf(Buffer.from([0x0c, 0x01]), first.offset + 24) + 10 + 24 + 4;
    expect(b[at]).toBe(0x41);
    b[at] = 0x1f;
    fixRecordChecksum(b, 4096);
    const r = readEvtx(b);
    expect(r.events.map((e) => e.data.EventID)).toEqual([7, 104, 4688]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['evtx-bad-record', 'evtx-bad-record']);
    expect(r.diagnostics[0].message).toContain(`event record 1 at file offset 0x${first.offset.toString(16)}`);
    expect(r.diagnostics[1].message).toContain('event record 2');
  });

  it('recovers the records of a chunk whose header was zeroed, by scanning', () => {
    const b = allTypes();
    b.fill(0, CHUNK1, CHUNK1 + 512);
    const r = readEvtx(b);
    expect(r.events.map((e) => e.data.EventRecordID ?? e.data.EventID)).toEqual([1001, 1002, 7, 1004, 1005]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0].code).toBe('evtx-bad-chunk');
    expect(r.diagnostics[0].message).toContain('chunk 1 at file offset 0x11000 has no "ElfChnk" signature; recovering its records');
  });

  it('skips a chunk of junk without records and reads the other chunks', () => {
    const b = allTypes();
    for (let i = CHUNK1; i < CHUNK1 + 65536; i++) b[i] = (i * 7919) & 0xff;
    const r = readEvtx(b);
    expect(r.events.map((e) => e.data.EventRecordID ?? e.data.EventID)).toEqual([1001, 1002, 7]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['evtx-bad-chunk']);
    expect(r.diagnostics[0].message).toContain('chunk 1 at file offset 0x11000 has no "ElfChnk" signature and no recognisable records; skipped');
  });

  it('reports a file that is not EVTX as an error without events', () => {
    const r = readEvtx(new TextEncoder().encode('{"Event": {"System": {}}}'));
    expect(r.events).toEqual([]);
    expect(r.format).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['evtx-not-evtx', 'error']]);
  });

  it('reports truncation and keeps the records that are complete', () => {
    const b = allTypes();
    const recs = records(b);
    const cut = b.subarray(0, recs[2].offset + 10);
    const r = readEvtx(cut);
    expect(r.events.map((e) => e.data.EventRecordID)).toEqual([1001, 1002]);
    expect(r.diagnostics.some((d) => d.code === 'evtx-truncated')).toBe(true);
    expect(readEvtx(b.subarray(0, 100)).diagnostics.map((d) => d.code)).toEqual(['evtx-truncated']);
  });
});

describe('progress, cancellation and limits', () => {
  it('reports progress per chunk up to the total', () => {
    const b = allTypes();
    const seen: [number, number][] = [];
    readEvtx(b, { onProgress: (done, total) => seen.push([done, total]) });
    expect(seen).toEqual([
      [CHUNK1, b.length],
      [b.length, b.length],
    ]);
  });

  it('stops when asked and says so', () => {
    let calls = 0;
    const r = readEvtx(allTypes(), { shouldStop: () => ++calls > 2 });
    expect(r.events.length).toBeLessThan(5);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['evtx-cancelled']);
  });

  it('stops after maxEvents with a warning', () => {
    const r = readEvtx(allTypes(), { maxEvents: 2 });
    expect(r.events).toHaveLength(2);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['events-truncated']);
  });
});

describe('primitives', () => {
  it('CRC-32 matches the RFC 1952 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const b = new TextEncoder().encode('123456789');
    expect(crc32(b, 4, 9, crc32(b, 0, 4))).toBe(0xcbf43926);
  });

  it('FILETIME converts with 100 ns precision, before and after 1970', () => {
    expect(filetimeToIso(0n)).toBe('1601-01-01T00:00:00.0000000Z');
    expect(filetimeToIso(116444736000000000n)).toBe('1970-01-01T00:00:00.0000000Z');
    expect(filetimeToIso(116444736000000001n)).toBe('1970-01-01T00:00:00.0000001Z');
    expect(filetimeToIso(116444735999999999n)).toBe('1969-12-31T23:59:59.9999999Z');
  });

  it('FILETIME from 32-bit halves agrees with the BigInt conversion', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (ticks) => {
        expect(filetimePartsToIso(Number(ticks & 0xffffffffn), Number(ticks >> 32n))).toBe(filetimeToIso(ticks));
      }),
      { numRuns: 2000 },
    );
    for (const ticks of [0n, 116444736000000000n, 132611722472175625n, (1n << 62n) - 1n, 1n << 62n]) {
      expect(filetimePartsToIso(Number(ticks & 0xffffffffn), Number(ticks >> 32n))).toBe(filetimeToIso(ticks));
    }
  });

  it('CRC-32 (sliced) agrees with the bytewise definition on random data', () => {
    const bitwise = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return ~c >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(crc32(b)).toBe(bitwise(b));
      }),
    );
  });
});

describe('hostile input', () => {
  it('skips a record whose nested BinXML would expand exponentially, quickly and with a warning', async () => {
    const { buildEvtx, nestedTemplateValue } = await import('./test-support/build-evtx.ts');
    const FAN = 64;
    const level = { id: 9, guid: new Array(16).fill(7), root: { el: 'L', children: Array.from({ length: FAN }, () => ({ el: 'D', children: [{ sub: 0, type: 0x21 }] })) } };
    // A chain of nested values, each repeating the next one FAN times: FAN^4 nodes if expanded.
    const chain = (at: number, depth: number): { type: number; bytes: number[] } => {
      if (depth === 0) return { type: 0x01, bytes: [0x78, 0] };
      const innerLength = chain(0, depth - 1).bytes.length;
      const probe = nestedTemplateValue(at, level, [{ type: 0x21, bytes: new Array(innerLength).fill(0) }]);
      const innerAt = at + probe.bytes.length - 1 - innerLength;
      return nestedTemplateValue(at, level, [chain(innerAt, depth - 1)]);
    };
    const top = {
      id: 10,
      guid: new Array(16).fill(9),
      root: {
        el: 'Event',
        children: [
          { el: 'System', children: [{ el: 'EventID', children: [{ text: '1' }] }, { el: 'Channel', children: [{ text: 'Bomb' }] }] },
          { el: 'EventData', children: Array.from({ length: FAN }, () => ({ el: 'Data', children: [{ sub: 0, type: 0x21 }] })) },
        ],
      },
    };
    const bytes = buildEvtx([
      [
        (valueAt) => ({ id: 1, written: 0n, body: { template: top, values: [chain(valueAt(0), 3)] } }),
        () => ({ id: 2, written: 0n, body: { element: { el: 'Event', children: [{ el: 'System', children: [{ el: 'EventID', children: [{ text: '2' }] }] }] } } }),
      ],
    ]);
    const t0 = performance.now();
    const r = readEvtx(bytes);
    // Fully expanded this record would be 64^4 elements; the guard stops it within milliseconds.
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.events.map((e) => e.data.EventID)).toEqual([2]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['evtx-bad-record']);
    expect(r.diagnostics[0].message).toContain('expands to more than');
  });
});

describe('iterateEvtxEvents', () => {
  it('yields the same events as readEvtx, one at a time, and can be abandoned midway', () => {
    const bytes = allTypes();
    const diagnostics: import('../../diagnostics.ts').Diagnostic[] = [];
    const streamed = [...iterateEvtxEvents(bytes, diagnostics)];
    expect(streamed).toEqual(readEvtx(bytes).events);
    expect(diagnostics).toEqual([]);
    const it = iterateEvtxEvents(bytes, []);
    expect(it.next().value?.data.EventRecordID).toBe(1001);
    expect(it.return()).toEqual({ done: true, value: undefined });
  });
});
