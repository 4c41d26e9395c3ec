import { expect, test } from '@playwright/test';
import { kqlText, openApp, PROCESS_RULE, typeRule } from './helpers.ts';

test('typing a rule updates the KQL on every keystroke', async ({ page }) => {
  await openApp(page);
  const before = await kqlText(page);
  expect(before).toContain('8080');

  await typeRule(page, PROCESS_RULE);
  await expect.poll(() => kqlText(page)).toContain('cmd.exe');
  const query = await kqlText(page);
  expect(query).toContain('winword.exe');
  expect(query).not.toContain('8080');
  await expect(page.getByTestId('kql-status')).toHaveText(/Valid KQL|Checking with Kusto/);

  // One more keystroke-level edit: a new value appears in the query right away.
  await page.keyboard.press('ControlOrMeta+End');
  await page.evaluate(() => {
    const s = (window as any).__siglab;
    const text: string = s.ruleModel.getValue();
    const at = s.ruleModel.getPositionAt(text.indexOf("'\\\\excel.exe'") + "'\\\\excel.exe'".length);
    s.ruleEditor.setPosition(at);
    s.ruleEditor.focus();
  });
  await page.keyboard.press('Enter');
  await page.keyboard.insertText("- '\\\\powerpnt.exe'");
  await expect.poll(() => kqlText(page)).toContain('powerpnt.exe');
  await expect(page.getByTestId('cli-command')).toHaveText('siglab convert rule.yml --target sentinel-asim');
});

test('the Kusto language service checks the preview in a worker', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('kql-status')).toHaveText(/^Valid KQL/, { timeout: 30_000 });
  const markers = await page.evaluate(() => {
    const s = (window as any).__siglab;
    return s.monaco.editor.getModelMarkers({ resource: s.kqlModel.uri }).filter((m: any) => m.severity >= 8).length;
  });
  expect(markers).toBe(0);
});
