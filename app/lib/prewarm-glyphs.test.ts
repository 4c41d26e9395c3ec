import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UI_SYMBOLS } from './prewarm-glyphs.ts';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx$/.test(e.name) && !/\.test\./.test(e.name) ? [p] : [];
  });
}

describe('UI_SYMBOLS', () => {
  it('holds every non-ASCII symbol the components draw (else its font fallback is not warmed)', () => {
    const missing = new Map<string, string>();
    for (const file of sources(appDir)) {
      for (const ch of readFileSync(file, 'utf8')) {
        if (ch.charCodeAt(0) > 0x7f && !/[\p{L}\p{M}\s]/u.test(ch) && !UI_SYMBOLS.includes(ch)) missing.set(ch, path.relative(appDir, file));
      }
    }
    expect([...missing].map(([ch, file]) => `${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase()}) in ${file}`)).toEqual([]);
  });
});
