/**
 * The synthetic `.evtx` fixtures committed in ../fixtures (the real test files are GPL and stay
 * out of the repository). `make-fixtures.ts` writes them and their reference output from
 * evtxexport and python-evtx; the tests check that the committed bytes are exactly what this
 * module builds, and that our reader agrees with the committed reference output.
 */
import { buildEvtx, nestedElementValue, nestedTemplateValue, type TNode, type TInline, type TValue } from './build-evtx.ts';
import { filetime, guidBytes, v } from './encode-values.ts';

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
const sub = (id: number, type: number, optional = false): TInline => ({ sub: id, type, optional });
const el = (name: string, children: TNode[] = [], attrs: [string, TInline[]][] = []): TNode => ({ el: name, attrs, children });

function system(extra: { qualifiers?: boolean } = {}): TNode {
  return el('System', [
    el('Provider', [], [
      ['Name', [sub(0, 0x01)]],
      ['Guid', [sub(1, 0x0f)]],
    ]),
    el('EventID', [sub(2, 0x06)], extra.qualifiers === false ? [] : [['Qualifiers', [sub(3, 0x06, true)]]]),
    el('Version', [sub(4, 0x04)]),
    el('Level', [sub(5, 0x04)]),
    el('Task', [sub(6, 0x06)]),
    el('Opcode', [sub(7, 0x04)]),
    el('Keywords', [sub(8, 0x15)]),
    el('TimeCreated', [], [['SystemTime', [sub(9, 0x11)]]]),
    el('EventRecordID', [sub(10, 0x0a)]),
    el('Correlation', [], [['ActivityID', [sub(11, 0x0f, true)]]]),
    el('Execution', [], [
      ['ProcessID', [sub(12, 0x08)]],
      ['ThreadID', [sub(13, 0x08)]],
    ]),
    el('Channel', [sub(14, 0x01)]),
    el('Computer', [sub(15, 0x01)]),
    el('Security', [], [['UserID', [sub(16, 0x13, true)]]]),
  ]);
}

const TYPED_FIELDS: [string, number][] = [
  ['String', 0x01],
  ['Ansi', 0x02],
  ['Int8', 0x03],
  ['UInt8', 0x04],
  ['Int16', 0x05],
  ['UInt16', 0x06],
  ['Int32', 0x07],
  ['UInt32', 0x08],
  ['Int64', 0x09],
  ['UInt64', 0x0a],
  ['Real32', 0x0b],
  ['Real64', 0x0c],
  ['Bool', 0x0d],
  ['Binary', 0x0e],
  ['Guid', 0x0f],
  ['SizeT', 0x10],
  ['FileTime', 0x11],
  ['SysTime', 0x12],
  ['Sid', 0x13],
  ['HexInt32', 0x14],
  ['HexInt64', 0x15],
  ['StringArray', 0x81],
  ['UInt16Array', 0x86],
  ['Nested', 0x21],
  ['Optional', 0x01],
  ['NestedElement', 0x21],
];
const FIRST_DATA = 17;

const data = (name: string, content: TNode[]): TNode => el('Data', content, [['Name', [{ text: name }]]]);

export interface Extras {
  entity?: boolean;
  charref?: boolean;
  cdata?: boolean;
  pi?: boolean;
  /** Write the NestedElement value without dependency identifiers, as the specification says. */
  elementWithoutDependencyId?: boolean;
  /** Typed fields left out of the template (their values are still in every instance). */
  omit?: string[];
}

function allTypesTemplate(extras: Extras) {
  const literal: TInline[] = [{ text: 'a ' }];
  if (extras.entity) literal.push({ entity: 'amp' }, { text: ' b ' });
  if (extras.charref) literal.push({ charref: 169 }, { text: ' c' });
  return {
    id: 0x5e1ab001,
    guid: guidBytes('6A1B2C3D-4E5F-4061-8273-8495A6B7C8D9'),
    root: el(
      'Event',
      [
        system(),
        el('EventData', [
          ...TYPED_FIELDS.flatMap(([name, type], i) => (extras.omit?.includes(name) ? [] : [data(name, [sub(FIRST_DATA + i, type, name === 'Optional')])])),
          data('Literal', literal),
          ...(extras.cdata ? [data('CData', [{ cdata: 'x < y && z' }])] : []),
          ...(extras.pi ? [data('PI', [{ pi: 'siglab-target', data: 'some data' }])] : []),
        ]),
      ],
      [['xmlns', [{ text: NS }]]],
    ),
  };
}

const NESTED = {
  id: 0x5e1ab002,
  guid: guidBytes('0F1E2D3C-4B5A-4697-A8B9-CADBECFD0E1F'),
  root: el('Nested', [el('Inner', [sub(1, 0x01)]), el('Count', [sub(2, 0x08)])], [['Kind', [sub(0, 0x01)]]]),
};

const USER_DATA = {
  id: 0x5e1ab003,
  guid: guidBytes('11223344-5566-4778-899A-ABBCCDDEEFF0'),
  root: el(
    'Event',
    [
      system({ qualifiers: false }),
      el('UserData', [el('LogFileCleared', [el('SubjectUserName', [sub(17, 0x01)]), el('SubjectDomainName', [sub(18, 0x01)]), el('Channel', [sub(19, 0x01)])], [['xmlns', [{ text: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }]]])]),
    ],
    [['xmlns', [{ text: NS }]]],
  ),
};

interface SystemValues {
  provider: string;
  eventId: number;
  qualifiers?: number;
  recordId: number;
  time: string;
  activity?: string;
  channel: string;
  computer: string;
  user?: string;
}

function systemValues(s: SystemValues): TValue[] {
  return [
    v.str(s.provider),
    v.guid('5770385F-C22A-43E0-BF4C-06F5698FFBD9'),
    v.u16(s.eventId),
    s.qualifiers === undefined ? v.null() : v.u16(s.qualifiers),
    v.u8(5),
    v.u8(4),
    v.u16(s.eventId),
    v.u8(0),
    v.hex64(0x8000000000000000n),
    v.filetime(s.time),
    v.u64(BigInt(s.recordId)),
    s.activity === undefined ? v.null() : v.guid(s.activity),
    v.u32(1780),
    v.u32(2204),
    v.str(s.channel),
    v.str(s.computer),
    s.user === undefined ? v.null() : v.sid(s.user),
  ];
}

function allTypesRecord(id: number, variant: 0 | 1, extras: Extras = {}) {
  return (valueAt: (i: number) => number) => {
    const nestedIndex = FIRST_DATA + TYPED_FIELDS.findIndex(([n]) => n === 'Nested');
    const values: TValue[] = [
      ...systemValues(
        variant === 0
          ? { provider: 'SigLab-Synthetic', eventId: 1, recordId: 1000 + id, time: '2024-02-29T23:59:58.1234567Z', channel: 'SigLab/Operational', computer: 'host.example', user: 'S-1-5-21-1004336348-1177238915-682003330-512' }
          : { provider: 'SigLab-Synthetic', eventId: 4688, qualifiers: 16384, recordId: 1000 + id, time: '1999-12-31T00:00:00.0000001Z', activity: '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}', channel: 'Security', computer: 'dc01.corp.example' },
      ),
      variant === 0 ? v.str('C:\\Windows\\System32\\cmd.exe /c "echo <hi> & exit"') : v.str(''),
      v.ansi(variant === 0 ? 'ANSI caf\u00e9' : 'plain'),
      v.i8(variant === 0 ? -128 : 127),
      v.u8(variant === 0 ? 255 : 0),
      v.i16(variant === 0 ? -32768 : 12345),
      v.u16(variant === 0 ? 65535 : 3389),
      v.i32(variant === 0 ? -2147483648 : 4624),
      v.u32(variant === 0 ? 4294967295 : 0),
      v.i64(variant === 0 ? -9223372036854775808n : 42n),
      v.u64(variant === 0 ? 18446744073709551615n : 9007199254740993n),
      v.f32(variant === 0 ? 1.5 : -0.25),
      v.f64(variant === 0 ? -2.75 : 1024.5),
      v.bool(variant === 0),
      v.binary(variant === 0 ? '00FF10ABCDEF' : '4D5A9000'),
      v.guid(variant === 0 ? '{DFAE8213-70EB-5CDD-0000-0010F66D0A00}' : '{00000000-0000-0000-0000-000000000000}'),
      v.sizeT(variant === 0 ? 0x7ffe0000n : 0n),
      v.filetime(variant === 0 ? '2019-05-16T14:17:15.7627088Z' : '1601-01-01T00:00:00Z'),
      v.systemtime(variant === 0 ? '2021-07-04T12:34:56.789Z' : '2000-01-01T00:00:00.000Z'),
      v.sid(variant === 0 ? 'S-1-5-18' : 'S-1-16-12288'),
      v.hex32(variant === 0 ? 0x1f1fff : 0),
      v.hex64(variant === 0 ? 0x3e7n : 0xfedcba9876543210n),
      v.strArray(variant === 0 ? ['first', 'second', 'third'] : []),
      v.u16Array(variant === 0 ? [80, 443] : [8080]),
      nestedTemplateValue(valueAt(nestedIndex), NESTED, [v.str(variant === 0 ? 'alpha' : 'beta'), v.str(variant === 0 ? 'inner text' : ''), v.u32(variant === 0 ? 7 : 0)]),
      variant === 0 ? v.str('present') : v.null(),
      nestedElementValue(valueAt(nestedIndex + 2), el('Plain', [el('Leaf', [{ text: variant === 0 ? 'leaf text' : 'other' }])], [['Mode', [{ text: 'direct' }]]]), !extras.elementWithoutDependencyId),
    ];
    return { id, written: filetime(variant === 0 ? '2024-02-29T23:59:59.9999999Z' : '2000-01-01T00:00:00Z'), body: { template: allTypesTemplate(extras), values } };
  };
}

function plainRecord(id: number) {
  return () => ({
    id,
    written: filetime('2023-01-02T03:04:05.0600000Z'),
    body: {
      element: el(
        'Event',
        [
          el('System', [el('Provider', [], [['Name', [{ text: 'SigLab-Plain' }]]]), el('EventID', [{ text: '7' }]), el('Channel', [{ text: 'Application' }]), el('Computer', [{ text: 'plain-host' }])]),
          el('EventData', [data('Message', [{ text: 'no template here' }]), el('Data', [{ text: 'unnamed one' }]), el('Data', [{ text: 'unnamed two' }])]),
        ],
        [['xmlns', [{ text: NS }]]],
      ),
    },
  });
}

function userDataRecord(id: number) {
  return () => ({
    id,
    written: filetime('2022-02-16T10:37:07.2512851Z'),
    body: {
      template: USER_DATA,
      values: [
        ...systemValues({ provider: 'Microsoft-Windows-Eventlog', eventId: 104, recordId: 1000 + id, time: '2022-02-16T10:37:07.2512851Z', channel: 'System', computer: 'ws1', user: 'S-1-5-21-1-2-3-1001' }),
        v.str('alice'),
        v.str('CORP'),
        v.str('Microsoft-Windows-Sysmon/Operational'),
      ],
    },
  });
}

export interface SyntheticFixture {
  name: string;
  /** What the fixture covers, for test names. */
  covers: string;
  /**
   * Whether evtxexport can render it: its libfwevt (20181227) rejects character references and
   * misplaces CDATA, so those constructs live in a fixture checked against the specification only.
   */
  evtxexportReadable: boolean;
  build: () => Uint8Array;
}

export const SYNTHETIC_FIXTURES: SyntheticFixture[] = [
  {
    name: 'all-value-types',
    covers: 'every value type, arrays, nested BinXML (template instance and element), optional substitutions, entity references, template reuse, a template-less record, UserData, two chunks',
    evtxexportReadable: true,
    build: () =>
      buildEvtx([
        [allTypesRecord(1, 0, { entity: true }), allTypesRecord(2, 1, { entity: true }), plainRecord(3)],
        [userDataRecord(4), allTypesRecord(5, 1, { entity: true })],
      ]),
  },
  {
    name: 'extended-constructs',
    covers: 'character references, CDATA sections, processing instructions, a nested element without dependency identifiers',
    evtxexportReadable: false,
    build: () => buildEvtx([[allTypesRecord(1, 0, { entity: true, charref: true, cdata: true, pi: true, elementWithoutDependencyId: true, omit: TYPED_FIELDS.map(([n]) => n).filter((n) => n !== 'String' && n !== 'NestedElement') })]]),
  },
];
