/**
 * `siglab convert FILE|DIR... --target ID [--json] [--mapping FILE] [--no-validate]
 * [--placeholders FILE]`: Sigma rules to KQL.
 *
 * Output: the query on stdout (rules of one file separated by a blank line), diagnostics on stderr
 * as `file:line:col: severity code message`. `--json`: one line per rule file,
 * `{"file","ok","query","diagnostics","rules":[{title,ok,table,query,diagnostics}]}`. For a
 * directory (or several files) a summary on stderr: converted, failed by reason.
 * `--format sentinel-rule|defender-detection` writes each rule as a Sentinel analytics rule or a
 * Defender XDR custom detection instead of the bare query (see convert-export.ts).
 * Exit 0 all converted, 1 any rule failed (or a file could not be read), 2 usage error.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.ts';
import { formatDiagnostic } from '../diagnostics.ts';
import { loadRules } from '../sigma/load.ts';
import { compileRule, type CompileOptions } from '../kql/compile.ts';
import { compileCorrelation, standaloneQueries } from '../kql/correlation.ts';
import { loadKustoLanguageService } from '../kql/validate.ts';
import { getTarget, TARGET_IDS } from '../targets/index.ts';
import type { FieldMappingOverrides, TargetDefinition } from '../targets/types.ts';
import { readFieldMapping } from '../kql/field-mapping-text.ts';
import { readPlaceholderValues } from '../sigma/placeholder-values.ts';
import type { CommandIO } from './main.ts';
import { EXPORT_FORMATS, exportText, type ExportFormat } from './convert-export.ts';

const USAGE =
  'usage: siglab convert FILE|DIR... --target ID [--json] [--mapping FILE] [--no-validate] [--placeholders FILE]\n' +
  '                      [--format query|sentinel-rule|defender-detection]\n' +
  `  targets: ${TARGET_IDS.join(', ')}\n` +
  '  formats: query (default); sentinel-rule (Sentinel analytics rule YAML); defender-detection (Defender XDR custom detection JSON, target defender-xdr)\n';

export interface RuleConversion {
  title: string;
  ok: boolean;
  table?: string;
  query: string;
  diagnostics: Diagnostic[];
}

export interface FileConversion {
  file: string;
  ok: boolean;
  query: string;
  diagnostics: Diagnostic[];
  rules: RuleConversion[];
}

/** Converts every rule document of one file's text. Never throws. */
export function convertText(text: string, file: string, target: TargetDefinition, options: CompileOptions): FileConversion {
  const loaded = loadRules(text, { placeholders: options.placeholders });
  const rules: RuleConversion[] = [];
  const fileDiagnostics = [...loaded.diagnostics];
  // A file with correlations stands for its outermost correlations (plus base rules marked
  // `generate: true`); the base rules alone would not say what the file detects.
  const standalone = loaded.correlations?.length ? standaloneQueries(loaded) : undefined;
  loaded.rules.forEach((rule, i) => {
    if (standalone && !standalone.rules.includes(i)) return;
    const res = compileRule(rule, target, options);
    const own = loaded.diagnostics.filter((d) => d.range && d.range.start >= rule.range.start && d.range.end <= rule.range.end);
    const diagnostics = [...own, ...res.diagnostics];
    rules.push({ title: rule.title, ok: res.ok && !own.some((d) => d.severity === 'error'), table: res.table, query: res.query, diagnostics });
    fileDiagnostics.push(...res.diagnostics);
  });
  for (const i of standalone?.correlations ?? []) {
    const res = compileCorrelation(loaded, i, target, options);
    const title = loaded.correlations![i].title ?? `correlation ${i + 1}`;
    rules.push({ title, ok: res.ok && !res.diagnostics.some((d) => d.severity === 'error'), table: res.table, query: res.query, diagnostics: res.diagnostics });
    fileDiagnostics.push(...res.diagnostics);
  }
  if (rules.length === 0 && !fileDiagnostics.some((d) => d.severity === 'error')) {
    fileDiagnostics.push({ code: 'no-rule', severity: 'error', message: 'The file holds no Sigma detection rule to convert.' });
  }
  const ok = !fileDiagnostics.some((d) => d.severity === 'error') && rules.every((r) => r.ok);
  return { file, ok, query: rules.map((r) => r.query).join('\n\n'), diagnostics: fileDiagnostics, rules };
}

function listFiles(inputs: string[], io: CommandIO): { files: string[]; missing: string[]; directory: boolean } {
  const files: string[] = [];
  const missing: string[] = [];
  let directory = false;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.ya?ml$/i.test(name)) files.push(p);
    }
  };
  for (const input of inputs) {
    try {
      if (statSync(input).isDirectory()) {
        directory = true;
        walk(input);
      } else files.push(input);
    } catch {
      missing.push(input);
      io.stderr(`${input}: error file-not-found cannot read this file or directory\n`);
    }
  }
  return { files, missing, directory };
}

/** The first error of a settings text as `line:col: code message`, for an exception or a CLI line. */
function firstError(diagnostics: readonly Diagnostic[]): Diagnostic | undefined {
  return diagnostics.find((d) => d.severity === 'error');
}

/**
 * A `--mapping` file: `{fields: {Field: Column}, tables: {Table: {Field: Column}}}`, or a plain
 * `{Field: Column}` map (as pySigma field-name mappings are usually written). The reader is the
 * core's (src/kql/field-mapping-text.ts), shared with the playground's Mapping editor.
 * Throws the first error, positioned (`3:5: ...`).
 */
export function parseMappingFile(text: string): FieldMappingOverrides {
  const read = readFieldMapping(text);
  const e = firstError(read.diagnostics);
  if (e) throw new Error(`${e.range ? `${e.range.startLine}:${e.range.startColumn}: ` : ''}${e.message}`);
  return read.mapping ?? {};
}

/** A `--placeholders` file: `{name: value | [values]}` (YAML or JSON; src/sigma/placeholder-values.ts). */
export function parsePlaceholdersFile(text: string): Record<string, string[]> {
  const read = readPlaceholderValues(text);
  const e = firstError(read.diagnostics);
  if (e) throw new Error(`${e.range ? `${e.range.startLine}:${e.range.startColumn}: ` : ''}${e.message}`);
  return read.placeholders ?? {};
}

export async function convertCommand(args: string[], io: CommandIO): Promise<number> {
  const inputs: string[] = [];
  let targetId: string | undefined;
  let json = false;
  let validate = true;
  let mappingFile: string | undefined;
  let placeholdersFile: string | undefined;
  let format: ExportFormat = 'query';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      return args[++i];
    };
    if (a === '--json') json = true;
    else if (a === '--no-validate') validate = false;
    else if (a === '--target' || a.startsWith('--target=')) targetId = value();
    else if (a === '--mapping' || a.startsWith('--mapping=')) mappingFile = value();
    else if (a === '--placeholders' || a.startsWith('--placeholders=')) placeholdersFile = value();
    else if (a === '--format' || a.startsWith('--format=')) {
      const f = value();
      if (!f || !(EXPORT_FORMATS as readonly string[]).includes(f)) {
        io.stderr(`siglab convert: unknown format '${f ?? ''}' (known: ${EXPORT_FORMATS.join(', ')})\n`);
        return 2;
      }
      format = f as ExportFormat;
    } else if (a === '-h' || a === '--help') {
      io.stdout(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      io.stderr(`siglab convert: unknown option ${a}\n${USAGE}`);
      return 2;
    } else inputs.push(a);
  }
  if (inputs.length === 0) {
    io.stderr(`siglab convert: no rule file or directory given\n${USAGE}`);
    return 2;
  }
  if (format === 'defender-detection') {
    if (targetId !== undefined && targetId !== 'defender-xdr') {
      io.stderr(`siglab convert: --format defender-detection queries Defender XDR tables; use --target defender-xdr (or leave it out)\n`);
      return 2;
    }
    targetId = 'defender-xdr';
  }
  if (!targetId) {
    io.stderr(`siglab convert: --target is required\n${USAGE}`);
    return 2;
  }
  const target = getTarget(targetId);
  if (!target) {
    io.stderr(`siglab convert: unknown target '${targetId}' (known: ${TARGET_IDS.join(', ')})\n`);
    return 2;
  }
  const options: CompileOptions = { validate };
  try {
    if (mappingFile !== undefined) {
      const read = readFieldMapping(readFileSync(mappingFile, 'utf8'));
      for (const d of read.diagnostics) io.stderr(formatDiagnostic(mappingFile, d) + '\n');
      if (firstError(read.diagnostics)) return 2;
      options.mapping = read.mapping ?? {};
    }
    if (placeholdersFile !== undefined) {
      const read = readPlaceholderValues(readFileSync(placeholdersFile, 'utf8'));
      for (const d of read.diagnostics) io.stderr(formatDiagnostic(placeholdersFile, d) + '\n');
      if (firstError(read.diagnostics)) return 2;
      options.placeholders = read.placeholders ?? {};
    }
  } catch (e) {
    io.stderr(`siglab convert: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (validate) {
    try {
      await loadKustoLanguageService();
    } catch (e) {
      io.stderr(`siglab convert: warning: the Kusto language service did not load (${e instanceof Error ? e.message : String(e)}); queries are not checked\n`);
    }
  }

  const { files, missing, directory } = listFiles(inputs, io);
  let failedFiles = missing.length;
  let converted = 0;
  let total = 0;
  const reasons = new Map<string, number>();
  let firstQuery = true;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      failedFiles++;
      const d: Diagnostic = { code: 'file-unreadable', severity: 'error', message: e instanceof Error ? e.message : String(e) };
      if (json) io.stdout(JSON.stringify({ file, ok: false, query: '', diagnostics: [d] }) + '\n');
      else io.stderr(formatDiagnostic(file, d) + '\n');
      reasons.set(d.code, (reasons.get(d.code) ?? 0) + 1);
      continue;
    }
    if (format !== 'query') {
      const ex = exportText(text, format, target.id, options);
      if (!ex.ok) failedFiles++;
      total += Math.max(1, ex.rules.length);
      converted += ex.rules.filter((r) => r.ok).length;
      if (!ex.ok) for (const c of new Set(ex.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))) reasons.set(c, (reasons.get(c) ?? 0) + 1);
      if (json) io.stdout(JSON.stringify({ file, ok: ex.ok, format, output: ex.output, diagnostics: ex.diagnostics, rules: ex.rules }) + '\n');
      else {
        if (ex.output) {
          io.stdout((firstQuery ? '' : format === 'sentinel-rule' ? '---\n' : '\n') + ex.output);
          firstQuery = false;
        }
        for (const d of ex.diagnostics) io.stderr(formatDiagnostic(file, d) + '\n');
      }
      continue;
    }
    const res = convertText(text, file, target, options);
    if (!res.ok) failedFiles++;
    total += Math.max(1, res.rules.length);
    converted += res.rules.filter((r) => r.ok).length;
    if (!res.ok) {
      const codes = new Set(res.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
      for (const c of codes) reasons.set(c, (reasons.get(c) ?? 0) + 1);
    }
    if (json) {
      io.stdout(JSON.stringify({ file: res.file, ok: res.ok, query: res.query, diagnostics: res.diagnostics, rules: res.rules }) + '\n');
    } else {
      if (res.query) {
        io.stdout((firstQuery ? '' : '\n') + res.query + '\n');
        firstQuery = false;
      }
      for (const d of res.diagnostics) io.stderr(formatDiagnostic(file, d) + '\n');
    }
  }
  if (directory || files.length > 1) {
    const byReason = [...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}: ${n}`);
    io.stderr(
      `siglab convert: ${converted} of ${total} rules converted for ${target.id} (${files.length} files)` +
        (byReason.length ? `; failed files by reason: ${byReason.join(', ')}` : '') +
        '\n',
    );
  }
  return failedFiles > 0 ? 1 : 0;
}
