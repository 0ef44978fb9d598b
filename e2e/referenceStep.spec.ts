import { expect, test } from '@playwright/test';
import { runReferenceStep } from './lucidTest';

/**
 * Relative tolerance between the WebGPU and cpu losses of one training step.
 * Both backends compute in float32, but WebGPU sums in parallel trees (different order
 * than cpu's sequential loops) and its exp/log/sqrt have implementation-defined accuracy
 * of a few ulp. Each op then differs by ~1e-7–1e-6 relative; through one forward and
 * backward pass of a small model these add up to ~1e-5. 1e-3 leaves two orders of margin
 * while a wrong kernel, a dropped term or a different seed moves the loss by far more.
 */
const RELATIVE_TOLERANCE = 1e-3;
/** Floor for terms that are (near) zero, where a relative bound means nothing. */
const ABSOLUTE_TOLERANCE = 1e-6;

function closeEnough(a: number, b: number): boolean {
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) + ABSOLUTE_TOLERANCE;
}

test('one LUCID training step gives the same loss on WebGPU and cpu', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', /.+/);

  const onWebGpu = await runReferenceStep(page, 'webgpu');
  const onCpu = await runReferenceStep(page, 'cpu');
  console.log(`webgpu: loss ${onWebGpu.loss} terms ${JSON.stringify(onWebGpu.terms)}`);
  console.log(`cpu:    loss ${onCpu.loss} terms ${JSON.stringify(onCpu.terms)}`);
  const relativeDifference =
    Math.abs(onWebGpu.loss - onCpu.loss) / Math.max(Math.abs(onWebGpu.loss), Math.abs(onCpu.loss));
  console.log(`relative difference ${relativeDifference.toExponential(2)} (tolerance ${RELATIVE_TOLERANCE})`);

  expect(onWebGpu.backend).toBe('webgpu');
  expect(onCpu.backend).toBe('cpu');
  expect(Number.isFinite(onWebGpu.loss)).toBe(true);
  expect(closeEnough(onWebGpu.loss, onCpu.loss), 'loss within tolerance').toBe(true);
  expect(Object.keys(onWebGpu.terms).sort()).toEqual(Object.keys(onCpu.terms).sort());
  for (const [name, value] of Object.entries(onCpu.terms)) {
    expect(closeEnough(onWebGpu.terms[name], value), `term ${name} within tolerance`).toBe(true);
  }
});

test('runs the reference step on WASM with binaries served by the app itself', async ({ page, baseURL }) => {
  // Any request leaving the app's origin (e.g. a CDN for the .wasm files) fails the test.
  const offOrigin: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (baseURL !== undefined && url.startsWith(baseURL)) return route.continue();
    offOrigin.push(url);
    return route.abort();
  });
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', 'wasm');

  const onWasm = await runReferenceStep(page, 'wasm');
  const onCpu = await runReferenceStep(page, 'cpu');
  console.log(`wasm:   loss ${onWasm.loss}; cpu: loss ${onCpu.loss}`);

  expect(offOrigin).toEqual([]);
  expect(onWasm.backend).toBe('wasm');
  expect(closeEnough(onWasm.loss, onCpu.loss), 'loss within tolerance').toBe(true);
});
