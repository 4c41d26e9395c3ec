/**
 * Turning an evaluation trace into what a person reads: the predicates that decided a row's
 * fate (the false conjuncts of an `and` that dropped it, the true alternative of an `or` that
 * kept it, ...) and the values each of them saw, all with spans into the query text.
 */
import type { SourceRange } from '../../diagnostics.ts';
import type { LineIndex } from '../../diagnostics.ts';
import type { Span } from './ast.ts';
import type { TraceNode } from './scalar.ts';
import { display, type KValue } from './values.ts';

export interface SeenValue {
  /** The query text of the operand, e.g. `DstPortNumber` or `tostring(EventData.Image)`. */
  text: string;
  value: string;
  type: string;
  span: Span;
  range: SourceRange;
}

export interface PredicateFact {
  /** The predicate's query text, e.g. `DstPortNumber in (8080, 8888)`. */
  text: string;
  /** `true`, `false` or `null`. */
  result: string;
  span: Span;
  range: SourceRange;
  values: SeenValue[];
}

const MAX_FACTS = 24;
const MAX_TEXT = 200;

function boolText(v: KValue): string {
  return v.t === 'bool' ? String(v.v) : display(v);
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > MAX_TEXT ? one.slice(0, MAX_TEXT - 1) + '…' : one;
}

/** The operands (columns, member accesses, function results) an atom read, with their values. */
function operands(node: TraceNode, query: string, lines: LineIndex, out: SeenValue[]): void {
  for (const c of node.children) {
    if (c.kind === 'literal') continue;
    if (c.kind === 'column' || c.kind === 'member' || c.kind === 'index' || c.kind === 'call') {
      if (out.length < 8 && !out.some((o) => o.span.start === c.span.start && o.span.end === c.span.end)) {
        out.push({ text: clip(query.slice(c.span.start, c.span.end)), value: display(c.value), type: c.value.t, span: c.span, range: lines.range(c.span.start, c.span.end) });
      }
      if (c.kind === 'call' && c.value.t === 'bool') continue;
      if (c.kind !== 'column') operands(c, query, lines, out);
    } else operands(c, query, lines, out);
  }
}

function fact(node: TraceNode, query: string, lines: LineIndex): PredicateFact {
  const values: SeenValue[] = [];
  operands(node, query, lines, values);
  return { text: clip(query.slice(node.span.start, node.span.end)), result: boolText(node.value), span: node.span, range: lines.range(node.span.start, node.span.end), values };
}

/** Predicates that decided `node`'s value (for `wanted` = the value that mattered). */
export function decidingFacts(node: TraceNode, query: string, lines: LineIndex, out: PredicateFact[] = []): PredicateFact[] {
  if (out.length >= MAX_FACTS) return out;
  const v = node.value.t === 'bool' ? node.value.v : undefined;
  if (node.kind === 'and' || node.kind === 'or') {
    const kids = node.children;
    if (node.kind === 'and' && v !== true) {
      for (const c of kids) if (!(c.value.t === 'bool' && c.value.v === true)) decidingFacts(c, query, lines, out);
    } else if (node.kind === 'or' && v === true) {
      const first = kids.find((c) => c.value.t === 'bool' && c.value.v === true);
      if (first) decidingFacts(first, query, lines, out);
    } else for (const c of kids) decidingFacts(c, query, lines, out);
    return out;
  }
  if (node.kind === 'not' && node.children.length === 1) {
    // A not() is one fact: what is inside and why (one level deep keeps it readable).
    out.push({ ...fact(node, query, lines), values: [] });
    const inner: PredicateFact[] = [];
    decidingFacts(node.children[0], query, lines, inner);
    for (const x of inner.slice(0, 6)) if (out.length < MAX_FACTS) out.push({ ...x, text: `inside not(): ${x.text}` });
    return out;
  }
  out.push(fact(node, query, lines));
  return out;
}
