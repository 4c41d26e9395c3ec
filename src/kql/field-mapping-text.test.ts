import { describe, expect, it } from 'vitest';
import { loadRules } from '../sigma/load.ts';
import { getTarget } from '../targets/index.ts';
import { compileRule } from './compile.ts';
import { checkFieldMapping, readFieldMapping } from './field-mapping-text.ts';

const RULE = `title: whoami
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Image|endswith: '\\whoami.exe'
        CommandLine|contains: /all
    condition: sel
`;

const at = (d: { range?: { startLine: number; startColumn: number } }) => `${d.range?.startLine}:${d.range?.startColumn}`;

describe('readFieldMapping', () => {
  it('reads the plain form and the fields/tables form', () => {
    expect(readFieldMapping('Image: ProcessPath\n')).toMatchObject({ mapping: { fields: { Image: 'ProcessPath' } }, diagnostics: [] });
    const r = readFieldMapping('fields:\n  Image: FolderPath\ntables:\n  DeviceProcessEvents:\n    CommandLine: {column: ProcessCommandLine, type: string}\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.mapping).toEqual({
      fields: { Image: 'FolderPath' },
      tables: { DeviceProcessEvents: { CommandLine: { column: 'ProcessCommandLine', type: 'string' } } },
    });
    expect(r.tables.map((t) => `${t.name}@${at(t)}`)).toEqual(['DeviceProcessEvents@4:3']);
    expect(r.entries.map((e) => `${e.table ?? '*'}.${e.field}@${at(e)}`)).toEqual(['*.Image@2:10', 'DeviceProcessEvents.CommandLine@5:18']);
  });

  it('reads every object form', () => {
    const r = readFieldMapping(
      [
        'A: {anyOf: [X, Y], warning: approximate}',
        'B: {expression: tostring(AdditionalFields.B), type: string, columns: [AdditionalFields]}',
        'C: {values: {true: [{column: Dir, op: "==", value: Out}], false: {kql: "Dir != \'Out\'"}}, column: Dir}',
        'D: {hashes: {SHA256: SHA256, md5: MD5}}',
        'E: {unsupported: not logged here}',
      ].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.mapping?.fields).toEqual({
      A: { anyOf: ['X', 'Y'], warning: 'approximate' },
      B: { expression: 'tostring(AdditionalFields.B)', type: 'string', columns: ['AdditionalFields'] },
      C: { values: { true: [{ column: 'Dir', op: '==', value: 'Out' }], false: [{ kql: "Dir != 'Out'" }] }, column: 'Dir' },
      D: { hashes: { sha256: 'SHA256', md5: 'MD5' } },
      E: { unsupported: 'not logged here' },
    });
  });

  it('an empty text (or only comments) is no mapping and no problem', () => {
    expect(readFieldMapping('')).toEqual({ entries: [], tables: [], diagnostics: [] });
    expect(readFieldMapping('# fields:\n#   Image: ProcessPath\n')).toEqual({ entries: [], tables: [], diagnostics: [] });
  });

  it('broken YAML applies nothing and says where', () => {
    const r = readFieldMapping('fields:\n  Image: [ProcessPath\n');
    expect(r.mapping).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('mapping-yaml-syntax');
    expect(r.diagnostics[0].range?.startLine).toBeGreaterThanOrEqual(2);
    expect(readFieldMapping('a: 1\na: 2\n').diagnostics.map((d) => d.code)).toEqual(['mapping-yaml-syntax']);
  });

  it('keeps the valid entries next to a broken one, each problem on its line', () => {
    const r = readFieldMapping(
      'fields:\n  Image: FolderPath\n  CommandLine: [A, B]\n  User: {colum: AccountName}\n  Port: {column: P, type: integer}\nfeilds:\n  X: Y\n',
    );
    expect(r.mapping).toEqual({ fields: { Image: 'FolderPath' } });
    expect(r.diagnostics.map((d) => `${at(d)} ${d.code}`)).toEqual([
      '3:16 mapping-invalid-entry',
      '4:10 mapping-unknown-key',
      '5:27 mapping-invalid-entry',
      '6:1 mapping-unknown-key',
    ]);
    expect(r.diagnostics[0].message).toContain('{anyOf: [A, B]}');
    expect(r.diagnostics[1].message).toContain("did you mean 'column'");
    expect(r.diagnostics[3].message).toContain("did you mean 'fields'");
  });

  it('refuses what is not a map, and hostile input, with a position', () => {
    expect(readFieldMapping('- Image\n').diagnostics.map((d) => d.code)).toEqual(['mapping-not-a-map']);
    expect(readFieldMapping('fields: 3\n').diagnostics.map((d) => d.code)).toEqual(['mapping-invalid-entry']);
    expect(readFieldMapping(`Image: ${'['.repeat(500)}${']'.repeat(500)}\n`).diagnostics.map((d) => d.code)).toEqual(['mapping-too-deep']);
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map(
        (c, i) =>
          `${c}: &${c} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(readFieldMapping(bomb).diagnostics.map((d) => d.code)).toContain('mapping-alias-limit');
    expect(readFieldMapping('x: 1\n---\ny: 2\n').diagnostics.map((d) => `${at(d)} ${d.code}`)).toEqual(['3:1 mapping-several-documents']);
  });

  it('a text over the caller limit is not read, and says so', () => {
    const text = `Image: ProcessPath\n${'# padding\n'.repeat(200)}`;
    const r = readFieldMapping(text, { maxChars: 1000 });
    expect(r.mapping).toBeUndefined();
    expect(r.diagnostics.map((d) => `${at(d)} ${d.code}`)).toEqual(['1:1 mapping-too-large']);
    expect(readFieldMapping(text).mapping).toEqual({ fields: { Image: 'ProcessPath' } });
  });

  it('a key named __proto__ is an ordinary field name', () => {
    const r = readFieldMapping('__proto__: Polluted\n');
    expect(Object.hasOwn(r.mapping!.fields!, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).Polluted).toBeUndefined();
  });

  it('the mapping read from text changes the compiled query', () => {
    const rule = loadRules(RULE).rules[0];
    const target = getTarget('defender-xdr')!;
    const before = compileRule(rule, target, { validate: false });
    expect(before.query).toContain('ProcessCommandLine');
    const mapping = readFieldMapping('tables:\n  DeviceProcessEvents:\n    CommandLine: InitiatingProcessCommandLine\n').mapping;
    const after = compileRule(rule, target, { validate: false, mapping });
    expect(after.ok).toBe(true);
    expect(after.query).toContain('InitiatingProcessCommandLine contains "/all"');
  });
});

describe('checkFieldMapping', () => {
  const target = getTarget('defender-xdr')!;

  it('names unknown columns of a named table, with the closest ones', () => {
    const r = readFieldMapping('tables:\n  DeviceProcessEvents:\n    CommandLine: ProcessCommandLin\n');
    const d = checkFieldMapping(r, target, 'DeviceProcessEvents');
    expect(d.map((x) => `${at(x)} ${x.severity} ${x.code}`)).toEqual(['3:18 error mapping-unknown-column']);
    expect(d[0].message).toMatch(/DeviceProcessEvents has no column 'ProcessCommandLin' \(closest: ProcessCommandLine/);
  });

  it('tables the target lacks: a note when another target has them, else a warning with a hint', () => {
    const r = readFieldMapping('tables:\n  SecurityEvent:\n    User: TargetUserName\n  DeviceProcesEvents:\n    Image: FolderPath\n');
    const d = checkFieldMapping(r, target, 'DeviceProcessEvents');
    expect(d.map((x) => `${at(x)} ${x.severity} ${x.code}`)).toEqual(['2:3 info mapping-table-of-other-target', '4:3 warning mapping-unknown-table']);
    expect(d[1].message).toContain('did you mean DeviceProcessEvents?');
    expect(checkFieldMapping(r, getTarget('sentinel-asim')!, 'imProcessCreate').map((x) => x.code)).toEqual(['mapping-unknown-table']);
  });

  it('generic entries are checked against the rule table: an error for fields the rule reads', () => {
    const r = readFieldMapping('Image: ProcessPath\nUser: Nope\n');
    const d = checkFieldMapping(r, target, 'DeviceProcessEvents', ['Image']);
    expect(d.map((x) => `${at(x)} ${x.severity} ${x.code}`)).toEqual(['1:8 error mapping-unknown-column', '2:7 warning mapping-unknown-column']);
    expect(checkFieldMapping(r, target, undefined, ['Image'])).toEqual([]);
    // A table entry for the rule's table overrides the generic one there: the generic one is not checked.
    const both = readFieldMapping('fields:\n  Image: ProcessPath\ntables:\n  DeviceProcessEvents:\n    Image: FolderPath\n');
    expect(checkFieldMapping(both, target, 'DeviceProcessEvents', ['Image'])).toEqual([]);
  });
});
