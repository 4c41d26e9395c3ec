/**
 * Issue 4: the events panel's header and toolbar stay readable at 1280×720 (the rule card open or
 * closed, the panel at its default and at its narrowest split) and at 1920×1080, in their most
 * crowded state: a file with a long name, tests with a failure, a correlation rule (four tabs).
 * No control is clipped, pushed outside its bar or drawn over another; only the source file name
 * may give way (its full text is in the tooltip).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openApp, typeRule } from './helpers.ts';

const RULE = readFileSync(new URL('../src/sigma/fixtures/correlation/failed_logins_followed_by_success.yml', import.meta.url), 'utf8').replaceAll('        - User', '        - TargetUserName');
const SOURCE = 'sysmon-and-security-events-exported-from-dc01-2024-05-02T09-00.ndjson';

/** 30 Security events for the correlation rule (its counts are drawn with tabular digits, so their number hardly matters). */
const EVENTS = Array.from({ length: 30 }, (_, i) =>
  JSON.stringify({ TimeGenerated: new Date(Date.parse('2024-05-02T09:00:00Z') + i * 15_000).toISOString(), EventID: i % 3 ? 4625 : 4624, Channel: 'Security', TargetUserName: i % 2 ? 'alice' : 'bob', IpAddress: '203.0.113.7' }),
).join('\n');

/** Every way a control of the events header or toolbar is not fully readable, as sentences. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const name = (el: Element) => `${(el as HTMLElement).dataset.testid ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30)} (${el.tagName.toLowerCase()}.${[...el.classList].join('.')})`;
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const bars = [...document.querySelectorAll('section.events-panel :is(.events-head, .events-toolbar)')];
    if (bars.length !== 2) problems.push(`expected the header and the toolbar, found ${bars.length} bars`);
    for (const bar of bars) {
      if (bar.scrollWidth > bar.clientWidth) problems.push(`${name(bar)} scrolls sideways (${bar.scrollWidth} > ${bar.clientWidth})`);
      const box = bar.getBoundingClientRect();
      // The controls and texts a detection engineer reads; the source name alone may be ellipsised.
      const controls = [...bar.querySelectorAll('h2, button, .chip, .tests-chip, .meta-count, .tests-hint')].filter(shown);
      for (const c of controls) {
        const r = c.getBoundingClientRect();
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) problems.push(`${name(c)} lies outside its bar`);
        if (c.scrollWidth > c.clientWidth + 1) problems.push(`${name(c)} is cut off (${c.scrollWidth} > ${c.clientWidth})`);
      }
      for (let i = 0; i < controls.length; i++) {
        for (let j = i + 1; j < controls.length; j++) {
          const [a, b] = [controls[i], controls[j]];
          if (a.contains(b) || b.contains(a)) continue;
          const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
          const overlap = Math.min(p.right, q.right) - Math.max(p.left, q.left) > 0.5 && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 0.5;
          if (overlap) problems.push(`${name(a)} overlaps ${name(b)}`);
        }
      }
    }
    return problems;
  });
}

/** What must be on screen, whatever the width. */
async function expectEverythingShown(page: Page): Promise<void> {
  for (const id of ['events-format', 'events-count', 'test-summary', 'test-next-failure', 'failing-only', 'test-import', 'download-events', 'filter-all', 'filter-match', 'filter-filtered', 'filter-nomatch', 'fields-tab', 'query-tab', 'correlations-tab']) {
    await expect(page.getByTestId(id), id).toBeVisible();
  }
  await expect(page.getByRole('button', { name: /Open file/ })).toBeVisible();
  await expect(page.getByTestId('events-count')).toHaveText(/^30 events · [\d.]+ KB$/);
  await expect(page.locator('section.events-panel .meta')).toHaveAttribute('title', new RegExp(`from ${SOURCE}`));
  expect(await layoutProblems(page)).toEqual([]);
}

test('the events header and toolbar: nothing cut off or overlapping at 1280×720 and 1920×1080; unmarked tests stay quiet', async ({ page }) => {
  await openApp(page);
  await typeRule(page, RULE);
  await page.evaluate(([text, source]) => (window as any).__siglab.store.getState().setEventsText(text, source), [EVENTS, SOURCE]);
  await expect(page.getByTestId('events-count')).toHaveText(/^30 events/);
  // A correlation rule opens on its Correlations tab; the tests are set in the verdict table.
  await expect(page.getByTestId('correlations-tab')).toBeVisible();
  await page.getByRole('tab', { name: 'Verdicts' }).click();
  // Tests, one of them failing (m on an event that does not match).
  for (const [i, key] of [[0, 'm'], [1, 'n'], [2, 'n']] as const) {
    await page.locator(`[data-testid=event-row][data-event-index="${i}"]`).focus();
    await page.keyboard.press(key);
  }
  await expect(page.getByTestId('test-next-failure')).toBeVisible();

  // Unmarked rows are quiet (a dash); the focused row shows its "test…" control, which is its tab stop.
  await page.mouse.move(0, 0);
  const control = (i: number) => page.locator(`[data-testid=event-row][data-event-index="${i}"] [data-testid=expectation]`);
  await page.locator('[data-testid=event-row][data-event-index="4"]').focus();
  await expect(control(4).locator('.expect-short')).toBeVisible();
  await expect(control(4).locator('.expect-dash')).toBeHidden();
  await expect(control(5).locator('.expect-short')).toBeHidden();
  await expect(control(5).locator('.expect-dash')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(control(4).locator('[data-testid=expect-select]')).toBeFocused();
  await expect(control(4).locator('.expect-short')).toBeVisible();
  // The pointer over a row shows it too; a marked row always shows its mark.
  await page.locator('[data-testid=event-row][data-event-index="5"]').hover();
  await expect(control(5).locator('.expect-short')).toBeVisible();
  await expect(control(0).locator('.expect-short')).toHaveText('match');
  await page.getByTestId('filter-nomatch').click();

  await expectEverythingShown(page);
  await page.getByTestId('rule-card-toggle').click();
  await expect(page.getByTestId('rule-card')).toBeVisible();
  await expectEverythingShown(page);
  await page.getByTestId('rule-card-toggle').click();

  // The events panel at its narrowest (the editor split at its maximum, 70%).
  const divider = page.locator('[role=separator]').first();
  await divider.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await expect(divider).toHaveAttribute('aria-valuenow', '70');
  await expectEverythingShown(page);

  await page.setViewportSize({ width: 1920, height: 1080 });
  await expectEverythingShown(page);
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
  await expectEverythingShown(page);
  await page.getByTestId('rule-card-toggle').click();
  await expectEverythingShown(page);
});
