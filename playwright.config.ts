import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/chromium';
import { PREVIEW_PORT } from './vite.config';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // Two cores and a software GPU: one test at a time, with room for slow shader compiles.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  // LUCID_TEST_RESULTS: a separate output folder when two runs share a checkout.
  outputDir: process.env.LUCID_TEST_RESULTS ?? 'test-results',
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: `${process.env.LUCID_TEST_RESULTS ?? 'playwright'}-report` }],
  ],
  use: {
    baseURL: `http://localhost:${PREVIEW_PORT}`,
    browserName: 'chromium',
    headless: true,
    // System Chromium, headless and offline (e2e/chromium.ts); Playwright gives each a fresh profile.
    launchOptions: chromiumLaunchOptions(),
    // A screenshot of every test's final page lands in test-results/ as an artefact.
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
  // Serves the e2e build, the app with its test hooks (`npm run build:e2e` runs first, see the
  // `test:e2e` script; vite.config.ts puts it in dist-e2e/).
  webServer: {
    command: `npx vite preview --mode e2e --port ${PREVIEW_PORT} --strictPort`,
    url: `http://localhost:${PREVIEW_PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
