/**
 * For tests and benchmarks that walk a rule corpus (Node only; the product never reads files
 * this way): every `.yml`/`.yaml` file under `dir`, recursively, in a stable sorted order.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/i.test(name)) out.push(p);
  }
  return out;
}
