/**
 * Lookups over a `TargetDefinition`, following the resolution order documented in types.ts:
 * which logsource mapping a rule's logsource selects, and which mapping a Sigma field gets on
 * it. Shared by the compiler, the target test suite and the coverage script so they cannot
 * disagree.
 */
import type { FieldMapping, FieldMappingOverrides, LogsourceMapping, TargetDefinition } from './types.ts';

export interface LogsourceKey {
  product?: string;
  category?: string;
  service?: string;
}

function same(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** The first mapping whose set keys all equal the rule's (case-insensitive); undefined if none. */
export function findLogsourceMapping(target: TargetDefinition, logsource: LogsourceKey): LogsourceMapping | undefined {
  return target.logsources.find(
    (m) =>
      (m.product === undefined || same(m.product, logsource.product)) &&
      (m.category === undefined || same(m.category, logsource.category)) &&
      (m.service === undefined || same(m.service, logsource.service)),
  );
}

/** Exact key first, then the single key equal ignoring case. */
function getField(map: Record<string, FieldMapping> | undefined, field: string): FieldMapping | undefined {
  if (!map) return undefined;
  if (Object.hasOwn(map, field)) return map[field];
  const lower = field.toLowerCase();
  const keys = Object.keys(map).filter((k) => k.toLowerCase() === lower);
  return keys.length === 1 ? map[keys[0]] : undefined;
}

/** Table columns a mapping reads (for the "generic mapping applies only if its columns exist" rule). */
export function mappingColumns(mapping: FieldMapping): string[] {
  if (typeof mapping === 'string') return [mapping];
  if ('unsupported' in mapping) return [];
  if ('anyOf' in mapping) return [...mapping.anyOf];
  if ('expression' in mapping) return [...(mapping.columns ?? [])];
  if ('values' in mapping) {
    const cols = new Set<string>();
    if (mapping.column) cols.add(mapping.column);
    for (const preds of Object.values(mapping.values)) for (const p of preds) for (const c of 'kql' in p ? (p.columns ?? []) : [p.column]) cols.add(c);
    return [...cols];
  }
  if ('hashes' in mapping) return [...Object.values(mapping.hashes), ...(mapping.column ? [mapping.column] : [])];
  return [mapping.column];
}

export type FieldLookup =
  | { kind: 'mapped'; mapping: FieldMapping; source: 'override-table' | 'override' | 'logsource' | 'target' | 'column' }
  | { kind: 'unmapped' };

/** How `field` is read on `m.table` (steps 1–5 of the resolution order in types.ts). */
export function lookupField(
  target: TargetDefinition,
  m: LogsourceMapping,
  field: string,
  overrides?: FieldMappingOverrides,
): FieldLookup {
  const columns = target.tables[m.table] ?? {};
  const fromTableOverride = getField(overrides?.tables?.[m.table], field);
  if (fromTableOverride !== undefined) return { kind: 'mapped', mapping: fromTableOverride, source: 'override-table' };
  const fromOverride = getField(overrides?.fields, field);
  if (fromOverride !== undefined) return { kind: 'mapped', mapping: fromOverride, source: 'override' };
  const fromLogsource = getField(m.fields, field);
  if (fromLogsource !== undefined) return { kind: 'mapped', mapping: fromLogsource, source: 'logsource' };
  const generic = getField(target.fields, field);
  if (generic !== undefined && mappingColumns(generic).every((c) => Object.hasOwn(columns, c))) {
    return { kind: 'mapped', mapping: generic, source: 'target' };
  }
  if (Object.hasOwn(columns, field)) return { kind: 'mapped', mapping: field, source: 'column' };
  const ci = Object.keys(columns).filter((c) => c.toLowerCase() === field.toLowerCase());
  if (ci.length === 1) return { kind: 'mapped', mapping: ci[0], source: 'column' };
  return { kind: 'unmapped' };
}
