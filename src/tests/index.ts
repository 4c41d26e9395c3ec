/**
 * Rule tests, for the app and the CLI: the test-file model and reader, expectation checks, the
 * runner, JUnit output, format imports/exports, and the explanation as text.
 */
export type { EventSource, Expectation, ExpectedVerdict, RuleSource, TestCase, TestFile } from './model.ts';
export { EXPECTED_VERDICTS } from './model.ts';
export { readTestFile, looksLikeTestFile } from './read-test-file.ts';
export type { ReadTestFileResult } from './read-test-file.ts';
export { checkExpectation, describeExpectation, evaluateExpectations, expectationToken, parseExpectationToken } from './expectations.ts';
export type { ExpectationCheck, ExpectationOutcome, ExpectationsResult } from './expectations.ts';
export { runTestFile } from './run.ts';
export type { OutcomeKind, RunOptions, TestFileResult, TestHost, TestOutcome } from './run.ts';
export { toJUnitXml, escapeXml } from './junit.ts';
export type { JUnitSuite } from './junit.ts';
export { renderExplanation } from './render-explanation.ts';
export { formatTestFile } from './formats/siglab-yaml.ts';
export { importSigmaRegression, exportSigmaRegression, isSigmaRegressionInfo } from './formats/sigmahq-regression.ts';
export { importZircoliteTests, exportZircoliteTests, isZircoliteTests } from './formats/zircolite.ts';
export { importSigmaTestcases, exportSigmaTestcases, hasSigmaTestcases } from './formats/sigma-test.ts';
export { playgroundTestFile, playgroundTestFileText } from './playground.ts';
export type { PlaygroundTestOptions } from './playground.ts';
export { loadTestSource, testSourceKind, isTestSource } from './load-test-source.ts';
export { sigmaRegressionPackage } from './formats/sigmahq-package.ts';
export type { PackageFile, RegressionPackage } from './formats/sigmahq-package.ts';
export { importPlaygroundTests, IMPORTED_FORMAT_LABELS } from './playground-import.ts';
export type { EditorRule, ImportedFormat, PickedFile, PlaygroundImport, PlaygroundImportResult } from './playground-import.ts';
export { playgroundExport, TEST_EXPORT_FORMATS } from './playground-export.ts';
export type { PlaygroundExport, PlaygroundExportInput, TestExportFormat } from './playground-export.ts';
