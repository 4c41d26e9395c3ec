/**
 * Hostile event input (issue 5): prototype keys, deep nesting, a 50 MB paste and a 1,000,000-line
 * NDJSON file. The page stays responsive (no main-thread task over 200 ms after the hand-over),
 * nothing from the input runs, and a clear message appears.
 */
import { expect, test, type Page } from '@playwright/test';
import { openApp, pasteEvents, typeRule } from './helpers.ts';
import { expectNoScriptRan, framesIn, installGuards, longestTaskSince, mark } from './guards.ts';

// Playwright's trace recorder snapshots the DOM inside the page on every action, which is
// main-thread work of its own: these specs time the app alone.
test.use({ trace: 'off' });

test.beforeEach(async ({ page }) => {
  await installGuards(page);
});

const PROTO_RULE = `title: Prototype Keys Are Data
logsource:
    product: windows
detection:
    selection:
        constructor: 'evil'
        prototype: 'x'
    condition: selection
`;

test('event keys __proto__, constructor and prototype are data, and nothing is polluted', async ({ page }) => {
  await openApp(page);
  await typeRule(page, PROTO_RULE);
  const since = await mark(page);
  await pasteEvents(
    page,
    [
      '{"__proto__": {"polluted": "yes"}, "constructor": "evil", "prototype": "x"}',
      '{"constructor": {"prototype": {"polluted": "yes"}}, "prototype": "y"}',
      '{"a": {"__proto__": {"polluted": "yes"}}, "constructor": "evil", "prototype": "x"}',
    ].join('\n'),
  );
  const rows = page.locator('[data-testid=event-row]');
  await expect(rows).toHaveCount(3);
  expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-verdict')))).toEqual(['match', 'nomatch', 'match']);
  await page.getByTestId('fields-tab').click();
  await expect(page.getByTestId('field-panel')).toContainText('__proto__');
  expect(await longestTaskSince(page, since)).toBeLessThan(200);
  await expectNoScriptRan(page);
});

test('deeply nested JSON gets a message with its place and does not crash the page', async ({ page }) => {
  await openApp(page);
  const since = await mark(page);
  await pasteEvents(page, `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
  await expect(page.getByTestId('events-errors')).toContainText(/nested|deep/i);
  expect(await longestTaskSince(page, since)).toBeLessThan(200);
  await expectNoScriptRan(page);
});

async function makeNdjsonFile(page: Page, lines: number, name: string): Promise<void> {
  // Built in slices of 50,000 lines so that building it is not itself one long task.
  await page.evaluate(() => ((window as any).__parts = []));
  for (let start = 0; start < lines; start += 50_000) {
    await page.evaluate(
      ({ start, end }) => {
        const out: string[] = [];
        for (let i = start; i < end; i++) out.push(`{"EventID":3,"Initiated":"true","DestinationPort":${i % 3 ? 8080 : 443},"DestinationIp":"203.0.${i % 250}.${i % 200}","n":${i}}`);
        (window as any).__parts.push(out.join('\n') + '\n');
      },
      { start, end: Math.min(lines, start + 50_000) },
    );
  }
  await page.evaluate((n) => ((window as any).__file = new File((window as any).__parts, n)), name);
}

test('a 1,000,000-line NDJSON file loads with progress, keeps the page responsive, and can be cancelled', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await makeNdjsonFile(page, 1_000_000, 'million.ndjson');
  const since = await mark(page);
  const dt = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add((window as any).__file);
    return dt;
  });
  await page.locator('section.events-panel').dispatchEvent('drop', { dataTransfer: dt });
  const progress = page.getByTestId('events-progress');
  await expect(progress).toContainText('Reading');
  await expect(page.getByTestId('events-input')).toHaveAttribute('placeholder', /too large to show here/);
  expect(await framesIn(page, 500)).toBeGreaterThan(2);
  await page.getByTestId('events-cancel').click();
  await expect(progress).toBeHidden();
  await expect(page.getByTestId('toast')).toContainText('cancelled');
  await expect(page.getByTestId('events-errors')).toContainText('cancelled');
  expect(await longestTaskSince(page, since)).toBeLessThan(200);
  await expectNoScriptRan(page);
});

test('a 50 MB paste is read in the worker, not put in the text box, and gets verdicts', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  // ~50 MB of NDJSON: 520,000 lines of ~97 bytes.
  await makeNdjsonFile(page, 520_000, 'paste');
  await page.evaluate(async () => ((window as any).__text = await (window as any).__file.text()));
  const size = await page.evaluate(() => (window as any).__text.length as number);
  expect(size).toBeGreaterThan(40_000_000);
  const since = await mark(page);
  await page.locator('[data-testid=events-input]').evaluate((el) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', (window as any).__text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('events-progress')).toBeVisible();
  await expect(page.getByTestId('events-input')).toHaveAttribute('placeholder', /too large to show here/);
  expect(await page.getByTestId('events-input').inputValue()).toBe('');
  expect(await framesIn(page, 500)).toBeGreaterThan(2);
  await expect(page.getByTestId('filter-all')).toContainText('520,000', { timeout: 200_000 });
  expect(await longestTaskSince(page, since)).toBeLessThan(200);
  await expectNoScriptRan(page);
});
