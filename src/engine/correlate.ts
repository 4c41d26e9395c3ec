/**
 * Evaluating Sigma correlations over a set of events: which groups formed, in which windows,
 * with what count or value, whether each fired, and the events that formed it.
 *
 * Window semantics (the same in the KQL siglab writes, see src/kql/correlation.ts): per group,
 * events are taken in time order; a window opens at the first event of the group and holds every
 * event at most `timespan` after that first one; the first event later than that opens the next
 * window. This is KQL's `row_window_session(t, timespan, timespan, <group changed>)`. Windows are
 * anchored at events, not at clock boundaries (no `bin()` false negatives at bucket edges), but
 * they are not fully sliding either: a burst that starts late in one window and ends early in the
 * next is split between them. The specification asks for windows not restricted to boundaries
 * "if the backend allows"; `windowSemanticsNote` says this in words for the UI and the KQL.
 *
 * Values: event_count = events in the window; value_count = distinct non-empty values of `field`
 * (compared as text, case-sensitive, as KQL's dcount); value_sum / value_avg = sum / mean of the
 * numeric values of `field` (non-numeric values ignored); value_percentile = the nearest-rank
 * percentile (as KQL's `percentile()`); temporal = number of distinct referenced rules present
 * (or the v2.1 expression over rule names); temporal_ordered = how many of the rules appear in the
 * listed order (the longest in-order prefix). A group with no events has no window, so `lt`
 * conditions only fire for groups that had at least one event (as in KQL).
 *
 * Chained correlations: each fired window of a referenced correlation is one occurrence of it,
 * at the time of the window's last event, carrying the window's group-by values and events.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { ConditionNode, CorrelationType, LoadResult, SigmaCorrelation, SigmaRule } from '../sigma/model.ts';
import { aliasField, compare, describeComparisons, TEMPORAL_TYPES } from '../sigma/correlation.ts';
import type { LogEvent } from './event.ts';
import { compileMatcher, type CompiledRule, type MatcherOptions } from './compile-matcher.ts';
import { getField } from './fields.ts';
import { scalarText, toNumber } from './event-values.ts';
import { detectTimestampField, eventTime, formatInstant, type TimestampDetection } from './timestamp-field.ts';

export interface CorrelateOptions extends MatcherOptions {
  /** The event-time field chosen by the user; detected when absent (`detectTimestampField`). */
  timestampField?: string;
  /** Polled between correlations and every 4,096 events; true stops (an info diagnostic says so). */
  shouldStop?: () => boolean;
}

export interface CorrelationMember {
  /** Event index (`LogEvent.index`); for a chained correlation's occurrence, its last event. */
  index: number;
  /** Milliseconds since the epoch. */
  time: number;
  /** The `rules:` reference it matched, as written. */
  rule: string;
}

export interface CorrelationWindowResult {
  /** group-by field (or alias) → value in this group; null when the events lack it. */
  group: Record<string, string | null>;
  window: { start: string; end: string; startMs: number; endMs: number; first: string; last: string };
  /** The count or aggregate the condition compares; null when nothing to aggregate (e.g. no numeric values). */
  value: number | null;
  fired: boolean;
  /** Indexes of every event that formed the window (base-rule matches, chained ones included), ascending. */
  events: number[];
  /** Base-rule occurrences in time order (chained correlations appear once per occurrence). */
  members: CorrelationMember[];
  /** temporal / temporal_ordered: the referenced rules seen in the window. */
  rulesSeen?: string[];
  /** One sentence: `12 events >= 10`, `3 distinct User < 5`, `missing successful_login`. */
  reason: string;
}

export interface CorrelationResult {
  /** Index into `LoadResult.correlations`. */
  correlation: number;
  title: string;
  name?: string;
  id?: string;
  type?: CorrelationType;
  timespanMs?: number;
  /** Every window of every group, ordered by group then time. */
  windows: CorrelationWindowResult[];
  /** Windows that fired. */
  fired: number;
  /** Why it could not be evaluated (unresolved references, no timestamp, ...). */
  skipped?: string;
}

export interface CorrelationEvaluation {
  timestamp: TimestampDetection;
  results: CorrelationResult[];
  diagnostics: Diagnostic[];
}

export const WINDOW_SEMANTICS_NOTE =
  'windows open at the first event of a group and hold the events up to timespan after it (session windows, as KQL row_window_session); a burst that straddles two such windows is split, so counts can be lower than with a fully sliding window';

interface Occurrence extends CorrelationMember {
  /** Group-by values by field name (for chained occurrences: the inner correlation's group). */
  values?: Record<string, string | null>;
  event?: LogEvent;
  events: number[];
}

function groupValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.length === 0 ? null : JSON.stringify(v);
  if (typeof v === 'object') return JSON.stringify(v);
  const s = scalarText(v);
  return s === undefined || s === '' ? null : s;
}

function evalExpression(node: ConditionNode, present: Set<string>): boolean {
  switch (node.kind) {
    case 'id':
      return present.has(node.name);
    case 'not':
      return !evalExpression(node.arg, present);
    case 'and':
      return node.args.every((a) => evalExpression(a, present));
    case 'or':
      return node.args.some((a) => evalExpression(a, present));
    case 'of':
      return node.identifiers.length > 0 && (node.quantifier === 'all' ? node.identifiers.every((n) => present.has(n)) : node.identifiers.some((n) => present.has(n)));
  }
}

/** Nearest-rank percentile (the definition KQL's percentile() uses). */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** How many of `order` appear in sequence (greedy, which finds the longest in-order prefix). */
export function orderedPrefix(sequence: readonly string[], order: readonly string[]): number {
  let k = 0;
  for (const r of sequence) if (k < order.length && r === order[k]) k++;
  return k;
}

const sym = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, ''));

/** Evaluates every correlation of a load result over the events. Never throws. */
export function evaluateCorrelations(load: Pick<LoadResult, 'rules' | 'correlations'>, events: readonly LogEvent[], options: CorrelateOptions = {}): CorrelationEvaluation {
  const diagnostics: Diagnostic[] = [];
  const correlations = load.correlations ?? [];
  const timestamp = detectTimestampField(events, { field: options.timestampField });
  if (correlations.length === 0) return { timestamp, results: [], diagnostics };
  if (!timestamp.field) {
    diagnostics.push({
      code: 'no-timestamp',
      severity: 'error',
      message: 'correlations need event times, and no field of these events reads as a timestamp (looked for @timestamp, TimeGenerated, Timestamp, UtcTime, TimeCreated, timestamp, time, ...); choose the field',
    });
  } else if (timestamp.ambiguous) {
    diagnostics.push({
      code: 'ambiguous-timestamp',
      severity: 'info',
      message: `several fields hold event times (${timestamp.candidates.slice(0, 4).map((c) => c.field).join(', ')}); using '${timestamp.field}' — choose another if that is not the event time`,
    });
  }
  const field = timestamp.field;
  const times = new Map<number, number | undefined>();
  const timeOf = (e: LogEvent): number | undefined => {
    if (!field) return undefined;
    if (!times.has(e.index)) times.set(e.index, eventTime(e, field));
    return times.get(e.index);
  };

  const matchers = new Map<number, CompiledRule>();
  const matchesOf = new Map<number, LogEvent[]>();
  let untimed = 0;
  let stopped = false;
  const ruleMatches = (index: number): LogEvent[] => {
    let list = matchesOf.get(index);
    if (list) return list;
    let m = matchers.get(index);
    if (!m) {
      m = compileMatcher(load.rules[index], options);
      matchers.set(index, m);
    }
    list = [];
    for (let i = 0; i < events.length; i++) {
      if (i % 4096 === 0 && i > 0 && options.shouldStop?.()) {
        stopped = true;
        break;
      }
      if (m.verdict(events[i]) !== 'match') continue;
      if (timeOf(events[i]) === undefined) {
        untimed++;
        continue;
      }
      list.push(events[i]);
    }
    matchesOf.set(index, list);
    return list;
  };

  const results = new Map<number, CorrelationResult>();
  const evaluating = new Set<number>();
  const evaluate = (ci: number): CorrelationResult => {
    const done = results.get(ci);
    if (done) return done;
    const corr = correlations[ci];
    const base: CorrelationResult = {
      correlation: ci,
      title: corr.title,
      ...(corr.name ? { name: corr.name } : {}),
      ...(corr.id ? { id: corr.id } : {}),
      ...(corr.correlationType ? { type: corr.correlationType } : {}),
      ...(corr.timespan ? { timespanMs: corr.timespan.ms } : {}),
      windows: [],
      fired: 0,
    };
    const skip = (why: string): CorrelationResult => {
      base.skipped = why;
      results.set(ci, base);
      return base;
    };
    if (evaluating.has(ci)) return skip('it references itself');
    if (!corr.correlationType) return skip('its type is missing or unknown');
    if (!corr.timespan) return skip('its timespan is missing or invalid');
    if (!field) return skip('no event timestamp');
    if (corr.rules.length === 0) return skip('it references no rules');
    const unresolved = corr.rules.filter((r) => !r.target);
    if (unresolved.length > 0) return skip(`unresolved rule reference ${unresolved.map((r) => `'${r.ref}'`).join(', ')}`);
    if (VALUE_NEEDS_FIELD.has(corr.correlationType) && !corr.condition.field) return skip("its condition has no 'field'");
    if (corr.condition.comparisons.length === 0 && !corr.condition.expression?.ast) return skip('its condition is missing or invalid');
    evaluating.add(ci);
    try {
      const result = evaluateOne(corr, base, load.rules, correlations, ruleMatches, evaluate, timeOf);
      results.set(ci, result);
      return result;
    } finally {
      evaluating.delete(ci);
    }
  };
  for (let ci = 0; ci < correlations.length; ci++) {
    if (options.shouldStop?.()) {
      stopped = true;
      break;
    }
    evaluate(ci);
  }
  for (const m of matchers.values()) for (const d of m.diagnostics) if (d.severity === 'error') diagnostics.push(d);
  if (untimed > 0 && field) {
    diagnostics.push({
      code: 'event-without-timestamp',
      severity: 'warning',
      message: `${untimed.toLocaleString('en-US')} base-rule match${untimed === 1 ? '' : 'es'} had no readable time in '${field}' and ${untimed === 1 ? 'was' : 'were'} left out of the correlations`,
    });
  }
  if (stopped) diagnostics.push({ code: 'evaluation-stopped', severity: 'info', message: 'correlation evaluation was stopped before the end' });
  return { timestamp, results: [...results.values()].sort((a, b) => a.correlation - b.correlation), diagnostics };
}

const VALUE_NEEDS_FIELD = new Set<CorrelationType>(['value_count', 'value_sum', 'value_avg', 'value_percentile']);

function evaluateOne(
  corr: SigmaCorrelation,
  result: CorrelationResult,
  rules: readonly SigmaRule[],
  correlations: readonly SigmaCorrelation[],
  ruleMatches: (index: number) => LogEvent[],
  evaluate: (ci: number) => CorrelationResult,
  timeOf: (e: LogEvent) => number | undefined,
): CorrelationResult {
  const type = corr.correlationType!;
  const span = corr.timespan!.ms;
  const groupNames = corr.groupBy.map((g) => g.field);
  const valueName = corr.condition.field?.name;

  // Every occurrence of a referenced rule or correlation, with its group key.
  const occurrences: Array<Occurrence & { key: string; group: Record<string, string | null>; fieldValue?: unknown }> = [];
  for (const ref of corr.rules) {
    const target = ref.target!;
    const fieldFor = (name: string): string => aliasField(corr, ref.ref, name, rules, correlations, target) ?? name;
    if (target.kind === 'rule') {
      const groupFields = groupNames.map(fieldFor);
      const valueField = valueName ? fieldFor(valueName) : undefined;
      for (const e of ruleMatches(target.index)) {
        const group: Record<string, string | null> = Object.create(null);
        groupNames.forEach((g, i) => {
          const f = getField(e, groupFields[i]);
          group[g] = f.found ? groupValue(f.value) : null;
        });
        const fv = valueField ? getField(e, valueField) : undefined;
        occurrences.push({
          index: e.index,
          // ruleMatches returns only events with a readable time.
          time: timeOf(e)!,
          rule: ref.ref,
          events: [e.index],
          key: JSON.stringify(groupNames.map((g) => group[g])),
          group,
          ...(fv?.found ? { fieldValue: fv.value } : {}),
        });
      }
    } else {
      const inner = evaluate(target.index);
      for (const w of inner.windows) {
        if (!w.fired) continue;
        const group: Record<string, string | null> = Object.create(null);
        for (const g of groupNames) group[g] = w.group[fieldFor(g)] ?? null;
        const last = w.members[w.members.length - 1];
        occurrences.push({ index: last.index, time: last.time, rule: ref.ref, events: w.events, key: JSON.stringify(groupNames.map((g) => group[g])), group });
      }
    }
  }
  occurrences.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.time - b.time || a.index - b.index);

  const order = corr.rules.map((r) => r.ref);
  for (let i = 0; i < occurrences.length; ) {
    const first = occurrences[i];
    let j = i;
    while (j < occurrences.length && occurrences[j].key === first.key && occurrences[j].time - first.time <= span) j++;
    const members = occurrences.slice(i, j);
    i = j;
    const eventSet = new Set<number>();
    for (const m of members) for (const x of m.events) eventSet.add(x);
    let value: number | null;
    let fired: boolean;
    let reason: string;
    let rulesSeen: string[] | undefined;
    const cmp = corr.condition.comparisons;
    const check = (v: number | null): boolean => v !== null && cmp.length > 0 && cmp.every((c) => compare(c.op, v, c.value));
    const cmpText = describeComparisons(cmp);
    switch (type) {
      case 'event_count':
        value = members.length;
        fired = check(value);
        reason = `${value} event${value === 1 ? '' : 's'} ${fired ? '' : 'not '}${cmpText}`.replace(' not ', ', not ');
        break;
      case 'value_count': {
        const distinct = new Set<string>();
        for (const m of members) {
          const v = groupValue(m.fieldValue);
          if (v !== null) distinct.add(v);
        }
        value = distinct.size;
        fired = check(value);
        reason = `${value} distinct ${valueName}${fired ? ' ' : ', not '}${cmpText}`;
        break;
      }
      case 'value_sum':
      case 'value_avg':
      case 'value_percentile': {
        const nums: number[] = [];
        for (const m of members) {
          const n = toNumber(m.fieldValue);
          if (n !== undefined) nums.push(n);
        }
        if (type === 'value_sum') value = nums.reduce((a, b) => a + b, 0);
        else if (type === 'value_avg') value = nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null;
        else value = nearestRank(nums.sort((a, b) => a - b), corr.condition.percentile ?? 50);
        fired = check(value);
        const what = type === 'value_sum' ? 'sum' : type === 'value_avg' ? 'average' : `${corr.condition.percentile ?? 50}th percentile`;
        reason = value === null ? `no numeric ${valueName} values` : `${what} of ${valueName} ${sym(value)}${fired ? ' ' : ', not '}${cmpText}`;
        break;
      }
      case 'temporal':
      case 'temporal_ordered': {
        const sequence = members.map((m) => m.rule);
        const ordered = type === 'temporal_ordered';
        const present = new Set(ordered ? order.slice(0, orderedPrefix(sequence, order)) : sequence);
        rulesSeen = order.filter((r) => sequence.includes(r));
        value = present.size;
        const expr = corr.condition.expression?.ast;
        fired = expr ? evalExpression(expr, present) : check(value);
        const notSeen = order.filter((r) => !sequence.includes(r));
        if (fired) reason = ordered ? `${order.join(' → ')} in order` : `${value} of ${order.length} rules (${[...present].join(', ')})`;
        else if (notSeen.length > 0) reason = `missing ${notSeen.join(', ')}`;
        else if (ordered && value < order.length) reason = `${order.join(' → ')} not in that order`;
        else reason = `${value} rules, not ${expr ? corr.condition.expression!.text : cmpText}`;
        break;
      }
    }
    result.windows.push({
      group: first.group,
      window: {
        start: formatInstant(first.time),
        end: formatInstant(first.time + span),
        startMs: first.time,
        endMs: first.time + span,
        first: formatInstant(first.time),
        last: formatInstant(members[members.length - 1].time),
      },
      value,
      fired,
      events: [...eventSet].sort((a, b) => a - b),
      members: members.map(({ index, time, rule }) => ({ index, time, rule })),
      ...(rulesSeen ? { rulesSeen } : {}),
      reason,
    });
    if (fired) result.fired++;
  }
  return result;
}

/** Whether a correlation type needs all its rules in one window (temporal types). */
export function isTemporal(type: CorrelationType | undefined): boolean {
  return !!type && TEMPORAL_TYPES.includes(type);
}
