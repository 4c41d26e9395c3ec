/**
 * The test files `siglab test` reads, loaded into the test model with what it takes to run or
 * convert them: siglab test files and sigma-test rules (by content), SigmaHQ regression
 * `info.yml` files (their rule found by id in the checkout), and Zircolite `--test-rules` JSON
 * (each entry's rule found by id or title in the rules folders). Paths inside a loaded test are
 * relative to its file, and `hostFor` reads them so.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../diagnostics.ts';
import { importSigmaRegression } from '../tests/formats/sigmahq-regression.ts';
import { importZircoliteTests, isZircoliteTests } from '../tests/formats/zircolite.ts';
import { loadTestSource, testSourceKind, type TestSourceKind } from '../tests/load-test-source.ts';
import type { TestFile } from '../tests/model.ts';
import type { TestHost } from '../tests/run.ts';
import { decodeText, readEventsFromFile } from './read-events-file.ts';

export type LoadedFormat = TestSourceKind | 'zircolite';

export interface LoadedSource {
  file: string;
  format: LoadedFormat;
  /** One per rule under test (a Zircolite JSON holds several). */
  tests: TestFile[];
  diagnostics: Diagnostic[];
  /** SigmaHQ info.yml: the checkout root its paths are relative to. */
  regressionRoot?: string;
}

export async function walk(dir: string, out: string[], recursive: boolean): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) await walk(p, out, true);
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
}

/** Files a test names are relative to the test file. */
export function hostFor(testFile: string): TestHost {
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
const regressionIndexes = new Map<string, Promise<RuleIndex>>();

interface RuleIndex {
  byId: Map<string, string>;
  byTitle: Map<string, string>;
}

/** Rule files under `dirs` (recursively) by id (lower case) and title; the first of a name wins. */
async function indexRules(dirs: string[]): Promise<RuleIndex> {
  const index: RuleIndex = { byId: new Map(), byTitle: new Map() };
  for (const dir of dirs) {
    const files: string[] = [];
    try {
      await walk(dir, files, true);
    } catch {
      continue;
    }
    for (const f of files) {
      const text = await readFile(f, 'utf8').catch(() => '');
      if (!/^detection\s*:/m.test(text)) continue; // not a rule: a test file, events, a config
      for (const doc of parseAllDocuments(text, { prettyErrors: false }) as Array<{ contents: unknown }>) {
        if (!isMap(doc.contents)) continue;
        const id = doc.contents.get('id');
        const title = doc.contents.get('title');
        if (typeof id === 'string' && !index.byId.has(id.toLowerCase())) index.byId.set(id.toLowerCase(), f);
        if (typeof title === 'string' && !index.byTitle.has(title)) index.byTitle.set(title, f);
        break; // the rule is the file's first document; later ones are correlations or filters
      }
    }
  }
  return index;
}

async function checkoutIndex(root: string): Promise<RuleIndex> {
  if (!regressionIndexes.has(root)) {
    regressionIndexes.set(
      root,
      readdir(root, { withFileTypes: true })
        .then((ds) => indexRules(ds.filter((d) => d.isDirectory() && /^rules/.test(d.name)).map((d) => path.join(root, d.name))))
        .catch(() => ({ byId: new Map(), byTitle: new Map() })),
    );
  }
  return regressionIndexes.get(root)!;
}

/**
 * A SigmaHQ info.yml: its paths are relative to the checkout root (the folder holding
 * `regression_data/`), and its rule is the one in `rules*\/` with the id in rule_metadata.
 */
async function loadRegression(text: string, file: string): Promise<LoadedSource> {
  const infoDir = path.dirname(path.resolve(file));
  const parts = infoDir.split(path.sep);
  const at = parts.lastIndexOf('regression_data');
  const root = at > 0 ? parts.slice(0, at).join(path.sep) || path.sep : undefined;
  const toTestPath = (p: string): string => (root ? path.relative(infoDir, path.join(root, p)) : p);
  const probe = importSigmaRegression(text, { kind: 'file', path: '' }, { toTestPath });
  const id = probe.ruleIds[0]?.toLowerCase();
  const fail = (message: string): LoadedSource => ({ file, format: 'sigmahq-regression', tests: [], diagnostics: [...probe.diagnostics, { code: 'regression-rule-not-found', severity: 'error', message }] });
  if (!root) return fail('this info.yml is not inside a regression_data/ folder, so its rule and event paths cannot be resolved');
  if (!id) return fail('rule_metadata names no rule id');
  const rulePath = (await checkoutIndex(root)).byId.get(id);
  if (!rulePath) return fail(`no rule with id ${id} in ${root}${path.sep}rules*`);
  const r = importSigmaRegression(text, { kind: 'file', path: path.relative(infoDir, rulePath) }, { toTestPath });
  return { file, format: 'sigmahq-regression', tests: r.file ? [r.file] : [], diagnostics: r.diagnostics, regressionRoot: root };
}

const rulesIndexes = new Map<string, Promise<RuleIndex>>();

/** A Zircolite `--test-rules` JSON: each entry's rule by id, else by title, in `rulesDirs`. */
async function loadZircolite(text: string, file: string, rulesDirs: string[]): Promise<LoadedSource> {
  if (!isZircoliteTests(text)) {
    return { file, format: 'zircolite', tests: [], diagnostics: [{ code: 'zircolite-not-a-test', severity: 'error', message: 'not a Zircolite --test-rules file: a JSON array of {"title" or "id", "true_positive": [events], "true_negative": [events]} (events files are tested through a test file that names them)' }] };
  }
  const dirs = rulesDirs.length ? rulesDirs : [path.dirname(file)];
  const key = dirs.map((d) => path.resolve(d)).join('\0');
  if (!rulesIndexes.has(key)) rulesIndexes.set(key, indexRules(dirs));
  const index = await rulesIndexes.get(key)!;
  const jsonDir = path.dirname(path.resolve(file));
  const searched = rulesDirs.length ? dirs.join(', ') : `${dirs[0]} (the JSON's folder; give the rules folder with --rules DIR)`;
  const r = importZircoliteTests(
    text,
    (entry) => {
      const found = (entry.id ? index.byId.get(entry.id.toLowerCase()) : undefined) ?? (entry.title ? index.byTitle.get(entry.title) : undefined);
      return found ? { kind: 'file', path: path.relative(jsonDir, path.resolve(found)) } : undefined;
    },
    { searched },
  );
  return { file, format: 'zircolite', tests: r.files, diagnostics: r.diagnostics };
}

/** A Zircolite JSON is given by name; in folders only YAML files are tests. */
export function isZircoliteName(file: string): boolean {
  return /\.json$/i.test(file);
}

export async function loadSource(text: string, file: string, rulesDirs: string[]): Promise<LoadedSource> {
  if (isZircoliteName(file)) return loadZircolite(text, file, rulesDirs);
  if (testSourceKind(text) === 'sigmahq-regression') return loadRegression(text, file);
  const s = loadTestSource(text);
  return { file, format: s.kind, tests: s.file ? [s.file] : [], diagnostics: s.diagnostics };
}
