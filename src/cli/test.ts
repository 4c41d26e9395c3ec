/**
 * `siglab test PATH... [--json] [--junit FILE] [--rules DIR]`: runs rule tests.
 * `siglab test PATH... --export FORMAT --out DIR [--json] [--rules DIR]`: converts them instead.
 *
 * PATH is a test file or a folder: a folder runs the test files directly in it, and `DIR/...`
 * (as in `go test ./...`) also those in its subfolders, so `tests/` can keep a deliberately
 * failing `tests/negative/` beside passing tests. Test files are siglab's own format (see
 * README, "Rule tests"), SigmaHQ regression `info.yml` files, Sigma rules carrying sigma-test
 * `testcases`, and Zircolite `--test-rules` JSON files given by name (each entry's rule found by
 * id or title under `--rules DIR`, default the JSON's folder); in a folder, other YAML files
 * (rules, events) are skipped. Output: PASS/FAIL per file, each failing event with its
 * explanation tree (✓/✗), and the summary line `N passed, M failed`. `--json` prints one JSON
 * document instead; `--junit FILE` also writes JUnit XML. Exit 0 all passed, 1 any failure (or
 * a test that could not run), 2 usage error. With `--export` (test-export.ts): exit 0 written,
 * 1 an input could not be read or converted, 2 usage error.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import { loadKustoLanguageService } from '../kql/validate.ts';
import { isTestSource } from '../tests/load-test-source.ts';
import { toJUnitXml, type JUnitSuite } from '../tests/junit.ts';
import { TEST_EXPORT_FORMATS, type TestExportFormat } from '../tests/playground-export.ts';
import { renderExplanation } from '../tests/render-explanation.ts';
import { runTestFile, type TestFileResult, type TestOutcome } from '../tests/run.ts';
import type { CommandIO } from './main.ts';
import { decodeText } from './read-events-file.ts';
import { exportTests } from './test-export.ts';
import { hostFor, isZircoliteName, loadSource, walk, type LoadedFormat, type LoadedSource } from './test-sources.ts';

const USAGE = `usage: siglab test FILE|DIR|DIR/...  [--json] [--junit FILE] [--rules DIR]
       siglab test FILE|DIR|DIR/...  --export FORMAT --out DIR [--json] [--rules DIR]
  FILE            a siglab test file, a Sigma rule with sigma-test 'testcases', a SigmaHQ
                  regression info.yml, or a Zircolite --test-rules .json
  DIR             runs the test files in DIR; DIR/... also those in its subfolders
  --rules DIR     where the rules of a Zircolite JSON are (by id, else title); repeatable;
                  default: the JSON's folder and its subfolders
  --json          one JSON document on stdout
  --junit FILE    also write JUnit XML
  --export FORMAT convert the tests instead of running them: ${TEST_EXPORT_FORMATS.join(' | ')}
  --out DIR       where --export writes (sigmahq-regression: a checkout with rules/ and regression_data/)
`;

interface Args {
  paths: string[];
  json: boolean;
  junit?: string;
  rules: string[];
  export?: TestExportFormat;
  out?: string;
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { paths: [], json: false, rules: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const valueOf = (name: string): string | undefined => (a.startsWith(`${name}=`) ? a.slice(name.length + 1) : a === name ? args[++i] : undefined);
    const opt = ['--junit', '--rules', '--export', '--out'].find((n) => a === n || a.startsWith(`${n}=`));
    if (a === '--json') out.json = true;
    else if (opt) {
      const v = valueOf(opt);
      if (!v) return `option '${opt}' needs ${opt === '--export' ? 'a format' : opt === '--junit' ? 'a file' : 'a folder'}`;
      if (opt === '--junit') out.junit = v;
      else if (opt === '--rules') out.rules.push(v);
      else if (opt === '--out') out.out = v;
      else if ((TEST_EXPORT_FORMATS as readonly string[]).includes(v)) out.export = v as TestExportFormat;
      else return `unknown export format '${v}' (known: ${TEST_EXPORT_FORMATS.join(', ')})`;
    } else if (a === '--') {
      out.paths.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('-')) return `unknown option '${a}'`;
    else out.paths.push(a);
  }
  if (out.paths.length === 0) return 'no test file or folder given';
  if (out.export && !out.out) return "'--export' needs '--out DIR'";
  if (out.out && !out.export) return "'--out' goes with '--export FORMAT'";
  if (out.export && out.junit) return "'--junit' reports a run; with '--export' nothing runs";
  return out;
}

interface FileRun {
  file: string;
  format?: LoadedFormat;
  result?: TestFileResult;
  /** Errors that kept the file from running. */
  errors: Diagnostic[];
  /** Every diagnostic on the test file (errors and warnings). */
  diagnostics: Diagnostic[];
}

function outcomeJson(o: TestOutcome): Record<string, unknown> {
  return {
    kind: o.kind,
    name: o.name,
    passed: o.passed,
    ...(o.expected !== undefined ? { expected: o.expected } : {}),
    message: o.message,
    ...(o.caseIndex !== undefined ? { case: o.caseIndex } : {}),
    ...(o.eventIndex !== undefined ? { event: o.eventIndex } : {}),
    ...(o.verdict ?? o.result ? { verdict: o.verdict ?? o.result!.verdict } : {}),
    ...(o.result ? { reasons: o.result.reasons, ...(o.result.filteredBy ? { filteredBy: o.result.filteredBy } : {}) } : {}),
    ...(!o.passed && o.result ? { explanation: o.result.explanation } : {}),
    ...(!o.passed && o.event ? { data: o.event } : {}),
    ...(o.range ? { line: o.range.startLine } : {}),
  };
}

function failureText(o: TestOutcome): string[] {
  const lines = [`  ✗ ${o.name}${o.range ? ` (line ${o.range.startLine})` : ''}: ${o.message}`];
  if (o.event) {
    const text = JSON.stringify(o.event);
    const what = o.kind === 'count' ? `first event that did not match (#${(o.eventIndex ?? 0) + 1})` : 'event';
    lines.push(`      ${what}${o.eventLine ? ` (line ${o.eventLine})` : ''}: ${text.length > 400 ? text.slice(0, 399) + '…' : text}`);
  }
  if (o.result) lines.push(...renderExplanation(o.result.explanation, { indent: '      ' }));
  return lines;
}

export async function testCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`siglab test: ${parsed}\n${USAGE}`);
    return 2;
  }

  // Which files: named files always; in folders, the YAML files that are tests.
  const candidates: Array<{ file: string; named: boolean }> = [];
  for (const given of parsed.paths) {
    const recursive = /(^|[\\/])\.\.\.$/.test(given);
    const p = recursive ? given.slice(0, -3) || '.' : given;
    let info;
    try {
      info = await stat(p);
    } catch {
      io.stderr(`siglab test: no such file or directory: ${given}\n`);
      return 2;
    }
    if (recursive && !info.isDirectory()) {
      io.stderr(`siglab test: ${given}: '...' follows a folder\n`);
      return 2;
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(p, found, recursive);
      candidates.push(...found.map((file) => ({ file, named: false })));
    } else candidates.push({ file: p, named: true });
  }

  // Read and load every test source (a Zircolite JSON holds the tests of several rules).
  const runs: FileRun[] = [];
  const sources: LoadedSource[] = [];
  for (const { file, named } of candidates) {
    let text: string;
    try {
      text = decodeText(new Uint8Array(await readFile(file)));
    } catch (e) {
      const d: Diagnostic = { code: 'test-file-unreadable', severity: 'error', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
      runs.push({ file, errors: [d], diagnostics: [d] });
      continue;
    }
    if (!named && !isTestSource(text, file)) continue;
    sources.push(await loadSource(text, file, parsed.rules));
  }

  if (parsed.export) return exportCommand(parsed, sources, runs, io);

  let languageServiceTried = false;
  for (const source of sources) {
    const { file } = source;
    const errors = source.diagnostics.filter((d) => d.severity === 'error');
    // A Zircolite JSON runs the entries whose rule was found; the others are one error entry.
    if (!source.tests.length || (errors.length && source.format !== 'zircolite')) {
      runs.push({ file, format: source.format, errors: errors.length ? errors : [{ code: 'test-not-a-test', severity: 'error', message: 'not a test file' }], diagnostics: source.diagnostics });
      continue;
    }
    for (const [i, test] of source.tests.entries()) {
      if (test.targets?.length && !languageServiceTried) {
        languageServiceTried = true;
        try {
          await loadKustoLanguageService();
        } catch (e) {
          io.stderr(`siglab test: warning: the Kusto language service did not load (${e instanceof Error ? e.message : String(e)}); target queries are not checked by it\n`);
        }
      }
      const result = await runTestFile(test, hostFor(file));
      // Diagnostics about the whole file go with its first test (a Zircolite file's errors: an entry of their own).
      const own = i > 0 ? [] : source.format === 'zircolite' ? source.diagnostics.filter((d) => d.severity !== 'error') : source.diagnostics;
      runs.push({ file, format: source.format, result, errors: [], diagnostics: [...own, ...result.diagnostics] });
    }
    if (source.format === 'zircolite' && errors.length) runs.push({ file, format: source.format, errors, diagnostics: errors });
  }

  if (runs.length === 0) {
    io.stderr(`siglab test: no test files found in ${parsed.paths.join(', ')}\n`);
    return 1;
  }

  let passed = 0;
  let failed = 0;
  for (const r of runs) {
    if (r.result) {
      passed += r.result.passed;
      failed += r.result.failed;
    } else failed += 1;
  }

  if (parsed.json) {
    const files = runs.map((r) => ({
      file: r.file,
      ...(r.format ? { format: r.format } : {}),
      ok: !!r.result && r.result.failed === 0,
      ...(r.result?.name !== undefined ? { name: r.result.name } : {}),
      ...(r.result?.rule ? { rule: r.result.rule } : {}),
      passed: r.result?.passed ?? 0,
      failed: r.result ? r.result.failed : 1,
      diagnostics: r.diagnostics,
      ...(r.result?.rulePath ? { rulePath: r.result.rulePath, ruleDiagnostics: r.result.ruleDiagnostics } : {}),
      outcomes: (r.result?.outcomes ?? []).map(outcomeJson),
    }));
    io.stdout(JSON.stringify({ files, summary: { passed, failed } }) + '\n');
  } else {
    for (const r of runs) {
      for (const d of r.diagnostics) io.stderr(formatDiagnostic(r.file, d) + '\n');
      if (r.result?.rulePath) {
        const rulePath = path.isAbsolute(r.result.rulePath) ? r.result.rulePath : path.join(path.dirname(r.file), r.result.rulePath);
        for (const d of r.result.ruleDiagnostics) io.stderr(formatDiagnostic(rulePath, d) + '\n');
      }
      if (!r.result) {
        io.stdout(`ERROR ${r.file}: ${r.errors.map((d) => `${d.range ? `${d.range.startLine}:${d.range.startColumn}: ` : ''}${d.message}`).join('; ')}\n`);
        continue;
      }
      const res = r.result;
      // A Zircolite entry is named by its rule's id or title: show the rule's title.
      const title = r.format === 'zircolite' ? (res.rule?.title ?? res.name) : (res.name ?? res.rule?.title);
      io.stdout(`${res.failed ? 'FAIL' : 'PASS'} ${r.file}${title ? ` — ${title}` : ''} (${res.passed} passed${res.failed ? `, ${res.failed} failed` : ''})\n`);
      for (const o of res.outcomes) if (!o.passed) io.stdout(failureText(o).join('\n') + '\n');
    }
    io.stdout(`\n${passed} passed, ${failed} failed\n`);
  }

  if (parsed.junit) {
    const suites: JUnitSuite[] = runs.map((r) => ({ file: r.file, ...(r.result ? { result: r.result } : {}), errors: r.errors }));
    try {
      await writeFile(parsed.junit, toJUnitXml(suites));
    } catch (e) {
      io.stderr(`siglab test: cannot write ${parsed.junit}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  return failed > 0 ? 1 : 0;
}

async function exportCommand(parsed: Args, sources: LoadedSource[], unreadable: FileRun[], io: CommandIO): Promise<number> {
  const format = parsed.export!;
  const outDir = parsed.out!;
  if (sources.length === 0 && unreadable.length === 0) {
    io.stderr(`siglab test: no test files found in ${parsed.paths.join(', ')}\n`);
    return 1;
  }
  const problems: Array<{ file: string; diagnostic: Diagnostic }> = unreadable.flatMap((r) => r.errors.map((diagnostic) => ({ file: r.file, diagnostic })));
  // Tests that did not load are reported, not converted; the rest are.
  const usable: LoadedSource[] = [];
  for (const s of sources) {
    const errors = s.diagnostics.filter((d) => d.severity === 'error');
    problems.push(...s.diagnostics.map((diagnostic) => ({ file: s.file, diagnostic })));
    if (!s.tests.length && !errors.length) problems.push({ file: s.file, diagnostic: { code: 'test-not-a-test', severity: 'error', message: 'not a test file' } });
    if (s.tests.length && (!errors.length || s.format === 'zircolite')) usable.push(s);
  }
  let report;
  try {
    report = await exportTests(usable, format, outDir);
  } catch (e) {
    io.stderr(`siglab test: cannot write to ${outDir}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  problems.push(...report.diagnostics);
  // Paths as the user gave them: relative when --out was, absolute when it was.
  const shown = (p: string): string => (path.isAbsolute(outDir) ? path.resolve(p) : path.relative(process.cwd(), p) || p);
  const errors = problems.filter((p) => p.diagnostic.severity === 'error').length;
  if (parsed.json) {
    io.stdout(
      JSON.stringify({
        export: format,
        out: outDir,
        written: report.written.map((w) => ({ file: shown(w.file), from: shown(w.from), how: w.how })),
        diagnostics: problems.map((p) => ({ file: p.file, ...p.diagnostic })),
        summary: { written: report.written.length, errors },
      }) + '\n',
    );
  } else {
    for (const p of problems) io.stderr(formatDiagnostic(p.file, p.diagnostic) + '\n');
    for (const w of report.written) io.stdout(`${w.how === 'copy' ? 'copied' : 'wrote'} ${shown(w.file)}\n`);
    io.stdout(`\n${report.written.length} file${report.written.length === 1 ? '' : 's'} written (${format}), ${errors} error${errors === 1 ? '' : 's'}\n`);
  }
  return errors ? 1 : 0;
}
