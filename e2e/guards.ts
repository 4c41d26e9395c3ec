/**
 * Watchers for the hostile-input specs: long main-thread tasks (PerformanceObserver `longtask`),
 * script from the input running (alert/confirm/prompt traps, markup injected into the page), and
 * prototype pollution. Installed with addInitScript, so they are in place before the app loads.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { CPU_TRACE_CATEGORIES, describeLongestTask, longestCpuTask } from './cpu-trace.ts';

export async function installGuards(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as any;
    w.__guard = { longTasks: [] as Array<{ start: number; duration: number }>, dialogs: [] as string[] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__guard.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    for (const name of ['alert', 'confirm', 'prompt'] as const) {
      w[name] = (...args: unknown[]) => {
        w.__guard.dialogs.push(`${name}(${String(args[0])})`);
        return null;
      };
    }
  });
  page.on('dialog', (d) => void d.dismiss());
}

/** A moment on the page's clock from which long tasks count (after test set-up work). */
export function mark(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** The longest main-thread task that started after `since` (ms). */
export async function longestTaskSince(page: Page, since: number): Promise<number> {
  const tasks = await page.evaluate(() => (window as any).__guard.longTasks as Array<{ start: number; duration: number }>);
  return Math.max(0, ...tasks.filter((t) => t.start >= since).map((t) => t.duration));
}

/**
 * Starts a Chromium trace of the page; `stop()` ends it and returns the longest main-thread task
 * in thread (CPU) time, ms (e2e/cpu-trace.ts): the app's own work per task, which the machine's
 * load sways far less than the wall-time long tasks above.
 */
export async function traceCpu(browser: Browser, page: Page): Promise<{ stop(): Promise<number> }> {
  await browser.startTracing(page, { categories: CPU_TRACE_CATEGORIES });
  return {
    stop: async () => {
      const trace = await browser.stopTracing();
      // What the longest task did, in the report (for a failure's diagnosis).
      test.info().annotations.push({ type: 'longest main-thread task (cpu trace)', description: describeLongestTask(trace) });
      return longestCpuTask(trace);
    },
  };
}

/** Frames keep coming: the page paints and answers while work goes on. */
export async function framesIn(page: Page, ms: number): Promise<number> {
  return page.evaluate(
    (span) =>
      new Promise<number>((resolve) => {
        let n = 0;
        const start = performance.now();
        const tick = () => {
          n++;
          if (performance.now() - start < span) requestAnimationFrame(tick);
          else resolve(n);
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

/** Nothing from the input ran: no dialog was opened, no input markup became elements, no prototype was polluted. */
export async function expectNoScriptRan(page: Page): Promise<void> {
  const r = await page.evaluate(() => ({
    dialogs: (window as any).__guard.dialogs as string[],
    injected: document.querySelectorAll('img[src="x"], [onerror], [onload]:not(body), script:not([src]):not([type="module"])').length,
    polluted: (({}) as any).polluted,
    pollutedArray: ([] as any).polluted,
  }));
  expect(r.dialogs, 'no dialog opened by input').toEqual([]);
  expect(r.injected, 'no element created from input markup').toBe(0);
  expect(r.polluted, 'Object.prototype is untouched').toBeUndefined();
  expect(r.pollutedArray, 'Array.prototype is untouched').toBeUndefined();
}

/** Drops files onto an element the way a browser does (a drop event carrying a DataTransfer). */
export async function dropFiles(page: Page, selector: string, files: Array<{ name: string; base64: string; type?: string }>): Promise<void> {
  const dt = await page.evaluateHandle((fs) => {
    const dt = new DataTransfer();
    for (const f of fs) {
      const bin = atob(f.base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name, { type: f.type ?? 'application/octet-stream' }));
    }
    return dt;
  }, files);
  await page.locator(selector).first().dispatchEvent('dragover', { dataTransfer: dt });
  await page.locator(selector).first().dispatchEvent('drop', { dataTransfer: dt });
}
