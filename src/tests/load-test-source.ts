/**
 * One entry point for the test formats `siglab test` runs by content: siglab test files and
 * Sigma rules carrying sigma-test `testcases`. (SigmaHQ regression `info.yml` files need the
 * rule found in the repository, which the CLI does: see src/cli/test.ts.)
 */
import type { Diagnostic } from '../diagnostics.ts';
import { hasSigmaTestcases, importSigmaTestcases } from './formats/sigma-test.ts';
import { isSigmaRegressionInfo } from './formats/sigmahq-regression.ts';
import type { TestFile } from './model.ts';
import { looksLikeTestFile, readTestFile } from './read-test-file.ts';

export type TestSourceKind = 'siglab' | 'sigma-test' | 'sigmahq-regression';

export interface TestSource {
  kind: TestSourceKind;
  file?: TestFile;
  diagnostics: Diagnostic[];
}

/** Which test format a YAML text is, if any (a rule without testcases or an events file is none). */
export function testSourceKind(text: string): TestSourceKind | undefined {
  if (looksLikeTestFile(text)) return 'siglab';
  if (isSigmaRegressionInfo(text)) return 'sigmahq-regression';
  if (hasSigmaTestcases(text)) return 'sigma-test';
  return undefined;
}

/**
 * True when a YAML file found in a folder is a test (not a rule or an events file): by content,
 * or by the `*.test.yml` name, so a test file too broken to recognise is reported, not skipped.
 */
export function isTestSource(text: string, path?: string): boolean {
  return testSourceKind(text) !== undefined || (path !== undefined && /\.test\.ya?ml$/i.test(path));
}

/** Reads a siglab test file or a sigma-test rule (the default for unrecognised text is the siglab format, for its diagnostics). */
export function loadTestSource(text: string): TestSource {
  if (testSourceKind(text) === 'sigma-test') {
    const r = importSigmaTestcases(text);
    return { kind: 'sigma-test', ...(r.file ? { file: r.file } : {}), diagnostics: r.diagnostics };
  }
  const r = readTestFile(text);
  return { kind: 'siglab', ...(r.file ? { file: r.file } : {}), diagnostics: r.diagnostics };
}
