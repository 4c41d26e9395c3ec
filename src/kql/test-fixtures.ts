/**
 * Test helpers for the compiler: a small target and a builder of `SigmaRule` objects by hand,
 * so the compiler's unit tests depend neither on the YAML loader nor on the real targets' data.
 * Test-only (imported by *.test.ts files).
 */
import type { SourceRange } from '../diagnostics.ts';
import type { FieldItem, Modifier, ModifierName, SearchIdentifier, Selection, SigmaRule, SigmaValue, StringPattern } from '../sigma/model.ts';
import { parseCondition } from '../sigma/condition.ts';
import { parseSigmaString } from '../sigma/values.ts';
import type { TargetDefinition } from '../targets/types.ts';

let offset = 0;
/** A fresh, distinct source range (so source-map tests can tell nodes apart). */
export function r(len = 5): SourceRange {
  const start = offset;
  offset += len + 1;
  return { start, end: start + len, startLine: 1, startColumn: start + 1, endLine: 1, endColumn: start + len + 1 };
}

/** A Sigma string value with the contains/startswith/endswith wrapping already applied. */
export function str(raw: string, mods: { contains?: boolean; startswith?: boolean; endswith?: boolean; cased?: boolean } = {}): SigmaValue {
  const parts = parseSigmaString(raw);
  if (mods.contains || mods.endswith) parts.unshift({ kind: 'any' });
  if (mods.contains || mods.startswith) parts.push({ kind: 'any' });
  const n = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : undefined;
  return { kind: 'string', raw, patterns: [{ parts }], cased: mods.cased === true, number: n, range: r() };
}

/** A string value with several alternative patterns (windash, base64offset, ...). */
export function alts(raw: string, patterns: StringPattern[], cased = false): SigmaValue {
  return { kind: 'string', raw, patterns, cased, range: r() };
}

export function cidr(text: string): SigmaValue {
  const [network, p] = text.split('/');
  return { kind: 'cidr', cidr: text, family: network.includes(':') ? 6 : 4, network, prefix: Number(p), range: r() };
}

export function item(field: string | null, values: SigmaValue[], opts: { combine?: 'and' | 'or'; negated?: boolean; modifiers?: ModifierName[] } = {}): FieldItem {
  const modifiers: Modifier[] = (opts.modifiers ?? []).map((name) => ({ name, range: r(1) }));
  return { kind: 'item', field, modifiers, values, combine: opts.combine ?? 'or', negated: opts.negated === true, keyRange: r(), range: r() };
}

export function sel(...items: Array<FieldItem | Selection>): Selection {
  return { kind: 'and', items, range: r() };
}

export function anyOf(...items: Array<FieldItem | Selection>): Selection {
  return { kind: 'or', items, range: r() };
}

/** A rule whose condition(s) are parsed by the real condition parser. */
export function rule(
  logsource: SigmaRule['logsource'],
  identifiers: Record<string, Selection>,
  condition: string | string[],
  extra: Partial<SigmaRule> = {},
): SigmaRule {
  const ids = new Map<string, SearchIdentifier>();
  for (const [name, selection] of Object.entries(identifiers)) ids.set(name, { name, keyRange: r(), range: selection.range, selection });
  const conditions = (Array.isArray(condition) ? condition : [condition]).map((text) => {
    const base = r(text.length);
    const parsed = parseCondition(text, [...ids.keys()], (s, e) => ({ ...base, start: base.start + s, end: base.start + e }));
    return { text, range: base, ast: parsed.ast };
  });
  return {
    type: 'rule',
    documentIndex: 0,
    title: 'Test rule',
    references: [],
    tags: [],
    falsepositives: [],
    fields: [],
    related: [],
    logsource: { ...logsource, range: r() },
    detection: { identifiers: ids, conditions, range: r() },
    raw: {},
    ranges: {},
    range: r(),
    ...extra,
  };
}

/** A small target covering every mapping form. */
export const tinyTarget: TargetDefinition = {
  id: 'tiny',
  label: 'Tiny test target',
  description: 'Two tables, every mapping form; for compiler unit tests.',
  tables: {
    Net: {
      TimeGenerated: 'datetime',
      NetworkDirection: 'string',
      DstPortNumber: 'int',
      DstIpAddr: 'string',
      SrcProcessName: 'string',
      SrcProcessId: 'string',
      ActionType: 'string',
      Bytes: 'long',
      Score: 'real',
      Ok: 'bool',
      Extra: 'dynamic',
    },
    Proc: {
      TimeGenerated: 'datetime',
      EventType: 'string',
      TargetProcessName: 'string',
      ActingProcessName: 'string',
      CommandLine: 'string',
      TargetProcessMD5: 'string',
      TargetProcessSHA256: 'string',
      TargetProcessIMPHASH: 'string',
      TargetUsername: 'string',
      ActorUsername: 'string',
      EventID: 'int',
    },
    Raw: { TimeGenerated: 'datetime', EventData: 'string', RenderedDescription: 'string' },
  },
  timestampColumns: { Net: 'TimeGenerated', Proc: 'TimeGenerated', Raw: 'TimeGenerated' },
  logsources: [
    {
      product: 'windows',
      category: 'network_connection',
      table: 'Net',
      fields: {
        Image: 'SrcProcessName',
        DestinationPort: 'DstPortNumber',
        DestinationIp: 'DstIpAddr',
        Initiated: {
          values: {
            true: [{ column: 'NetworkDirection', op: '==', value: 'Outbound' }],
            false: [{ column: 'NetworkDirection', op: '==', value: 'Inbound' }],
          },
        },
        ProcessId: 'SrcProcessId',
      },
    },
    {
      product: 'windows',
      category: 'process_creation',
      table: 'Proc',
      where: [{ column: 'EventType', op: '==', value: 'ProcessCreated' }],
      fields: {
        Hashes: { hashes: { md5: 'TargetProcessMD5', sha256: 'TargetProcessSHA256', imphash: 'TargetProcessIMPHASH' } },
        User: { anyOf: ['TargetUsername', 'ActorUsername'] },
        Product: { unsupported: 'the table has no file version information; use TargetProcessName instead' },
      },
    },
    { product: 'windows', category: 'image_load', table: 'Raw', warning: 'no schema for image_load; searching the raw event text', keywordColumns: ['EventData'], fields: { ImageLoaded: { expression: 'extract(@"ImageLoaded=(\\S+)", 1, EventData)', type: 'string', columns: ['EventData'] } } },
    { product: 'windows', service: 'security', table: 'Proc', where: [{ column: 'EventID', op: 'in', value: [4688, 4689] }] },
    { product: 'windows', category: 'driver_load', table: '', unsupported: 'no driver-load events in this target; use image_load' },
    { product: 'windows', service: 'system', table: 'Raw' },
  ],
  fields: {
    Image: 'TargetProcessName',
    ParentImage: 'ActingProcessName',
    CommandLine: 'CommandLine',
  },
};
