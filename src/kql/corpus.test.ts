/**
 * Converts SigmaHQ's rules/windows (../shared/sigma/rules/windows, 2,407 rules) for every target
 * and checks: at least 95% convert for sentinel-asim and azure-monitor and 80% for defender-xdr;
 * every converted query has zero errors from the Kusto language service against the target's
 * schema; every failure names its reason. Writes reports/convert-<target>.md (failures by reason,
 * warnings by code). Skips with a message when the corpus is absent.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../sigma/load.ts';
import type { SigmaRule } from '../sigma/model.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { compileRule } from './compile.ts';
import { loadKustoLanguageService } from './validate.ts';
import { getTarget } from '../targets/index.ts';
import { yamlFilesUnder as ymlFiles } from '../test-support/yaml-files.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(root, '../shared/sigma/rules/windows');
const present = existsSync(corpus);
if (!present) console.warn(`corpus test skipped: ${corpus} not found`);

interface Failure {
  file: string;
  title: string;
  errors: Diagnostic[];
}

/** A failure's reason for grouping: the code, plus the field or logsource it is about. */
function reasonKey(d: Diagnostic): string {
  const field = /Field '([^']+)'|field '([^']+)'/.exec(d.message);
  if (d.code === 'unsupported-logsource') return `${d.code}: ${/\(([^)]*)\)/.exec(d.message)?.[1] ?? ''}`;
  if (field && (d.code === 'unmapped-field' || d.code === 'unsupported-field' || d.code === 'unknown-column')) return `${d.code}: ${field[1] ?? field[2]}`;
  return d.code;
}

const THRESHOLD: Record<string, number> = { 'sentinel-asim': 0.95, 'azure-monitor': 0.95, 'defender-xdr': 0.8 };

describe.skipIf(!present)('corpus: SigmaHQ rules/windows', () => {
  const rules: Array<{ file: string; rule: SigmaRule; loadErrors: Diagnostic[] }> = [];

  beforeAll(async () => {
    for (const file of ymlFiles(corpus)) {
      const loaded = loadRules(readFileSync(file, 'utf8'));
      for (const rule of loaded.rules) {
        // A rule the loader found errors in does not count as converted, whatever the compiler says.
        const loadErrors = loaded.diagnostics.filter((d) => d.severity === 'error' && (!d.range || (d.range.start >= rule.range.start && d.range.end <= rule.range.end)));
        rules.push({ file: path.relative(corpus, file), rule, loadErrors });
      }
    }
    await loadKustoLanguageService();
  }, 600_000);

  for (const id of Object.keys(THRESHOLD)) {
    it(`${id}: converts at least ${THRESHOLD[id] * 100}%, with zero language-service errors`, () => {
      const target = getTarget(id);
      expect(target, `target ${id} is registered`).toBeDefined();
      expect(rules.length).toBeGreaterThan(2000);
      const failures: Failure[] = [];
      const kqlErrors: Array<{ file: string; d: Diagnostic; query: string }> = [];
      const warnings = new Map<string, number>();
      let converted = 0;
      for (const { file, rule, loadErrors } of rules) {
        const res = compileRule(rule, target!);
        res.diagnostics.unshift(...loadErrors);
        if (loadErrors.length) res.ok = false;
        for (const d of res.diagnostics) {
          if (d.severity === 'warning') warnings.set(d.code, (warnings.get(d.code) ?? 0) + 1);
          if (d.severity === 'error' && d.code.startsWith('kql-')) kqlErrors.push({ file, d, query: res.query });
        }
        if (res.ok) {
          converted++;
          expect(res.query.length).toBeGreaterThan(0);
        } else {
          const errors = res.diagnostics.filter((d) => d.severity === 'error');
          failures.push({ file, title: rule.title, errors });
        }
      }
      writeReport(id, rules.length, converted, failures, warnings, kqlErrors);

      // Every failure names its reason, with a message.
      for (const f of failures) {
        expect(f.errors.length, f.file).toBeGreaterThan(0);
        for (const e of f.errors) expect(e.message.length, f.file).toBeGreaterThan(10);
      }
      expect(kqlErrors.map((k) => `${k.file}: ${k.d.code} ${k.d.message}`)).toEqual([]);
      expect(converted / rules.length).toBeGreaterThanOrEqual(THRESHOLD[id]);
    }, 900_000);
  }
});

function writeReport(
  id: string,
  total: number,
  converted: number,
  failures: Failure[],
  warnings: Map<string, number>,
  kqlErrors: Array<{ file: string; d: Diagnostic; query: string }>,
): void {
  const byReason = new Map<string, Failure[]>();
  for (const f of failures) {
    for (const key of new Set(f.errors.map(reasonKey))) {
      const list = byReason.get(key) ?? [];
      list.push(f);
      byReason.set(key, list);
    }
  }
  const lines = [
    `# Sigma → KQL: ${id}`,
    '',
    `Corpus: SigmaHQ rules/windows (${total} rules). Converted: **${converted}** (${((converted / total) * 100).toFixed(1)}%). Failed: ${failures.length}.`,
    `Language-service errors in converted queries: ${kqlErrors.length}.`,
    '',
    '## Failures by reason',
    '',
    '| reason | rules | example |',
    '|---|---|---|',
    ...[...byReason.entries()]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([reason, list]) => {
        const ex = list[0];
        const msg = ex.errors.find((e) => reasonKey(e) === reason)?.message ?? '';
        return `| ${reason.replace(/\|/g, '\\|')} | ${list.length} | ${ex.file}: ${msg.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`;
      }),
    '',
    '## Warnings (approximations) by code',
    '',
    '| code | count |',
    '|---|---|',
    ...[...warnings.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `| ${c} | ${n} |`),
    '',
    '## Failed rules',
    '',
    ...failures.map((f) => `- ${f.file} (${f.title}): ${f.errors.map((e) => `${e.code}: ${e.message}`).join('; ').replace(/\n/g, ' ')}`),
    '',
  ];
  if (kqlErrors.length) {
    lines.push('## Language-service errors', '', ...kqlErrors.slice(0, 50).map((k) => `- ${k.file}: ${k.d.code} ${k.d.message}`), '');
  }
  const dir = path.join(root, 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `convert-${id}.md`), lines.join('\n'));
}
