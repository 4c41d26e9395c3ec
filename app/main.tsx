import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { prewarmGlyphFallback } from './lib/prewarm-glyphs.ts';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The first ✓/✗ the page draws would otherwise pay the font fallback lookup inside a click.
prewarmGlyphFallback();

// Offline after the first visit (production builds only; the dev server changes files constantly).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch(() => {
      /* Private windows and some policies forbid service workers: the app works online anyway. */
    });
  });
}
