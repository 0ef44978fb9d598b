import { defineConfig } from '@playwright/test';
import { PREVIEW_PORT } from './vite.config';

/** System Chromium (never a Playwright-downloaded one); override with CHROMIUM_PATH. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `--enable-unsafe-webgpu` gives WebGPU on machines without a GPU through SwiftShader
 * (slow but correct). The rest keep a headless run offline and reproducible. Playwright
 * already starts every browser with a fresh temporary `--user-data-dir`.
 */
const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `LUCID_WEBGPU=lavapipe` runs WebGPU on Mesa's lavapipe (CPU Vulkan, several times faster
 * than SwiftShader) instead: needs `mesa-vulkan-drivers`; the app then picks lavapipe's
 * compatibility-mode adapter over the SwiftShader fallback (see requestBestAdapter).
 */
const useLavapipe = process.env.LUCID_WEBGPU === 'lavapipe';
const lavapipeArgs = [
  '--use-gl=angle',
  '--use-angle=vulkan',
  '--use-vulkan=native',
  '--ignore-gpu-blocklist',
  '--use-webgpu-adapter=opengles',
];

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
    launchOptions: useLavapipe
      ? {
          executablePath: chromiumPath,
          args: [...chromiumArgs, ...lavapipeArgs],
          ignoreDefaultArgs: ['--use-angle=swiftshader-webgl', '--enable-unsafe-swiftshader'],
          env: { ...process.env, VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json' },
        }
      : { executablePath: chromiumPath, args: chromiumArgs },
    // A screenshot of every test's final page lands in test-results/ as an artefact.
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
  // Serves the built app (`npm run build` runs first, see the `test:e2e` script).
  webServer: {
    command: `npx vite preview --port ${PREVIEW_PORT} --strictPort`,
    url: `http://localhost:${PREVIEW_PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
