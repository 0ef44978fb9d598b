/**
 * Fault injection in the explorer worker: its WebGPU device lost while images are being encoded,
 * and an error escaping the worker. Each time the page restarts the worker and replays the model,
 * the dictionary and the images, so nothing the user loaded is lost. (Training faults — a lost
 * device, a reload, a full disk, a NaN step — are in train.spec.ts.)
 */
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';

const IMAGES = path.resolve('e2e/fixtures/images');

async function openApp(page: Page, backend: 'webgpu' | 'wasm') {
  await page.goto(`/?backend=${backend}`);
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
}

async function addImages(page: Page, files: string[]) {
  await page.getByRole('tab', { name: 'Images' }).click();
  await page.getByLabel('Add images').setInputFiles(files.map((f) => path.join(IMAGES, f)));
}

/** The first shared neuron "dog face" fires, selected so every image shows its heatmap. */
async function selectDogNeuron(page: Page): Promise<number> {
  await page.getByRole('tab', { name: 'Text' }).click();
  await page.getByLabel('Find neurons').fill('dog face');
  const shared = page.getByRole('region', { name: 'Shared with images neurons' });
  await shared.locator('.latent-button').first().click();
  await page.getByRole('tab', { name: 'Images' }).click();
  await expect.poll(() => page.evaluate(() => window.__lucidTest!.shownHeatmaps().length)).toBe(2);
  return page.evaluate(() => window.__lucidTest!.shownHeatmaps()[0].latent);
}

/** Heat of `latent` on every loaded image, fetched from the worker now (not from the page's cache). */
function heatmapsNow(page: Page, latent: number): Promise<{ name: string; values: number[] }[]> {
  return page.evaluate(async (latent) => {
    return Promise.all(
      window.__lucidTest!.loadedImages().map(async (image) => {
        const heatmap = await window.__lucidTest!.explorer().heatmap(image.imageId, latent);
        return { name: image.name, values: Array.from(heatmap.values) };
      }),
    );
  }, latent);
}

function maxAbsDifference(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i])), 0);
}

test('the GPU device lost while images are encoded: the explorer goes on on WASM and keeps every image', async ({
  page,
}) => {
  await openApp(page, 'webgpu');
  expect(await page.evaluate(() => window.__lucidTest!.explorer().backendInUse())).toBe('webgpu');
  await addImages(page, ['dog.png']);
  await expect(page.locator('canvas.heatmap')).toHaveCount(1, { timeout: 60_000 });

  // The second image is dropped and the device destroyed while it is being encoded.
  await addImages(page, ['scene_dog_pizza.png']);
  await page.evaluate(() => window.__lucidTest!.explorerFaults.loseDevice());
  await expect(page.getByTestId('worker-fault')).toContainText(
    /GPU device was lost.*restarted on WASM and reloaded the model, the dictionary, [12] images?/,
    { timeout: 120_000 },
  );
  expect(await page.evaluate(() => window.__lucidTest!.explorer().backendInUse())).toBe('wasm');
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.locator('.image-card .error')).toHaveCount(0);

  // Both images answer from the new worker, and a new selection still paints them.
  const dogLatent = await selectDogNeuron(page);
  const maps = await heatmapsNow(page, dogLatent);
  expect(maps.map((m) => m.name).sort()).toEqual(['dog.png', 'scene_dog_pizza.png']);
  for (const map of maps) expect(Math.max(...map.values)).toBeGreaterThan(0);
});

test('an error escaping the explorer worker: it restarts with the model, the dictionary and the images', async ({
  page,
}) => {
  await openApp(page, 'webgpu');
  await addImages(page, ['dog.png', 'scene_dog_pizza.png']);
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });
  const latent = await selectDogNeuron(page);
  const before = await heatmapsNow(page, latent);

  await page.evaluate(() => window.__lucidTest!.explorerFaults.crash());
  await expect(page.getByTestId('worker-fault')).toContainText(
    /explorer worker crashed.*restarted on WEBGPU and reloaded the model, the dictionary, 2 images/,
    { timeout: 120_000 },
  );
  // The same image ids give the same heat as before the crash.
  const after = await heatmapsNow(page, latent);
  expect(after.map((m) => m.name)).toEqual(before.map((m) => m.name));
  for (let i = 0; i < before.length; i++)
    expect(maxAbsDifference(after[i].values, before[i].values)).toBeLessThan(1e-4);
  // The text side works on the new worker too.
  await page.getByRole('tab', { name: 'Text' }).click();
  await page.getByLabel('Find neurons').fill('pizza');
  await expect(
    page.getByRole('region', { name: 'Shared with images neurons' }).locator('.latent-button').first(),
  ).toBeVisible({ timeout: 60_000 });
});

test('an error escaping the training worker: the tab offers its last checkpoint, and the run resumes from it', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await page.goto('/?backend=wasm#tab=train');
  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByLabel('Choose folder').setInputFiles(path.resolve('e2e/fixtures/train-folder'));
  await page.getByLabel('Steps', { exact: true }).fill('2000');
  await page.getByLabel('Batch size').fill('4');
  await page.getByLabel('Checkpoint interval').fill('10');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByText(/Last checkpoint: step \d+/)).toBeVisible({ timeout: 300_000 });

  await page.evaluate(() => window.__lucidTest!.training.crash());
  await expect(page.getByText(/The training worker crashed .*Resume from its checkpoint at step \d+/)).toBeVisible({
    timeout: 60_000,
  });
  const offer = page.getByText(/Checkpoint at step \d+ of 2000/);
  await expect(offer).toBeVisible();
  const saved = Number(/step (\d+)/.exec((await offer.textContent()) ?? '')?.[1]);
  expect(saved).toBeGreaterThanOrEqual(10);

  await page.getByRole('button', { name: 'Resume from checkpoint' }).click();
  const status = page.getByRole('status', { name: 'Training status' });
  await expect(status).toContainText('training');
  const step = async () => Number(/Step (\d+)/.exec((await status.textContent()) ?? '')?.[1] ?? NaN);
  await expect.poll(step, { timeout: 300_000 }).toBeGreaterThanOrEqual(saved + 5);
  const history = await page.evaluate(() => window.__lucidTest!.training.history());
  expect(history.some((point) => point.step === saved)).toBe(true);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(status).toContainText('finished', { timeout: 300_000 });
});
