/**
 * Tests opened in the playground: a siglab test file, a Sigma rule with sigma-test `testcases`,
 * a Zircolite `--test-rules` JSON, or a SigmaHQ regression `info.yml` picked together with its
 * event files. They become what the playground holds: the rule (when the file carries one), one
 * list of events, and the verdict each event should get. Nothing here touches the page, so a
 * failed import leaves the user's work exactly as it was.
 *
 * The playground marks events one by one; count expectations map onto that where they mean the
 * same thing (`match_count` equal to the number of events: each should match; 0: none should),
 * and otherwise the events are loaded unmarked and a note says so. A Zircolite `true_positive`
 * list (at least one must match) marks each of its events "should match", which is what such
 * lists hold in practice; the note says that too.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { readEvents } from '../engine/read-events.ts';
import { loadRules } from '../sigma/load.ts';
import { importSigmaRegression } from './formats/sigmahq-regression.ts';
import { importSigmaTestcases } from './formats/sigma-test.ts';
import { importZircoliteTests, isZircoliteTests } from './formats/zircolite.ts';
import { testSourceKind } from './load-test-source.ts';
import type { Expectation, TestCase, TestFile } from './model.ts';
import { readTestFile } from './read-test-file.ts';

export interface PickedFile {
  name: string;
  text: string;
}

/** The rule in the editor, which Zircolite and SigmaHQ tests are matched to by id or title. */
export interface EditorRule {
  text: string;
  id?: string;
  title?: string;
}

export type ImportedFormat = 'siglab' | 'sigma-test' | 'zircolite' | 'sigmahq-regression';

export const IMPORTED_FORMAT_LABELS: Record<ImportedFormat, string> = {
  siglab: 'siglab test file',
  'sigma-test': 'sigma-test rule',
  zircolite: 'Zircolite test JSON',
  'sigmahq-regression': 'SigmaHQ regression info.yml',
};

export interface PlaygroundImport {
  format: ImportedFormat;
  /** The test file's name. */
  source: string;
  /** The rule to open; absent when the tests run against the rule already in the editor. */
  ruleText?: string;
  /** Where `ruleText` comes from (the test file itself, or a rule file picked with it). */
  ruleFrom?: string;
  /** Every case's events, in order, as written (evtx-JSON shapes kept: the events reader reshapes them). */
  events: unknown[];
  /** By index into `events`. */
  expectations: Record<number, Expectation>;
  cases: number;
  /** What was approximated or left out, in words. */
  notes: string[];
  /** Placeholders the test file gives (the playground's own placeholder values are not changed). */
  placeholders?: Record<string, string[]>;
}

export interface PlaygroundImportResult {
  imported?: PlaygroundImport;
  /** Errors mean nothing was imported; their messages name the file (and line) at fault. */
  diagnostics: Diagnostic[];
}

const base = (p: string): string => p.split(/[\\/]/).pop() ?? p;
const isJsonName = (n: string): boolean => /\.json$/i.test(n);

/** Id and title of the first rule in a text (undefined when it holds no rule). */
function ruleInfo(text: string): { id?: string; title?: string } | undefined {
  const r = loadRules(text).rules[0];
  return r ? { ...(r.id ? { id: r.id } : {}), ...(r.title ? { title: r.title } : {}) } : undefined;
}

function kindOf(f: PickedFile): ImportedFormat | undefined {
  if (isJsonName(f.name) || /^\s*\[/.test(f.text)) return isZircoliteTests(f.text) ? 'zircolite' : undefined;
  // A *.test.yml too broken to recognise is read as one, for its diagnostics.
  return testSourceKind(f.text) ?? (/\.test\.ya?ml$/i.test(f.name) ? 'siglab' : undefined);
}

function error(code: string, message: string, extra: Partial<Diagnostic> = {}): PlaygroundImportResult {
  return { diagnostics: [{ code, severity: 'error', message, ...extra }] };
}

function firstError(name: string, ds: Diagnostic[]): PlaygroundImportResult | undefined {
  const e = ds.find((d) => d.severity === 'error');
  if (!e) return undefined;
  return error(e.code, `${name}${e.range ? ` line ${e.range.startLine}` : ''}: ${e.message}`, e.range ? { range: e.range } : {});
}

function describeRule(r: { id?: string; title?: string }): string {
  return [r.title ? `'${r.title}'` : '', r.id ? `(id ${r.id})` : ''].filter(Boolean).join(' ') || 'a rule without title or id';
}

export function importPlaygroundTests(files: readonly PickedFile[], editor: EditorRule): PlaygroundImportResult {
  const tests = files.map((f) => ({ f, kind: kindOf(f) })).filter((x): x is { f: PickedFile; kind: ImportedFormat } => x.kind !== undefined);
  if (tests.length === 0) {
    const names = files.map((f) => f.name).join(', ') || 'no file';
    return error('import-no-tests', `${names}: not a test file. Import takes a siglab test file (rule + cases), a Sigma rule with sigma-test 'testcases', a Zircolite --test-rules JSON, or a SigmaHQ info.yml with its event JSON files`);
  }
  if (tests.length > 1) return error('import-several-tests', `Pick one test file at a time (got ${tests.map((t) => t.f.name).join(', ')}); event and rule files can come with it`);
  const { f, kind } = tests[0];
  const others = files.filter((x) => x !== f);
  const ruleFiles = others.filter((x) => !isJsonName(x.name)).map((x) => ({ file: x, info: ruleInfo(x.text) })).filter((x) => x.info);
  const editorInfo = { id: editor.id, title: editor.title };
  const sameRule = (a: { id?: string; title?: string }, b: { id?: string; title?: string }): boolean =>
    (!!a.id && !!b.id && a.id.toLowerCase() === b.id.toLowerCase()) || (!!a.title && !!b.title && a.title === b.title);
  const notes: string[] = [];
  let file: TestFile;
  let ruleText: string | undefined;
  let ruleFrom: string | undefined;

  if (kind === 'siglab') {
    const r = readTestFile(f.text);
    const bad = firstError(f.name, r.diagnostics);
    if (bad || !r.file) return bad ?? error('import-invalid', `${f.name}: not a test file`);
    file = r.file;
    if (file.rule.kind === 'inline') {
      ruleText = file.rule.text;
      ruleFrom = f.name;
    } else {
      const want = base(file.rule.path);
      const picked = others.find((x) => x.name === want);
      if (picked) {
        ruleText = picked.text;
        ruleFrom = picked.name;
      } else if (editor.text.trim()) notes.push(`the test names the rule file ${file.rule.path}, which was not picked: its cases run against the rule in the editor`);
      else return error('import-rule-missing', `${f.name} tests the rule in ${file.rule.path}: pick that file together with the test file`);
    }
    if (file.ruleIndex) notes.push(`rule_index ${file.ruleIndex} is not used: the editor holds one rule`);
  } else if (kind === 'sigma-test') {
    const r = importSigmaTestcases(f.text);
    const bad = firstError(f.name, r.diagnostics);
    if (bad || !r.file) return bad ?? error('import-invalid', `${f.name}: no testcases`);
    file = r.file;
    ruleText = file.rule.kind === 'inline' ? file.rule.text : undefined;
    ruleFrom = f.name;
  } else if (kind === 'zircolite') {
    // Each entry names its rule by id or title: the editor's rule, or a rule file picked with the JSON.
    const ruleOf = new Map<string, { text: string; from?: string }>();
    const r = importZircoliteTests(f.text, (entry) => {
      if (sameRule(entry, editorInfo)) {
        ruleOf.set('editor', { text: editor.text });
        return { kind: 'file', path: 'editor' };
      }
      const picked = ruleFiles.find((x) => sameRule(entry, x.info!));
      if (!picked) return undefined;
      ruleOf.set(picked.file.name, { text: picked.file.text, from: picked.file.name });
      return { kind: 'file', path: picked.file.name };
    });
    const fatal = r.diagnostics.find((d) => d.severity === 'error' && d.code !== 'zircolite-rule-not-found');
    if (fatal) return error(fatal.code, `${f.name}: ${fatal.message}`);
    if (r.files.length === 0) {
      const wanted = (() => {
        try {
          return (JSON.parse(f.text) as Array<{ id?: unknown; title?: unknown }>).map((e) => describeRule({ ...(typeof e?.id === 'string' ? { id: e.id } : {}), ...(typeof e?.title === 'string' ? { title: e.title } : {}) }));
        } catch {
          return [];
        }
      })();
      const list = wanted.length > 3 ? `${wanted.slice(0, 3).join(', ')} and ${wanted.length - 3} more` : wanted.join(', ');
      return error(
        'zircolite-rule-not-found',
        `${f.name} has tests for ${list || 'no rule'}; the rule in the editor is ${editor.text.trim() ? describeRule(editorInfo) : 'empty'}. Open the rule it tests first, or pick its .yml together with the JSON`,
      );
    }
    // The editor's rule when an entry tests it; else the first entry whose rule was picked.
    file = r.files.find((x) => x.rule.kind === 'file' && x.rule.path === 'editor') ?? r.files[0];
    const source = file.rule.kind === 'file' ? ruleOf.get(file.rule.path) : undefined;
    if (source?.from) {
      ruleText = source.text;
      ruleFrom = source.from;
    }
    const skipped = r.files.length - 1 + r.diagnostics.filter((d) => d.code === 'zircolite-rule-not-found').length;
    if (skipped > 0) notes.push(`${skipped} other entr${skipped === 1 ? 'y' : 'ies'} of the file test${skipped === 1 ? 's' : ''} other rules and ${skipped === 1 ? 'was' : 'were'} not loaded`);
  } else {
    const r = importSigmaRegression(f.text, { kind: 'file', path: 'editor' });
    const bad = firstError(f.name, r.diagnostics);
    if (bad || !r.file) return bad ?? error('import-invalid', `${f.name}: no regression tests`);
    file = r.file;
    const id = r.ruleIds[0];
    const origin = file.origin as { rule_metadata?: Array<{ title?: string }> } | undefined;
    const wanted = { ...(id ? { id } : {}), ...(origin?.rule_metadata?.[0]?.title ? { title: origin.rule_metadata[0].title } : {}) };
    if (!id || !sameRule({ id }, editorInfo)) {
      const picked = id ? ruleFiles.find((x) => sameRule({ id }, x.info!)) : undefined;
      if (!picked) {
        return error(
          'regression-rule-not-found',
          `${f.name} tests the rule ${describeRule(wanted)}; the rule in the editor is ${editor.text.trim() ? describeRule(editorInfo) : 'empty'}. Open that rule first, or pick its .yml together with info.yml and its event files`,
        );
      }
      ruleText = picked.file.text;
      ruleFrom = picked.file.name;
    }
  }

  // The events, case by case, with the expectation of each.
  const events: unknown[] = [];
  const expectations: Record<number, Expectation> = {};
  const missing: string[] = [];
  for (let ci = 0; ci < file.cases.length; ci++) {
    const tc = file.cases[ci];
    const label = tc.name ? `case '${tc.name}'` : `case ${ci + 1}`;
    let list: unknown[];
    if (tc.events.kind === 'inline') list = tc.events.events;
    else {
      const want = base(tc.events.path);
      // SigmaHQ keeps an evtx-JSON twin (<id>.json) beside each <id>.evtx: the page reads the JSON.
      const twin = want.replace(/\.evtx$/i, '.json');
      const picked = others.find((x) => x.name === want && !/\.evtx$/i.test(x.name)) ?? others.find((x) => x.name === twin);
      if (!picked) {
        missing.push(/\.evtx$/i.test(want) ? `${twin} (the JSON of ${want}, for ${label})` : `${want} (for ${label})`);
        continue;
      }
      const read = readEvents(picked.text);
      const bad = read.diagnostics.find((d) => d.severity === 'error');
      if (bad) return error(bad.code, `${picked.name}${bad.range ? ` line ${bad.range.startLine}` : ''}: ${bad.message}`);
      list = read.events.map((e) => e.raw ?? e.data);
    }
    const at = events.length;
    events.push(...list);
    const marks = marksFor(tc, list.length, label, notes);
    marks.forEach((e, i) => {
      if (e) expectations[at + i] = e;
    });
  }
  if (missing.length) return error('import-events-missing', `${f.name} reads its events from files that were not picked: ${missing.join('; ')}. Pick them together with ${f.name}`);
  if (events.length === 0) return error('import-no-events', `${f.name} has no events to load`);
  if (file.placeholders && Object.keys(file.placeholders).length) notes.push(`placeholder values in the test (${Object.keys(file.placeholders).join(', ')}) are not set in the playground`);
  return {
    imported: {
      format: kind,
      source: f.name,
      ...(ruleText !== undefined ? { ruleText, ruleFrom } : {}),
      events,
      expectations,
      cases: file.cases.length,
      notes,
      ...(file.placeholders ? { placeholders: file.placeholders } : {}),
    },
    diagnostics: [],
  };
}

/** Per-event marks for a case (undefined: left unmarked); a note says when a count cannot be marked event by event. */
function marksFor(tc: TestCase, n: number, label: string, notes: string[]): Array<Expectation | undefined> {
  if (Array.isArray(tc.expect)) return tc.expect;
  if (tc.expect) return Array.from({ length: n }, () => tc.expect as Expectation);
  if (tc.matchCount !== undefined) {
    if (tc.matchCount === n) return Array.from({ length: n }, () => ({ verdict: 'match' }));
    if (tc.matchCount === 0) return Array.from({ length: n }, () => ({ verdict: 'no-alert' }));
    notes.push(`${label} expects ${tc.matchCount} of its ${n} events to match without saying which: its events are loaded unmarked`);
    return [];
  }
  if (tc.minMatches !== undefined && tc.minMatches > 0) {
    if (n > tc.minMatches) notes.push(`${label} needs at least ${tc.minMatches} of its ${n} events to match: each is marked "should match"`);
    return Array.from({ length: n }, () => ({ verdict: 'match' }));
  }
  return [];
}
