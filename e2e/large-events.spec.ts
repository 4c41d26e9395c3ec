import { expect, test } from '@playwright/test';
import { openApp } from './helpers.ts';
import { traceCpu } from './guards.ts';

test('10,000 events evaluate while the page stays responsive', async ({ page, browser }) => {
  await openApp(page);
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    lines.push(
      JSON.stringify({
        EventID: 3,
        Initiated: i % 7 === 0 ? 'false' : 'true',
        DestinationPort: i % 3 === 0 ? 443 : 8080,
        DestinationIp: i % 5 === 0 ? `10.0.${i % 250}.${i % 200}` : `203.0.${i % 250}.${i % 200}`,
        Image: i % 11 === 0 ? 'C:\\Program Files\\App\\app.exe' : `C:\\Users\\u${i}\\AppData\\Local\\Temp\\t${i}.exe`,
        CommandLine: `t${i}.exe --id ${i} ${'x'.repeat(80)}`,
      }),
    );
  }
  const text = lines.join('\n');
  let expected = { match: 0, filtered: 0, nomatch: 0 };
  for (let i = 0; i < 10_000; i++) {
    const selected = i % 7 !== 0 && i % 3 !== 0;
    if (!selected) expected.nomatch++;
    else if (i % 5 === 0 || i % 11 === 0) expected.filtered++;
    else expected.match++;
  }

  // Watch the main thread: record long tasks from the paste on.
  await page.evaluate(() => {
    (window as any).__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) (window as any).__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: false });
  });
  // The test hands the 1.5 MB text to the page before the trace starts (a real paste has no such
  // hand-over), then pastes it the way pasteEvents (helpers.ts) does.
  await page.evaluate((t) => ((window as any).__pasteText = t), text);
  const cpu = await traceCpu(browser, page);
  await page.locator('[data-testid=events-input]').evaluate((el) => {
    const t = (window as any).__pasteText as string;
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    if (el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))) {
      const ta = el as HTMLTextAreaElement;
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(ta, t);
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  const pastedAt = await page.evaluate(() => performance.now());

  // While the worker reads and evaluates, the page keeps answering and the editor keeps working.
  const ticks = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let n = 0;
        const start = performance.now();
        const tick = () => {
          n++;
          if (performance.now() - start < 500) requestAnimationFrame(tick);
          else resolve(n);
        };
        requestAnimationFrame(tick);
      }),
  );
  // Frames keep coming (a frozen page paints none; the exact rate depends on the machine's load).
  expect(ticks).toBeGreaterThan(2);
  // And the editor keeps working: a keystroke still reaches the KQL preview right away.
  await page.evaluate(() => {
    const s = (window as any).__siglab;
    const line = s.ruleModel.getValue().split('\n').findIndex((l: string) => l.startsWith('title:')) + 1;
    s.ruleEditor.setPosition({ lineNumber: line, column: s.ruleModel.getLineMaxColumn(line) });
    s.ruleEditor.focus();
  });
  await page.keyboard.insertText(' (busy)');
  await expect.poll(() => page.evaluate(() => (window as any).__siglab.kqlModel.getValue() as string)).toContain('(busy)');

  await expect(page.getByTestId('filter-all')).toContainText('10,000', { timeout: 30_000 });
  await expect(page.getByTestId('filter-match')).toContainText(expected.match.toLocaleString('en-US'));
  await expect(page.getByTestId('filter-filtered')).toContainText(expected.filtered.toLocaleString('en-US'));
  await expect(page.getByTestId('filter-nomatch')).toContainText(expected.nomatch.toLocaleString('en-US'));

  // The table is virtualised: a few dozen rows in the DOM, not 10,000.
  const domRows = await page.locator('[data-testid=event-row]').count();
  expect(domRows).toBeGreaterThan(5);
  expect(domRows).toBeLessThan(120);

  // Scrolling to the end shows the last event.
  await page.locator('.tbody').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('[data-testid=event-row][data-event-index="9999"]')).toBeVisible();

  const longestCpu = await cpu.stop();
  const tasks = await page.evaluate(() => (window as any).__longTasks as Array<{ start: number; duration: number }>);
  const longest = Math.max(0, ...tasks.filter((t) => t.start >= pastedAt).map((t) => t.duration));
  test.info().annotations.push({ type: 'longest main-thread task (ms)', description: `${Math.round(longest)} wall, ${Math.round(longestCpu)} cpu` });
  // Reading and matching run in the worker; the main thread only renders. Issue 4's budget is
  // 50 ms per task: the page's own work per task (thread time, from the paste on) is ~10-15 ms here; the wall-time bound leaves room for a
  // loaded 2-core machine.
  expect(longestCpu, 'longest main-thread task, thread time (ms)').toBeLessThan(50);
  expect(longest, 'longest main-thread task, wall time (ms)').toBeLessThan(200);
});
