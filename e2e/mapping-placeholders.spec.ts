/**
 * Field mapping and placeholder values (issue 5, "Share and keep"): typed under the rule, they
 * change the KQL (mapping) and both the KQL and the verdicts (placeholders); they travel in share
 * links, come back in a fresh browser, and survive a reload (autosave).
 */
import { expect, test, type Page } from '@playwright/test';
import { kqlText, openApp, pasteEvents, shareAndOpenFresh, typeRule } from './helpers.ts';

const RULE = `title: Whoami Outside Admin Hosts
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    admins:
        Computer|expand: '%admin_hosts%'
    condition: selection and not admins
`;

const EVENTS = [
  { Image: 'C:\\Windows\\System32\\whoami.exe', Computer: 'ADMIN01' },
  { Image: 'C:\\Windows\\System32\\whoami.exe', Computer: 'WEB01' },
]
  .map((e) => JSON.stringify(e))
  .join('\n');

const verdicts = (page: Page) => page.locator('[data-testid=event-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-verdict')));
const modelText = (page: Page, name: 'mappingModel' | 'placeholdersModel') => page.evaluate((n) => (window as any).__siglab[n].getValue() as string, name);

/**
 * Replaces the text of one of the settings editors as a user does: one line is typed key by key;
 * several lines are pasted (typed, the editor would auto-indent each new line).
 */
async function typeSetting(page: Page, which: 'mapping' | 'placeholders', text: string): Promise<void> {
  await page.getByTestId(`${which}-tab`).click();
  const editor = page.locator(`[data-testid=${which}-editor] .view-lines`);
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  if (!text.includes('\n')) return page.keyboard.type(text);
  await page.evaluate(
    ([n, t]) => {
      const s = (window as any).__siglab;
      const model = s[n];
      s.monaco.editor
        .getEditors()
        .find((e: any) => e.getModel() === model)
        .trigger('keyboard', 'paste', { text: t });
    },
    [`${which}Model`, text],
  );
}

test('mapping and placeholders change the KQL and the verdicts, travel in a link and survive a reload', async ({ page, browser }) => {
  await openApp(page);
  await typeRule(page, RULE);
  await pasteEvents(page, EVENTS);
  await expect(page.locator('[data-testid=event-row]')).toHaveCount(2);

  // Without values the rule cannot be evaluated: the problem is named and the panel offers to add it.
  await expect(page.locator('[data-testid=diagnostic][data-code=unresolved-placeholder]').first()).toBeVisible();
  await expect(page.getByTestId('add-placeholders')).toContainText('%admin_hosts%');
  await expect(page.getByTestId('placeholders-state')).toHaveText('none');

  // Placeholder values: the KQL and the verdicts follow, and the diagnostic goes away.
  await page.getByTestId('add-placeholders').click();
  await expect.poll(() => modelText(page, 'placeholdersModel')).toBe('admin_hosts: \n');
  // The cursor waits after the new name, in the editor.
  await expect(page.locator('[data-testid=placeholders-editor] .monaco-editor')).toHaveClass(/\bfocused\b/);
  await page.keyboard.type('ADMIN01');
  await expect.poll(() => kqlText(page)).toContain('Computer !~ "ADMIN01"');
  await expect(page.locator('[data-testid=diagnostic][data-code=unresolved-placeholder]')).toHaveCount(0);
  await expect(page.getByTestId('add-placeholders')).toHaveCount(0);
  await expect.poll(() => verdicts(page)).toEqual(['filtered', 'match']);
  await expect(page.getByTestId('placeholders-state')).toHaveText('1 name');

  await typeSetting(page, 'placeholders', 'admin_hosts: [ADMIN01, WEB01');
  await expect.poll(() => kqlText(page)).toContain('Computer !in~ ("ADMIN01", "WEB01")');
  await expect.poll(() => verdicts(page)).toEqual(['filtered', 'filtered']);

  // A name the rule does not use is pointed out where it is written.
  await typeSetting(page, 'placeholders', 'admin_hosts: [ADMIN01, WEB01]\nadmin_host: X\n');
  await expect(page.locator('[data-testid=settings-issue][data-code=placeholders-unused]')).toContainText('line 2:1');
  await expect(page.locator('[data-testid=settings-issue][data-code=placeholders-unused]')).toContainText('%admin_host%');
  await typeSetting(page, 'placeholders', 'admin_hosts: [ADMIN01, WEB01]\n');
  await expect(page.getByTestId('settings-issues')).toHaveCount(0);

  // Field mapping: the KQL uses the column the user names.
  await expect.poll(() => kqlText(page)).toContain('TargetProcessName endswith');
  await typeSetting(page, 'mapping', 'Image: ActingProcessName');
  await expect.poll(() => kqlText(page)).toContain('ActingProcessName endswith @"\\whoami.exe"');
  await expect(page.getByTestId('mapping-state')).toHaveText('1 entry');

  // A column the table lacks: a clear message on the mapping's own line; the text is kept.
  await typeSetting(page, 'mapping', 'Image: ActingProcesName');
  const issue = page.locator('[data-testid=settings-issue][data-code=mapping-unknown-column]');
  await expect(issue).toContainText('line 1:8');
  await expect(issue).toContainText("imProcessCreate has no column 'ActingProcesName'");
  await expect(issue).toContainText('ActingProcessName');
  // The KQL panel names the mapping, not the rule, as what stopped the query.
  await expect(page.getByTestId('kql-status')).toHaveText('Stale — mapping error');
  // Broken YAML: nothing of it applies, the panel says so with the line, the text stays as typed.
  await typeSetting(page, 'mapping', 'tables:\n  imProcessCreate:\nImage: [ActingProcessName');
  await expect(page.getByTestId('mapping-state')).toHaveAttribute('data-state', 'broken');
  await expect(page.getByTestId('mapping-state')).toContainText('not applied: line');
  await expect.poll(() => kqlText(page)).toContain('TargetProcessName endswith');
  expect(await modelText(page, 'mappingModel')).toContain('Image: [ActingProcessName');

  const mapping = 'tables:\n  imProcessCreate:\n    Image: ActingProcessName\n';
  await typeSetting(page, 'mapping', mapping);
  await expect.poll(() => modelText(page, 'mappingModel')).toBe(mapping);
  await expect.poll(() => kqlText(page)).toContain('ActingProcessName endswith');
  await expect(page.getByTestId('cli-command')).toHaveText(
    'siglab convert rule.yml --target sentinel-asim --mapping mapping.yml --placeholders placeholders.yml',
  );
  const query = await kqlText(page);
  const placeholders = await modelText(page, 'placeholdersModel');

  // Share, then open the link in a fresh browser: everything comes back, and the message says so.
  const other = await shareAndOpenFresh(page, browser);
  await expect(other.getByTestId('toast')).toContainText('field mapping');
  await expect(other.getByTestId('toast')).toContainText('placeholders');
  await expect.poll(() => modelText(other, 'mappingModel')).toBe(mapping);
  expect(await modelText(other, 'placeholdersModel')).toBe(placeholders);
  await expect.poll(() => kqlText(other)).toBe(query);
  await expect.poll(() => verdicts(other)).toEqual(['filtered', 'filtered']);
  await expect(other.getByTestId('mapping-state')).toHaveText('1 entry');
  await expect(other.getByTestId('placeholders-state')).toHaveText('1 name');

  // Reload: autosave brought everything back.
  await expect.poll(() => other.evaluate(() => localStorage.getItem('siglab.drafts.v1') ?? '')).toContain('ActingProcessName');
  await other.reload();
  await expect.poll(() => modelText(other, 'mappingModel')).toBe(mapping);
  expect(await modelText(other, 'placeholdersModel')).toBe(placeholders);
  await expect.poll(() => kqlText(other)).toBe(query);
  await expect.poll(() => verdicts(other)).toEqual(['filtered', 'filtered']);
  await other.context().close();
});

test('the settings panel is keyboard usable: tabs with arrow keys, column completion, toggle', async ({ page }) => {
  await openApp(page);
  await typeRule(page, RULE.replace("        Computer|expand: '%admin_hosts%'", '        Computer: ADMIN01'));
  await expect.poll(() => kqlText(page)).toContain('imProcessCreate');
  const mappingTab = page.getByTestId('mapping-tab');
  await mappingTab.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('mapping-editor')).toBeVisible();
  // An example stands in the empty editor; completion offers the columns of the rule's table.
  await expect(page.getByTestId('mapping-example')).toContainText('imProcessCreate:');
  await page.locator('[data-testid=mapping-editor] .view-lines').click();
  await page.keyboard.type('Image: ActingProcessN');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.suggest-widget.visible')).toContainText('ActingProcessName');
  await page.keyboard.press('Enter');
  await expect.poll(() => modelText(page, 'mappingModel')).toBe('Image: ActingProcessName');
  await expect.poll(() => kqlText(page)).toContain('ActingProcessName endswith');
  await expect(page.getByTestId('mapping-example')).toHaveCount(0);
  await mappingTab.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('placeholders-tab')).toBeFocused();
  await expect(page.getByTestId('placeholders-editor')).toBeVisible();
  await expect(page.getByTestId('mapping-editor')).toBeHidden();
  await page.getByTestId('settings-toggle').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('placeholders-editor')).toBeHidden();
  await expect(page.getByTestId('settings-toggle')).toHaveAttribute('aria-expanded', 'false');
});
