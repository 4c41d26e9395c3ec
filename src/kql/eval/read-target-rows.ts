/**
 * `readTargetRows`: rows exported from the Sentinel or Defender portal (CSV or JSON) as input
 * for `runKql`. The table is recognised by its column names (or given); values are typed by
 * the target's schema when the query runs (ints, datetimes, dynamic JSON text).
 */
import type { Diagnostic } from '../../diagnostics.ts';
import { readEvents } from '../../engine/read-events.ts';
import { getTarget } from '../../targets/index.ts';
import type { TargetDefinition } from '../../targets/types.ts';
import type { InputRow } from './run.ts';

export interface TargetRowsResult {
  /** The recognised (or requested) table. */
  table?: string;
  rows: InputRow[];
  /** Other tables whose columns fit almost as well, best first. */
  candidates: Array<{ table: string; score: number }>;
  diagnostics: Diagnostic[];
}

/** Portal exports suffix time columns with their zone: `TimeGenerated [UTC]`. */
function columnName(key: string): string {
  return key.replace(/\s*\[(UTC|Local Time|[^\]]*)\]\s*$/i, '').trim();
}

export function readTargetRows(text: string, targetId: string | TargetDefinition, table?: string): TargetRowsResult {
  const target = typeof targetId === 'string' ? getTarget(targetId) : targetId;
  if (!target) return { rows: [], candidates: [], diagnostics: [{ code: 'unknown-target', severity: 'error', message: `unknown target '${String(targetId)}'` }] };
  const read = readEvents(text);
  const diagnostics = [...read.diagnostics];
  const rows: InputRow[] = read.events.map((e) => {
    const row: InputRow = Object.create(null);
    for (const [k, v] of Object.entries(e.data)) row[columnName(k)] = v;
    return row;
  });
  const columns = new Set<string>();
  for (const r of rows.slice(0, 200)) for (const k of Object.keys(r)) columns.add(k);
  const scored = Object.entries(target.tables)
    .map(([name, schema]) => {
      const known = [...columns].filter((c) => Object.hasOwn(schema, c)).length;
      // Share of the export's columns the table has, then share of the table's columns present.
      const score = columns.size ? known / columns.size + known / Math.max(1, Object.keys(schema).length) / 100 : 0;
      return { table: name, score: Math.round(score * 1000) / 1000 };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.table.localeCompare(b.table));
  let chosen = table;
  if (chosen !== undefined && !Object.hasOwn(target.tables, chosen)) {
    diagnostics.push({ code: 'unknown-table', severity: 'error', message: `${target.label} has no table '${chosen}'` });
    chosen = undefined;
  } else if (chosen === undefined) {
    const best = scored[0];
    if (!best || best.score < 0.5) {
      diagnostics.push({
        code: 'table-not-recognised',
        severity: rows.length ? 'error' : 'info',
        message: rows.length
          ? `the rows' columns (${[...columns].slice(0, 8).join(', ')}) match no ${target.label} table well${best ? ` (closest: ${best.table})` : ''}; choose the table`
          : 'no rows',
      });
    } else chosen = best.table;
  }
  if (chosen) {
    const schema = target.tables[chosen];
    const unknown = [...columns].filter((c) => !Object.hasOwn(schema, c));
    if (unknown.length) diagnostics.push({ code: 'unknown-columns', severity: 'info', message: `${unknown.length} column(s) are not in ${chosen}'s schema and are read by their JSON type: ${unknown.slice(0, 6).join(', ')}` });
  }
  return { table: chosen, rows, candidates: scored.slice(0, 5), diagnostics };
}
