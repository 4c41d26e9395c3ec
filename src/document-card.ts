/**
 * The card of a whole Sigma file, as a SOC analyst reads it: for a file with correlations, the
 * correlation (its title, type, group-by, timespan, condition, and the rules it correlates with
 * their titles and levels) rather than its first base rule; for meta filters, what each excludes
 * and from which rules. Plain rules keep their rule card (src/rule-card.ts). Pure data from the
 * loader's result; the app renders it.
 */
import { standaloneQueries } from './kql/correlation.ts';
import { cardOf, type RuleCard } from './rule-card.ts';
import type { CorrelationComparison, CorrelationType, LoadResult, Logsource, SigmaCorrelation, SigmaFilter, SigmaRule } from './sigma/model.ts';

export interface CorrelatedRef {
  /** The `rules:` entry as written (a rule name or id). */
  ref: string;
  /** What it names in this file; `missing` when it names nothing here (the loader says so). */
  kind: 'rule' | 'correlation' | 'missing';
  title?: string;
  level?: string;
  /** The base rule's logsource (`windows / security`). */
  logsource?: string;
  /** The referenced correlation's type. */
  correlationType?: CorrelationType;
}

export interface CorrelationCard {
  title: string;
  id?: string;
  name?: string;
  level?: string;
  status?: string;
  description?: string;
  type?: CorrelationType;
  /** `Event count`, `Temporal (ordered)`, ... */
  typeLabel: string;
  groupBy: string[];
  /** As written (`10m`) and in words (`10 minutes`). */
  timespan?: { text: string; words: string };
  /** The condition in short (`count >= 10`, `distinct CommandLine >= 2`, `all 2 rules, in order`). */
  condition: string;
  /** When it fires, in one sentence. */
  summary: string;
  rules: CorrelatedRef[];
  aliases: Array<{ alias: string; fields: Array<{ rule: string; field: string }> }>;
  /** `generate: true`: the correlated rules also alert on their own. */
  generate: boolean;
}

export interface FilterCard {
  title: string;
  id?: string;
  description?: string;
  logsource: string;
  /** The filter's condition as written. */
  condition: string;
  /** What it excludes: its search identifiers, one line each, as written (`selection: User|startswith: 'adm_'`). */
  excludes: string[];
  rules: Array<{
    ref: string;
    title?: string;
    level?: string;
    /** `applied`: the rule in this file gets the filter; `logsource`: the filter's logsource does not cover the rule's; `not-in-file`: the rule is not here. */
    state: 'applied' | 'logsource' | 'not-in-file';
  }>;
}

export interface DocumentCard {
  /** What the file is, read as a whole: a rule, a correlation (with its rules), or only filters. */
  kind: 'rule' | 'correlation' | 'filter';
  /** The metadata card of the headline document (a correlation's tags, false positives, references; data sources of its rules). */
  card: RuleCard;
  /** Outermost correlations first (the one the preview compiles), then the ones they chain. */
  correlations: CorrelationCard[];
  filters: FilterCard[];
  /** Number of detection rules in the file. */
  ruleCount: number;
}

const TYPE_LABEL: Record<CorrelationType, string> = {
  event_count: 'Event count',
  value_count: 'Value count',
  temporal: 'Temporal proximity',
  temporal_ordered: 'Temporal proximity, ordered',
  value_sum: 'Value sum',
  value_avg: 'Value average',
  value_percentile: 'Value percentile',
};

const OP_SYMBOL = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==', neq: '!=' } as const;
const OP_WORDS = { gt: 'more than', gte: 'at least', lt: 'fewer than', lte: 'at most', eq: 'exactly', neq: 'other than' } as const;

function symbols(cs: readonly CorrelationComparison[]): string {
  return cs.map((c) => `${OP_SYMBOL[c.op]} ${c.value}`).join(' and ');
}

function words(cs: readonly CorrelationComparison[]): string {
  return cs.map((c) => `${OP_WORDS[c.op]} ${c.value}`).join(' and ');
}

const UNITS: Array<[number, string]> = [
  [86_400_000 * 7, 'week'],
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

function durationWords(ms: number): string {
  for (const [size, unit] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms / size === 1 ? '' : 's'}`;
  return `${ms} ms`;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function logsourceText(ls: Logsource | undefined): string {
  return (ls && [ls.product, ls.category, ls.service].filter(Boolean).join(' / ')) || '(none)';
}

function quoted(t: string | undefined, ref: string): string {
  return t ? `'${t}'` : ref;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function correlationCard(c: SigmaCorrelation, load: LoadResult): CorrelationCard {
  const rules: CorrelatedRef[] = c.rules.map((r) => {
    if (r.target?.kind === 'rule') {
      const rule = load.rules[r.target.index];
      return { ref: r.ref, kind: 'rule', title: rule?.title, ...(rule?.level ? { level: rule.level } : {}), logsource: logsourceText(rule?.logsource) };
    }
    if (r.target?.kind === 'correlation') {
      const other = load.correlations?.[r.target.index];
      return { ref: r.ref, kind: 'correlation', title: other?.title, ...(other?.level ? { level: other.level } : {}), ...(other?.correlationType ? { correlationType: other.correlationType } : {}) };
    }
    return { ref: r.ref, kind: 'missing' };
  });
  const names = rules.map((r) => quoted(r.title, r.ref));
  const groupBy = c.groupBy.map((g) => g.field);
  const scope = groupBy.length ? `with the same ${list(groupBy)}` : 'across all events';
  const within = c.timespan ? ` within ${durationWords(c.timespan.ms)}` : '';
  const cs = c.condition.comparisons;
  const field = c.condition.field?.name ?? '(field)';
  let condition: string;
  let summary: string;
  switch (c.correlationType) {
    case 'event_count':
      condition = `count ${symbols(cs)}`;
      summary = `Fires when ${words(cs)} events of ${list(names)} occur ${scope}${within}.`;
      break;
    case 'value_count':
      condition = `distinct ${field} ${symbols(cs)}`;
      summary = `Fires when events of ${list(names)} ${scope} show ${words(cs)} distinct values of ${field}${within}.`;
      break;
    case 'value_sum':
    case 'value_avg':
    case 'value_percentile': {
      const what = c.correlationType === 'value_sum' ? 'sum' : c.correlationType === 'value_avg' ? 'average' : `${c.condition.percentile ?? 50}th percentile`;
      condition = `${what}(${field}) ${symbols(cs)}`;
      summary = `Fires when the ${what} of ${field} over events of ${list(names)} ${scope} is ${words(cs)}${within}.`;
      break;
    }
    case 'temporal':
    case 'temporal_ordered': {
      const ordered = c.correlationType === 'temporal_ordered';
      if (c.condition.expression) {
        condition = c.condition.expression.text;
        summary = `Fires when ${condition} hold ${scope}${within}${ordered ? ', in the order listed' : ''}.`;
      } else if (c.condition.implicit) {
        condition = `all ${rules.length} rules${ordered ? ', in order' : ''}`;
        summary = ordered
          ? `Fires when ${names.join(' then ')} occur in this order ${scope}${within}.`
          : `Fires when ${names.length > 1 ? `all of ${list(names)}` : names.join('')} occur ${scope}${within}, in any order.`;
      } else {
        condition = `rules ${symbols(cs)}${ordered ? ', in order' : ''}`;
        summary = `Fires when ${words(cs)} of ${list(names)} occur ${scope}${within}${ordered ? ', in the order listed' : ''}.`;
      }
      break;
    }
    default:
      condition = '(no valid type)';
      summary = 'The correlation type is missing or unknown, so it cannot fire (see the problems).';
  }
  return {
    title: c.title,
    ...(c.id ? { id: c.id } : {}),
    ...(c.name ? { name: c.name } : {}),
    ...(c.level ? { level: c.level } : {}),
    ...(c.status ? { status: c.status } : {}),
    ...(c.description ? { description: c.description } : {}),
    ...(c.correlationType ? { type: c.correlationType } : {}),
    typeLabel: c.correlationType ? TYPE_LABEL[c.correlationType] : 'Unknown type',
    groupBy,
    ...(c.timespan ? { timespan: { text: c.timespan.text, words: durationWords(c.timespan.ms) } } : {}),
    condition,
    summary,
    rules,
    aliases: c.aliases.map((a) => ({ alias: a.alias, fields: Object.entries(a.fields).map(([rule, f]) => ({ rule, field: f.field })) })),
    generate: c.generate,
  };
}

function valueText(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.map(valueText).join(', ');
  if (typeof v === 'object') return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${valueText(x)}`).join('; ')} }`;
  return String(v);
}

function filterCard(f: SigmaFilter, load: LoadResult): FilterCard {
  const byKey = new Map<string, SigmaRule>();
  for (const r of load.rules) {
    if (r.id && !byKey.has(r.id)) byKey.set(r.id, r);
    if (r.name && !byKey.has(r.name)) byKey.set(r.name, r);
  }
  const body = (f.raw.filter ?? {}) as Record<string, unknown>;
  const excludes = [...f.identifiers.keys()].map((name) => {
    const v = body[name];
    const parts = v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${valueText(x)}`) : [valueText(v)];
    return `${name}: ${parts.join('; ')}`;
  });
  return {
    title: f.title,
    ...(f.id ? { id: f.id } : {}),
    ...(f.description ? { description: f.description } : {}),
    logsource: logsourceText(f.logsource),
    condition: f.conditions.map((c) => c.text).join(' or '),
    excludes,
    rules: f.rules.map((r) => {
      const rule = r.applied !== undefined ? load.rules[r.applied] : byKey.get(r.ref);
      const state = r.applied !== undefined ? 'applied' : rule ? 'logsource' : 'not-in-file';
      return { ref: r.ref, ...(rule ? { title: rule.title } : {}), ...(rule?.level ? { level: rule.level } : {}), state };
    }),
  };
}

/** The metadata of a correlation or filter document, as a card source (they carry no parsed tags). */
function metaSource(doc: SigmaCorrelation | SigmaFilter, logsource: Logsource): Parameters<typeof cardOf>[0] {
  const raw = doc.raw;
  return {
    title: doc.title,
    ...(doc.id ? { id: doc.id } : {}),
    ...(text(raw.level) ? { level: text(raw.level) } : {}),
    ...(text(raw.status) ? { status: text(raw.status) } : {}),
    ...(doc.description ? { description: doc.description } : {}),
    ...(text(raw.author) ? { author: text(raw.author) } : {}),
    ...(text(raw.date) ? { date: text(raw.date) } : {}),
    ...(text(raw.modified) ? { modified: text(raw.modified) } : {}),
    ...(text(raw.license) ? { license: text(raw.license) } : {}),
    tags: strings(raw.tags),
    falsepositives: strings(raw.falsepositives),
    references: strings(raw.references),
    related: [],
    logsource,
  };
}

/** The base rules a correlation reaches, through chained correlations. */
function baseRules(load: LoadResult, index: number, seen = new Set<number>()): SigmaRule[] {
  if (seen.has(index)) return [];
  seen.add(index);
  const out: SigmaRule[] = [];
  for (const r of load.correlations?.[index]?.rules ?? []) {
    if (r.target?.kind === 'rule' && load.rules[r.target.index]) out.push(load.rules[r.target.index]);
    else if (r.target?.kind === 'correlation') out.push(...baseRules(load, r.target.index, seen));
  }
  return out;
}

export function documentCard(load: LoadResult, options: { targets?: readonly string[] } = {}): DocumentCard | undefined {
  const correlations = load.correlations ?? [];
  const filters = (load.filters ?? []).map((f) => filterCard(f, load));
  if (correlations.length) {
    const outer = standaloneQueries(load).correlations;
    const order = [...outer, ...correlations.map((_, i) => i).filter((i) => !outer.includes(i))];
    const head = correlations[order[0]];
    // Data sources: those of the rules it correlates when they share one logsource.
    const bases = baseRules(load, order[0]);
    const sources = new Set(bases.map((r) => logsourceText(r.logsource)));
    const logsource: Logsource = sources.size === 1 ? bases[0].logsource : {};
    const card = cardOf(metaSource(head, logsource), options);
    if (sources.size > 1) card.dataSources = [];
    if (sources.size > 1) card.logsource = { text: `${sources.size} logsources (see the correlated rules)` };
    return { kind: 'correlation', card, correlations: order.map((i) => correlationCard(correlations[i], load)), filters, ruleCount: load.rules.length };
  }
  if (load.rules.length) return { kind: 'rule', card: cardOf(load.rules[0], options), correlations: [], filters, ruleCount: load.rules.length };
  const first = load.filters?.[0];
  if (first) return { kind: 'filter', card: cardOf(metaSource(first, first.logsource), options), correlations: [], filters, ruleCount: 0 };
  return undefined;
}

/** A cheap test on the text: may it hold correlation or filter documents (so that it is worth loading as a whole)? */
export function mayHoldMetaDocuments(text: string): boolean {
  return /^(correlation|filter)\s*:/m.test(text);
}
