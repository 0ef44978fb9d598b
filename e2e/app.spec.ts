import { expect, test } from '@playwright/test';
import { activeBackend, webGpuAdapters } from './lucidTest';

test('loads the app and computes on WebGPU', async ({ page }) => {
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

  await expect(status).toHaveAttribute('data-backend', 'webgpu');
  expect(backend).toBe('webgpu');
});
