import { expect, test } from '@playwright/test';
import { kqlText, openApp, pasteEvents, ruleText, shareAndOpenFresh } from './helpers.ts';

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

  const other = await shareAndOpenFresh(page, browser);
  await expect(other.getByTestId('toast')).toContainText('Restored');
  await expect(other.locator('[data-testid=event-row]')).toHaveCount(2);
  expect(await other.evaluate(() => (window as any).__siglab.ruleModel.getValue())).toBe(rule);
  await expect(other.getByTestId('target-select')).toHaveValue('defender-xdr');
  await expect.poll(() => other.evaluate(() => (window as any).__siglab.kqlModel.getValue())).toBe(query);
  expect(await other.locator('[data-testid=event-row]').evaluateAll((r) => r.map((x) => x.getAttribute('data-verdict')))).toEqual(['match', 'filtered']);
  await expect(other.locator('[data-testid=event-row][aria-selected=true]')).toHaveAttribute('data-event-index', '1');
  await expect(other.getByTestId('explanation')).toBeVisible();
  await other.context().close();
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

/** `n` NDJSON events, about 150 characters each: well above what is encoded on the main thread. */
const manyEvents = (n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ EventID: 3, Initiated: 'true', DestinationPort: i % 3 ? 8080 : 443, DestinationIp: `10.${i % 200}.${i % 7}.${i % 250}`, Image: `C:\\Users\\u${i % 31}\\t${i}.exe` })).join('\n');

test('a large share link is encoded off the page, copied to the clipboard and restores every event', async ({ page, browser, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  const events = manyEvents(2000);
  await pasteEvents(page, events);
  await expect.poll(() => page.evaluate(() => (window as any).__siglab.store.getState().results?.total)).toBe(2000);
  const rule = await ruleText(page);

  await page.getByTestId('share-button').click();
  await expect(page.getByTestId('share-button')).toHaveText('✓ Link copied');
  const link = page.url();
  expect(link).toMatch(/#v1\//);
  // The clipboard write was claimed at the click, before the worker answered, and holds the link.
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await expect(page.getByTestId('toast')).toContainText(/The link is [\d,]+ characters long; chat and wiki tools often cut links above 8,000/);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('toast')).toContainText('Restored');
  await expect.poll(() => other.evaluate(() => (window as any).__siglab.store.getState().results?.total)).toBe(2000);
  expect(await other.evaluate(() => (window as any).__siglab.store.getState().eventsText)).toBe(events);
  expect(await other.evaluate(() => (window as any).__siglab.ruleModel.getValue())).toBe(rule);
  await fresh.close();
});

test('events that do not fit in a link offer a rule-only link, which is copied', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  // About 1.5 MB of random text: it does not compress below the 1,000,000-character link limit.
  const events = await page.evaluate(() => {
    const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const lines: string[] = [];
    for (let i = 0; i < 1500; i++) {
      let s = '';
      for (let j = 0; j < 1000; j++) s += abc[(Math.random() * 64) | 0];
      lines.push(JSON.stringify({ EventID: 1, CommandLine: s }));
    }
    return lines.join('\n');
  });
  await pasteEvents(page, events);
  await expect.poll(() => page.evaluate(() => (window as any).__siglab.store.getState().results?.total)).toBe(1500);

  await page.getByTestId('share-button').click();
  await expect(page.getByTestId('toast')).toContainText('The events are too large for a link. Share the rule and target without them?');
  expect(page.url()).not.toMatch(/#v1\//);
  await page.getByTestId('toast-action').click();
  await expect.poll(() => page.url()).toMatch(/#v1\//);
  await expect(page.getByTestId('toast')).toContainText('This link carries the rule and target only, as chosen.');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
});
