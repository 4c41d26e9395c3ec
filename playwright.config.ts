import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4179);
/** Where the app is built; parallel runs on one checkout each pass their own (E2E_DIST=dist-a). */
const DIST = process.env.E2E_DIST ?? 'dist';
/** Specs that time the main thread (long tasks, frames) while large or hostile inputs load. */
const HEAVY = /(large-events|large-rule|evtx-drop|hostile-events|hostile-links)\.spec\.ts$/;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]] : 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 720 },
    // Debian's Chromium; a browser is never downloaded.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium' }, testIgnore: HEAVY },
    // Responsiveness is measured in wall time (long tasks, frames): these specs run after the
    // others, one test at a time, so the suite's own load (a second browser on a 2-core machine)
    // does not skew what they measure.
    { name: 'responsiveness', use: { browserName: 'chromium' }, testMatch: HEAVY, dependencies: ['chromium'], fullyParallel: false, workers: 1 },
  ],
  webServer: {
    // The built app, exactly what `npm start` serves.
    command: `npx vite build --outDir ${DIST} --emptyOutDir --bypass-lock && npx vite preview --outDir ${DIST} --host 127.0.0.1 --port ${PORT} --strictPort --bypass-lock`,
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
