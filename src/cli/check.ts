/**
 * `siglab check FILE|DIR... [--json] [--placeholders FILE]`: validates Sigma rules.
 *
 * Directories are walked recursively for `.yml`/`.yaml` files (symbolic links to directories
 * are not followed, so a link loop cannot trap the walk); files named on the command line are
 * checked whatever their extension. Output: `file:line:col: severity code message` per
 * diagnostic, or with --json one line per file `{"file","ok","rules","correlations","filters","diagnostics"}`.
 * Exit 1 when any diagnostic is an error, 0 otherwise (warnings do not fail), 2 on usage errors.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { loadRules } from '../sigma/load.ts';
import { readPlaceholderValues } from '../sigma/placeholder-values.ts';
import type { CommandIO } from './main.ts';

const USAGE = 'usage: siglab check FILE|DIR... [--json] [--placeholders FILE]\n';

interface CheckArgs {
  paths: string[];
  json: boolean;
  placeholdersFile?: string;
}

function parseArgs(args: string[]): CheckArgs | string {
  const out: CheckArgs = { paths: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') out.json = true;
    else if (a === '--placeholders') {
      const file = args[++i];
      if (file === undefined) return "option '--placeholders' needs a file";
      out.placeholdersFile = file;
    } else if (a.startsWith('--placeholders=')) out.placeholdersFile = a.slice('--placeholders='.length);
    else if (a === '--') out.paths.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('-') && a !== '-') return `unknown option '${a}'`;
    else out.paths.push(a);
  }
  if (out.paths.length === 0) return 'no rule files or directories given';
  return out;
}

/**
 * Reads a placeholder file: a YAML or JSON map from placeholder name to a list of values (a
 * single value is a list of one), with the core's reader (src/sigma/placeholder-values.ts).
 * Returns the first error, positioned (`2:4: ...`), when the file is unusable.
 */
export function parsePlaceholders(text: string): Record<string, string[]> | string {
  const read = readPlaceholderValues(text);
  const e = read.diagnostics.find((d) => d.severity === 'error');
  if (e) return `${e.range ? `${e.range.startLine}:${e.range.startColumn}: ` : ''}${e.message}`;
  return read.placeholders ?? {};
}

async function collectFiles(path: string, out: string[]): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) await collectFiles(p, out);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
}

export async function checkCommand(args: string[], io: CommandIO): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`siglab check: ${parsed}\n${USAGE}`);
    return 2;
  }

  let placeholders: Record<string, string[]> | undefined;
  if (parsed.placeholdersFile !== undefined) {
    let text: string;
    try {
      text = await readFile(parsed.placeholdersFile, 'utf8');
    } catch (e) {
      io.stderr(`siglab check: cannot read placeholder file '${parsed.placeholdersFile}': ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return 2;
    }
    const result = parsePlaceholders(text);
    if (typeof result === 'string') {
      io.stderr(`siglab check: placeholder file '${parsed.placeholdersFile}': ${result}\n`);
      return 2;
    }
    placeholders = result;
  }

  const files: string[] = [];
  for (const p of parsed.paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      io.stderr(`siglab check: no such file or directory: ${p}\n`);
      return 2;
    }
    if (info.isDirectory()) await collectFiles(p, files);
    else files.push(p);
  }

  let failed = false;
  const totals = { rules: 0, correlations: 0, filters: 0, errors: 0, warnings: 0 };
  for (const file of files) {
    let diagnostics: Diagnostic[];
    let rules = 0;
    let correlations = 0;
    let filters = 0;
    try {
      const text = await readFile(file, 'utf8');
      const result = loadRules(text, { placeholders });
      diagnostics = result.diagnostics;
      rules = result.rules.length;
      correlations = result.correlations?.length ?? 0;
      filters = result.filters?.length ?? 0;
    } catch (e) {
      diagnostics = [{ code: 'read-error', severity: 'error', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }];
    }
    const ok = !hasErrors(diagnostics);
    if (!ok) failed = true;
    totals.rules += rules;
    totals.correlations += correlations;
    totals.filters += filters;
    totals.errors += diagnostics.filter((d) => d.severity === 'error').length;
    totals.warnings += diagnostics.filter((d) => d.severity === 'warning').length;
    if (parsed.json) {
      io.stdout(JSON.stringify({ file, ok, rules, correlations, filters, diagnostics }) + '\n');
    } else {
      for (const d of diagnostics) io.stdout(formatDiagnostic(file, d) + '\n');
    }
  }
  if (!parsed.json) {
    const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
    // Correlation and filter documents are counted only where a file has them, so the common
    // summary stays short.
    const documents = [plural(totals.rules, 'rule'), ...(totals.correlations ? [plural(totals.correlations, 'correlation')] : []), ...(totals.filters ? [plural(totals.filters, 'filter')] : [])];
    io.stderr(`${plural(files.length, 'file')}, ${documents.join(', ')}: ${plural(totals.errors, 'error')}, ${plural(totals.warnings, 'warning')}\n`);
  }
  return failed ? 1 : 0;
}
