/**
 * The Train tab end to end: a local folder, training in the worker on WebGPU, Pause / Resume,
 * resume after a reload, export → import, and the guard rails (NaN, quota, a lost GPU device).
 * Needs the Train tab wired to src/ui/train/TrainView and `training: trainingTestApi()` in
 * window.__lucidTest (src/testing/testApi.ts).
 *
 * Headless Chromium's WebGPU is software (SwiftShader: ~40 s per step of this configuration, lavapipe
 * ~3.5 s, WASM ~0.3 s; see docs/training.md), so only the tests that are about WebGPU itself train
 * on it, with few steps and small batches; the rest use `?backend=wasm`, which the Train tab honours.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import type { TrainingTestApi } from '../src/testing/trainingHooks';

const FOLDER = path.resolve('e2e/fixtures/train-folder');
const IMAGES = path.resolve('e2e/fixtures/images');
/** Training on SwiftShader is slow: generous waits for steps to happen. */
const RUN_TIMEOUT_MS = 600_000;

test.describe.configure({ timeout: RUN_TIMEOUT_MS });

type Hooks = { __lucidTest: { training: TrainingTestApi } };

/** Calls a training test hook in the page. */
function hook<K extends keyof TrainingTestApi>(
  page: Page,
  name: K,
  ...args: Parameters<TrainingTestApi[K]>
): Promise<Awaited<ReturnType<TrainingTestApi[K]>>> {
  return page.evaluate(
    ([n, a]) => {
      const api = (window as unknown as Hooks).__lucidTest.training;
      return (api[n as K] as (...x: unknown[]) => Promise<unknown>)(...(a as unknown[]));
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<TrainingTestApi[K]>>>;
}

async function openTrainTab(page: Page, backend: 'webgpu' | 'wasm'): Promise<void> {
  await page.goto(`/?backend=${backend}#tab=train`);
  await page.getByRole('tab', { name: 'Train' }).click();
  await expect(page.getByLabel('Choose folder')).toBeVisible();
}

async function startRun(page: Page, run: { steps: number; batchSize: number; checkpointEvery: number }): Promise<void> {
  await page.getByLabel('Choose folder').setInputFiles(FOLDER);
  await page.getByLabel('Steps', { exact: true }).fill(String(run.steps));
  await page.getByLabel('Batch size').fill(String(run.batchSize));
  await page.getByLabel('Checkpoint interval').fill(String(run.checkpointEvery));
  await page.getByRole('button', { name: 'Start', exact: true }).click();
}

const status = (page: Page) => page.getByRole('status', { name: 'Training status' });

async function currentStep(page: Page): Promise<number> {
  const text = (await status(page).textContent()) ?? '';
  return Number(/Step (\d+)/.exec(text)?.[1] ?? NaN);
}

async function waitForStep(page: Page, atLeast: number): Promise<number> {
  await expect.poll(() => currentStep(page), { timeout: RUN_TIMEOUT_MS }).toBeGreaterThanOrEqual(atLeast);
  return currentStep(page);
}

/**
 * FVU on the run's images before and after, from the comparison table. Per-step losses are too noisy
 * to compare (caption batches add the alignment terms, image-only batches do not).
 */
async function imageFvu(page: Page): Promise<{ before: number; after: number }> {
  const cells = page.getByRole('row', { name: /FVU image/ }).getByRole('cell');
  await expect(cells).toHaveCount(2, { timeout: RUN_TIMEOUT_MS });
  const [before, after] = (await cells.allTextContents()).map(Number);
  return { before, after };
}

/**
 * Same Top-K codes: the same latents fire on every patch, with values equal to float32 rounding
 * (tfjs' multithreaded WASM kernels may sum in another order from one call to the next).
 */
function expectSameCodes(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.map((v) => v > 0)).toEqual(expected.map((v) => v > 0));
  const scale = Math.max(...expected.map(Math.abs));
  const difference = Math.max(...actual.map((v, i) => Math.abs(v - expected[i])));
  expect(difference).toBeLessThanOrEqual(1e-5 * scale);
}

async function stopAndWait(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(status(page)).toContainText('finished', { timeout: RUN_TIMEOUT_MS });
}

test('trains on a folder on WebGPU in the worker, and the loss falls', async ({ page }) => {
  await openTrainTab(page, 'webgpu');
  await startRun(page, { steps: 6, batchSize: 4, checkpointEvery: 2 });
  // 10 files with an image signature (one of them corrupt), 6 of them captioned; README.md is skipped.
  await expect(page.getByText(/10 images, 6 with captions/)).toBeVisible();
  await expect(page.getByText(/broken\.png: skipped/)).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Training progress' })).toBeVisible();
  await expect(status(page)).toContainText('on webgpu');
  await expect(status(page)).toContainText('finished', { timeout: RUN_TIMEOUT_MS });
  expect(await hook(page, 'backend')).toBe('webgpu');
  const history = await hook(page, 'history');
  console.log(history.map((p) => `step ${p.step}: loss ${p.total.toFixed(4)}`).join('; '));
  expect(history.at(-1)!.step).toBe(6);
  const fvu = await imageFvu(page);
  console.log(`FVU image on the folder: ${fvu.before} before, ${fvu.after} after`);
  expect(fvu.after).toBeLessThan(fvu.before);
});

test('Pause and Resume; export → import gives identical encodings; a bad import changes nothing', async ({ page }) => {
  await openTrainTab(page, 'wasm');
  await startRun(page, { steps: 60, batchSize: 4, checkpointEvery: 20 });
  await waitForStep(page, 10);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(status(page)).toContainText('paused');
  const paused = await currentStep(page);
  await page.waitForTimeout(1500);
  expect(await currentStep(page)).toBe(paused);
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await waitForStep(page, paused + 1);
  await expect(status(page)).toContainText('finished', { timeout: RUN_TIMEOUT_MS });
  await expect(page.getByText(/Before and after, on your 9 images/)).toBeVisible();
  const fvu = await imageFvu(page);
  expect(fvu.after).toBeLessThan(fvu.before);
  // The worker relabels the trained dictionary on the run's images; the export then carries the labels.
  await expect(page.getByText(/Relabelled the concepts on 9 of your images/)).toBeVisible({ timeout: RUN_TIMEOUT_MS });
  await expect(page.getByText(/latents are named differently from the starting dictionary/)).toBeVisible();

  await page.getByRole('button', { name: 'Use in explorer' }).click();
  await expect(page.getByText(/The explorer now uses the fine-tuned dictionary/)).toBeVisible();

  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('link', { name: 'lucid.safetensors' })).toBeVisible();
  // Read back as a user gets them: by downloading each link.
  const download = async (name: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    return readFile(await file.path());
  };
  const files = {
    weights: await download('lucid.safetensors'),
    config: await download('lucid.config.json'),
    interpretation: await download('interpretation.json'),
  };
  const labels = JSON.parse(files.interpretation.toString('utf8')) as {
    latents: { label: string | null }[];
    reference: { atlas: string };
  };
  expect(labels.reference.atlas).toBe('');
  expect(labels.latents.filter((latent) => latent.label).length).toBeGreaterThan(0);
  // The exported files load in the command line too (same core, same format).
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lucid-exported-'));
  await writeFile(path.join(dir, 'lucid.safetensors'), files.weights);
  await writeFile(path.join(dir, 'lucid.config.json'), files.config);
  await writeFile(path.join(dir, 'interpretation.json'), files.interpretation);
  const cli = JSON.parse(
    execFileSync(process.execPath, ['bin/lucid.mjs', 'neurons', 'a dog', '--dict', dir, '--json'], {
      encoding: 'utf8',
    }),
  ) as { neurons: { label: string | null }[] };
  expect(cli.neurons.length).toBeGreaterThan(0);
  // With the exported interpretation.json beside them, `lucid` names the neurons too.
  expect(cli.neurons.some((neuron) => neuron.label)).toBe(true);
  await rm(dir, { recursive: true, force: true });

  const before = await hook(page, 'sampleCodes');
  const weightsFile = (bytes: Buffer) => ({
    name: 'lucid.safetensors',
    mimeType: 'application/octet-stream',
    buffer: bytes,
  });

  // A wrong pair (the config given as weights) is refused with the reason, and nothing changes.
  await page.getByLabel(/Weights file/).setInputFiles(weightsFile(files.config));
  await page
    .getByLabel(/Config file/)
    .setInputFiles({ name: 'lucid.config.json', mimeType: 'application/json', buffer: files.config });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Import refused');
  expectSameCodes(await hook(page, 'sampleCodes'), before);

  await page.getByLabel(/Weights file/).setInputFiles(weightsFile(files.weights));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText(/Imported lucid\.safetensors/)).toBeVisible();
  expectSameCodes(await hook(page, 'sampleCodes'), before);
});

test('"Use in explorer" makes the header name the trained dictionary and re-analyses every image', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
  await page
    .getByLabel('Add images')
    .setInputFiles([path.join(IMAGES, 'dog.png'), path.join(IMAGES, 'scene_dog_pizza.png')]);
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });

  await page.getByRole('tab', { name: 'Train' }).click();
  await startRun(page, { steps: 6, batchSize: 4, checkpointEvery: 3 });
  await expect(status(page)).toContainText('finished', { timeout: RUN_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Use in explorer' }).click();
  await expect(page.getByText(/The explorer now uses the fine-tuned dictionary/)).toBeVisible();
  await expect(page.getByTestId('dictionary-status')).toContainText('fine-tuned in the Train tab');

  await page.getByRole('tab', { name: 'Images' }).click();
  const cards = page.locator('.image-card');
  await expect(cards).toHaveCount(2);
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });
  await expect(cards.getByText(/Waiting|Not analysed/)).toHaveCount(0);
  // The worker dropped the old codes with the old dictionary: inspecting works only on re-analysed images.
  await expect(cards.locator('.concept-list li').first()).toBeVisible();
});

test('reloading mid-run offers to resume, and the run continues from the checkpoint step', async ({ page }) => {
  await openTrainTab(page, 'wasm');
  await startRun(page, { steps: 2000, batchSize: 4, checkpointEvery: 10 });
  await expect(page.getByText(/Last checkpoint: step \d+/)).toBeVisible({ timeout: RUN_TIMEOUT_MS });
  await page.reload();
  await page.getByRole('tab', { name: 'Train' }).click();
  const offer = page.getByText(/Checkpoint at step \d+ of 2000/);
  await expect(offer).toBeVisible();
  const saved = Number(/step (\d+)/.exec((await offer.textContent()) ?? '')?.[1]);
  expect(saved).toBeGreaterThanOrEqual(10);
  await page.getByRole('button', { name: 'Resume from checkpoint' }).click();
  await expect(status(page)).toContainText('training');
  expect(await currentStep(page)).toBeGreaterThanOrEqual(saved);
  await waitForStep(page, saved + 10);
  const history = await hook(page, 'history');
  expect(history.some((point) => point.step === saved)).toBe(true);
  expect(history.at(-1)!.step).toBeGreaterThan(saved);
  await stopAndWait(page);
});

test('a NaN step is rejected and the rate halved; a full disk is reported and Export still works', async ({ page }) => {
  await openTrainTab(page, 'wasm');
  await startRun(page, { steps: 2000, batchSize: 4, checkpointEvery: 10 });
  await waitForStep(page, 12);
  await hook(page, 'poisonWeights');
  await expect(page.getByText(/non-finite .* learning rate halved/)).toBeVisible({ timeout: RUN_TIMEOUT_MS });
  const afterNaN = await currentStep(page);
  await waitForStep(page, afterNaN + 10);
  const history = await hook(page, 'history');
  expect(history.every((point) => Number.isFinite(point.total))).toBe(true);
  expect(history.at(-1)!.learningRate).toBeLessThan(history[0].learningRate);

  await hook(page, 'failNextCheckpointWithQuota');
  await expect(page.getByText(/Browser storage is full/)).toBeVisible({ timeout: RUN_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('link', { name: 'lucid.safetensors' })).toBeVisible();
  await stopAndWait(page);
});

// It once hung: a checkpoint's weight read-back was in flight when the device went, and that read
// never settles on a destroyed device. Checkpoint reads are now raced against `device.lost` too.
test('a lost WebGPU device: training continues on WASM from the last checkpoint', async ({ page }) => {
  await openTrainTab(page, 'webgpu');
  await startRun(page, { steps: 2000, batchSize: 2, checkpointEvery: 2 });
  await expect(page.getByText(/Last checkpoint: step \d+/)).toBeVisible({ timeout: RUN_TIMEOUT_MS });
  await hook(page, 'loseDevice');
  await expect(page.getByText(/continues on WASM from the checkpoint at step \d+/)).toBeVisible({
    timeout: RUN_TIMEOUT_MS,
  });
  expect(await hook(page, 'backend')).toBe('wasm');
  const onWasm = await currentStep(page);
  await waitForStep(page, onWasm + 5);
  await stopAndWait(page);
});

test('the host helper threads change no weight: the same steps with and without them are equal bit for bit', async ({
  page,
}) => {
  await openTrainTab(page, 'wasm');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const parity = await hook(page, 'hostHelperParity');
  console.log(`host helper parity: ${JSON.stringify(parity)} (${cores} cores)`);
  // As many helpers as src/lucid/hostThreads.ts starts on this page (cross-origin isolated, shared memory).
  expect(parity.helpers).toBe(Math.min(3, cores - 1));
  expect(parity.compared).toBeGreaterThan(100_000);
  expect(parity.differing).toBe(0);
});
