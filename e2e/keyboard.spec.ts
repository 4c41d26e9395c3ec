/**
 * The playground by keyboard only: the main controls are reachable with Tab and operable with
 * Enter, Space, arrows and Escape, with a visible focus; the events table is one tab stop whose
 * rows the arrow keys walk (through the virtual list), Enter expands a row's explanation and
 * highlights the rule lines that decided it, and the explanation tree is walked with arrows too.
 */
import { expect, test, type Page } from '@playwright/test';
import { kqlText, openApp, pasteEvents } from './helpers.ts';

/** What has the focus: its test id, or its tag and class. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    return el.dataset.testid ?? `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
  });
}

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 60, key = 'Tab'): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${selector} not reached by ${key} in ${max} presses (focus is on ${await focused(page)})`);
}

/** The focused element draws a visible outline (the focus ring is not suppressed). */
async function expectVisibleFocus(page: Page): Promise<void> {
  const style = await page.evaluate(() => {
    const cs = getComputedStyle(document.activeElement as Element);
    return { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) };
  });
  expect(style.style).not.toBe('none');
  expect(style.width).toBeGreaterThan(0);
}

async function decisiveLines(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const lines = new Set<number>();
    for (const d of (window as any).__siglab.ruleModel.getAllDecorations()) {
      if (d.options.className === 'rule-decisive') for (let l = d.range.startLineNumber; l <= d.range.endLineNumber; l++) lines.add(l);
    }
    return [...lines].sort((a, b) => a - b);
  });
}

const row = '[data-testid=event-row]';

test('the header and KQL controls work by keyboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await page.keyboard.press('Tab');
  await tabTo(page, '[data-testid=examples-button]', 5);
  await expectVisibleFocus(page);

  // Examples: Enter opens the gallery, Escape closes it and focus comes back.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('gallery')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('gallery')).toBeHidden();

  // Drafts: Enter opens the popover with focus inside it; Escape closes and returns focus.
  await tabTo(page, '[data-testid=drafts-button]', 5);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('drafts-menu')).toBeVisible();
  await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid=drafts-menu]'))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('drafts-menu')).toHaveCount(0);
  await expect(page.getByTestId('drafts-button')).toBeFocused();

  // Share: Enter puts the link on the clipboard.
  await tabTo(page, '[data-testid=share-button]', 5);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('#');

  // Theme: Space switches it.
  await tabTo(page, '[data-testid=theme-toggle]', 5);
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.keyboard.press('Space');
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).not.toBe(before);

  // The rule card opens and closes by keyboard.
  await tabTo(page, '[data-testid=rule-card-toggle]', 10);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('rule-card')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('rule-card')).toHaveCount(0);

  // The rule editor keeps Tab for indentation; Ctrl+M (Monaco's tab-focus mode) lets Tab leave it.
  await tabTo(page, '[data-testid=rule-editor] :is(textarea, .native-edit-context)', 10);
  await page.keyboard.press('Control+m');
  await tabTo(page, '[data-testid=target-select]', 20);
  await expectVisibleFocus(page);

  // The target select: arrows change the target and the query.
  const kql = await kqlText(page);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => kqlText(page)).not.toBe(kql);

  // Export: Enter opens the menu on its first item, arrows move, Escape closes.
  await tabTo(page, '[data-testid=export-menu]', 10);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu', { name: 'Export' })).toBeVisible();
  await expect(page.getByTestId('export-sentinel-download')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-sentinel-copy')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu', { name: 'Export' })).toHaveCount(0);

  // Copy the query.
  await tabTo(page, '[data-testid=copy-kql]', 10);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(await kqlText(page));
});

test('the events table: arrows, Home/End, Enter expands and highlights, the tree by keyboard, tests by letter', async ({ page }) => {
  await openApp(page);
  // Enough rows that the virtual list must scroll to reach the last one.
  const events = Array.from({ length: 400 }, (_, i) => ({ EventID: 3, Initiated: 'true', DestinationPort: i % 2 ? 8080 : 443, DestinationIp: i % 3 ? '8.8.8.8' : '10.0.0.1', Image: `C:\\Temp\\p${i}.exe` }));
  await pasteEvents(page, events.map((e) => JSON.stringify(e)).join('\n'));
  await expect(page.locator(`${row}[data-event-index="0"]`)).toBeVisible();
  const text: string = await page.evaluate(() => (window as any).__siglab.ruleModel.getValue());
  const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

  // Tab reaches the verdict filters and tabs (operable), then the table: one stop, on its first row.
  await page.getByTestId('events-input').focus();
  await tabTo(page, '[data-testid=filter-match]', 10);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('filter-match')).toHaveAttribute('aria-pressed', 'true');
  await tabTo(page, '[data-testid=filter-all]', 5, 'Shift+Tab');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('filter-all')).toHaveAttribute('aria-pressed', 'true');
  // The view tabs are one tab stop (the selected tab); arrows, Home and End move and select.
  const tabs = page.locator('section.events-panel [role=tablist] [role=tab]');
  const verdictsTab = tabs.first();
  await tabTo(page, '[role=tab]', 10);
  await expect(verdictsTab).toBeFocused();
  await expectVisibleFocus(page);
  await expect(tabs).toHaveCount(3);
  await expect.poll(() => tabs.evaluateAll((els) => els.map((e) => e.getAttribute('tabindex')))).toEqual(['0', '-1', '-1']);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('fields-tab')).toBeFocused();
  await expect(page.getByTestId('fields-tab')).toHaveAttribute('aria-selected', 'true');
  await expect(verdictsTab).toHaveAttribute('aria-selected', 'false');
  await expect.poll(() => tabs.evaluateAll((els) => els.map((e) => e.getAttribute('tabindex')))).toEqual(['-1', '0', '-1']);
  // Each tab names the panel it controls; the panel is labelled by the selected tab.
  const panelId = await page.getByTestId('fields-tab').getAttribute('aria-controls');
  expect(panelId).toBeTruthy();
  const panel = page.locator(`[id="${panelId}"]`);
  await expect(panel).toHaveAttribute('role', 'tabpanel');
  await expect(panel).toHaveAttribute('aria-labelledby', (await page.getByTestId('fields-tab').getAttribute('id'))!);
  await expect(panel.locator('.field-panel')).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByTestId('query-tab')).toBeFocused();
  await expect(page.getByTestId('query-tab')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(verdictsTab).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('query-tab')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(verdictsTab).toBeFocused();
  await expect(verdictsTab).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator(row).first()).toBeVisible();
  // From the tab list, one Tab reaches the table: the other tabs are not stops.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).not.toBe('tab');
  await tabTo(page, row, 3);
  await expect(page.locator(row).first()).toBeFocused();
  await expectVisibleFocus(page);

  // Arrows move the focus, not the selection.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator(`${row}[data-event-index="2"]`)).toBeFocused();
  await expect(page.locator(`${row}[aria-selected=true]`)).toHaveCount(0);

  // End: the last row, scrolled into the virtual window; Home: back to the first.
  await page.keyboard.press('End');
  await expect(page.locator(`${row}[data-event-index="399"]`)).toBeFocused();
  await expect(page.locator(`${row}[data-event-index="399"]`)).toBeInViewport();
  await page.keyboard.press('Home');
  await expect(page.locator(`${row}[data-event-index="0"]`)).toBeFocused();
  await page.keyboard.press('PageDown');
  await expect.poll(() => page.evaluate(() => Number((document.activeElement as HTMLElement).dataset.eventIndex))).toBeGreaterThan(3);
  await page.keyboard.press('Home');

  // Row 2 (port 8080, public address): a match. Enter expands it and highlights the lines that decided it.
  await page.keyboard.press('ArrowDown');
  await expect(page.locator(`${row}[data-event-index="1"]`)).toHaveAttribute('data-verdict', 'match');
  await page.keyboard.press('Enter');
  await expect(page.locator(`${row}[data-event-index="1"]`)).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('explanation')).toBeVisible();
  await expect.poll(() => decisiveLines(page)).toContain(lineOf('DestinationPort:'));
  await expect(page.locator(`${row}[data-event-index="1"]`)).toBeFocused();

  // While a row is expanded, the expansion follows the arrows (row 3: port 443, no match).
  await page.keyboard.press('ArrowDown');
  await expect(page.locator(`${row}[data-event-index="2"]`)).toBeFocused();
  await expect(page.locator(`${row}[data-event-index="2"]`)).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('explanation')).toContainText('443');

  // m marks the focused row "should match" (it does not: the test fails).
  await page.keyboard.press('m');
  await expect(page.locator(`${row}[data-event-index="2"]`)).toHaveAttribute('data-test', 'fail');

  // Tab goes from the row to its test select, then into the explanation tree (one stop).
  await page.keyboard.press('Tab');
  await expect(page.locator(`${row}[data-event-index="2"] [data-testid=expect-select]`)).toBeFocused();
  await tabTo(page, '[data-testid=explanation] button.xmain', 10);
  const nodes = page.getByTestId('explanation').locator('button.xmain');
  await expect(nodes.first()).toBeFocused();
  await expectVisibleFocus(page);
  await page.keyboard.press('ArrowDown');
  await expect(nodes.nth(1)).toBeFocused();
  // ← on an open node collapses it, → opens it again.
  const item = page.getByTestId('explanation').locator('[role=treeitem]').nth(1);
  await expect(item).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(item).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowRight');
  await expect(item).toHaveAttribute('aria-expanded', 'true');
  // Enter on a node highlights its own rule lines (the condition node: the condition line).
  await page.keyboard.press('Enter');
  await expect.poll(() => decisiveLines(page)).toEqual([lineOf('    condition:')]);
  // The tree's keys stay in the tree: the table's focus did not move.
  await expect(page.locator(`${row}[data-event-index="2"]`)).toHaveAttribute('aria-expanded', 'true');

  // Shift+Tab back to the row; Escape collapses it and clears the highlight.
  await tabTo(page, `${row}[data-event-index="2"]`, 10, 'Shift+Tab');
  await page.keyboard.press('Escape');
  await expect(page.locator(`${row}[data-event-index="2"]`)).toHaveAttribute('aria-expanded', 'false');
  await expect.poll(() => decisiveLines(page)).toEqual([]);
  await expect(page.locator(`${row}[data-event-index="2"]`)).toBeFocused();
});
