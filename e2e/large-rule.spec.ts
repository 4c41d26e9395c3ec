/**
 * A rule of SigmaHQ's largest kind (a list of thousands of hashes, ~300 KB) is analysed off the
 * main thread: keystrokes in it keep the page responsive and the preview still follows them.
 */
import { expect, test } from '@playwright/test';
import { kqlText, openApp, placeCursorAfter, typeRule } from './helpers.ts';
import { installGuards, longestTaskSince, mark } from './guards.ts';

test.use({ trace: 'off' });

function hashRule(count: number): string {
  const hex = (i: number) => (BigInt(i + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(16, '0').repeat(4).slice(0, 64);
  const values = Array.from({ length: count }, (_, i) => `            - 'SHA256=${hex(i)}'`).join('\n');
  return `title: Vulnerable Driver Load By Hash\nlogsource:\n    category: driver_load\n    product: windows\ndetection:\n    selection:\n        Hashes|contains:\n${values}\n    condition: selection\nlevel: high\n`;
}

test('keystrokes in a 4,500-hash rule keep the main thread free and update the KQL', async ({ page }) => {
  await installGuards(page);
  await openApp(page);
  const rule = hashRule(4500);
  expect(rule.length).toBeGreaterThan(250_000);
  await typeRule(page, rule);
  await expect.poll(() => kqlText(page), { timeout: 30_000 }).toContain('SHA256');
  await placeCursorAfter(page, 'title: Vulnerable Driver Load By Hash');
  await page.waitForTimeout(500);
  const since = await mark(page);
  await page.keyboard.insertText(' Edited');
  await expect.poll(() => kqlText(page), { timeout: 30_000 }).toContain('Vulnerable Driver Load By Hash Edited');
  const longest = await longestTaskSince(page, since);
  test.info().annotations.push({ type: 'longest main-thread task (ms)', description: String(Math.round(longest)) });
  // Analysed on the main thread this keystroke took ~1.2 s here; off-thread it is ~80 ms, what is
  // left being Monaco's and the preview's own updates. Issue 4 asks for 50 ms: not reached yet.
  expect(longest, 'longest main-thread task (ms)').toBeLessThan(200);
});
