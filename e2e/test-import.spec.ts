/**
 * Importing and exporting tests in the playground (issue 6): a Zircolite test JSON for the rule
 * in the editor, a sigma-test rule, and SigmaHQ regression data picked as several files load the
 * events and their expected verdicts (and the rule when the file carries one); an import that
 * cannot work says why and changes nothing; the sigma-test and SigmaHQ exports read back to the
 * same marks.
 */
import fs from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { openApp, ruleText, typeRule } from './helpers.ts';

const RULE = `title: Whoami Execution By Non-Admin
id: 5f0b9e5e-1c1e-4a53-9d43-7d2b8c2e1a01
status: test
author: siglab e2e
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

const WHOAMI = (User: string) => ({ Image: 'C:\\Windows\\System32\\whoami.exe', User });
const ZIRCOLITE = JSON.stringify([
  {
    id: '5f0b9e5e-1c1e-4a53-9d43-7d2b8c2e1a01',
    true_positive: [WHOAMI('bob')],
    // carol is not admin: the rule fires, so this "should not match" fails.
    true_negative: [WHOAMI('admin'), { Image: 'C:\\Windows\\notepad.exe', User: 'bob' }, WHOAMI('carol')],
  },
]);

const SIGMA_TEST = `title: SSH Login As Root
id: 7c1e4b2a-9d3f-4e6a-8b5c-1f2e3d4c5b6a
logsource:
    product: linux
    service: sshd
detection:
    selection:
        user: root
        action: accepted
    filter_main_jump_host:
        src_ip: 10.0.8.10
    condition: selection and not filter_main_jump_host
level: high
testcases:
    match:
        - {user: root, action: accepted, src_ip: 203.0.113.7}
    dont-match:
        - {user: root, action: accepted, src_ip: 10.0.8.10}
        - {user: alice, action: accepted, src_ip: 203.0.113.7}
`;

const rows = (page: Page) => page.locator('[data-testid=event-row]');
const selectValues = (page: Page) => page.locator('[data-testid=expect-select]').evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value));

async function importFiles(page: Page, files: Array<{ name: string; text: string }>): Promise<void> {
  await page.getByTestId('test-import').click();
  await expect(page.getByTestId('test-import-dialog')).toBeVisible();
  await page.getByTestId('test-import-input').setInputFiles(files.map((f) => ({ name: f.name, mimeType: f.name.endsWith('.json') ? 'application/json' : 'application/yaml', buffer: Buffer.from(f.text) })));
}

/** Drops files on an element as the browser does (dragenter, dragover, drop with a DataTransfer). */
async function dropFiles(page: Page, testId: string, files: Array<{ name: string; text: string }>): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name));
    return dt;
  }, files);
  for (const type of ['dragenter', 'dragover', 'drop']) await page.getByTestId(testId).dispatchEvent(type, { dataTransfer: transfer });
}

test('a Zircolite JSON loads its events and marks for the rule in the editor; a JSON for another rule says which it needs', async ({ page }) => {
  await openApp(page);
  await typeRule(page, RULE);
  await importFiles(page, [{ name: 'whoami.zircolite.json', text: ZIRCOLITE }]);
  await expect(page.getByTestId('test-import-dialog')).toHaveCount(0);
  await expect(page.getByTestId('toast')).toContainText('Imported whoami.zircolite.json (Zircolite test JSON) against the rule in the editor: 4 events, 4 expected verdicts');
  await expect(rows(page)).toHaveCount(4);
  await expect.poll(() => selectValues(page)).toEqual(['match', 'no-alert', 'no-alert', 'no-alert']);
  await expect(page.getByTestId('test-summary')).toHaveText(/3\/4 pass/);
  await expect(page.getByTestId('test-summary')).toHaveAttribute('data-failed', '1');
  await expect(rows(page).nth(3)).toHaveAttribute('data-test', 'fail');
  expect(await ruleText(page)).toBe(RULE);

  // Tests for a rule the editor does not hold: the dialog says which, and nothing changes.
  const other = JSON.stringify([{ title: 'Detect PowerShell', id: 'ps-001', true_positive: [{ CommandLine: 'powershell' }] }]);
  await importFiles(page, [{ name: 'ps.json', text: other }]);
  await expect(page.getByTestId('test-import-error')).toHaveText(
    "Nothing was imported: ps.json has tests for 'Detect PowerShell' (id ps-001); the rule in the editor is 'Whoami Execution By Non-Admin' (id 5f0b9e5e-1c1e-4a53-9d43-7d2b8c2e1a01). Open the rule it tests first, or pick its .yml together with the JSON.",
  );
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('test-import-dialog')).toHaveCount(0);
  await expect(rows(page)).toHaveCount(4);
  expect(await selectValues(page)).toEqual(['match', 'no-alert', 'no-alert', 'no-alert']);
  expect(await ruleText(page)).toBe(RULE);
});

test('a sigma-test rule loads rule, events and marks; its sigma-test export imports back to the same marks', async ({ page }) => {
  await openApp(page);
  // Dropped on the dialog (not taken by the page-wide rule drop, which would open it as a plain rule).
  await page.getByTestId('test-import').click();
  await dropFiles(page, 'test-import-drop', [{ name: 'ssh_root.yml', text: SIGMA_TEST }]);
  await expect(page.getByTestId('toast')).toContainText('Imported ssh_root.yml (sigma-test rule) with its rule: 3 events, 3 expected verdicts from 2 cases.');
  await expect.poll(() => ruleText(page)).toBe(SIGMA_TEST.slice(0, SIGMA_TEST.indexOf('testcases:')));
  await expect(rows(page)).toHaveCount(3);
  await expect.poll(() => rows(page).evaluateAll((r) => r.map((x) => x.getAttribute('data-verdict')))).toEqual(['match', 'filtered', 'nomatch']);
  expect(await selectValues(page)).toEqual(['match', 'no-alert', 'no-alert']);
  await expect(page.getByTestId('test-summary')).toHaveText(/3\/3 pass/);

  // Re-mark one event as "filtered by" (sigma-test can only say "dont-match"), then export.
  await page.locator('[data-testid=expect-select]').nth(1).selectOption('filtered:filter_main_jump_host');
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-tests-sigma-test-download').click()]);
  expect(download.suggestedFilename()).toBe('ssh_login_as_root.yml');
  await expect(page.getByTestId('toast')).toContainText('"filtered"/"not selected" mark becomes "should not match"');
  const text = fs.readFileSync((await download.path())!, 'utf8');
  expect(text).toMatch(/^testcases:\n {2}match:\n {4}- user: root\n/m);

  // The exported rule imports back: the same rule, events and marks (the filtered mark as "should not match").
  await typeRule(page, 'title: something else\n');
  await importFiles(page, [{ name: download.suggestedFilename(), text }]);
  await expect(page.getByTestId('toast')).toContainText('3 events, 3 expected verdicts');
  await expect.poll(() => ruleText(page)).toBe(SIGMA_TEST.slice(0, SIGMA_TEST.indexOf('testcases:')));
  await expect.poll(() => selectValues(page)).toEqual(['match', 'no-alert', 'no-alert']);
  await expect(page.getByTestId('test-summary')).toHaveText(/3\/3 pass/);
});

test('SigmaHQ regression data: a zip of rules/ and regression_data/ that imports back from info.yml and its event files', async ({ page }) => {
  await openApp(page);
  await typeRule(page, RULE);
  await importFiles(page, [{ name: 'whoami.zircolite.json', text: ZIRCOLITE }]);
  await expect(page.getByTestId('test-summary')).toHaveText(/3\/4 pass/);
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-tests-sigmahq-regression-download').click()]);
  expect(download.suggestedFilename()).toBe('whoami_execution_by_non_admin.sigmahq-regression.zip');
  const files = unzipSync(new Uint8Array(fs.readFileSync((await download.path())!)));
  const dir = 'regression_data/rules/whoami_execution_by_non_admin';
  const id = '5f0b9e5e-1c1e-4a53-9d43-7d2b8c2e1a01';
  expect(Object.keys(files).sort()).toEqual([`${dir}/${id}.json`, `${dir}/${id}_2.json`, `${dir}/info.yml`, 'rules/whoami_execution_by_non_admin.yml']);
  const info = strFromU8(files[`${dir}/info.yml`]);
  expect(info).toContain('match_count: 1');
  expect(info).toContain('match_count: 0');

  // info.yml alone is not enough: it names the event files it needs.
  await importFiles(page, [{ name: 'info.yml', text: info }]);
  await expect(page.getByTestId('test-import-error')).toContainText(`reads its events from files that were not picked: ${id}.json (for case 'Positive Detection Test')`);
  // With them (several files picked at once), the events and marks come back: positives first.
  await page.getByTestId('test-import-input').setInputFiles(
    Object.entries(files)
      .filter(([p]) => p.startsWith(dir))
      .map(([p, bytes]) => ({ name: p.split('/').pop()!, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) })),
  );
  await expect(page.getByTestId('test-import-dialog')).toHaveCount(0);
  await expect(rows(page)).toHaveCount(4);
  await expect.poll(() => selectValues(page)).toEqual(['match', 'no-alert', 'no-alert', 'no-alert']);
  await expect(page.getByTestId('test-summary')).toHaveText(/3\/4 pass/);
});
