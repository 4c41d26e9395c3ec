/**
 * `compileMatcher`: a Sigma rule turned into closures once, so that deciding a verdict for an
 * event costs a few field lookups and string tests (the goal is over a million event-rule
 * evaluations per second for a typical rule). Identifier results are memoised per event, so
 * `1 of filter_*` and a second condition reuse them.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { LogEvent } from './event.ts';
import type { ConditionNode, SearchIdentifier, Selection, SigmaRule } from '../sigma/model.ts';
import type { ExplainNode } from './explain.ts';
import { compileItem, type CompiledItem } from './compile-item.ts';
import type { FieldGetter } from './match-value.ts';
import { defaultGetField, defaultJudgeEventSource, type EventSourceJudge, type SourceJudgement } from './matcher-deps.ts';

export type Verdict = 'match' | 'filtered' | 'nomatch';

export interface MatcherOptions {
  /** Values for `%name%` placeholders under `expand` that the loader left unresolved. */
  placeholders?: Record<string, string[]>;
  /** Field resolution; defaults to the engine's (`getField` in fields.ts). */
  getField?: FieldGetter;
  /** Log-source judgement; defaults to the Sigma taxonomy's (`judgeEventSource`). */
  judgeEventSource?: EventSourceJudge;
}

export interface CompiledSelection {
  selection: Selection;
  test: (event: LogEvent) => boolean;
  explain: (event: LogEvent) => ExplainNode;
}

export interface CompiledIdentifier {
  name: string;
  identifier: SearchIdentifier;
  selection: CompiledSelection;
}

type Test = (event: LogEvent) => boolean;

export interface CompiledRule {
  readonly rule: SigmaRule;
  /** Problems found while compiling (unresolved placeholders, invalid regexes, unknown identifiers). */
  readonly diagnostics: Diagnostic[];
  readonly identifiers: ReadonlyMap<string, CompiledIdentifier>;
  /** True when any condition holds for the event (log source not considered). */
  matches(event: LogEvent): boolean;
  /** True when some condition holds once its negated terms are dropped. */
  matchesWithoutFilters(event: LogEvent): boolean;
  /** The verdict alone: the fast path for large tables. */
  verdict(event: LogEvent): Verdict;
  /** The taxonomy's judgement of the event's source against the rule's log source (cached per source). */
  judgeSource(event: LogEvent): SourceJudgement;
  readonly getField: FieldGetter;
}

function compileSelection(selection: Selection, items: CompiledItem[], options: { getField: FieldGetter; placeholders?: Record<string, string[]> }): CompiledSelection {
  const children: Array<{ test: Test; explain: (e: LogEvent) => ExplainNode }> = selection.items.map((x) => {
    if (x.kind === 'item') {
      const ci = compileItem(x, options);
      items.push(ci);
      return ci;
    }
    return compileSelection(x, items, options);
  });
  const tests = children.map((c) => c.test);
  let test: Test;
  if (selection.kind === 'and') {
    test =
      tests.length === 1
        ? tests[0]
        : tests.length === 2
          ? ((a, b) => (e: LogEvent) => a(e) && b(e))(tests[0], tests[1])
          : (e) => {
              for (let i = 0; i < tests.length; i++) if (!tests[i](e)) return false;
              return true;
            };
  } else {
    test = (e) => {
      for (let i = 0; i < tests.length; i++) if (tests[i](e)) return true;
      return false;
    };
  }
  const explain = (event: LogEvent): ExplainNode => {
    const nodes = children.map((c) => c.explain(event));
    const result = selection.kind === 'and' ? nodes.every((n) => n.result) : nodes.some((n) => n.result);
    return {
      kind: 'selection',
      label: selection.kind === 'and' ? 'all of (map)' : 'any of (list)',
      result,
      range: selection.range,
      children: nodes,
    };
  };
  return { selection, test, explain };
}

export function compileMatcher(rule: SigmaRule, options: MatcherOptions = {}): CompiledRule {
  const getField = options.getField ?? defaultGetField;
  const judge = options.judgeEventSource ?? defaultJudgeEventSource;
  const diagnostics: Diagnostic[] = [];
  const identifiers = new Map<string, CompiledIdentifier>();
  const items: CompiledItem[] = [];
  for (const [name, identifier] of rule.detection.identifiers) {
    identifiers.set(name, { name, identifier, selection: compileSelection(identifier.selection, items, { getField, placeholders: options.placeholders }) });
  }
  for (const ci of items) {
    for (const e of ci.errors) {
      diagnostics.push({
        code: e.value.kind === 'placeholder' ? 'unresolved-placeholder' : 'invalid-value',
        severity: 'error',
        message: e.message,
        range: e.value.range,
      });
    }
  }

  // Identifier results are memoised per event: generation numbers avoid clearing arrays.
  const names = [...identifiers.keys()];
  const slot = new Map(names.map((n, i) => [n, i]));
  const memoGen = new Int32Array(names.length);
  const memoVal = new Uint8Array(names.length);
  let generation = 0;
  const idTests = names.map((n) => identifiers.get(n)!.selection.test);
  const idTest = (name: string, range: ConditionNode['range']): Test => {
    const i = slot.get(name);
    if (i === undefined) {
      diagnostics.push({ code: 'undefined-identifier', severity: 'error', message: `condition refers to '${name}', which the detection does not define`, range });
      return () => false;
    }
    const t = idTests[i];
    return (e) => {
      if (memoGen[i] === generation) return memoVal[i] === 1;
      const r = t(e);
      memoGen[i] = generation;
      memoVal[i] = r ? 1 : 0;
      return r;
    };
  };

  const compileNode = (node: ConditionNode): Test => {
    switch (node.kind) {
      case 'id':
        return idTest(node.name, node.range);
      case 'not': {
        const inner = compileNode(node.arg);
        return (e) => !inner(e);
      }
      case 'and':
      case 'or': {
        const args = node.args.map(compileNode);
        return combine(node.kind, args);
      }
      case 'of': {
        if (node.identifiers.length === 0) return () => false;
        const args = node.identifiers.map((n) => idTest(n, node.patternRange));
        return combine(node.quantifier === 'all' ? 'and' : 'or', args);
      }
    }
  };

  // The condition with negated terms dropped (null: nothing left, which holds vacuously).
  const compileRelaxed = (node: ConditionNode): Test | null => {
    switch (node.kind) {
      case 'not':
        return null;
      case 'and': {
        const args = node.args.map(compileRelaxed).filter((x): x is Test => x !== null);
        return args.length === 0 ? null : combine('and', args);
      }
      case 'or': {
        const args = node.args.map(compileRelaxed);
        if (args.some((a) => a === null)) return args.every((a) => a === null) ? null : combine('or', args.filter((x): x is Test => x !== null));
        return combine('or', args as Test[]);
      }
      default:
        return compileNode(node);
    }
  };

  const conditions: Test[] = [];
  const relaxed: Test[] = [];
  for (const c of rule.detection.conditions) {
    if (!c.ast) continue;
    conditions.push(compileNode(c.ast));
    relaxed.push(compileRelaxed(c.ast) ?? (() => true));
  }
  if (rule.detection.conditions.length === 0) {
    diagnostics.push({ code: 'missing-condition', severity: 'error', message: 'the rule has no condition, so no event can match', range: rule.detection.range });
  }

  const anyOf = (tests: Test[], e: LogEvent): boolean => {
    for (let i = 0; i < tests.length; i++) if (tests[i](e)) return true;
    return false;
  };
  const matches = (e: LogEvent): boolean => {
    generation++;
    return anyOf(conditions, e);
  };
  const matchesWithoutFilters = (e: LogEvent): boolean => {
    generation++;
    return anyOf(relaxed, e);
  };

  const sourceCache = new Map<string, SourceJudgement>();
  const judgeSource = (event: LogEvent): SourceJudgement => {
    const h = event.hints;
    if (!h || (h.eventId === undefined && h.channel === undefined && h.provider === undefined)) return { verdict: 'unknown' };
    const key = `${h.eventId ?? ''}\u0000${h.channel ?? ''}\u0000${h.provider ?? ''}`;
    let j = sourceCache.get(key);
    if (!j) {
      try {
        j = judge(rule.logsource, h);
      } catch {
        j = { verdict: 'unknown' };
      }
      if (sourceCache.size < 10_000) sourceCache.set(key, j);
    }
    return j;
  };

  const verdict = (e: LogEvent): Verdict => {
    if (judgeSource(e).verdict === 'other') return 'nomatch';
    generation++;
    if (anyOf(conditions, e)) return 'match';
    // Same generation: identifier results are reused by the relaxed conditions.
    return anyOf(relaxed, e) ? 'filtered' : 'nomatch';
  };

  return { rule, diagnostics, identifiers, matches, matchesWithoutFilters, verdict, judgeSource, getField };
}

function combine(kind: 'and' | 'or', args: Test[]): Test {
  if (args.length === 1) return args[0];
  if (args.length === 2) {
    const [a, b] = args;
    return kind === 'and' ? (e) => a(e) && b(e) : (e) => a(e) || b(e);
  }
  return kind === 'and'
    ? (e) => {
        for (let i = 0; i < args.length; i++) if (!args[i](e)) return false;
        return true;
      }
    : (e) => {
        for (let i = 0; i < args.length; i++) if (args[i](e)) return true;
        return false;
      };
}
