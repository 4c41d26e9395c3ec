/**
 * `npm run bench`: runs every `bench/*.bench.ts` (each exports `run()`, which prints its numbers).
 * `npm run bench -- match convert` runs only the benches whose file names contain those words.
 * Benchmarks print measurements; they assert nothing (tests assert behaviour, not timings).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

for (const file of files) {
  console.log(`\n## ${file.replace(/\.bench\.ts$/, '')}`);
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run?: () => Promise<void> | void };
  if (typeof mod.run !== 'function') {
    console.log(`  (no run() export in ${file})`);
    continue;
  }
  const t0 = performance.now();
  await mod.run();
  console.log(`  [${file} took ${((performance.now() - t0) / 1000).toFixed(1)} s]`);
}
