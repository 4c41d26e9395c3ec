import { expect, test, type Page } from '@playwright/test';
import { openApp, placeCursorAfter } from './helpers.ts';

async function screenPoint(page: Page, needle: string, delta = 1): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([n, d]) => {
      const s = (window as any).__siglab;
      const pos = s.ruleModel.getPositionAt(s.ruleModel.getValue().indexOf(n) + d);
      s.ruleEditor.revealPositionInCenter(pos);
      const v = s.ruleEditor.getScrolledVisiblePosition(pos);
      const r = s.ruleEditor.getDomNode().getBoundingClientRect();
      return { x: r.left + v.left + 3, y: r.top + v.top + v.height / 2 };
    },
    [needle, delta] as const,
  );
}

test('completion offers modifiers after | and identifiers in the condition', async ({ page }) => {
  await openApp(page);
  await placeCursorAfter(page, 'Image|startswith');
  for (let i = 0; i < 'startswith'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('en');
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.suggest-widget .monaco-list-row');
  await expect(suggest.first()).toBeVisible();
  await expect(page.locator('.suggest-widget')).toContainText('endswith');
  await page.keyboard.press('Escape');

  await placeCursorAfter(page, 'condition: ');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.suggest-widget')).toContainText('filter_main_local_ranges');
});

test('hovering a modifier shows its documentation and the KQL of every target', async ({ page }) => {
  await openApp(page);
  const p = await screenPoint(page, '|cidr', 2);
  await page.mouse.move(p.x, p.y);
  const hover = page.locator('.monaco-hover').filter({ hasText: 'Sigma modifier' });
  await expect(hover).toBeVisible();
  await expect(hover).toContainText('Microsoft Sentinel');
  await expect(hover).toContainText('ipv4_is_in_range');
  await expect(hover).toContainText('Defender');
});

test('hovering an identifier in the condition shows its body', async ({ page }) => {
  await openApp(page);
  const p = await screenPoint(page, 'condition: selection', 'condition: '.length + 2);
  await page.mouse.move(p.x, p.y);
  const hover = page.locator('.monaco-hover').filter({ hasText: 'search identifier' });
  await expect(hover).toBeVisible();
  await expect(hover).toContainText('DestinationPort');
});
