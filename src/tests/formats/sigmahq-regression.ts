/**
 * SigmaHQ regression data: a rule's `regression_tests_path` names an `info.yml` under
 * `regression_data/` (mirroring the rule's folder) that describes the test event files:
 *
 * ```yaml
 * id: <uuid>            # of the info file
 * description: ...
 * date: 2024-06-01
 * modified: ...         # optional
 * author: ...
 * rule_metadata:
 *     - id: <rule uuid>
 *       title: <rule title>
 * regression_tests_info:
 *     - name: Positive Detection Test
 *       type: evtx
 *       provider: Microsoft-Windows-Sysmon
 *       match_count: 1
 *       path: regression_data/rules/windows/.../<rule id>.evtx   # relative to the repository root
 * ```
 *
 * (SigmaHQ/sigma `tests/regression_tests_conventions`-style documentation and its runner.) Each test
 * becomes a case with `events: <file>` and `match_count`; the fields siglab's model has no
 * place for are kept in `origin`, so exporting gives the same info.yml back.
 */
import { isMap, isScalar, parseDocument, stringify } from 'yaml';
import type { Diagnostic } from '../../diagnostics.ts';
import { LineIndex } from '../../diagnostics.ts';
import type { RuleSource, TestCase, TestFile } from '../model.ts';

export interface SigmaRegressionOrigin {
  format: 'sigmahq-regression';
  id?: string;
  description?: string;
  date?: string;
  modified?: string;
  author?: string;
  rule_metadata: Array<{ id?: string; title?: string }>;
  /** Per case, in order: the test entry's fields other than name, match_count and path. */
  tests: Array<Record<string, unknown>>;
}

export interface SigmaRegressionImport {
  file?: TestFile;
  /** The rule ids the info file is for (`rule_metadata[].id`), to find the rule. */
  ruleIds: string[];
  diagnostics: Diagnostic[];
}

export interface SigmaRegressionOptions {
  /**
   * Turns an info.yml `path` (relative to the SigmaHQ repository root) into the path the test
   * reads, and back for export. Identity by default.
   */
  toTestPath?: (infoPath: string) => string;
  fromTestPath?: (testPath: string) => string;
}

/** True when YAML text is a SigmaHQ regression info file. */
export function isSigmaRegressionInfo(text: string): boolean {
  return /^regression_tests_info\s*:/m.test(text) && /^rule_metadata\s*:/m.test(text);
}

const TEST_KEYS = new Set(['name', 'match_count', 'path']);

export function importSigmaRegression(infoText: string, rule: RuleSource, options: SigmaRegressionOptions = {}): SigmaRegressionImport {
  const diagnostics: Diagnostic[] = [];
  const lines = new LineIndex(infoText);
  const doc = parseDocument(infoText, { prettyErrors: false });
  for (const e of doc.errors) diagnostics.push({ code: 'regression-yaml-syntax', severity: 'error', message: e.message.split('\n')[0], range: lines.range(e.pos[0], e.pos[1]) });
  if (!isMap(doc.contents)) {
    if (!doc.errors.length) diagnostics.push({ code: 'regression-not-a-map', severity: 'error', message: 'an info.yml is a YAML map with rule_metadata and regression_tests_info' });
    return { ruleIds: [], diagnostics };
  }
  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (e) {
    diagnostics.push({ code: 'regression-yaml-aliases', severity: 'error', message: `the file could not be expanded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` });
    return { ruleIds: [], diagnostics };
  }
  const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
  const metadata = Array.isArray(data.rule_metadata) ? (data.rule_metadata as unknown[]) : [];
  const ruleMetadata = metadata
    .filter((m): m is Record<string, unknown> => !!m && typeof m === 'object')
    .map((m) => ({ ...(m.id !== undefined ? { id: String(m.id) } : {}), ...(m.title !== undefined ? { title: String(m.title) } : {}) }));
  const tests = Array.isArray(data.regression_tests_info) ? (data.regression_tests_info as unknown[]) : undefined;
  if (!tests) {
    const at = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'regression_tests_info');
    const r = isScalar(at?.key) ? at.key.range : undefined;
    diagnostics.push({ code: 'regression-no-tests', severity: 'error', message: 'regression_tests_info must be a list of tests', ...(r ? { range: lines.range(r[0], r[1]) } : {}) });
    return { ruleIds: ruleMetadata.map((m) => m.id).filter((x): x is string => !!x), diagnostics };
  }
  const toTest = options.toTestPath ?? ((p: string) => p);
  const cases: TestCase[] = [];
  const originTests: Array<Record<string, unknown>> = [];
  tests.forEach((t, i) => {
    if (!t || typeof t !== 'object') {
      diagnostics.push({ code: 'regression-invalid-test', severity: 'error', message: `regression_tests_info[${i}] must be a map with name, type, provider, match_count and path` });
      return;
    }
    const o = t as Record<string, unknown>;
    if (typeof o.path !== 'string' || !o.path) {
      diagnostics.push({ code: 'regression-invalid-test', severity: 'error', message: `regression_tests_info[${i}] has no path` });
      return;
    }
    const count = o.match_count;
    const tc: TestCase = { ...(o.name !== undefined ? { name: String(o.name) } : {}), events: { kind: 'file', path: toTest(o.path) } };
    if (count === undefined || count === null) tc.minMatches = 1; // some entries omit it: the rule must fire
    else if (typeof count === 'number' && Number.isInteger(count) && count >= 0) tc.matchCount = count;
    else {
      diagnostics.push({ code: 'regression-invalid-test', severity: 'error', message: `regression_tests_info[${i}].match_count must be a whole number` });
      return;
    }
    cases.push(tc);
    originTests.push(Object.fromEntries(Object.entries(o).filter(([k]) => !TEST_KEYS.has(k))));
  });
  const origin: SigmaRegressionOrigin = {
    format: 'sigmahq-regression',
    ...(str(data.id) !== undefined ? { id: str(data.id) } : {}),
    ...(str(data.description) !== undefined ? { description: str(data.description) } : {}),
    ...(str(data.date) !== undefined ? { date: str(data.date) } : {}),
    ...(str(data.modified) !== undefined ? { modified: str(data.modified) } : {}),
    ...(str(data.author) !== undefined ? { author: str(data.author) } : {}),
    rule_metadata: ruleMetadata,
    tests: originTests,
  };
  const title = ruleMetadata[0]?.title;
  const file: TestFile = { ...(title ? { name: title } : {}), rule, cases, origin: origin as unknown as Record<string, unknown> };
  return { file, ruleIds: ruleMetadata.map((m) => m.id).filter((x): x is string => !!x), diagnostics };
}

export interface SigmaRegressionExport {
  text: string;
  diagnostics: Diagnostic[];
}

/**
 * Writes the info.yml for a test file. Cases need an events file (SigmaHQ keeps events in files)
 * and a count: `match_count`, `min_matches: 1` (written without match_count), or per-event
 * expectations (the number of `match` among them).
 */
export function exportSigmaRegression(file: TestFile, meta: { id?: string; title?: string; author?: string; date?: string } = {}, options: SigmaRegressionOptions = {}): SigmaRegressionExport {
  const diagnostics: Diagnostic[] = [];
  const origin = (file.origin?.format === 'sigmahq-regression' ? file.origin : undefined) as SigmaRegressionOrigin | undefined;
  const fromTest = options.fromTestPath ?? ((p: string) => p);
  const tests: Array<Record<string, unknown>> = [];
  file.cases.forEach((tc, i) => {
    if (tc.events.kind !== 'file') {
      diagnostics.push({ code: 'regression-inline-events', severity: 'warning', message: `case ${tc.name ?? i + 1}: SigmaHQ regression tests read events from files; inline events are left out` });
      return;
    }
    const extra = origin?.tests[i] ?? { type: /\.evtx$/i.test(tc.events.path) ? 'evtx' : 'json', provider: '' };
    let count: number | undefined = tc.matchCount;
    if (count === undefined && Array.isArray(tc.expect)) count = tc.expect.filter((e) => e.verdict === 'match').length;
    if (count === undefined && tc.minMatches === undefined) {
      diagnostics.push({ code: 'regression-no-count', severity: 'warning', message: `case ${tc.name ?? i + 1}: no match_count can be derived from its expectation; left out` });
      return;
    }
    const entry: Record<string, unknown> = { name: tc.name ?? `Test ${i + 1}` };
    const ordered = ['type', 'provider'];
    for (const k of ordered) if (k in extra) entry[k] = extra[k];
    if (count !== undefined) entry.match_count = count;
    entry.path = fromTest(tc.events.path);
    for (const [k, v] of Object.entries(extra)) if (!ordered.includes(k)) entry[k] = v;
    tests.push(entry);
  });
  const info: Record<string, unknown> = {
    id: origin?.id ?? meta.id,
    description: origin?.description ?? file.name ?? 'N/A',
    date: origin?.date ?? meta.date,
    ...(origin?.modified !== undefined ? { modified: origin.modified } : {}),
    author: origin?.author ?? meta.author,
    rule_metadata: origin?.rule_metadata ?? [{ id: meta.id, title: meta.title }],
    regression_tests_info: tests,
  };
  for (const k of ['id', 'date', 'author']) if (info[k] === undefined) delete info[k];
  return { text: stringify(info, { indent: 4, indentSeq: true, lineWidth: 0 }), diagnostics };
}
