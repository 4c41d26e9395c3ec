/**
 * The explanation tree: why one event did or did not match one rule. It mirrors the rule:
 * rule → condition → boolean operators / `x of` → search identifiers → selections (map = and,
 * list = or) → field items → values. Every node has its truth value for this event and the
 * source range in the rule, so the app can highlight exactly what matched or failed.
 *
 * The second half reads a tree back into the short reasons an analyst sees first:
 * `matched selection (DestinationPort 8080 = 8080)`, `filtered by filter_main_local_ranges
 * (DestinationIp 10.1.2.3 in 10.0.0.0/8)`, `no match: selection (DestinationPort 443 ≠ 8080|8888)`.
 */
import type { SourceRange } from '../diagnostics.ts';

export type ExplainKind =
  | 'rule'
  | 'condition'
  | 'and'
  | 'or'
  | 'not'
  | 'of'
  | 'identifier'
  | 'selection'
  | 'item'
  | 'value'
  | 'logsource';

/** Why a value matched or not; stable codes for the UI (the `reason` text is for people). */
export type ReasonCode =
  | 'equal'
  | 'wildcard-match'
  | 'number-equal'
  | 'in-range'
  | 'regex-match'
  | 'compare-true'
  | 'timepart-equal'
  | 'exists'
  | 'missing-as-expected'
  | 'null-as-expected'
  | 'fieldref-equal'
  | 'keyword-found'
  | 'different-value'
  | 'case-differs'
  | 'whole-value'
  | 'wildcard-mismatch'
  | 'field-missing'
  | 'field-null'
  | 'field-present'
  | 'not-null'
  | 'not-a-string'
  | 'not-a-number'
  | 'not-a-timestamp'
  | 'not-an-ip'
  | 'ip-family'
  | 'not-in-range'
  | 'regex-no-match'
  | 'compare-false'
  | 'timepart-differs'
  | 'fieldref-missing'
  | 'fieldref-differs'
  | 'keyword-absent'
  | 'unresolved-placeholder'
  | 'invalid-value'
  | 'neq-holds'
  | 'neq-violated';

export interface ExplainNode {
  kind: ExplainKind;
  /** What the node is, for a tree view: `selection`, `and`, `Image|endswith`, `'\\cmd.exe'`. */
  label: string;
  result: boolean;
  /** Where the node comes from in the rule text. */
  range?: SourceRange;
  children: ExplainNode[];
  /** Items and values: the field name (absent for keyword searches). */
  field?: string;
  /** Items and values: the modifier chain as written. */
  modifiers?: string[];
  /** Values: the expected pattern in words, e.g. `endswith '\\cmd.exe'`, `in 10.0.0.0/8`. */
  expected?: string;
  /** Items and values: the event's value (truncated) or `field missing`. */
  actual?: string;
  /** The path the field was found at in the event, when it differs from the name. */
  path?: string;
  /** Values: why it matched or not, in words (`case differs`, `not in range`, ...). */
  reason?: string;
  code?: ReasonCode;
  /** Children left out of a long list (e.g. 4,400 non-matching hashes). */
  omitted?: number;
  /** Set when the node could not be decided properly (unresolved placeholder): an error, not a plain false. */
  error?: string;
  /** Items and identifiers: a one-line account, e.g. `DestinationPort 443 ≠ 8080|8888`. */
  summary?: string;
  /** Identifier nodes: the identifier's name. */
  identifier?: string;
  /** Identifier nodes reached from the condition: where the condition names it. */
  refRange?: SourceRange;
  /** `of` nodes: `all of` or `1 of`/`any of`. */
  quantifier?: 'all' | 'any';
}

// --- reading the tree: which identifiers decided the verdict ----------------------------------

/**
 * The node's value once negated terms are dropped (`selection and not filter` → `selection`);
 * null when nothing is left, which holds vacuously. Mirrors the fast path in compile-matcher.
 */
export function relaxedValue(node: ExplainNode): boolean | null {
  switch (node.kind) {
    case 'not':
      return null;
    case 'condition':
      return node.children.length ? relaxedValue(node.children[0]) : false;
    case 'and': {
      const vals = node.children.map(relaxedValue).filter((v): v is boolean => v !== null);
      return vals.length === 0 ? null : vals.every(Boolean);
    }
    case 'or': {
      const vals = node.children.map(relaxedValue);
      if (vals.every((v) => v === null)) return null;
      return vals.some((v) => v === true);
    }
    default:
      return node.result;
  }
}

/** Identifiers that make a true node true, outside negations (`matched selection ...`). */
export function supportingIdentifiers(node: ExplainNode): ExplainNode[] {
  if (!node.result) return [];
  switch (node.kind) {
    case 'condition':
    case 'and':
      return node.children.flatMap(supportingIdentifiers);
    case 'or': {
      const first = node.children.find((c) => c.result);
      return first ? supportingIdentifiers(first) : [];
    }
    case 'of':
      return node.children.filter((c) => c.result);
    case 'identifier':
      return [node];
    default:
      return [];
  }
}

/** Positive identifiers whose failure makes the relaxed condition false (`no match: selection ...`). */
export function failingIdentifiers(node: ExplainNode): ExplainNode[] {
  if (relaxedValue(node) !== false) return [];
  switch (node.kind) {
    case 'condition':
    case 'or':
      return node.children.flatMap(failingIdentifiers);
    case 'and':
      return node.children.filter((c) => relaxedValue(c) === false).flatMap(failingIdentifiers);
    case 'of':
      return node.quantifier === 'all' ? node.children.filter((c) => !c.result) : node.children;
    case 'identifier':
      return [node];
    default:
      return [];
  }
}

/** Identifiers that make `node` come out as `want` (through nested negations too). */
function decidingIdentifiers(node: ExplainNode, want: boolean): ExplainNode[] {
  switch (node.kind) {
    case 'identifier':
      return node.result === want ? [node] : [];
    case 'of':
      return node.children.filter((c) => c.result === want);
    case 'and':
    case 'or':
      return node.children.flatMap((c) => decidingIdentifiers(c, want));
    case 'not':
      return node.children.flatMap((c) => decidingIdentifiers(c, !want));
    default:
      return [];
  }
}

/** Negated identifiers that excluded the event where the rest of the condition held (`filteredBy`). */
export function filteringIdentifiers(node: ExplainNode): ExplainNode[] {
  switch (node.kind) {
    case 'condition':
      return node.children.flatMap(filteringIdentifiers);
    case 'not':
      return node.children[0]?.result ? decidingIdentifiers(node.children[0], true) : [];
    case 'and':
      return relaxedValue(node) === false ? [] : node.children.flatMap(filteringIdentifiers);
    case 'or':
      return node.children.filter((c) => relaxedValue(c) !== false).flatMap(filteringIdentifiers);
    default:
      return [];
  }
}

const MAX_FACTS = 3;

/** One-line facts about an identifier's selection: the items that decided it. */
export function selectionFacts(node: ExplainNode): string[] {
  switch (node.kind) {
    case 'item':
      return node.summary ? [node.summary] : [];
    case 'identifier':
      return node.children.flatMap(selectionFacts);
    case 'selection': {
      const and = node.label.startsWith('all');
      if (node.result) {
        if (and) return node.children.flatMap(selectionFacts);
        const first = node.children.find((c) => c.result);
        return first ? selectionFacts(first) : [];
      }
      if (and) return node.children.filter((c) => !c.result).flatMap(selectionFacts);
      if (node.children.length === 1) return selectionFacts(node.children[0]);
      // Alternatives (a list of maps): each failed; say so in one fact.
      const facts = node.children.slice(0, 3).map((c) => factsText(selectionFacts(c).slice(0, 1)));
      const more = node.children.length > 3 ? ` | ${node.children.length - 3} more` : '';
      return [`none of: ${facts.join(' | ')}${more}`];
    }
    default:
      return [];
  }
}

export function factsText(facts: string[]): string {
  const shown = facts.slice(0, MAX_FACTS).join(', ');
  return facts.length > MAX_FACTS ? `${shown}, …` : shown;
}

function unique(nodes: ExplainNode[]): ExplainNode[] {
  const seen = new Set<string>();
  return nodes.filter((n) => {
    const key = n.identifier ?? n.label;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface VerdictSummary {
  verdict: 'match' | 'filtered' | 'nomatch';
  reasons: string[];
  filteredBy?: string[];
  /** Secondary observations, e.g. why each filter of a matching rule did not apply. */
  notes?: string[];
}

/** For a true condition: the negated identifiers that stayed false, so their filter did not apply. */
function untriggeredFilters(node: ExplainNode): ExplainNode[] {
  if (!node.result) return [];
  switch (node.kind) {
    case 'condition':
    case 'and':
      return node.children.flatMap(untriggeredFilters);
    case 'or': {
      const first = node.children.find((c) => c.result);
      return first ? untriggeredFilters(first) : [];
    }
    case 'not':
      return node.children.flatMap((c) => decidingIdentifiers(c, false));
    default:
      return [];
  }
}

/**
 * The short reasons for an event, read off its condition nodes: what matched, which filter
 * excluded it, or what failed. `source` is set when the event comes from another log source.
 */
export function summarizeConditions(conditions: ExplainNode[], source?: { reason: string }): VerdictSummary {
  const facts = (n: ExplainNode) => {
    const f = factsText(selectionFacts(n));
    return f ? ` (${f})` : '';
  };
  const matched = conditions.find((c) => c.result);
  const relaxedHolds = conditions.filter((c) => relaxedValue(c) !== false);
  let verdict: VerdictSummary['verdict'] = matched ? 'match' : relaxedHolds.length ? 'filtered' : 'nomatch';
  const reasons: string[] = [];
  let filteredBy: string[] | undefined;
  if (source) {
    reasons.push(`logsource: ${source.reason}`);
    if (verdict !== 'nomatch') reasons.push(`the fields alone would give ${verdict === 'match' ? 'a match' : 'filtered'}`);
    verdict = 'nomatch';
    return { verdict, reasons };
  }
  let notes: string[] | undefined;
  if (matched) {
    const ids = unique(supportingIdentifiers(matched));
    if (ids.length === 0) reasons.push(`matched: ${matched.label}`);
    for (const id of ids) reasons.push(`matched ${id.identifier ?? id.label}${facts(id)}`);
    const filters = unique(untriggeredFilters(matched));
    if (filters.length) notes = filters.map((f) => `not filtered by ${f.identifier ?? f.label}${facts(f)}`);
  } else if (relaxedHolds.length) {
    const filters = unique(relaxedHolds.flatMap(filteringIdentifiers));
    filteredBy = filters.map((f) => f.identifier ?? f.label);
    for (const f of filters) reasons.push(`filtered by ${f.identifier ?? f.label}${facts(f)}`);
    const positive = unique(relaxedHolds.flatMap((c) => supportingIdentifiers({ ...c, result: true, children: c.children.map(withRelaxedResult) })));
    if (positive.length) reasons.push(`otherwise matched ${positive.map((p) => `${p.identifier ?? p.label}${facts(p)}`).join('; ')}`);
  } else {
    const failing = unique(conditions.flatMap(failingIdentifiers));
    if (failing.length === 0) reasons.push('no match: the condition is false');
    for (const id of failing.slice(0, 4)) reasons.push(`no match: ${id.identifier ?? id.label}${facts(id)}`);
    if (failing.length > 4) reasons.push(`no match: ${failing.length - 4} more identifiers failed`);
  }
  return { verdict, reasons, filteredBy, notes };
}

/** A copy of a condition subtree whose results are the relaxed ones (negations count as true). */
function withRelaxedResult(node: ExplainNode): ExplainNode {
  if (node.kind === 'not') return { ...node, result: true, children: [] };
  if (node.kind === 'and' || node.kind === 'or') {
    const v = relaxedValue(node);
    return { ...node, result: v !== false, children: node.children.map(withRelaxedResult) };
  }
  return node;
}
