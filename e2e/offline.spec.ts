import { expect, test } from '@playwright/test';
import { kqlText, openApp } from './helpers.ts';

test('after the first visit the playground works offline', async ({ page, context }) => {
  await openApp(page);
  // Wait until the service worker controls the page and has stored the app.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).length)).toBeGreaterThan(0);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('[data-testid=event-row]').first()).toBeVisible();
  await expect.poll(() => kqlText(page)).toContain('where');
  // The Kusto language service (loaded in a worker) comes from the cache too.
  await expect(page.getByTestId('kql-status')).toHaveText(/^Valid KQL/, { timeout: 30_000 });
  await context.setOffline(false);
});
