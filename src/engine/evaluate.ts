/**
 * Evaluating events against a rule: per event a verdict (match / filtered / nomatch), short
 * reasons and the explanation tree. Two speeds: `evaluateVerdicts` decides verdicts only (for
 * 100,000-row tables), `explainEvent` explains one event on demand, and `evaluateEvents` does
 * both for every event.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { LogEvent } from './event.ts';
import type { ConditionNode, SigmaRule } from '../sigma/model.ts';
import { compileMatcher, type CompiledRule, type MatcherOptions, type Verdict } from './compile-matcher.ts';
import { factsText, selectionFacts, summarizeConditions, type ExplainNode } from './explain.ts';

export type { Verdict } from './compile-matcher.ts';

export interface EventResult {
  /** The event's index (`LogEvent.index`). */
  index: number;
  verdict: Verdict;
  /** Set when the event comes from another log source than the rule's. */
  logsource?: { verdict: 'other'; reason: string };
  /** Short reasons for people, most important first. */
  reasons: string[];
  /** For `filtered`: the negated identifiers that were true, e.g. `filter_main_local_ranges`. */
  filteredBy?: string[];
  /** Secondary observations for the curious: for a match, why each filter did not apply. */
  notes?: string[];
  explanation: ExplainNode;
}

export interface VerdictSummaryCounts {
  match: number;
  filtered: number;
  nomatch: number;
}

export interface EvaluationResult {
  results: EventResult[];
  summary: VerdictSummaryCounts;
  diagnostics: Diagnostic[];
}

export interface VerdictsResult {
  verdicts: Verdict[];
  summary: VerdictSummaryCounts;
  diagnostics: Diagnostic[];
}

export interface EvaluateOptions extends MatcherOptions {
  /** Polled every 1,024 events; when it returns true, evaluation stops (an `evaluation-stopped` info says where). */
  shouldStop?: () => boolean;
  /** Called every 1,024 events and at the end. */
  onProgress?: (done: number, total: number) => void;
}

const CHUNK = 1024;

function asCompiled(rule: SigmaRule | CompiledRule, options?: MatcherOptions): CompiledRule {
  return 'verdict' in rule && typeof rule.verdict === 'function' ? rule : compileMatcher(rule as SigmaRule, options);
}

function stopped(done: number, total: number): Diagnostic {
  return { code: 'evaluation-stopped', severity: 'info', message: `evaluation stopped after ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} events` };
}

function otherSources(compiled: CompiledRule, events: readonly LogEvent[], count: number): Diagnostic[] {
  let other = 0;
  let reason: string | undefined;
  for (let i = 0; i < count; i++) {
    const j = compiled.judgeSource(events[i]);
    if (j.verdict === 'other') {
      other++;
      reason ??= j.reason;
    }
  }
  if (other === 0) return [];
  return [
    {
      code: 'logsource-mismatch',
      severity: 'info',
      message: `${other.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} events come from another log source than the rule's, so they cannot match${reason ? ` (e.g. ${reason})` : ''}`,
      range: compiled.rule.logsource.range ?? compiled.rule.ranges.logsource,
    },
  ];
}

/**
 * The loop both evaluations share: one result per event, counted by verdict, with progress and
 * cancellation every CHUNK events and the other-log-source note at the end.
 */
function evaluateEach<T>(compiled: CompiledRule, events: readonly LogEvent[], options: EvaluateOptions, each: (event: LogEvent) => T, verdictOf: (t: T) => Verdict) {
  const summary: VerdictSummaryCounts = { match: 0, filtered: 0, nomatch: 0 };
  const out: T[] = [];
  const diagnostics = compiled.diagnostics.slice();
  for (let i = 0; i < events.length; i++) {
    if (i % CHUNK === 0 && i > 0) {
      options.onProgress?.(i, events.length);
      if (options.shouldStop?.()) {
        diagnostics.push(stopped(i, events.length));
        break;
      }
    }
    const t = each(events[i]);
    summary[verdictOf(t)]++;
    out.push(t);
  }
  options.onProgress?.(out.length, events.length);
  diagnostics.push(...otherSources(compiled, events, out.length));
  return { out, summary, diagnostics };
}

/**
 * Verdicts only: no explanation trees, no reasons (the path for large tables; explain rows on
 * demand with `explainEvent`). Pass a `CompiledRule` to reuse its compilation; `options` then
 * only carry `shouldStop`/`onProgress`.
 */
export function evaluateVerdicts(rule: SigmaRule | CompiledRule, events: readonly LogEvent[], options: EvaluateOptions = {}): VerdictsResult {
  const compiled = asCompiled(rule, options);
  const { out, summary, diagnostics } = evaluateEach(compiled, events, options, (e) => compiled.verdict(e), (v) => v);
  return { verdicts: out, summary, diagnostics };
}

/** Verdict, reasons and explanation tree for every event. */
export function evaluateEvents(rule: SigmaRule | CompiledRule, events: readonly LogEvent[], options: EvaluateOptions = {}): EvaluationResult {
  const compiled = asCompiled(rule, options);
  const { out, summary, diagnostics } = evaluateEach(compiled, events, options, (e) => explainEvent(compiled, e), (r) => r.verdict);
  return { results: out, summary, diagnostics };
}

/** The full account of one event: the same verdict as `compiled.verdict(event)`, and why. */
export function explainEvent(compiled: CompiledRule, event: LogEvent): EventResult {
  const rule = compiled.rule;
  const identifierNodes = new Map<string, ExplainNode>();
  const identifierNode = (name: string, refRange: ConditionNode['range']): ExplainNode => {
    let node = identifierNodes.get(name);
    if (!node) {
      const ci = compiled.identifiers.get(name);
      if (!ci) {
        node = { kind: 'identifier', label: name, identifier: name, result: false, children: [], error: `'${name}' is not defined in the detection` };
      } else {
        const selection = ci.selection.explain(event);
        node = { kind: 'identifier', label: name, identifier: name, result: selection.result, range: ci.identifier.range, children: [selection] };
        node.summary = factsText(selectionFacts(node));
      }
      identifierNodes.set(name, node);
    }
    return { ...node, refRange };
  };
  const conditionNode = (node: ConditionNode): ExplainNode => {
    switch (node.kind) {
      case 'id':
        return identifierNode(node.name, node.range);
      case 'not': {
        const arg = conditionNode(node.arg);
        return { kind: 'not', label: 'not', result: !arg.result, range: node.range, children: [arg] };
      }
      case 'and':
      case 'or': {
        const args = node.args.map(conditionNode);
        const result = node.kind === 'and' ? args.every((a) => a.result) : args.some((a) => a.result);
        return { kind: node.kind, label: node.kind, result, range: node.range, children: args };
      }
      case 'of': {
        const ids = node.identifiers.map((n) => identifierNode(n, node.patternRange));
        const result = ids.length > 0 && (node.quantifier === 'all' ? ids.every((a) => a.result) : ids.some((a) => a.result));
        return {
          kind: 'of',
          label: `${node.quantifier === 'all' ? 'all' : '1'} of ${node.pattern}`,
          quantifier: node.quantifier,
          result,
          range: node.range,
          children: ids,
        };
      }
    }
  };

  const conditions: ExplainNode[] = rule.detection.conditions
    .filter((c) => c.ast)
    .map((c) => {
      const inner = conditionNode(c.ast!);
      return { kind: 'condition', label: c.text, result: inner.result, range: c.range, children: [inner] };
    });

  const judgement = compiled.judgeSource(event);
  const other = judgement.verdict === 'other' ? { verdict: 'other' as const, reason: judgement.reason ?? 'the event comes from another log source' } : undefined;
  const summary = summarizeConditions(conditions, other);
  if (rule.detection.conditions.length > 0 && conditions.length === 0) summary.reasons.unshift('the condition could not be parsed');

  const children: ExplainNode[] = [];
  if (judgement.verdict !== 'unknown' || other) {
    children.push({
      kind: 'logsource',
      label: `logsource ${describeLogsource(rule)}`,
      result: judgement.verdict !== 'other',
      range: rule.logsource.range ?? rule.ranges.logsource,
      children: [],
      reason: judgement.reason ?? (judgement.verdict === 'same' ? 'event comes from this log source' : 'event source not recognised; judged on fields'),
    });
  }
  children.push(...conditions);
  const explanation: ExplainNode = {
    kind: 'rule',
    label: rule.title || '(untitled rule)',
    result: summary.verdict === 'match',
    range: rule.range,
    children,
    summary: summary.reasons[0],
  };
  return {
    index: event.index,
    verdict: summary.verdict,
    ...(other ? { logsource: other } : {}),
    reasons: summary.reasons,
    ...(summary.filteredBy ? { filteredBy: summary.filteredBy } : {}),
    ...(summary.notes ? { notes: summary.notes } : {}),
    explanation,
  };
}

function describeLogsource(rule: SigmaRule): string {
  const ls = rule.logsource;
  return [ls.product, ls.category, ls.service].filter(Boolean).join('/') || '(none)';
}
