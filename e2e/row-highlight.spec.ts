import { expect, test } from '@playwright/test';
import { openApp } from './helpers.ts';

/** Rule lines carrying the "decided this verdict" decoration. */
async function decisiveLines(page: import('@playwright/test').Page): Promise<number[]> {
  return page.evaluate(() => {
    const s = (window as any).__siglab;
    const model = s.ruleModel;
    const lines = new Set<number>();
    for (const d of model.getAllDecorations()) {
      if (d.options.className === 'rule-decisive') for (let l = d.range.startLineNumber; l <= d.range.endLineNumber; l++) lines.add(l);
    }
    return [...lines].sort((a, b) => a - b);
  });
}

test('clicking a row highlights the rule lines that decided its verdict', async ({ page }) => {
  await openApp(page);
  const text: string = await page.evaluate(() => (window as any).__siglab.ruleModel.getValue());
  const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

  // A filtered row: the filter's item is highlighted.
  await page.locator('[data-testid=event-row][data-verdict=filtered]').first().click();
  await expect.poll(() => decisiveLines(page)).toContain(lineOf('DestinationIp|cidr'));
  let lines = await decisiveLines(page);
  expect(lines).not.toContain(lineOf('DestinationPort:'));
  await expect(page.locator('[data-testid=rule-editor] .rule-decisive').first()).toBeVisible();

  // A matching row: the selection's items are highlighted instead.
  await page.locator('[data-testid=event-row][data-verdict=match]').first().click();
  await expect.poll(() => decisiveLines(page)).toContain(lineOf('DestinationPort:'));
  lines = await decisiveLines(page);
  expect(lines).toContain(lineOf("Initiated: 'true'"));
  expect(lines).not.toContain(lineOf('DestinationIp|cidr'));

  // A node of the explanation tree highlights its own lines.
  const node = page.getByTestId('explanation').locator('.xmain', { hasText: 'filter_optional_sys_directories' }).first();
  await node.click();
  await expect.poll(() => decisiveLines(page)).toContain(lineOf('Image|startswith'));
});

test('hovering KQL highlights the Sigma it came from, and the reverse', async ({ page }) => {
  await openApp(page);
  // KQL → Sigma: hover the port list in the query.
  const portsAt = await page.evaluate(() => {
    const s = (window as any).__siglab;
    const q: string = s.kqlModel.getValue();
    const pos = s.kqlModel.getPositionAt(q.indexOf('8888'));
    return pos;
  });
  const kqlEditor = page.getByTestId('kql-preview');
  const box = await page.evaluate((p) => {
    const s = (window as any).__siglab;
    const ed = s.monaco.editor.getEditors().find((e: any) => e.getModel() === s.kqlModel);
    ed.revealPosition(p);
    const v = ed.getScrolledVisiblePosition(p);
    const r = ed.getDomNode().getBoundingClientRect();
    return { x: r.left + v.left + 4, y: r.top + v.top + v.height / 2 };
  }, portsAt);
  await kqlEditor.hover({ position: { x: 5, y: 5 } });
  await page.mouse.move(box.x, box.y);
  await expect.poll(() => page.evaluate(() => (window as any).__siglab.store.getState().ruleHoverRanges.length)).toBeGreaterThan(0);
  await expect(page.locator('[data-testid=rule-editor] .rule-linked').first()).toBeVisible();
});
