/**
 * Issue 8 in the playground: the Sigma specification's worked example "Failed Logins Followed
 * by Successful Login" (grouped by TargetUserName, the Security log's field, so every query
 * target that reads that log maps it) with timestamped events: the correlation view shows
 * which groups fire and why, the events that formed them (a click opens the row), a timeline,
 * the event-time field (ambiguous here: a select chooses it), and the KQL preview shows the
 * correlation query with its window warning.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { kqlText, openApp, pasteEvents, typeRule } from './helpers.ts';

const RULE = readFileSync(new URL('../src/sigma/fixtures/correlation/failed_logins_followed_by_success.yml', import.meta.url), 'utf8').replaceAll(
  '        - User',
  '        - TargetUserName',
);

/** Security events: alice fails 10 times in 3 minutes, then logs on; bob fails 3 times, then logs on; carol only logs on. */
function events(withIngestion: boolean): string {
  const base = Date.parse('2024-05-02T09:00:00Z');
  const out: Array<Record<string, unknown>> = [];
  const add = (offsetS: number, EventID: number, user: string) => {
    const t = new Date(base + offsetS * 1000).toISOString();
    const e: Record<string, unknown> = { TimeGenerated: t, EventID, Channel: 'Security', Computer: 'dc01.corp.local', TargetUserName: user, TargetDomainName: 'CORP', IpAddress: '203.0.113.7', LogonType: 3 };
    // Ingestion lag: a second time field that disagrees with the first (the view must ask which one).
    if (withIngestion) e.TimeIngested = new Date(base + offsetS * 1000 + 95_000).toISOString();
    out.push(e);
  };
  for (let i = 0; i < 10; i++) add(i * 18, 4625, 'alice');
  add(200, 4624, 'alice');
  for (let i = 0; i < 3; i++) add(30 + i * 20, 4625, 'bob');
  add(120, 4624, 'bob');
  add(300, 4624, 'carol');
  return JSON.stringify(out, null, 1);
}

test('a multi-document correlation rule over timestamped events: which groups fire and why', async ({ page }) => {
  await openApp(page);
  await typeRule(page, RULE);

  // The KQL preview is the correlation's query, with the window warning.
  await expect.poll(() => kqlText(page)).toContain('row_window_session(_time, 10m, 10m');
  const kql = await kqlText(page);
  expect(kql).toContain('let multiple_failed_login = failed_login');
  expect(kql).toContain('_value >= 10');
  expect(kql).toContain('// Warning: Windows are session windows');
  await expect(page.getByTestId('kql-warnings')).toContainText('correlation-window');

  await pasteEvents(page, events(false));
  const view = page.getByTestId('correlation-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('timestamp-select')).toHaveValue('TimeGenerated');

  const outer = view.getByTestId('correlation-result').filter({ hasText: 'Followed by Successful Login' });
  const inner = view.getByTestId('correlation-result').filter({ hasText: 'Multiple failed logons' });
  // The event_count step: alice has 10 failed logons (fires), bob 3 (does not).
  await expect(inner.locator('[data-testid=correlation-group][data-group="TargetUserName=alice"]')).toHaveAttribute('data-fired', 'true');
  await expect(inner.locator('[data-testid=correlation-group][data-group="TargetUserName=alice"]')).toContainText('10 events >= 10');
  await expect(inner.locator('[data-testid=correlation-group][data-group="TargetUserName=bob"]')).toHaveAttribute('data-fired', 'false');
  await expect(inner.locator('[data-testid=correlation-group][data-group="TargetUserName=bob"]')).toContainText('3 events, not >= 10');
  // The temporal_ordered correlation: alice's burst followed by her logon fires; bob and carol only logged on.
  const alice = outer.locator('[data-testid=correlation-group][data-group="TargetUserName=alice"]');
  await expect(alice).toHaveAttribute('data-fired', 'true');
  await expect(alice).toContainText('multiple_failed_login → successful_login in order');
  await expect(outer.locator('[data-testid=correlation-group][data-group="TargetUserName=bob"]')).toHaveAttribute('data-fired', 'false');
  await expect(outer.locator('[data-testid=correlation-group][data-group="TargetUserName=carol"]')).toHaveAttribute('data-fired', 'false');
  await expect(page.getByTestId('correlations-tab')).toContainText('2');

  // The timeline draws one tick per occurrence: the chained burst counts once, the logon once.
  await expect(alice.getByTestId('correlation-timeline').locator('line')).toHaveCount(2);
  // The events that formed alice's group: her 10 failed logons and the logon (11), each a link to the row.
  const links = alice.getByTestId('correlation-event-link');
  await expect(links.first()).toHaveText('#1');
  await links.nth(10).click();
  await expect(page.locator('[data-testid=event-row][aria-selected=true]')).toHaveAttribute('data-event-index', '10');
  await expect(page.getByTestId('explanation')).toBeVisible();
});

test('an ambiguous event time is chosen by the user', async ({ page }) => {
  await openApp(page);
  await typeRule(page, RULE);
  await pasteEvents(page, events(true));
  const select = page.getByTestId('timestamp-select');
  await expect(page.getByTestId('timestamp-ambiguous')).toBeVisible();
  await expect(select.locator('option')).toHaveCount(2);
  await select.selectOption('TimeIngested');
  await expect(select).toHaveValue('TimeIngested');
  await expect(page.getByTestId('timestamp-ambiguous')).toBeHidden();
  // The same events, shifted together: the same groups fire.
  const outer = page.getByTestId('correlation-result').filter({ hasText: 'Followed by Successful Login' });
  await expect(outer.locator('[data-testid=correlation-group][data-group="TargetUserName=alice"]')).toHaveAttribute('data-fired', 'true');
});
