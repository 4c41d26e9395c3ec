// Measures how much of a Sigma corpus each target's *data* can express: for every rule, does its
// logsource map to a table, and does every field it uses resolve to a mapping (not
// `unsupported`, not unmapped)? Independent of the compiler; prints the gaps by frequency.
//
//   npx tsx scripts/target-coverage.ts [DIR] [--target ID] [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { TARGETS } from '../src/targets/index.ts';
import { findLogsourceMapping, lookupField } from '../src/targets/lookup.ts';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--target' && args[args.indexOf(a) - 1] !== '--top') ?? '../shared/sigma/rules/windows';
const only = args.includes('--target') ? args[args.indexOf('--target') + 1] : undefined;
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 25;

function* walk(d: string): Generator<string> {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.ya?ml$/.test(e)) yield p;
  }
}

interface Rule { file: string; logsource: Record<string, string>; fields: Set<string> }
const rules: Rule[] = [];
for (const file of walk(dir)) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const r = doc.toJS() as { logsource?: Record<string, string>; detection?: Record<string, unknown> } | null;
    if (!r?.detection) continue;
    const fields = new Set<string>();
    const visit = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(visit);
      else if (x && typeof x === 'object') for (const k of Object.keys(x)) { const f = k.split('|')[0]; if (f) fields.add(f); }
    };
    for (const [k, v] of Object.entries(r.detection)) if (k !== 'condition' && k !== 'timeframe') visit(v);
    rules.push({ file, logsource: r.logsource ?? {}, fields });
  }
}

for (const target of TARGETS) {
  if (only && target.id !== only) continue;
  let ok = 0;
  const reasons = new Map<string, number>();
  const bump = (k: string) => reasons.set(k, (reasons.get(k) ?? 0) + 1);
  for (const r of rules) {
    const ls = `${r.logsource.product ?? ''}/${r.logsource.category ?? ''}/${r.logsource.service ?? ''}`;
    const m = findLogsourceMapping(target, r.logsource);
    if (!m) { bump(`no logsource mapping: ${ls}`); continue; }
    if (m.unsupported) { bump(`unsupported logsource: ${ls}`); continue; }
    const bad: string[] = [];
    for (const f of r.fields) {
      const l = lookupField(target, m, f);
      if (l.kind === 'unmapped') bad.push(`unmapped ${ls} ${m.table}.${f}`);
      else if (typeof l.mapping === 'object' && 'unsupported' in l.mapping) bad.push(`unsupported ${ls} ${m.table}.${f}`);
    }
    if (bad.length === 0) ok++;
    for (const b of bad) bump(b);
  }
  console.log(`\n${target.id}: ${ok}/${rules.length} rules expressible (${((100 * ok) / rules.length).toFixed(1)}%)`);
  for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${String(n).padStart(5)}  ${k}`);
}
