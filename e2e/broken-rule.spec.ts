import { expect, test } from '@playwright/test';
import { kqlText, openApp, placeCursorAfter, ruleMarkers } from './helpers.ts';

test('a broken rule shows a marker and a message while the last good KQL stays, marked stale', async ({ page }) => {
  await openApp(page);
  const good = await kqlText(page);
  expect(good).toContain('ipv4_is_in_range');

  // Break a modifier: `DestinationIp|cidr` → `DestinationIp|cidrx`.
  await placeCursorAfter(page, 'DestinationIp|cidr');
  await page.keyboard.insertText('x');

  await expect.poll(async () => (await ruleMarkers(page)).map((m) => m.code)).toContain('unknown-modifier');
  const marker = (await ruleMarkers(page)).find((m) => m.code === 'unknown-modifier')!;
  expect(marker.severity).toBe(8); // MarkerSeverity.Error
  expect(marker.message).toMatch(/cidrx/);

  const diag = page.getByTestId('diagnostics');
  await expect(diag.locator('[data-code=unknown-modifier]')).toContainText('cidrx');
  await expect(page.getByTestId('kql-stale')).toBeVisible();
  await expect(page.getByTestId('kql-status')).toHaveText(/Stale/);
  expect(await kqlText(page)).toBe(good);

  // The quick fix restores the rule, and the preview is live again.
  const fix = diag.locator('[data-code=unknown-modifier] .btn-fix').first();
  await expect(fix).toContainText('cidr');
  await fix.click();
  await expect(page.getByTestId('kql-stale')).toHaveCount(0);
  await expect(page.getByTestId('diagnostics')).toContainText('No problems');
});

test('a YAML syntax error is reported with its position and keeps the last good query', async ({ page }) => {
  await openApp(page);
  const good = await kqlText(page);
  await placeCursorAfter(page, "Initiated: 'true'");
  await page.keyboard.insertText("\n  bad: [unclosed");
  await expect.poll(async () => (await ruleMarkers(page)).filter((m) => m.owner === 'siglab' && m.severity === 8).length).toBeGreaterThan(0);
  await expect(page.getByTestId('kql-stale')).toBeVisible();
  expect(await kqlText(page)).toBe(good);
});
