/**
 * The playground's marked events as the test formats other tools read: a siglab test file, the
 * rule with sigma-test `testcases`, a Zircolite `--test-rules` JSON, or SigmaHQ regression data
 * (several files: the page zips them). Each is what `importPlaygroundTests` reads back to the
 * same marks, as far as the format can say it (see `lossy` in each result's diagnostics).
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { LogEvent } from '../engine/event.ts';
import { sigmaRegressionPackage, type PackageFile } from './formats/sigmahq-package.ts';
import { exportSigmaTestcases } from './formats/sigma-test.ts';
import { formatTestFile } from './formats/siglab-yaml.ts';
import { exportZircoliteTests } from './formats/zircolite.ts';
import type { Expectation, TestCase } from './model.ts';
import { playgroundTestFile, type PlaygroundTestOptions } from './playground.ts';

export type TestExportFormat = 'siglab' | 'sigma-test' | 'zircolite' | 'sigmahq-regression';

export const TEST_EXPORT_FORMATS: readonly TestExportFormat[] = ['siglab', 'sigma-test', 'zircolite', 'sigmahq-regression'];

export interface PlaygroundExportInput {
  ruleText: string;
  rule?: { id?: string; title?: string };
  events: readonly LogEvent[];
  expectations: ReadonlyArray<Expectation | undefined>;
  /** A file-name stem (`suspicious_whoami`), used for the names of the files written. */
  stem: string;
  options?: PlaygroundTestOptions;
  /** SigmaHQ info.yml `author` and `date` (YYYY-MM-DD). */
  author?: string;
  date?: string;
}

export interface PlaygroundExport {
  files: PackageFile[];
  /** Marked events written. */
  cases: number;
  diagnostics: Diagnostic[];
}

export function playgroundExport(format: TestExportFormat, input: PlaygroundExportInput): PlaygroundExport {
  const file = playgroundTestFile(input.ruleText, input.events, input.expectations, input.options);
  const cases = file.cases.length;
  const stem = input.stem;
  switch (format) {
    case 'siglab':
      return { files: [{ path: `${stem}.test.yml`, text: formatTestFile(file) }], cases, diagnostics: [] };
    case 'sigma-test': {
      const r = exportSigmaTestcases(input.ruleText, file);
      return { files: [{ path: `${stem}.yml`, text: r.text }], cases, diagnostics: [...r.diagnostics, ...lossy(file.cases, 'sigma-test')] };
    }
    case 'zircolite': {
      if (!input.rule?.id && !input.rule?.title) {
        return { files: [], cases, diagnostics: [{ code: 'zircolite-no-rule-name', severity: 'error', message: 'Zircolite finds the rule of each test by its title or id, and this rule has neither' }] };
      }
      const r = exportZircoliteTests([file], () => ({ ...(input.rule?.title ? { title: input.rule.title } : {}), ...(input.rule?.id ? { id: input.rule.id } : {}) }));
      return { files: [{ path: `${stem}.zircolite.json`, text: r.text }], cases, diagnostics: [...r.diagnostics, ...lossy(file.cases, 'Zircolite')] };
    }
    case 'sigmahq-regression': {
      // Two tests, as SigmaHQ writes them: the events that should fire, and those that should not.
      const positive: unknown[] = [];
      const negative: unknown[] = [];
      for (const tc of file.cases) if (tc.events.kind === 'inline') ((tc.expect as Expectation).verdict === 'match' ? positive : negative).push(...tc.events.events);
      const grouped: TestCase[] = [];
      if (positive.length) grouped.push({ name: 'Positive Detection Test', events: { kind: 'inline', events: positive }, matchCount: positive.length });
      if (negative.length) grouped.push({ name: 'Negative Detection Test', events: { kind: 'inline', events: negative }, matchCount: 0 });
      const r = sigmaRegressionPackage({ ...file, cases: grouped }, { text: input.ruleText, ...input.rule }, { stem, ...(input.author ? { author: input.author } : {}), ...(input.date ? { date: input.date } : {}) });
      return { files: r.files, cases, diagnostics: [...r.diagnostics, ...lossy(file.cases, 'SigmaHQ regression data')] };
    }
  }
}

/** Formats that know only "fires / does not fire": say which marks they cannot keep. */
function lossy(cases: readonly TestCase[], format: string): Diagnostic[] {
  const fine = cases.filter((tc) => {
    const e = tc.expect as Expectation | undefined;
    return e && e.verdict !== 'match' && e.verdict !== 'no-alert';
  }).length;
  if (!fine) return [];
  return [{ code: 'export-lossy', severity: 'info', message: `${format} knows only "should match" and "should not match": ${fine} "filtered"/"not selected" mark${fine === 1 ? ' becomes' : 's become'} "should not match"` }];
}
