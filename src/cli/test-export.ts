/**
 * `siglab test PATH... --export FORMAT --out DIR`: the tests converted instead of run.
 *
 * - `siglab`: one `<name>.test.yml` per rule under test; rule and event files stay where they
 *   are and are referenced relative to the written file.
 * - `sigma-test`: the rule with a `testcases` block, `<name>.yml` (events written out).
 * - `zircolite`: one `<name>.json` per input file (a Zircolite JSON keeps all its entries).
 * - `sigmahq-regression`: a SigmaHQ checkout in miniature under DIR — `rules/...` and
 *   `regression_data/rules/.../info.yml` with the events files — so `siglab test
 *   DIR/regression_data/...` runs it. An info.yml input keeps its own layout, its event and rule
 *   files copied, so the export is the input again.
 *
 * What a format cannot hold (filtered-by marks in Zircolite, events in files for sigma-test, ...)
 * is left out with a warning; a test that cannot be converted at all is an error.
 */
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { loadRules } from '../sigma/load.ts';
import { sigmaRegressionPackage } from '../tests/formats/sigmahq-package.ts';
import { exportSigmaRegression } from '../tests/formats/sigmahq-regression.ts';
import { exportSigmaTestcases } from '../tests/formats/sigma-test.ts';
import { formatTestFile } from '../tests/formats/siglab-yaml.ts';
import { exportZircoliteTests } from '../tests/formats/zircolite.ts';
import type { TestCase, TestFile } from '../tests/model.ts';
import type { TestExportFormat } from '../tests/playground-export.ts';
import { hostFor, type LoadedSource } from './test-sources.ts';

export interface Written {
  file: string;
  from: string;
  /** `copy`: an event or rule file copied as it is. */
  how: 'write' | 'copy';
}

export interface ExportReport {
  written: Written[];
  /** Diagnostics by the input file they are about. */
  diagnostics: Array<{ file: string; diagnostic: Diagnostic }>;
}

interface RuleText {
  text: string;
  /** Absolute path of the rule file, when the rule is one. */
  path?: string;
  id?: string;
  title?: string;
}

/** A name for a source's outputs: `x.test.yml` → `x`; an info.yml → its folder's name. */
function stemOf(source: string): string {
  const name = path.basename(source);
  if (/^info\.ya?ml$/i.test(name)) return path.basename(path.dirname(path.resolve(source)));
  return name.replace(/\.(ya?ml|json)$/i, '').replace(/\.test$/i, '') || 'tests';
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\w]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'rule'
  );
}

export async function exportTests(sources: readonly LoadedSource[], format: TestExportFormat, outDir: string): Promise<ExportReport> {
  const report: ExportReport = { written: [], diagnostics: [] };
  const inputs = new Set(sources.map((s) => path.resolve(s.file)));
  const taken = new Set<string>();

  /** A free output path (`x.test.yml`, then `x-2.test.yml`, ...); never one of the inputs. */
  const claim = (rel: string): string => {
    const ext = /(\.test\.ya?ml|\.ya?ml|\.json)$/i.exec(rel)?.[0] ?? '';
    const stem = rel.slice(0, rel.length - ext.length);
    for (let n = 1; ; n++) {
      const p = path.resolve(outDir, n === 1 ? rel : `${stem}-${n}${ext}`);
      if (!taken.has(p) && !inputs.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  const write = async (file: string, text: string, from: string): Promise<void> => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    report.written.push({ file, from, how: 'write' });
  };

  for (const src of sources) {
    const note = (d: Diagnostic): void => void report.diagnostics.push({ file: src.file, diagnostic: d });
    const host = hostFor(src.file);
    const srcDir = path.dirname(path.resolve(src.file));
    const stem = stemOf(src.file);

    // Only siglab's format has room for placeholder values; elsewhere the rule needs them supplied.
    if (format !== 'siglab') {
      const names = [...new Set(src.tests.flatMap((t) => Object.keys(t.placeholders ?? {})))];
      if (names.length) note({ code: 'export-placeholders', severity: 'warning', message: `the placeholder values of ${names.map((n) => `%${n}%`).join(', ')} have no place in ${format}; whoever runs the export must supply them` });
    }

    const rules = new Map<TestFile, Promise<RuleText | undefined>>();
    // Read once per test (its problems are reported once).
    const ruleOf = (t: TestFile): Promise<RuleText | undefined> => {
      if (!rules.has(t)) rules.set(t, readRule(t));
      return rules.get(t)!;
    };
    const readRule = async (t: TestFile): Promise<RuleText | undefined> => {
      let text: string;
      let file: string | undefined;
      if (t.rule.kind === 'file') {
        const r = await host.readText(t.rule.path);
        if ('error' in r) {
          note({ code: 'export-rule-unreadable', severity: 'error', message: `cannot read the rule ${t.rule.path}: ${r.error}` });
          return undefined;
        }
        text = r.text;
        file = path.resolve(srcDir, t.rule.path);
      } else text = t.rule.text;
      const rule = loadRules(text, { placeholders: t.placeholders }).rules[t.ruleIndex ?? 0];
      return { text, ...(file ? { path: file } : {}), ...(rule?.id ? { id: rule.id } : {}), ...(rule?.title ? { title: rule.title } : {}) };
    };

    /** The test with its events written out (the formats that keep events in the test file). */
    const inlined = async (t: TestFile): Promise<TestFile | undefined> => {
      const cases: TestCase[] = [];
      for (const tc of t.cases) {
        if (tc.events.kind === 'inline') {
          cases.push(tc);
          continue;
        }
        const read = await host.readEvents(tc.events.path);
        const bad = read.diagnostics.find((d) => d.severity === 'error');
        if (bad) {
          note({ code: 'export-events-unreadable', severity: 'error', message: `cannot read ${tc.events.path}: ${bad.message}${bad.range ? ` (line ${bad.range.startLine})` : ''}` });
          return undefined;
        }
        cases.push({ ...tc, events: { kind: 'inline', events: read.events.map((e) => JSON.parse(JSON.stringify(e.raw ?? e.data)) as unknown) } });
      }
      return { ...t, cases };
    };

    if (format === 'zircolite') {
      const files: TestFile[] = [];
      const named = new Map<TestFile, RuleText>();
      for (const t of src.tests) {
        const [rule, full] = [await ruleOf(t), await inlined(t)];
        if (!rule || !full) continue;
        if (!rule.id && !rule.title && !full.origin) {
          note({ code: 'zircolite-no-rule-name', severity: 'error', message: 'Zircolite finds the rule of each test by its title or id, and this rule has neither' });
          continue;
        }
        named.set(full, rule);
        files.push(full);
      }
      if (!files.length) continue;
      const r = exportZircoliteTests(files, (f) => ({ ...(named.get(f)?.title ? { title: named.get(f)!.title } : {}), ...(named.get(f)?.id ? { id: named.get(f)!.id } : {}) }));
      r.diagnostics.forEach(note);
      await write(claim(`${stem}.json`), r.text, src.file);
      continue;
    }

    for (const t of src.tests) {
      // Several rules in one input (a Zircolite JSON): one output each, named by its rule's title.
      const name = src.tests.length > 1 ? `${stem}.${slug((await ruleOf(t))?.title ?? t.name ?? 'rule')}` : stem;
      if (format === 'siglab') {
        const out = claim(`${name}.test.yml`);
        const rel = (p: string): string => path.relative(path.dirname(out), path.resolve(srcDir, p)).split(path.sep).join('/');
        // A Zircolite entry named only by its rule's id reads better under the rule's title.
        const title = src.format === 'zircolite' && !(t.origin as { title?: string } | undefined)?.title ? (await ruleOf(t))?.title : undefined;
        const moved: TestFile = {
          ...t,
          ...(title ? { name: title } : {}),
          rule: t.rule.kind === 'file' ? { kind: 'file', path: rel(t.rule.path) } : t.rule,
          cases: t.cases.map((tc) => (tc.events.kind === 'file' ? { ...tc, events: { kind: 'file', path: rel(tc.events.path) } } : tc)),
        };
        await write(out, formatTestFile(moved), src.file);
      } else if (format === 'sigma-test') {
        const [rule, full] = [await ruleOf(t), await inlined(t)];
        if (!rule || !full) continue;
        const r = exportSigmaTestcases(rule.text, full);
        r.diagnostics.forEach(note);
        await write(claim(`${name}.yml`), r.text, src.file);
      } else if (src.format === 'sigmahq-regression' && src.regressionRoot) {
        await exportRegressionAsIs(src, t, outDir, write, report, note);
      } else {
        const [rule, full] = [await ruleOf(t), await inlined(t)];
        if (!rule || !full) continue;
        const pkg = sigmaRegressionPackage(full, rule, { stem: slug(rule.title ?? name) });
        pkg.diagnostics.forEach(note);
        for (const f of pkg.files) await write(claim(f.path), f.text, src.file);
      }
    }
  }
  return report;
}

/** An info.yml exported as SigmaHQ data: the same file, event and rule files at their checkout-relative paths. */
async function exportRegressionAsIs(
  src: LoadedSource,
  t: TestFile,
  outDir: string,
  write: (file: string, text: string, from: string) => Promise<void>,
  report: ExportReport,
  note: (d: Diagnostic) => void,
): Promise<void> {
  const root = src.regressionRoot!;
  const srcDir = path.dirname(path.resolve(src.file));
  const toOut = (abs: string): string => path.join(outDir, path.relative(root, abs));
  const fromTestPath = (p: string): string => path.relative(root, path.resolve(srcDir, p)).split(path.sep).join('/');
  if (path.resolve(toOut(srcDir)) === srcDir) {
    note({ code: 'export-over-input', severity: 'error', message: `--out ${outDir} is the checkout the info.yml is in: the export would write over its input; choose another folder` });
    return;
  }
  const r = exportSigmaRegression(t, {}, { fromTestPath });
  r.diagnostics.forEach(note);
  await write(toOut(path.resolve(src.file)), r.text, src.file);
  const copy = async (abs: string): Promise<boolean> => {
    if (!(await stat(abs).then((s) => s.isFile(), () => false))) return false;
    const dest = path.resolve(toOut(abs));
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(abs, dest);
    report.written.push({ file: dest, from: abs, how: 'copy' });
    return true;
  };
  for (const tc of t.cases) {
    if (tc.events.kind !== 'file') continue;
    const abs = path.resolve(srcDir, tc.events.path);
    // An .evtx and its evtx-JSON twin travel together; either may be missing.
    const twin = /\.evtx$/i.test(abs) ? abs.replace(/\.evtx$/i, '.json') : undefined;
    const copied = [await copy(abs), twin ? await copy(twin) : false];
    if (!copied.some(Boolean)) note({ code: 'export-events-missing', severity: 'error', message: `${tc.events.path}: no such file${twin ? ` (nor ${path.basename(twin)})` : ''}` });
  }
  if (t.rule.kind === 'file' && !(await copy(path.resolve(srcDir, t.rule.path)))) note({ code: 'export-rule-unreadable', severity: 'error', message: `cannot read the rule ${t.rule.path}` });
}
