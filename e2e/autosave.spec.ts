/**
 * Keeping the user's work (issue 5): autosave while typing, a reload loses nothing, opening a link
 * over unsaved work keeps both, a full storage says so, a dropped .yml opens and keeps the old rule.
 */
import { expect, test } from '@playwright/test';
import { openApp, ruleText, typeRule, PROCESS_RULE } from './helpers.ts';
import { encodePermalink } from '../src/share/permalink.ts';

const LINK_RULE = `title: Rule From A Link
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\\\certutil.exe'
    condition: selection
`;

async function waitSaved(page: import('@playwright/test').Page) {
  await expect.poll(() => page.evaluate(() => localStorage.getItem('siglab.drafts.v1') ?? '')).toContain('Cmd Spawned By Office');
}

test('typed work survives a reload and is listed in Drafts', async ({ page }) => {
  await openApp(page);
  await typeRule(page, PROCESS_RULE);
  await waitSaved(page);
  await page.reload();
  await expect.poll(() => ruleText(page)).toBe(PROCESS_RULE);
  await page.getByTestId('drafts-button').click();
  await expect(page.getByTestId('autosave-status')).toContainText('Nothing is uploaded');
  await expect(page.getByTestId('draft-item').filter({ hasText: 'Cmd Spawned By Office' })).toBeVisible();
});

test('opening a link over unsaved work keeps the draft and offers it back', async ({ page }) => {
  await openApp(page);
  await typeRule(page, PROCESS_RULE);
  await waitSaved(page);
  // The link arrives in the same tab (pasted into the address bar: only the fragment changes).
  await page.evaluate((f) => (location.hash = f), encodePermalink({ rule: LINK_RULE, target: 'defender-xdr' }));
  await expect.poll(() => ruleText(page)).toBe(LINK_RULE);
  await expect(page.getByTestId('toast')).toContainText('Restored from the link');
  const banner = page.getByTestId('draft-banner');
  await expect(banner).toContainText('Cmd Spawned By Office');
  // A reload now shows the latest work, not the link again over it.
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('');
  await page.getByTestId('draft-banner-restore').click();
  await expect.poll(() => ruleText(page)).toBe(PROCESS_RULE);
  // And the link's rule is kept too: both are recoverable.
  await page.getByTestId('drafts-button').click();
  await expect(page.getByTestId('draft-item').filter({ hasText: 'Rule From A Link' })).toBeVisible();
});

test('a link opened in a fresh load of a tab keeps that tab’s draft', async ({ page }) => {
  await openApp(page);
  await typeRule(page, PROCESS_RULE);
  await waitSaved(page);
  await page.goto(`/#${encodePermalink({ rule: LINK_RULE, target: 'sentinel-asim' })}`);
  await expect.poll(() => ruleText(page)).toBe(LINK_RULE);
  await expect(page.getByTestId('draft-banner')).toContainText('Cmd Spawned By Office');
  await page.getByTestId('draft-banner-restore').click();
  await expect.poll(() => ruleText(page)).toBe(PROCESS_RULE);
});

test('a corrupt link loads nothing and leaves the draft in place', async ({ page }) => {
  await openApp(page);
  await typeRule(page, PROCESS_RULE);
  await waitSaved(page);
  const good = encodePermalink({ rule: LINK_RULE, target: 'sentinel-asim' });
  await page.goto(`/#${good.slice(0, Math.floor(good.length * 0.6))}`);
  await expect(page.getByTestId('toast')).toBeVisible();
  await expect(page.getByTestId('toast')).not.toContainText('Restored');
  await expect.poll(() => ruleText(page)).toBe(PROCESS_RULE);
});

test('a full browser storage is reported, not silently ignored', async ({ page }) => {
  await page.addInitScript(() => {
    const real = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key: string, value: string) {
      if (key.startsWith('siglab.draft')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return real.call(this, key, value);
    };
  });
  await openApp(page);
  // The first failed save (the example, or the typed rule) says so once, with a way to keep the rule.
  await typeRule(page, PROCESS_RULE);
  await expect(page.getByTestId('toast')).toContainText('storage for this site is full');
  const download = page.waitForEvent('download');
  await page.getByTestId('toast-action').filter({ hasText: 'Download rule' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.yml$/);
  await expect(page.getByTestId('drafts-button')).toContainText('Not saved');
});

test('dropping a .yml file opens the rule and keeps the previous one', async ({ page }) => {
  await openApp(page);
  await typeRule(page, PROCESS_RULE);
  await waitSaved(page);
  const dt = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'certutil.yml', { type: 'application/yaml' }));
    return dt;
  }, LINK_RULE);
  await page.locator('[data-testid=kql-preview]').dispatchEvent('drop', { dataTransfer: dt });
  await expect.poll(() => ruleText(page)).toBe(LINK_RULE);
  await expect(page.getByTestId('toast')).toContainText('Opened certutil.yml');
  await page.getByTestId('drafts-button').click();
  await expect(page.locator('[data-testid=draft-item][data-kind=before-open]').filter({ hasText: 'Cmd Spawned By Office' })).toBeVisible();
});
