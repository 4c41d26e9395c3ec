/**
 * Rule tests in the playground (issue 6): expected verdicts per event, checked live as the rule
 * changes, a failing one explained, carried by share links, and saved as a siglab test file that
 * `siglab test` runs with the same outcome.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openApp, pasteEvents, shareAndOpenFresh, typeRule } from './helpers.ts';

const RULE = `title: Whoami Execution By Non-Admin
id: 5f0b9e5e-1c1e-4a53-9d43-7d2b8c2e1a01
status: test
description: Detects whoami.exe run by anyone but the admin account.
author: siglab e2e
date: 2024-05-01
tags:
    - attack.discovery
    - attack.t1033
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    filter_admin:
        User: admin
    condition: selection and not filter_admin
level: high
`;

const EVENTS = [
  { EventID: 1, Image: 'C:\\Windows\\System32\\whoami.exe', User: 'bob' },
  { EventID: 1, Image: 'C:\\Windows\\System32\\whoami.exe', User: 'admin' },
  { EventID: 1, Image: 'C:\\Windows\\notepad.exe', User: 'bob' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

const rows = (page: Page) => page.locator('[data-testid=event-row]');
const selects = (page: Page) => page.locator('[data-testid=expect-select]');
const selectValues = (page: Page) => selects(page).evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value));
const testStates = (page: Page) => rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-test')));

async function loadRuleAndEvents(page: Page): Promise<void> {
  await openApp(page);
  await typeRule(page, RULE);
  await pasteEvents(page, EVENTS);
  await expect(rows(page)).toHaveCount(3);
  await expect.poll(() => rows(page).evaluateAll((r) => r.map((x) => x.getAttribute('data-verdict')))).toEqual(['match', 'filtered', 'nomatch']);
}

test('expectations: set, fail on a rule change with the explanation, and come back from a share link', async ({ page, browser }) => {
  await loadRuleAndEvents(page);
  await expect(page.getByTestId('test-summary')).toHaveCount(0);

  await selects(page).nth(0).selectOption('match');
  await selects(page).nth(1).selectOption('filtered:filter_admin');
  await selects(page).nth(2).selectOption('no-alert');
  await expect(page.getByTestId('test-summary')).toHaveText(/3\/3 pass/);
  expect(await testStates(page)).toEqual(['pass', 'pass', 'pass']);
  // Setting a mark does not open or close the row.
  await expect(page.locator('[data-testid=event-row][aria-selected=true]')).toHaveCount(0);

  // The filter goes: the admin's whoami now matches, so "should be filtered by filter_admin" fails.
  await typeRule(page, RULE.replace('condition: selection and not filter_admin', 'condition: selection'));
  await expect(page.getByTestId('test-summary')).toHaveText(/2\/3 pass/);
  await expect.poll(() => testStates(page)).toEqual(['pass', 'fail', 'pass']);
  await expect(page.locator('[data-testid=event-row][data-test=fail] [data-testid=expectation]')).toHaveAttribute('data-state', 'fail');

  // The failure: the failing row opens with the failure stated above its explanation tree.
  await page.getByTestId('test-next-failure').click();
  await expect(page.getByTestId('failing-only')).toHaveAttribute('aria-pressed', 'true');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-event-index', '1');
  await expect(rows(page).first()).toHaveAttribute('aria-selected', 'true');
  const banner = page.getByTestId('expectation-result');
  await expect(banner).toHaveAttribute('data-state', 'fail');
  await expect(banner).toContainText('expected filtered by filter_admin, got match');
  const tree = page.getByTestId('explanation');
  await expect(tree).toBeVisible();
  await expect(tree).toContainText('selection');
  // The banner comes first, then the tree.
  const order = await page.locator('.detail-tree').evaluate((el) => {
    const b = el.querySelector('[data-testid=expectation-result]')!;
    const t = el.querySelector('[data-testid=explanation]')!;
    return b.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  expect(order).toBeTruthy();

  // Fixing the rule makes the failing-only view empty and the summary green again.
  await typeRule(page, RULE);
  await expect(page.getByTestId('test-summary')).toHaveText(/3\/3 pass/);
  await expect(rows(page)).toHaveCount(0);
  await expect(page.getByTestId('events-table')).toContainText('No failing tests');
  await page.getByTestId('failing-only').click();
  await expect(rows(page)).toHaveCount(3);

  // Break it again and share.
  await typeRule(page, RULE.replace('condition: selection and not filter_admin', 'condition: selection'));
  await expect(page.getByTestId('test-summary')).toHaveText(/2\/3 pass/);
  const other = await shareAndOpenFresh(page, browser);
  await expect(other.getByTestId('toast')).toContainText('3 expected verdicts');
  await expect(rows(other)).toHaveCount(3);
  await expect(other.getByTestId('test-summary')).toHaveText(/2\/3 pass/);
  // `no-alert` and `filtered:<id>` survive the link exactly (not only their v1 approximation).
  expect(await selectValues(other)).toEqual(['match', 'filtered:filter_admin', 'no-alert']);
  await expect.poll(() => testStates(other)).toEqual(['pass', 'fail', 'pass']);
  await other.context().close();
});

test('expectations by keyboard, cleared with new events, and saved as a test file siglab test runs', async ({ page }) => {
  await loadRuleAndEvents(page);

  // m / f / n on the selected row (the table has focus after a row click).
  await rows(page).nth(0).click();
  await page.keyboard.press('m');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('f');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('n');
  expect(await selectValues(page)).toEqual(['match', 'filtered:filter_admin', 'no-alert']);
  await expect(page.getByTestId('test-summary')).toHaveText(/3\/3 pass/);
  await page.keyboard.press('x');
  expect(await selectValues(page)).toEqual(['match', 'filtered:filter_admin', '']);
  await expect(page.getByTestId('test-summary')).toHaveText(/2\/2 pass/);
  // The select itself is a focusable, labelled control.
  await expect(selects(page).nth(1)).toHaveAccessibleName(/Event 2: expected verdict/);

  // Make one fail, then download the playground as a test file.
  await typeRule(page, RULE.replace('User: admin', 'User: root'));
  await expect(page.getByTestId('test-summary')).toHaveText(/1\/2 pass/);
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-test-download').click()]);
  expect(download.suggestedFilename()).toBe('whoami_execution_by_non_admin.test.yml');
  const text = fs.readFileSync((await download.path())!, 'utf8');
  expect(text).toContain('filtered: "filter_admin"');
  // `siglab test` (the CLI) gives the same outcome as the page: the first passes, the second fails (exit 1).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siglab-e2e-'));
  const file = path.join(dir, download.suggestedFilename());
  fs.writeFileSync(file, text);
  let stdout = '';
  let status = 0;
  try {
    stdout = execFileSync(process.execPath, ['bin/siglab.mjs', 'test', file, '--json'], { encoding: 'utf8', timeout: 120_000 });
  } catch (e) {
    const err = e as { stdout: string; status: number };
    stdout = err.stdout;
    status = err.status;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  expect(status).toBe(1);
  const run = JSON.parse(stdout) as { files: Array<{ failed: number; outcomes: Array<{ kind: string; passed: boolean; message: string }> }> };
  // Event outcomes (the file's target also gets a compile check, which passes).
  const events = run.files[0].outcomes.filter((o) => o.kind === 'event');
  expect(events.map((o) => o.passed)).toEqual([true, false]);
  expect(events[1].message).toContain('expected filtered by filter_admin, got match');
  expect(run.files[0].failed).toBe(1);

  // New event input replaces the events, and their marks go with them.
  await pasteEvents(page, EVENTS.split('\n').slice(0, 2).join('\n'));
  await expect(rows(page)).toHaveCount(2);
  expect(await selectValues(page)).toEqual(['', '']);
  await expect(page.getByTestId('test-summary')).toHaveCount(0);
});

test('expectations are autosaved with the draft and survive a reload', async ({ page }) => {
  await loadRuleAndEvents(page);
  await selects(page).nth(1).selectOption('filtered:filter_admin');
  await selects(page).nth(2).selectOption('no-alert');
  await expect(page.getByTestId('test-summary')).toHaveText(/2\/2 pass/);
  await expect.poll(() => page.evaluate(() => localStorage.getItem('siglab.drafts.v1') ?? '')).toContain('filtered:filter_admin');
  await page.reload();
  await expect(rows(page)).toHaveCount(3);
  await expect.poll(() => selectValues(page)).toEqual(['', 'filtered:filter_admin', 'no-alert']);
  await expect(page.getByTestId('test-summary')).toHaveText(/2\/2 pass/);
});
