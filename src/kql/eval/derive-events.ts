/**
 * Events derived from a rule's own values, for the differential corpus test and the
 * playground's "try it" rows: one event meant to fire (every positive selection's items
 * instantiated with their first value; filters left out) and near misses (one value of the
 * firing event changed, or one filter's values added). The matcher is the judge of what they
 * really are; the point is that both back ends see the same events.
 */
import type { ConditionNode, FieldItem, Selection, SigmaRule, SigmaValue, StringPattern } from '../../sigma/model.ts';

/** A concrete string a pattern matches (`*` → nothing, `?` → `x`). */
function instantiate(p: StringPattern): string {
  return p.parts.map((x) => (x.kind === 'text' ? x.text : x.kind === 'one' ? 'x' : '')).join('');
}

/** A value for the item that its value `v` accepts; undefined when none is easy to write. */
function valueFor(v: SigmaValue): unknown {
  switch (v.kind) {
    case 'string':
      return v.patterns[0] ? (v.number !== undefined && v.patterns.length === 1 && v.patterns[0].parts.every((x) => x.kind === 'text') ? v.number : instantiate(v.patterns[0])) : undefined;
    case 'cidr':
      return v.network;
    case 'compare':
      return v.op === 'gt' ? v.value + 1 : v.op === 'lt' ? v.value - 1 : v.value;
    case 'exists':
      return v.value ? 'present' : undefined;
    case 'regex': {
      // Only patterns that are literal text (after unescaping) are instantiated.
      const lit = v.pattern.replace(/^\^|\$$/g, '').replace(/\\([\\.+*?()|[\]{}^$/-])/g, '$1');
      return /[\\.+*?()|[\]{}^$]/.test(v.pattern.replace(/\\[\\.+*?()|[\]{}^$/-]/g, '').replace(/^\^|\$$/g, '')) ? undefined : lit;
    }
    default:
      return undefined;
  }
}

function itemValue(item: FieldItem): unknown {
  if (item.combine === 'and') {
    const parts = item.values.map(valueFor);
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.map(String).join(' ');
  }
  return item.values.length ? valueFor(item.values[0]) : undefined;
}

function collect(s: Selection, out: Record<string, unknown>): void {
  for (const it of s.items) {
    if (it.kind !== 'item') {
      // A list of maps: the first alternative is enough to fire.
      if (it.kind === 'or') {
        const first = it.items[0];
        if (first) collect(first.kind === 'item' ? { kind: 'and', items: [first], range: it.range } : first, out);
      } else collect(it, out);
      continue;
    }
    if (it.field === null || it.negated || Object.hasOwn(out, it.field)) continue;
    const v = itemValue(it);
    if (v !== undefined) out[it.field] = v;
  }
}

/** Identifiers the condition uses positively (outside `not`), and those under a `not`. */
function polarity(n: ConditionNode, negated: boolean, pos: Set<string>, neg: Set<string>): void {
  switch (n.kind) {
    case 'and':
    case 'or':
      n.args.forEach((a) => polarity(a, negated, pos, neg));
      return;
    case 'not':
      polarity(n.arg, !negated, pos, neg);
      return;
    case 'id':
      (negated ? neg : pos).add(n.name);
      return;
    case 'of':
      n.identifiers.forEach((i) => (negated ? neg : pos).add(i));
  }
}

/** Change one character so the value no longer equals the rule's (a near miss). */
function perturb(v: unknown): unknown {
  if (typeof v === 'number') return v + 7919;
  const s = String(v);
  if (s.length === 0) return 'zz';
  const i = Math.floor(s.length / 2);
  const c = s[i];
  return s.slice(0, i) + (c === 'q' ? 'j' : 'q') + s.slice(i + 1);
}

function swapCase(s: string): string {
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += u === ch ? ch.toLowerCase() : u;
  }
  return out;
}

export function deriveEvents(rule: SigmaRule): Array<Record<string, unknown>> {
  const pos = new Set<string>();
  const neg = new Set<string>();
  for (const c of rule.detection.conditions) if (c.ast) polarity(c.ast, false, pos, neg);
  const fire: Record<string, unknown> = {};
  for (const name of pos) {
    const id = rule.detection.identifiers.get(name);
    if (id) collect(id.selection, fire);
  }
  const keys = Object.keys(fire);
  if (keys.length === 0) return [];
  const events: Array<Record<string, unknown>> = [fire];
  // The firing event with every letter's case swapped: case-insensitive values still match.
  const swapped = Object.fromEntries(Object.entries(fire).map(([k, v]) => [k, typeof v === 'string' ? swapCase(v) : v]));
  if (JSON.stringify(swapped) !== JSON.stringify(fire)) events.push(swapped);
  // Near misses: each of (up to three) fields changed in turn.
  for (const k of keys.slice(0, 3)) events.push({ ...fire, [k]: perturb(fire[k]) });
  // The firing event with a filter's values added (should be filtered).
  for (const name of [...neg].slice(0, 2)) {
    const id = rule.detection.identifiers.get(name);
    if (!id) continue;
    const extra: Record<string, unknown> = {};
    collect(id.selection, extra);
    if (Object.keys(extra).length) events.push({ ...fire, ...extra });
  }
  return events;
}
