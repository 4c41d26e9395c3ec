/**
 * `siglab convert --format sentinel-rule|defender-detection`: each rule of a file as a Sentinel
 * analytics rule (Azure-Sentinel YAML; several rules are separate YAML documents) or a Defender
 * XDR custom detection (the Graph API JSON body; several rules make a JSON array).
 */
import type { Diagnostic } from '../diagnostics.ts';
import { exportDefenderDetection } from '../export/defender-detection.ts';
import { exportSentinelRule } from '../export/sentinel-rule.ts';
import type { CompileOptions } from '../kql/compile.ts';
import { loadRules } from '../sigma/load.ts';

export const EXPORT_FORMATS = ['query', 'sentinel-rule', 'defender-detection'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface FileExport {
  ok: boolean;
  /** The file's export text (YAML for sentinel-rule, JSON for defender-detection). */
  output: string;
  diagnostics: Diagnostic[];
  rules: Array<{ title: string; ok: boolean; table?: string; diagnostics: Diagnostic[] }>;
}

export function exportText(text: string, format: Exclude<ExportFormat, 'query'>, target: string, options: CompileOptions): FileExport {
  const loaded = loadRules(text, { placeholders: options.placeholders });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const rules: FileExport['rules'] = [];
  const parts: string[] = [];
  const objects: unknown[] = [];
  for (const rule of loaded.rules) {
    const own = loaded.diagnostics.filter((d) => d.range && d.range.start >= rule.range.start && d.range.end <= rule.range.end && d.severity === 'error');
    if (format === 'sentinel-rule') {
      const r = exportSentinelRule(rule, { target, compile: options });
      parts.push(r.yaml);
      diagnostics.push(...r.diagnostics);
      rules.push({ title: rule.title, ok: r.ok && own.length === 0, ...(r.table ? { table: r.table } : {}), diagnostics: r.diagnostics });
    } else {
      const r = exportDefenderDetection(rule, { compile: options });
      objects.push(r.rule);
      diagnostics.push(...r.diagnostics);
      rules.push({ title: rule.title, ok: r.ok && own.length === 0, ...(r.table ? { table: r.table } : {}), diagnostics: r.diagnostics });
    }
  }
  if (loaded.rules.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({ code: 'no-rule', severity: 'error', message: 'The file holds no Sigma detection rule to convert.' });
  }
  const output =
    format === 'sentinel-rule' ? parts.join('---\n') : objects.length === 0 ? '' : JSON.stringify(objects.length === 1 ? objects[0] : objects, null, 2) + '\n';
  return { ok: !diagnostics.some((d) => d.severity === 'error') && rules.every((r) => r.ok), output, diagnostics, rules };
}
