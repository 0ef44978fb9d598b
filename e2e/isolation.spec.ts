/**
 * Cross-origin isolation (docs/security.md): the served app is `crossOriginIsolated` through its COOP
 * and COEP headers (vite.config.ts), still under its Content Security Policy, and ONNX Runtime runs
 * the CLIP vision tower on more than one WASM thread when it analyses a dropped image. Under COEP a
 * CORS fetch from the hub still arrives, which is how transformers.js downloads a hub model.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { wasmThreadsFor } from '../src/clip/environment';
import { PREVIEW_HEADERS } from '../vite.config';
import { watchCspViolations } from './cspWatch';
import { dropImages } from './dropImages';

const IMAGES = path.resolve('e2e/fixtures/images');
/** ONNX Runtime's WASM loader, served by the app (src/clip/browserEnvironment.ts); each thread is a worker of it. */
const ORT_THREAD_SCRIPT = /\/assets\/ort-wasm-simd-threaded\.asyncify-[^/]+\.mjs$/;

test('the app is cross-origin isolated under its policy, and ONNX Runtime analyses an image on threads', async ({
  page,
}) => {
  const violations = await watchCspViolations(page);
  const ortThreads: string[] = [];
  page.on('worker', (worker) => {
    if (ORT_THREAD_SCRIPT.test(worker.url())) ortThreads.push(worker.url());
  });

  const response = await page.goto('/?backend=wasm');
  const headers = response!.headers();
  for (const [name, value] of Object.entries(PREVIEW_HEADERS)) expect(headers[name.toLowerCase()]).toBe(value);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveCount(1);

  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
  await dropImages(page, [{ name: 'dog.png', bytes: await readFile(path.join(IMAGES, 'dog.png')) }]);
  await expect(page.locator('canvas.heatmap')).toHaveCount(1, { timeout: 120_000 });

  // ONNX Runtime starts (threads − 1) workers beside the one it runs in.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  console.log(`hardwareConcurrency ${cores}: ONNX Runtime thread workers ${ortThreads.length}`);
  expect(ortThreads.length).toBe(wasmThreadsFor(true, cores) - 1);
  if (cores > 1) expect(ortThreads.length).toBeGreaterThan(0);
  expect(await violations()).toEqual([]);
});

// In principle only: Playwright answers the route itself (adding CORS headers), and Chromium skips
// COEP's resource check for an answer injected that way (a no-cors fetch without
// Cross-Origin-Resource-Policy arrived too). What it shows is that the isolated page, under its
// policy, still lets a CORS fetch to the hub out and its answer in; docs/security.md says why COEP
// passes the real hub's CORS responses.
test('on the isolated page a CORS fetch to the hub still goes out and its answer arrives', async ({
  page,
  context,
}) => {
  await context.route('https://huggingface.co/**', (route) =>
    route.fulfill({
      status: 200,
      headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' },
      body: '{"model_type":"clip"}',
    }),
  );
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // transformers.js's downloads are CORS fetches like this one.
  const config = await page.evaluate(() =>
    fetch('https://huggingface.co/openai/clip-vit-base-patch16/resolve/main/config.json').then((r) => r.json()),
  );
  expect(config).toEqual({ model_type: 'clip' });
});
