import { expect, test } from '@playwright/test';
import { kqlText, openApp, pasteEvents, ruleText } from './helpers.ts';

test('a share link restores rule, target, events, verdicts and the selected row in a fresh browser', async ({ page, browser }) => {
  await openApp(page);
  await page.getByTestId('target-select').selectOption('defender-xdr');
  await pasteEvents(page, [{ EventID: 3, Initiated: 'true', DestinationPort: 8080, DestinationIp: '8.8.8.8', Image: 'C:\\ünïcødé\\x.exe' }, { EventID: 3, Initiated: 'true', DestinationPort: 8080, DestinationIp: '10.1.1.1' }].map((e) => JSON.stringify(e)).join('\n'));
  const rows = page.locator('[data-testid=event-row]');
  await expect(rows).toHaveCount(2);
  await rows.nth(1).click();
  await expect(page.getByTestId('explanation')).toBeVisible();
  const rule = await ruleText(page);
  const query = await kqlText(page);

  await page.getByTestId('share-button').click();
  await expect.poll(() => page.url()).toMatch(/#v1\//);
  const link = page.url();

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('toast')).toContainText('Restored');
  await expect(other.locator('[data-testid=event-row]')).toHaveCount(2);
  expect(await other.evaluate(() => (window as any).__siglab.ruleModel.getValue())).toBe(rule);
  await expect(other.getByTestId('target-select')).toHaveValue('defender-xdr');
  await expect.poll(() => other.evaluate(() => (window as any).__siglab.kqlModel.getValue())).toBe(query);
  expect(await other.locator('[data-testid=event-row]').evaluateAll((r) => r.map((x) => x.getAttribute('data-verdict')))).toEqual(['match', 'filtered']);
  await expect(other.locator('[data-testid=event-row][aria-selected=true]')).toHaveAttribute('data-event-index', '1');
  await expect(other.getByTestId('explanation')).toBeVisible();
  await fresh.close();
});

test('a corrupt link says so and loads nothing half-broken', async ({ page }) => {
  await page.goto('/#v1/AAAAnot-a-real-payload');
  await expect(page.getByTestId('toast')).toBeVisible();
  await expect(page.getByTestId('toast')).not.toContainText('Restored');
  // The page still opens on the working example.
  await expect(page.locator('[data-testid=event-row]').first()).toBeVisible();
});

test('a binary .evtx file can be opened', async ({ page }) => {
  await openApp(page);
  await page.locator('input[type=file]').setInputFiles('src/engine/evtx/fixtures/extended-constructs.evtx');
  await expect(page.getByTestId('events-format')).toHaveText('EVTX');
  await expect(page.locator('[data-testid=event-row]').first()).toBeVisible();
});

test('an "open in siglab" prefill link opens the rule and target it names', async ({ page }) => {
  const rule = 'title: Prefilled Ünïcødé Rule\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image|endswith: \'\\whoami.exe\'\n    condition: selection\n';
  const b64 = Buffer.from(rule, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  await page.goto(`/#rule=${b64}&target=defender-xdr`);
  await expect.poll(() => ruleText(page)).toBe(rule);
  await expect(page.getByTestId('target-select')).toHaveValue('defender-xdr');
  await expect.poll(() => kqlText(page)).toContain('DeviceProcessEvents');
});

test('a prefill link without a target keeps the current target', async ({ page }) => {
  const rule = 'title: Prefilled Without Target\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains: whoami\n    condition: selection\n';
  await page.goto(`/#rule=${Buffer.from(rule, 'utf8').toString('base64url')}`);
  await expect.poll(() => ruleText(page)).toBe(rule);
  await expect(page.getByTestId('target-select')).toHaveValue('sentinel-asim');
  await expect.poll(() => kqlText(page)).toContain('imProcessCreate');
});
