/**
 * sigma-test (github.com/bradleyjkemp/sigma-test) keeps test events in the rule itself:
 *
 * ```yaml
 * testcases:
 *   match:        # each event must match
 *     - {field: value}
 *   dont-match:   # each event must not match
 *     - {field: value}
 * ```
 *
 * Import gives a test file whose inline rule is the rule without its `testcases` block, with a
 * `match` case (each event `match`) and a `dont-match` case (each event `no-alert`). Export
 * writes the block back at the end of the rule.
 */
import { isMap, isScalar, parseDocument, stringify, type Pair } from 'yaml';
import type { Diagnostic } from '../../diagnostics.ts';
import { LineIndex } from '../../diagnostics.ts';
import type { Expectation, TestCase, TestFile } from '../model.ts';

export interface SigmaTestImport {
  file?: TestFile;
  diagnostics: Diagnostic[];
}

/** True when a Sigma rule carries sigma-test `testcases`. */
export function hasSigmaTestcases(text: string): boolean {
  return /^testcases\s*:/m.test(text) && /^detection\s*:/m.test(text);
}

function testcasesPair(text: string): { pair?: Pair; start: number; end: number } | undefined {
  const doc = parseDocument(text, { prettyErrors: false });
  if (!isMap(doc.contents)) return undefined;
  const items = doc.contents.items;
  const i = items.findIndex((p) => isScalar(p.key) && p.key.value === 'testcases');
  if (i < 0) return undefined;
  const key = items[i].key as { range?: [number, number, number] };
  const start = key.range![0];
  // The block runs to the next top-level key (or the end of the document).
  const next = items[i + 1]?.key as { range?: [number, number, number] } | undefined;
  const end = next?.range ? next.range[0] : (doc.contents.range?.[2] ?? text.length);
  return { pair: items[i] as Pair, start, end };
}

/** The rule text without its `testcases` block, ending in one newline. */
export function withoutTestcases(text: string): string {
  const at = testcasesPair(text);
  if (!at) return text.replace(/\s+$/, '') + '\n';
  const lineStart = text.lastIndexOf('\n', at.start - 1) + 1;
  return (text.slice(0, lineStart) + text.slice(at.end)).replace(/\s+$/, '') + '\n';
}

export function importSigmaTestcases(ruleText: string): SigmaTestImport {
  const diagnostics: Diagnostic[] = [];
  const lines = new LineIndex(ruleText);
  const doc = parseDocument(ruleText, { prettyErrors: false });
  for (const e of doc.errors) diagnostics.push({ code: 'sigma-test-yaml-syntax', severity: 'error', message: e.message.split('\n')[0], range: lines.range(e.pos[0], e.pos[1]) });
  const at = testcasesPair(ruleText);
  if (!at?.pair) {
    if (!doc.errors.length) diagnostics.push({ code: 'sigma-test-no-testcases', severity: 'error', message: 'the rule has no testcases' });
    return { diagnostics };
  }
  const range = lines.range(at.start, at.end);
  const value = at.pair.value;
  if (!isMap(value)) {
    diagnostics.push({ code: 'sigma-test-invalid', severity: 'error', message: "testcases must be a map with 'match' and/or 'dont-match' lists of events", range });
    return { diagnostics };
  }
  let data: Record<string, unknown>;
  try {
    data = value.toJS(doc, { maxAliasCount: 1000 }) as Record<string, unknown>;
  } catch (e) {
    diagnostics.push({ code: 'sigma-test-invalid', severity: 'error', message: `testcases could not be expanded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, range });
    return { diagnostics };
  }
  const cases: TestCase[] = [];
  for (const [key, verdict] of [['match', 'match'], ['dont-match', 'no-alert']] as const) {
    const list = data[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || list.some((x) => !x || typeof x !== 'object' || Array.isArray(x))) {
      diagnostics.push({ code: 'sigma-test-invalid', severity: 'error', message: `testcases.${key} must be a list of events (maps)`, range });
      continue;
    }
    if (list.length === 0) continue;
    const expect: Expectation = { verdict };
    cases.push({ name: key, events: { kind: 'inline', events: list }, expect, range });
  }
  for (const k of Object.keys(data)) if (k !== 'match' && k !== 'dont-match') diagnostics.push({ code: 'sigma-test-unknown-key', severity: 'warning', message: `testcases.${k} is not a sigma-test key (match, dont-match)`, range });
  const title = isMap(doc.contents) ? doc.contents.get('title') : undefined;
  return {
    file: { ...(typeof title === 'string' ? { name: title } : {}), rule: { kind: 'inline', text: withoutTestcases(ruleText), lineOffset: 0, columnOffset: 0 }, cases, origin: { format: 'sigma-test' } },
    diagnostics,
  };
}

/**
 * The rule text with a `testcases` block for the file's inline-event cases: events expected to
 * match under `match`, the others (nomatch, no-alert, filtered) under `dont-match`.
 */
export function exportSigmaTestcases(ruleText: string, file: TestFile): { text: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const match: unknown[] = [];
  const dontMatch: unknown[] = [];
  for (const tc of file.cases) {
    if (tc.events.kind !== 'inline') {
      diagnostics.push({ code: 'sigma-test-file-events', severity: 'warning', message: `case ${tc.name ?? ''}: events from a file cannot go into testcases; left out` });
      continue;
    }
    const n = tc.events.events.length;
    let list: Expectation[];
    if (tc.expect !== undefined) list = Array.isArray(tc.expect) ? tc.expect : tc.events.events.map(() => tc.expect as Expectation);
    // Counts that say the same of every event: all match (SigmaHQ's match_count over a file of
    // N events), none matches (match_count 0), or at least one must (Zircolite's true_positive,
    // whose events are written to match each: a note says sigma-test is stricter there).
    else if (tc.matchCount === n || tc.matchCount === 0) list = tc.events.events.map(() => ({ verdict: tc.matchCount ? 'match' : 'no-alert' }));
    else if (tc.matchCount === undefined && tc.minMatches !== undefined && tc.minMatches > 0) {
      if (n > tc.minMatches) diagnostics.push({ code: 'sigma-test-min-matches', severity: 'info', message: `case ${tc.name ?? ''}: at least ${tc.minMatches} of its ${n} events must match; sigma-test checks each, so all are written under match` });
      list = tc.events.events.map(() => ({ verdict: 'match' }));
    } else {
      diagnostics.push({ code: 'sigma-test-count', severity: 'warning', message: `case ${tc.name ?? ''}: expects ${tc.matchCount ?? tc.minMatches ?? 'a count of'} matching events out of ${n} without saying which, and sigma-test marks each event; left out` });
      continue;
    }
    tc.events.events.forEach((ev, i) => (list[i]?.verdict === 'match' ? match : dontMatch).push(ev));
  }
  const block: Record<string, unknown> = {};
  if (match.length) block.match = match;
  if (dontMatch.length) block['dont-match'] = dontMatch;
  const base = withoutTestcases(ruleText);
  const text = Object.keys(block).length ? base + stringify({ testcases: block }, { lineWidth: 0, indent: 2, indentSeq: true }) : base;
  return { text, diagnostics };
}
