/**
 * `siglab test PATH... [--json] [--junit FILE]`: runs rule tests.
 *
 * PATH is a test file or a folder: a folder runs the test files directly in it, and `DIR/...`
 * (as in `go test ./...`) also those in its subfolders, so `tests/` can keep a deliberately
 * failing `tests/negative/` beside passing tests. Test files are siglab's own format (see
 * README, "Rule tests"), SigmaHQ regression `info.yml` files, and Sigma rules carrying
 * sigma-test `testcases`; in a folder, other YAML files (rules, events) are skipped. Output:
 * PASS/FAIL per file, each failing event with its explanation tree (✓/✗), and the summary line
 * `N passed, M failed`. `--json` prints one JSON document instead; `--junit FILE` also writes
 * JUnit XML. Exit 0 all passed, 1 any failure (or a test that could not run), 2 usage error.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import { loadKustoLanguageService } from '../kql/validate.ts';
import { loadTestSource, isTestSource, testSourceKind, type TestSource } from '../tests/load-test-source.ts';
import { importSigmaRegression } from '../tests/formats/sigmahq-regression.ts';
import { toJUnitXml, type JUnitSuite } from '../tests/junit.ts';
import { renderExplanation } from '../tests/render-explanation.ts';
import { runTestFile, type TestFileResult, type TestHost, type TestOutcome } from '../tests/run.ts';
import type { CommandIO } from './main.ts';
import { decodeText, readEventsFromFile } from './read-events-file.ts';

const USAGE = 'usage: siglab test FILE|DIR|DIR/...  [--json] [--junit FILE]\n  DIR runs the test files in DIR; DIR/... also those in its subfolders\n';

interface Args {
  paths: string[];
  json: boolean;
  junit?: string;
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { paths: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') out.json = true;
    else if (a === '--junit' || a.startsWith('--junit=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!v) return "option '--junit' needs a file";
      out.junit = v;
    } else if (a === '--') {
      out.paths.push(...args.slice(i + 1));
      break;
    } else if (a.startsWith('-')) return `unknown option '${a}'`;
    else out.paths.push(a);
  }
  if (out.paths.length === 0) return 'no test file or folder given';
  return out;
}

async function walk(dir: string, out: string[], recursive: boolean): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) await walk(p, out, true);
    }
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
}

/** Files a test names are relative to the test file. */
function hostFor(testFile: string): TestHost {
  const dir = path.dirname(testFile);
  const resolve = (p: string): string => (path.isAbsolute(p) ? p : path.join(dir, p));
  return {
    async readText(p) {
      try {
        return { text: decodeText(new Uint8Array(await readFile(resolve(p)))) };
      } catch (e) {
        return { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e) };
      }
    },
    async readEvents(p) {
      const file = resolve(p);
      // SigmaHQ keeps an evtx-JSON twin (<id>.json) beside each <id>.evtx; use it when the .evtx is absent.
      if (/\.evtx$/i.test(file)) {
        const twin = file.replace(/\.evtx$/i, '.json');
        const [evtx, json] = await Promise.all([stat(file).then(() => true, () => false), stat(twin).then(() => true, () => false)]);
        if (!evtx && json) return readEventsFromFile(twin);
      }
      return readEventsFromFile(file);
    },
  };
}

/** rules*\/ folders of a SigmaHQ checkout, indexed by rule id (built once per checkout). */
const ruleIndexes = new Map<string, Promise<Map<string, string>>>();

async function indexRules(root: string): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  let dirs: string[] = [];
  try {
    dirs = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory() && /^rules/.test(d.name)).map((d) => path.join(root, d.name));
  } catch {
    return index;
  }
  for (const dir of dirs) {
    const files: string[] = [];
    await walk(dir, files, true);
    for (const f of files) {
      const m = /^id:\s*['"]?([0-9a-fA-F-]{36})/m.exec(await readFile(f, 'utf8').catch(() => ''));
      if (m) index.set(m[1].toLowerCase(), f);
    }
  }
  return index;
}

/**
 * A SigmaHQ info.yml: its paths are relative to the checkout root (the folder holding
 * `regression_data/`), and its rule is the one in `rules*\/` with the id in rule_metadata.
 */
async function loadRegression(text: string, file: string): Promise<TestSource> {
  const infoDir = path.dirname(path.resolve(file));
  const parts = infoDir.split(path.sep);
  const at = parts.lastIndexOf('regression_data');
  const root = at > 0 ? parts.slice(0, at).join(path.sep) || path.sep : undefined;
  const toTestPath = (p: string): string => (root ? path.relative(infoDir, path.join(root, p)) : p);
  const probe = importSigmaRegression(text, { kind: 'file', path: '' }, { toTestPath });
  const id = probe.ruleIds[0]?.toLowerCase();
  if (!root || !id) {
    return { kind: 'sigmahq-regression', diagnostics: [...probe.diagnostics, { code: 'regression-rule-not-found', severity: 'error', message: !root ? 'this info.yml is not inside a regression_data/ folder, so its rule and event paths cannot be resolved' : 'rule_metadata names no rule id' }] };
  }
  if (!ruleIndexes.has(root)) ruleIndexes.set(root, indexRules(root));
  const rulePath = (await ruleIndexes.get(root)!).get(id);
  if (!rulePath) return { kind: 'sigmahq-regression', diagnostics: [...probe.diagnostics, { code: 'regression-rule-not-found', severity: 'error', message: `no rule with id ${id} in ${root}${path.sep}rules*` }] };
  const r = importSigmaRegression(text, { kind: 'file', path: path.relative(infoDir, rulePath) }, { toTestPath });
  return { kind: 'sigmahq-regression', ...(r.file ? { file: r.file } : {}), diagnostics: r.diagnostics };
}

interface FileRun {
  file: string;
  format?: TestSource['kind'];
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

  const runs: FileRun[] = [];
  let languageServiceTried = false;
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
    const source = testSourceKind(text) === 'sigmahq-regression' ? await loadRegression(text, file) : loadTestSource(text);
    const errors = source.diagnostics.filter((d) => d.severity === 'error');
    if (!source.file || errors.length) {
      runs.push({ file, format: source.kind, errors: errors.length ? errors : [{ code: 'test-not-a-test', severity: 'error', message: 'not a test file' }], diagnostics: source.diagnostics });
      continue;
    }
    if (source.file.targets?.length && !languageServiceTried) {
      languageServiceTried = true;
      try {
        await loadKustoLanguageService();
      } catch (e) {
        io.stderr(`siglab test: warning: the Kusto language service did not load (${e instanceof Error ? e.message : String(e)}); target queries are not checked by it\n`);
      }
    }
    const result = await runTestFile(source.file, hostFor(file));
    runs.push({ file, format: source.kind, result, errors: [], diagnostics: [...source.diagnostics, ...result.diagnostics] });
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
      const title = res.name ?? res.rule?.title;
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
