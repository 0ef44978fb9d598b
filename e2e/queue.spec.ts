import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { dropImages } from './dropImages';

const IMAGES = path.resolve('e2e/fixtures/images');

test('images given while the model loads wait on their cards and are analysed once it is ready', async ({
  page,
  context,
}) => {
  // The vision tower's file is held back until the images are given, so the model is surely still loading.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await context.route('**/models/emoji-clip/onnx/vision_model.onnx', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'idle');

  // One chosen with "Add images", one dropped on the zone.
  await page.getByLabel('Add images').setInputFiles(path.join(IMAGES, 'dog.png'));
  await dropImages(page, [
    { name: 'scene_dog_pizza.png', bytes: await readFile(path.join(IMAGES, 'scene_dog_pizza.png')) },
  ]);
  const cards = page.locator('.image-card');
  await expect(cards).toHaveCount(2);
  await expect(cards.getByText(/^Waiting for the model/)).toHaveCount(2);
  await expect(page.locator('canvas.heatmap')).toHaveCount(0);

  release();
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });
  await expect(cards.getByText(/Waiting|Not analysed/)).toHaveCount(0);
  await expect(cards.locator('.concept-list li').first()).toBeVisible();
});

test('a tall image’s card says the model sees its centre square and how much of it is cut', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
  // A 60×180 PNG drawn in the page: resized to 96×288, of which the model keeps the middle 96 rows.
  const tall = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(60, 180);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#c33';
    context.fillRect(0, 0, 60, 180);
    return Array.from(new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer()));
  });
  await dropImages(page, [{ name: 'tall.png', bytes: Buffer.from(tall) }]);
  await expect(page.locator('.image-card .model-view-notice')).toHaveText(
    'Cropped: the model sees the centre square; 67% of the height (33% at the top and at the bottom) is cut off.',
    { timeout: 60_000 },
  );
});
