/**
 * SigmaHQ regression data for tests whose events are written out (the playground's marks, a
 * sigma-test rule, a Zircolite entry): a SigmaHQ checkout in miniature —
 *
 * ```
 * rules/<stem>.yml                              the rule
 * regression_data/rules/<stem>/info.yml         the regression tests
 * regression_data/rules/<stem>/<rule id>.json   the events of the first test (<id>_2.json, ... for the next)
 * ```
 *
 * so that `siglab test regression_data/...` runs it as it is, and copying the two folders into
 * a SigmaHQ clone puts each file where SigmaHQ keeps it. Each case becomes one test with its own
 * events file and `match_count` (the number of events expected to match); `min_matches: 1` is
 * written without a count, which SigmaHQ's runner (and siglab's import) reads as "must fire".
 */
import type { Diagnostic } from '../../diagnostics.ts';
import type { Expectation, TestCase, TestFile } from '../model.ts';
import { exportSigmaRegression } from './sigmahq-regression.ts';

export interface PackageFile {
  /** Relative to the package root (forward slashes). */
  path: string;
  text: string;
}

export interface RegressionPackage {
  files: PackageFile[];
  diagnostics: Diagnostic[];
}

export interface PackageRule {
  text: string;
  id?: string;
  title?: string;
}

/** The `match_count` a case with written-out events stands for, if it has one. */
function countOf(tc: TestCase, events: readonly unknown[]): { matchCount?: number; minMatches?: number } | undefined {
  if (tc.matchCount !== undefined) return { matchCount: tc.matchCount };
  if (tc.expect !== undefined) {
    const list: Expectation[] = Array.isArray(tc.expect) ? tc.expect : events.map(() => tc.expect as Expectation);
    return { matchCount: list.filter((e) => e.verdict === 'match').length };
  }
  if (tc.minMatches !== undefined) return { minMatches: tc.minMatches };
  return undefined;
}

export function sigmaRegressionPackage(file: TestFile, rule: PackageRule, options: { stem: string; author?: string; date?: string }): RegressionPackage {
  const diagnostics: Diagnostic[] = [];
  const id = rule.id?.trim();
  if (!id) {
    diagnostics.push({ code: 'regression-rule-id', severity: 'error', message: "SigmaHQ regression data names its rule by id, and this rule has no 'id:'; add one (a UUID) to the rule" });
    return { files: [], diagnostics };
  }
  const dataDir = `regression_data/rules/${options.stem}`;
  const files: PackageFile[] = [{ path: `rules/${options.stem}.yml`, text: rule.text.replace(/\s+$/, '') + '\n' }];
  const cases: TestCase[] = [];
  file.cases.forEach((tc, i) => {
    const label = tc.name ?? `case ${i + 1}`;
    if (tc.events.kind !== 'inline') {
      diagnostics.push({ code: 'regression-file-events', severity: 'warning', message: `${label}: its events are in ${tc.events.path}, which is not part of the export; left out` });
      return;
    }
    const count = countOf(tc, tc.events.events);
    if (!count) {
      diagnostics.push({ code: 'regression-no-count', severity: 'warning', message: `${label}: no expectation; left out` });
      return;
    }
    const path = `${dataDir}/${id}${cases.length ? `_${cases.length + 1}` : ''}.json`;
    files.push({ path, text: JSON.stringify(tc.events.events, null, 2) + '\n' });
    cases.push({ name: tc.name ?? (count.matchCount === 0 ? 'Negative Detection Test' : 'Positive Detection Test'), events: { kind: 'file', path }, ...count });
  });
  const out = exportSigmaRegression({ ...file, cases, origin: undefined }, { id, ...(rule.title ? { title: rule.title } : {}), ...(options.author ? { author: options.author } : {}), ...(options.date ? { date: options.date } : {}) });
  diagnostics.push(...out.diagnostics);
  files.splice(1, 0, { path: `${dataDir}/info.yml`, text: out.text });
  return { files, diagnostics };
}
