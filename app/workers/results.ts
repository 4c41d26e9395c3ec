/**
 * What the events worker computes, as plain functions (unit-tested in results.test.ts): the
 * results snapshot the table renders, and the explanation view of one event.
 */
import {
  explainEvent,
  type CompiledRule,
  type ConditionNode,
  type ExplainNode,
  type FieldItem,
  type LogEvent,
  type Selection,
  type SigmaRule,
  type SourceRange,
} from '../../src/index.ts';
import type { EventDetail, ExplainView, ResultsSnapshot, RuleFieldInfo } from '../state/types.ts';

const CELL_LIMIT = 240;
const MAX_COLUMNS = 8;

export function collectItems(sel: Selection, out: FieldItem[]): void {
  for (const x of sel.items) {
    if (x.kind === 'item') out.push(x);
    else collectItems(x, out);
  }
}

/** Distinct field names the rule compares, in rule order. */
export function ruleFieldNames(r: SigmaRule): string[] {
  const items: FieldItem[] = [];
  for (const id of r.detection.identifiers.values()) collectItems(id.selection, items);
  const names: string[] = [];
  for (const it of items) {
    if (it.field !== null && !names.includes(it.field)) names.push(it.field);
    for (const v of it.values) if (v.kind === 'fieldref' && !names.includes(v.field)) names.push(v.field);
  }
  return names;
}

/** Identifiers that appear under a `not` in some condition: the filters. */
export function negatedIdentifiers(r: SigmaRule): string[] {
  const out: string[] = [];
  const walk = (n: ConditionNode, neg: boolean) => {
    switch (n.kind) {
      case 'not':
        return walk(n.arg, !neg);
      case 'and':
      case 'or':
        return n.args.forEach((a) => walk(a, neg));
      case 'id':
        if (neg && !out.includes(n.name)) out.push(n.name);
        return;
      case 'of':
        if (neg) for (const name of n.identifiers) if (!out.includes(name)) out.push(name);
    }
  };
  for (const c of r.detection.conditions) if (c.ast) walk(c.ast, false);
  return out;
}

export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else {
    try {
      s = JSON.stringify(v);
    } catch {
      s = String(v);
    }
  }
  s = s.replace(/[\r\n\t]+/g, ' ');
  return s.length > CELL_LIMIT ? s.slice(0, CELL_LIMIT - 1) + '…' : s;
}

export function emptySnapshot(gen: number, total: number, error?: string): ResultsSnapshot {
  return {
    generation: gen,
    total,
    verdicts: new Uint8Array(total).fill(2),
    filteredBy: new Int32Array(total).fill(-1),
    filterNames: [],
    columns: [],
    cells: '',
    offsets: new Uint32Array(1),
    lines: new Uint32Array(total),
    counts: { match: 0, filtered: 0, nomatch: total },
    logsourceMismatch: new Uint8Array(total),
    evaluateMs: 0,
    error,
  };
}

export function toView(n: ExplainNode): ExplainView {
  // An identifier's body is one selection: show its items directly under the identifier.
  const kids = n.kind === 'identifier' && n.children.length === 1 && n.children[0].kind === 'selection' ? n.children[0].children : n.children;
  const children = kids.map(toView);
  if (n.omitted) children.push({ kind: 'note', label: `${n.omitted} more values not shown`, ok: null, children: [] });
  return {
    kind: n.kind,
    label: n.label,
    ok: n.error ? false : n.result,
    expected: n.expected,
    actual: n.actual,
    reason: n.error ?? n.reason,
    range: n.range,
    children,
  };
}

/** The rule ranges that decided a verdict: matched items on the positive side, the filter's items, or the failed items. */
export function decisiveRanges(root: ExplainNode, verdict: string, filteredBy: string[] | undefined): SourceRange[] {
  const out: SourceRange[] = [];
  const walk = (n: ExplainNode, neg: boolean, inFilter: boolean) => {
    if (n.kind === 'not') neg = !neg;
    if (n.kind === 'identifier' && filteredBy?.includes(n.label)) inFilter = true;
    if (n.kind === 'item' && n.range) {
      const positive = !neg;
      if (verdict === 'match' && positive && n.result) out.push(n.range);
      else if (verdict === 'filtered' && inFilter && n.result) out.push(n.range);
      else if (verdict === 'nomatch' && positive && !n.result) out.push(n.range);
      return;
    }
    if (n.kind === 'logsource' && !n.result && n.range) out.push(n.range);
    for (const ch of n.children) walk(ch, neg, inFilter);
  };
  walk(root, false, false);
  return out.slice(0, 40);
}


export interface EvaluateHooks {
  onProgress?: (done: number, total: number) => void;
  /** Called between chunks; resolves false when newer input superseded this evaluation. */
  between?: () => Promise<boolean>;
  chunk?: number;
}

/**
 * Verdicts, filters and table cells for every event, in chunks (so a worker can yield between
 * them and drop the work when newer input arrives). Undefined when superseded.
 */
export async function evaluateSnapshot(
  compiled: CompiledRule,
  events: readonly LogEvent[],
  gen: number,
  hooks: EvaluateHooks = {},
): Promise<{ snapshot: ResultsSnapshot; ruleFields: RuleFieldInfo[] } | undefined> {
  const rule = compiled.rule;
  const CHUNK = hooks.chunk ?? 4096;
  const total = events.length;
  const started = performance.now();
  const columns = ruleFieldNames(rule).slice(0, MAX_COLUMNS);
  const allFields = ruleFieldNames(rule);
  const filters = negatedIdentifiers(rule);
  const filterSel = filters.map((n) => compiled.identifiers.get(n));
  const verdicts = new Uint8Array(total);
  const filteredBy = new Int32Array(total).fill(-1);
  const logsourceMismatch = new Uint8Array(total);
  const lines = new Uint32Array(total);
  const offsets = new Uint32Array(total * columns.length + 1);
  const present = new Uint32Array(allFields.length);
  const cellParts: string[] = [];
  let cellLen = 0;
  const counts = { match: 0, filtered: 0, nomatch: 0 };
  const c = compiled;
  for (let start = 0; start < total; start += CHUNK) {
    const end = Math.min(total, start + CHUNK);
    for (let i = start; i < end; i++) {
      const e = events[i];
      const v = c.verdict(e);
      counts[v]++;
      verdicts[i] = v === 'match' ? 0 : v === 'filtered' ? 1 : 2;
      if (v === 'filtered') {
        for (let f = 0; f < filterSel.length; f++) {
          if (filterSel[f]?.selection.test(e)) {
            filteredBy[i] = f;
            break;
          }
        }
      } else if (v === 'nomatch' && c.judgeSource(e).verdict === 'other') logsourceMismatch[i] = 1;
      lines[i] = e.origin.line ?? 0;
      for (let f = 0; f < allFields.length; f++) {
        const r = c.getField(e, allFields[f]);
        if (r.found) present[f]++;
        if (f < columns.length) {
          const t = r.found ? cellText(r.value) : '';
          offsets[i * columns.length + f] = cellLen;
          cellParts.push(t);
          cellLen += t.length;
        }
      }
    }
    if (end < total) {
      hooks.onProgress?.(end, total);
      if (hooks.between && !(await hooks.between())) return undefined; // superseded by newer input
    }
  }
  offsets[total * columns.length] = cellLen;
  const snapshot: ResultsSnapshot = {
    generation: gen,
    total,
    verdicts,
    filteredBy,
    filterNames: filters,
    columns,
    cells: cellParts.join(''),
    offsets,
    lines,
    counts,
    logsourceMismatch,
    evaluateMs: performance.now() - started,
  };
  const ruleFields: RuleFieldInfo[] = allFields.map((field, i) => ({ field, present: present[i] }));
  return { snapshot, ruleFields };
}

/** The explanation of one event, ready for the table's detail view. */
export function explainDetail(compiled: CompiledRule, e: LogEvent, index: number): EventDetail {
  const r = explainEvent(compiled, e);
  return {
    index,
    verdict: r.verdict,
    filteredBy: r.filteredBy?.join(', '),
    reasons: r.logsource ? [r.logsource.reason, ...r.reasons] : r.reasons,
    explanation: toView(r.explanation),
    json: JSON.stringify(e.data, null, 2),
    line: e.origin.line,
    decisive: decisiveRanges(r.explanation, r.verdict, r.filteredBy),
  };
}

