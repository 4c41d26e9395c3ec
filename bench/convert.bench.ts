/**
 * Time to convert SigmaHQ's rules/windows (../shared/sigma/rules/windows) for each target, in
 * Node, without and with the Kusto language-service check. Rules are loaded once (loading is the
 * loader's cost, measured separately); the goal is < 1 s per target without the check.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../src/sigma/load.ts';
import type { SigmaRule } from '../src/sigma/model.ts';
import { compileRule } from '../src/kql/compile.ts';
import { loadKustoLanguageService } from '../src/kql/validate.ts';
import { TARGETS } from '../src/targets/index.ts';
import { yamlFilesUnder as ymlFiles } from '../src/test-support/yaml-files.ts';

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/sigma/rules/windows');

/** `npm run bench -- convert --no-validate` skips the (minutes-long) language-service pass. */
export async function run(): Promise<void> {
  const withCheck = !process.argv.includes('--no-validate');
  if (!existsSync(corpus)) {
    console.log(`  skipped: ${corpus} not found`);
    return;
  }
  const files = ymlFiles(corpus);
  let t = performance.now();
  const rules: SigmaRule[] = files.flatMap((f) => loadRules(readFileSync(f, 'utf8')).rules);
  console.log(`  load ${files.length} files → ${rules.length} rules: ${(performance.now() - t).toFixed(0)} ms`);
  t = performance.now();
  await loadKustoLanguageService();
  console.log(`  language service load: ${(performance.now() - t).toFixed(0)} ms`);

  for (const target of TARGETS) {
    // The first pass includes JIT compilation of the compiler (what a CLI run pays); the second
    // is the steady state (what the app pays on every keystroke).
    t = performance.now();
    for (const r of rules) compileRule(r, target, { validate: false });
    const cold = performance.now() - t;
    t = performance.now();
    let ok = 0;
    for (const r of rules) if (compileRule(r, target, { validate: false }).ok) ok++;
    const plain = performance.now() - t;
    const line = `  ${target.id.padEnd(14)} convert ${plain.toFixed(0).padStart(5)} ms warm, ${cold.toFixed(0).padStart(5)} ms cold (${ok}/${rules.length} ok)`;
    if (!withCheck) {
      console.log(line);
      continue;
    }
    t = performance.now();
    let okValidated = 0;
    for (const r of rules) if (compileRule(r, target).ok) okValidated++;
    const validated = performance.now() - t;
    console.log(
      line +
        `; with the language-service check ${(validated / 1000).toFixed(1).padStart(5)} s (${okValidated} ok, ${((validated - plain) / Math.max(1, ok)).toFixed(1)} ms per query)`,
    );
  }
}
