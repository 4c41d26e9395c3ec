import { expect, test } from '@playwright/test';
import { kqlText, openApp, ruleText } from './helpers.ts';
import { readFileSync } from 'node:fs';

test('the rule, query and events can be downloaded; a dropped .yml opens', async ({ page }) => {
  await openApp(page);
  const [kql] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-kql').click()]);
  expect(kql.suggestedFilename()).toMatch(/\.sentinel-asim\.kql$/);
  expect(readFileSync((await kql.path())!, 'utf8')).toBe(await kqlText(page));
  const [yml] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-rule').click()]);
  expect(yml.suggestedFilename()).toBe('communication_to_uncommon_destination_ports.yml');
  expect(readFileSync((await yml.path())!, 'utf8')).toBe(await ruleText(page));
  const [ev] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-events').click()]);
  expect(JSON.parse(readFileSync((await ev.path())!, 'utf8'))).toHaveLength(9);

  const rule = 'title: Dropped Rule\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        Image|endswith: \\\\whoami.exe\n    condition: sel\n';
  await page.locator('.rule-panel').evaluate((el, text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.yml', { type: 'application/yaml' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, rule);
  await expect.poll(() => ruleText(page)).toBe(rule);
  await expect.poll(() => kqlText(page)).toContain('whoami.exe');
});
