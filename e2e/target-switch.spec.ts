import { expect, test } from '@playwright/test';
import { kqlText, openApp } from './helpers.ts';

test('switching the target changes the query', async ({ page }) => {
  await openApp(page);
  const select = page.getByTestId('target-select');
  expect(await select.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(
    expect.arrayContaining(['sentinel-asim', 'defender-xdr', 'azure-monitor']),
  );
  const asim = await kqlText(page);

  await select.selectOption('defender-xdr');
  await expect.poll(() => kqlText(page)).not.toBe(asim);
  const defender = await kqlText(page);
  expect(defender).toContain('DeviceNetworkEvents');
  await expect(page.getByTestId('cli-command')).toHaveText('siglab convert rule.yml --target defender-xdr');

  await select.selectOption('azure-monitor');
  await expect.poll(() => kqlText(page)).not.toBe(defender);
  expect(await kqlText(page)).not.toBe(asim);

  // The verdicts do not depend on the target.
  await expect(page.locator('[data-testid=event-row][data-verdict=match]')).toHaveCount(2);
});
