/**
 * Runs one `TestFile`: loads its rule, reads each case's events, checks every expectation, and
 * compiles the rule for the targets it names. File access goes through a `TestHost`, so the
 * same runner serves the CLI (files relative to the test file) and the playground (in memory).
 * Never throws; a test that cannot run (unreadable rule or events, a rule with errors) is a
 * failed outcome with the reason, so a broken test can never look green.
 */
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import type { LogEvent, ReadEventsResult } from '../engine/event.ts';
import { compileMatcher, type Verdict } from '../engine/compile-matcher.ts';
import { explainEvent, type EventResult } from '../engine/evaluate.ts';
import { readEvents } from '../engine/read-events.ts';
import { compileRule } from '../kql/compile.ts';
import { loadRules } from '../sigma/load.ts';
import type { SigmaRule } from '../sigma/model.ts';
import { checkExpectation, describeExpectation } from './expectations.ts';
import type { Expectation, TestCase, TestFile } from './model.ts';

export interface TestHost {
  /** The text of a file the test names (path as written in the test file). */
  readText(path: string): Promise<{ text: string } | { error: string }>;
  /** The events of a file the test names, in any supported format. */
  readEvents(path: string): Promise<ReadEventsResult>;
}

export type OutcomeKind = 'event' | 'count' | 'compile' | 'error';

export interface TestOutcome {
  kind: OutcomeKind;
  /** A readable, stable name: `case 'encoded powershell' event 2`, `compiles for sentinel-asim`. */
  name: string;
  /** 0-based case index (absent for rule-level outcomes). */
  caseIndex?: number;
  /** 0-based index of the event within its case. */
  eventIndex?: number;
  passed: boolean;
  /** What was expected, in words. */
  expected?: string;
  /** What happened, in words (with the first reason). */
  message: string;
  /** Event outcomes: the event's verdict. */
  verdict?: Verdict;
  /** Failed event and count outcomes: the full evaluation (verdict, reasons, explanation tree) of the event at fault. */
  result?: EventResult;
  /** Event outcomes: the event as read (for failure output). */
  event?: Record<string, unknown>;
  /** Where the event starts in its file (1-based line), when known. */
  eventLine?: number;
  /** Where in the test file the expectation is written. */
  range?: SourceRange;
}

export interface TestFileResult {
  name?: string;
  rule?: { title: string; id?: string; level?: string };
  outcomes: TestOutcome[];
  passed: number;
  failed: number;
  /** Diagnostics on the test file (inline rule diagnostics are mapped into it). */
  diagnostics: Diagnostic[];
  /** Diagnostics on the rule file when the rule is a separate file (ranges in that file). */
  ruleDiagnostics: Diagnostic[];
  /** The rule file as written in the test, when the rule is a separate file. */
  rulePath?: string;
  durationMs: number;
}

export interface RunOptions {
  /** Compile for the file's `targets` (default true). The Kusto check runs when its service is loaded. */
  compileTargets?: boolean;
}

/** Moves a range from an embedded rule's own coordinates into the test file's. */
function shiftRange(r: SourceRange, lineOffset: number, columnOffset: number): SourceRange {
  return {
    ...r,
    startLine: r.startLine + lineOffset,
    endLine: r.endLine + lineOffset,
    startColumn: r.startColumn + columnOffset,
    endColumn: r.endColumn + columnOffset,
  };
}

function caseLabel(tc: TestCase, index: number): string {
  return tc.name ? `case '${tc.name}'` : `case ${index + 1}`;
}

async function caseEvents(tc: TestCase, host: TestHost): Promise<ReadEventsResult> {
  if (tc.events.kind === 'file') return host.readEvents(tc.events.path);
  // Inline events are read like a pasted JSON array, so evtx-JSON shapes become Sigma field names.
  return readEvents(JSON.stringify(tc.events.events), { format: 'json' });
}

/** The verdict alone decides most expectations; undefined when the filter's name must be checked. */
function quickCheck(v: Verdict, e: Expectation): boolean | undefined {
  switch (e.verdict) {
    case 'match':
      return v === 'match';
    case 'nomatch':
      return v === 'nomatch';
    case 'no-alert':
      return v !== 'match';
    case 'filtered':
      return v !== 'filtered' ? false : e.by ? undefined : true;
  }
}

function plainEvent(e: LogEvent): Record<string, unknown> {
  return JSON.parse(JSON.stringify(e.raw ?? e.data)) as Record<string, unknown>;
}

export async function runTestFile(file: TestFile, host: TestHost, options: RunOptions = {}): Promise<TestFileResult> {
  const started = Date.now();
  const out: TestFileResult = { ...(file.name !== undefined ? { name: file.name } : {}), outcomes: [], passed: 0, failed: 0, diagnostics: [], ruleDiagnostics: [], durationMs: 0 };
  const finish = (): TestFileResult => {
    out.passed = out.outcomes.filter((o) => o.passed).length;
    out.failed = out.outcomes.length - out.passed;
    out.durationMs = Date.now() - started;
    return out;
  };
  const fail = (name: string, message: string, extra: Partial<TestOutcome> = {}): void => {
    out.outcomes.push({ kind: 'error', name, passed: false, message, ...extra });
  };

  // The rule.
  let ruleText: string;
  if (file.rule.kind === 'file') {
    out.rulePath = file.rule.path;
    const read = await host.readText(file.rule.path);
    if ('error' in read) {
      fail('rule', `cannot read the rule ${file.rule.path}: ${read.error}`, { range: file.rule.range });
      return finish();
    }
    ruleText = read.text;
  } else ruleText = file.rule.text;
  const loaded = loadRules(ruleText, { placeholders: file.placeholders });
  if (file.rule.kind === 'inline') {
    const { lineOffset, columnOffset } = file.rule;
    out.diagnostics.push(...loaded.diagnostics.map((d) => (d.range ? { ...d, range: shiftRange(d.range, lineOffset, columnOffset) } : { ...d, range: file.rule.range })));
  } else out.ruleDiagnostics.push(...loaded.diagnostics);
  const index = file.ruleIndex ?? 0;
  const rule: SigmaRule | undefined = loaded.rules[index];
  const ruleErrors = loaded.diagnostics.filter((d) => d.severity === 'error' && (!rule || !d.range || (d.range.start >= rule.range.start && d.range.end <= rule.range.end)));
  if (!rule) {
    fail('rule', loaded.rules.length ? `the rule file has ${loaded.rules.length} rule(s); rule_index ${index} does not exist` : `no Sigma rule could be read${ruleErrors[0] ? `: ${ruleErrors[0].message}` : ''}`, { range: file.rule.range });
    return finish();
  }
  out.rule = { title: rule.title, ...(rule.id ? { id: rule.id } : {}), ...(rule.level ? { level: rule.level } : {}) };
  if (ruleErrors.length) {
    fail('rule', `the rule has ${ruleErrors.length} error(s): ${ruleErrors.map((d) => `${d.code} ${d.message}`).join('; ')}`, { range: file.rule.range });
    return finish();
  }
  const compiled = compileMatcher(rule, { placeholders: file.placeholders });
  const matcherErrors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (matcherErrors.length) {
    fail('rule', `the rule cannot be evaluated: ${matcherErrors.map((d) => d.message).join('; ')}`, { range: file.rule.range });
    return finish();
  }

  // The cases.
  for (let ci = 0; ci < file.cases.length; ci++) {
    const tc = file.cases[ci];
    const label = caseLabel(tc, ci);
    const read = await caseEvents(tc, host);
    const readErrors = read.diagnostics.filter((d) => d.severity === 'error');
    if (readErrors.length) {
      const where = tc.events.kind === 'file' ? tc.events.path : 'inline events';
      fail(label, `cannot read ${where}: ${readErrors.map((d) => `${d.message}${d.range ? ` (line ${d.range.startLine})` : ''}`).join('; ')}`, { caseIndex: ci, range: tc.events.range ?? tc.range });
      continue;
    }
    const events = read.events;
    if (events.length === 0 && tc.expect !== undefined) {
      fail(label, `no events in ${tc.events.kind === 'file' ? tc.events.path : 'the case'}`, { caseIndex: ci, range: tc.events.range ?? tc.range });
      continue;
    }
    const list = Array.isArray(tc.expect) ? tc.expect : undefined;
    if (list && list.length !== events.length) {
      fail(label, `${list.length} expectations for ${events.length} events; give one per event, or a single verdict for all`, { caseIndex: ci, range: tc.expectRange ?? tc.range });
      continue;
    }
    // Verdicts on the fast path; explanations only where a message needs them (failures, `filtered: <id>`).
    const verdicts: Verdict[] = events.map((e) => compiled.verdict(e));
    const explained = new Map<number, EventResult>();
    const explain = (i: number): EventResult => {
      let r = explained.get(i);
      if (!r) explained.set(i, (r = explainEvent(compiled, events[i])));
      return r;
    };
    if (tc.expect !== undefined) {
      events.forEach((e, ei) => {
        const expectation: Expectation = list ? list[ei] : (tc.expect as Expectation);
        const quick = quickCheck(verdicts[ei], expectation);
        const check = quick === undefined || !quick ? checkExpectation(explain(ei), expectation) : { passed: true, message: verdicts[ei] };
        const where = tc.events.kind === 'file' ? `${tc.events.path}#${ei + 1}` : `event ${ei + 1}`;
        out.outcomes.push({
          kind: 'event',
          name: events.length === 1 && tc.events.kind === 'inline' ? label : `${label} ${where}`,
          caseIndex: ci,
          eventIndex: ei,
          passed: check.passed,
          expected: describeExpectation(expectation),
          message: check.message,
          verdict: verdicts[ei],
          ...(check.passed ? {} : { result: explain(ei), event: plainEvent(e) }),
          ...(e.origin.line !== undefined && tc.events.kind === 'file' ? { eventLine: e.origin.line } : {}),
          ...(tc.expectRange ? { range: tc.expectRange } : {}),
        });
      });
    }
    const matched = verdicts.filter((v) => v === 'match').length;
    const countOutcome = (expected: string, passed: boolean): void => {
      const firstUnmatched = verdicts.findIndex((v) => v !== 'match');
      out.outcomes.push({
        kind: 'count',
        name: `${label} (${expected})`,
        caseIndex: ci,
        passed,
        expected,
        message: `${matched} of ${events.length} events match`,
        // For a failure, the first event that did not match explains what is missing.
        ...(!passed && firstUnmatched >= 0
          ? {
              result: explain(firstUnmatched),
              eventIndex: firstUnmatched,
              event: plainEvent(events[firstUnmatched]),
              ...(events[firstUnmatched].origin.line !== undefined && tc.events.kind === 'file' ? { eventLine: events[firstUnmatched].origin.line } : {}),
            }
          : {}),
        ...(tc.expectRange ? { range: tc.expectRange } : {}),
      });
    };
    if (tc.matchCount !== undefined) countOutcome(`${tc.matchCount} matching event${tc.matchCount === 1 ? '' : 's'}`, matched === tc.matchCount);
    if (tc.minMatches !== undefined) countOutcome(`at least ${tc.minMatches} matching event${tc.minMatches === 1 ? '' : 's'}`, matched >= tc.minMatches);
  }

  // The targets.
  if (options.compileTargets !== false) {
    for (const target of file.targets ?? []) {
      const res = compileRule(rule, target, { placeholders: file.placeholders });
      const errors = res.diagnostics.filter((d) => d.severity === 'error');
      out.outcomes.push({
        kind: 'compile',
        name: `compiles for ${target}`,
        passed: res.ok,
        expected: `a ${target} query without errors`,
        message: res.ok ? `${res.table ?? 'query'} ok` : errors.map((d) => `${d.code} ${d.message}`).join('; '),
      });
    }
  }
  return finish();
}
