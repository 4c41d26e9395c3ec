/**
 * A rule of SigmaHQ's largest kind (a list of thousands of hashes, ~300 KB) is analysed off the
 * main thread: keystrokes in it keep the page responsive and the preview still follows them.
 */
import { expect, test } from '@playwright/test';
import { kqlText, openApp, placeCursorAfter, typeRule } from './helpers.ts';
import { installGuards, longestTaskSince, mark, traceCpu } from './guards.ts';

test.use({ trace: 'off' });

function hashRule(count: number): string {
  const hex = (i: number) => (BigInt(i + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(16, '0').repeat(4).slice(0, 64);
  const values = Array.from({ length: count }, (_, i) => `            - 'SHA256=${hex(i)}'`).join('\n');
  return `title: Vulnerable Driver Load By Hash\nlogsource:\n    category: driver_load\n    product: windows\ndetection:\n    selection:\n        Hashes|contains:\n${values}\n    condition: selection\nlevel: high\n`;
}

test('keystrokes in a 4,500-hash rule keep the main thread free and update the KQL', async ({ page, browser }) => {
  await installGuards(page);
  await openApp(page);
  const rule = hashRule(4500);
  expect(rule.length).toBeGreaterThan(250_000);
  await typeRule(page, rule);
  await expect.poll(() => kqlText(page), { timeout: 30_000 }).toContain('SHA256');
  await placeCursorAfter(page, 'title: Vulnerable Driver Load By Hash');
  await page.waitForTimeout(500);
  const since = await mark(page);
  const cpu = await traceCpu(browser, page);
  // Typed key by key, as a user does: each keystroke also runs the editor's suggestions.
  await page.keyboard.type(' Edited', { delay: 60 });
  await expect.poll(() => kqlText(page), { timeout: 30_000 }).toContain('Vulnerable Driver Load By Hash Edited');
  // The markers and the events' verdicts follow the preview; let their tasks run too.
  await page.waitForTimeout(500);
  const longestCpu = await cpu.stop();
  const longest = await longestTaskSince(page, since);
  test.info().annotations.push({ type: 'longest main-thread task (ms)', description: `${Math.round(longest)} wall, ${Math.round(longestCpu)} cpu` });
  // Issue 4's budget is 50 ms per task. The app's own work per task (thread time) is ~15 ms here
  // (bench/main-thread-budget.ts prints it per interaction); the wall-time bound leaves room for a
  // loaded 2-core machine, where the page waits for a core inside its tasks.
  expect(longestCpu, 'longest main-thread task, thread time (ms)').toBeLessThan(50);
  expect(longest, 'longest main-thread task, wall time (ms)').toBeLessThan(200);
});
