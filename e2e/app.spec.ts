import { expect, test } from '@playwright/test';
import { activeBackend, webGpuAdapters } from './lucidTest';

test('loads the app and computes on WebGPU, or on WASM where WebGPU is only a software fallback', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('LUCID Explorer');
  await expect(page.getByRole('heading', { name: 'LUCID Explorer' })).toBeVisible();

  const status = page.getByTestId('backend-status');
  await expect(status).toHaveAttribute('data-backend', /.+/);
  const statusText = await status.innerText();
  const backend = await activeBackend(page);
  const adapters = await webGpuAdapters(page);
  // Printed so the CI log shows which backend and which (software) GPU the tests ran on.
  console.log(`status line: ${statusText}`);
  console.log(`tfjs backend: ${backend}`);
  console.log(`WebGPU adapters offered: ${JSON.stringify(adapters)}`);

  // The app's adapter choice (requestBestAdapter): a hardware one if any is offered.
  const hardware = adapters.some((adapter) => !adapter.isFallbackAdapter);
  await expect(status).toHaveAttribute('data-backend', hardware ? 'webgpu' : 'wasm');
  expect(backend).toBe(hardware ? 'webgpu' : 'wasm');
  if (!hardware) expect(statusText).toContain('software fallback');
  if (!hardware) {
    // tfjs' WASM threads start on the cross-origin isolated page, without blob: workers (docs/security.md).
    const [isolated, cores, threads] = await page.evaluate(() => [
      crossOriginIsolated,
      navigator.hardwareConcurrency,
      window.__lucidTest?.tfjsThreads(),
    ]);
    console.log(`tfjs WASM threads: ${threads} (${cores} cores, isolated: ${isolated})`);
    expect(isolated).toBe(true);
    expect(threads).toBe(Math.max(1, Math.min(8, cores as number)));
  }
});

test('?backend=webgpu computes on WebGPU, software adapter or not', async ({ page }) => {
  await page.goto('/?backend=webgpu');
  await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', 'webgpu');
  expect(await activeBackend(page)).toBe('webgpu');
});
