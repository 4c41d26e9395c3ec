/**
 * The SigmaHQ corpus (../shared/sigma/rules*, ~3,800 rules) must load without error diagnostics.
 * Placeholder rules (everything under rules-placeholder/, and any other rule whose values use
 * `expand`) need values the user supplies, so for them the only errors allowed are
 * `unresolved-placeholder`, and rules-placeholder/ rules must actually report one.
 * Skipped, with a message, when the corpus is not present.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostics.ts';
import { loadRules } from './load.ts';

const ROOT = join(process.cwd(), '..', 'shared', 'sigma');

function ruleFiles(): string[] {
  if (!existsSync(ROOT)) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  for (const d of readdirSync(ROOT).sort()) if (d.startsWith('rules')) walk(join(ROOT, d));
  return out.sort();
}

const files = ruleFiles();
if (files.length === 0) console.warn(`corpus test skipped: no Sigma rules under ${ROOT}`);

describe.skipIf(files.length === 0)('SigmaHQ corpus', () => {
  it(`loads all ${files.length} rule files without errors (placeholder rules: only unresolved placeholders)`, () => {
    const failures: string[] = [];
    let rules = 0;
    let placeholderRules = 0;
    const t0 = performance.now();
    for (const file of files) {
      const name = relative(ROOT, file);
      const text = readFileSync(file, 'utf8');
      const result = loadRules(text);
      rules += result.rules.length;
      if (result.rules.length !== 1) failures.push(`${name}: expected 1 rule, got ${result.rules.length}`);
      const isPlaceholderRule = name.startsWith('rules-placeholder') || /\|expand\b/.test(text);
      for (const d of result.diagnostics) {
        if (d.severity !== 'error') continue;
        if (isPlaceholderRule && d.code === 'unresolved-placeholder') continue;
        failures.push(formatDiagnostic(name, d));
      }
      if (name.startsWith('rules-placeholder')) {
        placeholderRules++;
        if (!result.diagnostics.some((d) => d.code === 'unresolved-placeholder')) {
          failures.push(`${name}: a placeholder rule without an unresolved-placeholder error`);
        }
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    expect(failures, failures.slice(0, 30).join('\n')).toEqual([]);
    expect(rules).toBe(files.length);
    expect(placeholderRules).toBeGreaterThan(0);
    // A few seconds for the whole corpus on one core; generous for shared CI machines.
    expect(seconds).toBeLessThan(30);
  });

  it('supplying placeholder values resolves every placeholder rule', () => {
    const placeholderFiles = files.filter((f) => /\|expand\b/.test(readFileSync(f, 'utf8')));
    expect(placeholderFiles.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const file of placeholderFiles) {
      const text = readFileSync(file, 'utf8');
      const names = [...text.matchAll(/%([^%\s]+)%/g)].map((m) => m[1]);
      const placeholders = Object.fromEntries(names.map((n) => [n, ['value-1', 'value-2*']]));
      const result = loadRules(text, { placeholders });
      for (const d of result.diagnostics) if (d.severity === 'error') failures.push(formatDiagnostic(relative(ROOT, file), d));
    }
    expect(failures, failures.slice(0, 30).join('\n')).toEqual([]);
  });
});
