import { describe, expect, it } from 'vitest';
import { findLogsourceMapping, lookupField, mappingColumns } from './lookup.ts';
import type { TargetDefinition } from './types.ts';

const t: TargetDefinition = {
  id: 'test',
  label: 'Test',
  description: 'A target for the lookup tests.',
  tables: {
    Proc: { TimeGenerated: 'datetime', Path: 'string', Cmd: 'string', commandline2: 'string' },
    Net: { TimeGenerated: 'datetime', RemotePort: 'int', Path: 'string' },
  },
  timestampColumns: { Proc: 'TimeGenerated', Net: 'TimeGenerated' },
  logsources: [
    { product: 'windows', category: 'process_creation', table: 'Proc', fields: { CommandLine: 'Cmd' } },
    { product: 'windows', category: 'network_connection', table: 'Net', fields: { DestinationPort: 'RemotePort' } },
    { product: 'windows', service: 'security', table: '', unsupported: 'no security channel in this test target' },
    { product: 'windows', table: 'Proc' },
  ],
  fields: { Image: 'Path', User: { anyOf: ['UserA', 'UserB'] } },
};

describe('findLogsourceMapping', () => {
  it('takes the first mapping whose set keys all match, case-insensitively', () => {
    expect(findLogsourceMapping(t, { product: 'Windows', category: 'PROCESS_CREATION' })?.table).toBe('Proc');
    expect(findLogsourceMapping(t, { product: 'windows', category: 'network_connection' })?.table).toBe('Net');
    expect(findLogsourceMapping(t, { product: 'windows', service: 'security' })?.unsupported).toMatch(/security/);
    expect(findLogsourceMapping(t, { product: 'windows', category: 'image_load' })?.table).toBe('Proc');
    expect(findLogsourceMapping(t, { product: 'linux', category: 'process_creation' })).toBeUndefined();
  });
});

describe('lookupField', () => {
  const proc = t.logsources[0];
  const net = t.logsources[1];
  it('follows overrides, then logsource, then generic, then same-named columns', () => {
    expect(lookupField(t, proc, 'CommandLine')).toEqual({ kind: 'mapped', mapping: 'Cmd', source: 'logsource' });
    expect(lookupField(t, proc, 'Image')).toEqual({ kind: 'mapped', mapping: 'Path', source: 'target' });
    expect(lookupField(t, proc, 'Cmd')).toEqual({ kind: 'mapped', mapping: 'Cmd', source: 'column' });
    expect(lookupField(t, proc, 'CommandLine2')).toEqual({ kind: 'mapped', mapping: 'commandline2', source: 'column' });
    expect(lookupField(t, proc, 'CommandLine', { fields: { CommandLine: 'Path' } })).toEqual({ kind: 'mapped', mapping: 'Path', source: 'override' });
    expect(
      lookupField(t, proc, 'CommandLine', { fields: { CommandLine: 'Path' }, tables: { Proc: { CommandLine: 'commandline2' } } }),
    ).toEqual({ kind: 'mapped', mapping: 'commandline2', source: 'override-table' });
  });

  it('skips a generic mapping whose columns the table lacks', () => {
    expect(lookupField(t, proc, 'User')).toEqual({ kind: 'unmapped' });
    expect(lookupField(t, net, 'DestinationPort')).toEqual({ kind: 'mapped', mapping: 'RemotePort', source: 'logsource' });
    expect(lookupField(t, net, 'Unknown')).toEqual({ kind: 'unmapped' });
  });

  it('matches field names case-insensitively when exactly one key does', () => {
    expect(lookupField(t, proc, 'commandline')).toEqual({ kind: 'mapped', mapping: 'Cmd', source: 'logsource' });
  });
});

describe('mappingColumns', () => {
  it('lists the columns each mapping form reads', () => {
    expect(mappingColumns('A')).toEqual(['A']);
    expect(mappingColumns({ anyOf: ['A', 'B'] })).toEqual(['A', 'B']);
    expect(mappingColumns({ expression: 'tostring(E.x)', type: 'string', columns: ['E'] })).toEqual(['E']);
    expect(mappingColumns({ hashes: { md5: 'M', sha1: 'S' }, column: 'H' })).toEqual(['M', 'S', 'H']);
    expect(mappingColumns({ values: { true: [{ column: 'D', op: '==', value: 'x' }, { kql: 'K > 1', columns: ['K'] }] }, column: 'C' })).toEqual(['C', 'D', 'K']);
    expect(mappingColumns({ unsupported: 'no' })).toEqual([]);
  });
});
