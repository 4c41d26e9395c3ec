/**
 * Warms the browser's font fallback for the symbols the UI draws (✓ ✗ ▲ ● …) while the page is
 * idle. The page fonts lack them; the first time Chromium on Linux meets such a glyph it asks
 * fontconfig for a fallback font, which took up to ~57 ms and landed on the first row click (the
 * explanation tree's ✓/✗; issue 4: no input blocks the main thread for more than 50 ms). Laying out
 * a hidden element with every symbol once, in each font and weight the UI uses, fills the cache.
 */

/**
 * Every non-ASCII symbol the app and the core's messages show. app/lib/prewarm-glyphs.test.ts
 * fails when a component uses one that is missing here.
 */
export const UI_SYMBOLS = '✓✗●▲⤓✕←→↓↑⚠▸▾∅↗ℹ☾☀○•×…—·–“”≠≤―⇄';

/** The UI's font families (app/styles.css --sans, --mono) and the weights it draws symbols in. */
const FAMILIES = ['var(--sans)', 'var(--mono)'];
const WEIGHTS = [400, 600, 700, 800];

type Idle = (cb: () => void) => void;

const whenIdle: Idle = (cb) =>
  typeof requestIdleCallback === 'function' ? void requestIdleCallback(cb, { timeout: 1000 }) : void setTimeout(cb, 50);

/**
 * Schedules the warm-up after the page has loaded, one font family per idle period (each is one
 * forced layout of a few dozen glyphs; the first also pays fontconfig's one-time set-up).
 */
export function prewarmGlyphFallback(idle: Idle = whenIdle): void {
  const run = () => {
    const families = [...FAMILIES];
    const next = () => {
      const family = families.shift();
      if (!family) return;
      const box = document.createElement('div');
      box.setAttribute('aria-hidden', 'true');
      // Laid out (shaping picks the fallback fonts) but never seen nor read.
      box.style.cssText = 'position:fixed;left:-10000px;top:0;visibility:hidden;pointer-events:none;white-space:nowrap';
      for (const weight of WEIGHTS) {
        const span = document.createElement('span');
        span.style.cssText = `font-family:${family};font-weight:${weight};font-size:12px`;
        span.textContent = UI_SYMBOLS;
        box.append(span);
      }
      document.body.append(box);
      void box.firstElementChild?.getBoundingClientRect().width;
      box.remove();
      idle(next);
    };
    next();
  };
  if (document.readyState === 'complete') idle(run);
  else window.addEventListener('load', () => idle(run), { once: true });
}
