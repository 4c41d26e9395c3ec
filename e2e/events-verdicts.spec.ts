import { expect, test } from '@playwright/test';
import { openApp, pasteEvents } from './helpers.ts';

const EVENTS = [
  { EventID: 3, Initiated: 'true', DestinationPort: 8080, DestinationIp: '8.8.8.8', Image: 'C:\\Users\\a\\x.exe' },
  { EventID: 3, Initiated: 'true', DestinationPort: 8080, DestinationIp: '10.0.0.1', Image: 'C:\\Users\\a\\x.exe' },
  { EventID: 3, Initiated: 'true', DestinationPort: 443, DestinationIp: '8.8.8.8', Image: 'C:\\Users\\a\\x.exe' },
  { EventID: 3, Initiated: 'true', DestinationPort: 8888, DestinationIp: 'fe80::1', Image: 'C:\\Tools\\y.exe' },
];

test('pasted events get verdicts, counts and explanations', async ({ page }) => {
  await openApp(page);
  await pasteEvents(page, EVENTS.map((e) => JSON.stringify(e)).join('\n'));

  const rows = page.locator('[data-testid=event-row]');
  await expect(rows).toHaveCount(4);
  await expect(page.getByTestId('events-format')).toHaveText('NDJSON');
  expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-verdict')))).toEqual(['match', 'filtered', 'nomatch', 'filtered']);
  await expect(rows.nth(1)).toContainText('filter_main_local_ranges');
  await expect(page.getByTestId('filter-match')).toContainText('1');
  await expect(page.getByTestId('filter-filtered')).toContainText('2');

  // Filtering by verdict.
  await page.getByTestId('filter-nomatch').click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-verdict', 'nomatch');

  // The explanation says which value failed and why.
  await rows.first().click();
  const tree = page.getByTestId('explanation');
  await expect(tree).toBeVisible();
  await expect(tree.locator('[data-ok=false]').first()).toBeVisible();
  await expect(tree).toContainText('DestinationPort');
  await expect(tree).toContainText('443');
  await expect(tree.locator('.xicon-ok').first()).toHaveText('✓');
  await expect(tree.locator('.xicon-bad').first()).toHaveText('✗');
});

test('read errors carry line numbers; an event edited in place is re-evaluated', async ({ page }) => {
  await openApp(page);
  await pasteEvents(page, `${JSON.stringify(EVENTS[2])}\n{"Initiated": "true", broken\n${JSON.stringify(EVENTS[0])}`);
  await expect(page.getByTestId('events-errors')).toContainText('line 2');
  const rows = page.locator('[data-testid=event-row]');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toHaveAttribute('data-verdict', 'nomatch');

  await rows.first().click();
  const editor = page.getByTestId('event-editor');
  await expect(editor).toBeVisible();
  const edited = (await editor.inputValue()).replace('443', '8888');
  await editor.fill(edited);
  await page.getByTestId('event-apply').click();
  await expect(rows.first()).toHaveAttribute('data-verdict', 'match');
});

test('the field panel flags rule fields that appear in no event', async ({ page }) => {
  await openApp(page);
  await pasteEvents(page, JSON.stringify([{ EventID: 3, Initiated: 'true', DestPort: 8080, DestinationIp: '8.8.8.8' }]));
  await expect(page.getByTestId('missing-fields-hint')).toContainText('DestinationPort');
  await page.getByTestId('fields-tab').click();
  const panel = page.getByTestId('field-panel');
  await expect(panel).toContainText('DestPort');
  await expect(panel.locator('.field-missing')).toContainText(['DestinationPort']);
});
