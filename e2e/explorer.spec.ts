import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { boxMask } from '../src/eval/pointing';

const IMAGES = path.resolve('e2e/fixtures/images');
const SCREENSHOTS = process.env.LUCID_SCREENSHOTS;

interface Fixtures {
  scenes: { file: string; objects: { label: string; box: number[] }[] }[];
}

async function shot(page: Page, name: string, testInfo: { outputPath(name: string): string }) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  // `LUCID_SCREENSHOTS=docs/screenshots npm run test:e2e -- explorer` refreshes the README's pictures.
  if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function openApp(page: Page, hash = '') {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
}

async function addImages(page: Page, files: string[]) {
  await page.getByRole('tab', { name: 'Images' }).click();
  await page.getByLabel('Add images').setInputFiles(files.map((f) => path.join(IMAGES, f)));
}

async function findNeurons(page: Page, text: string) {
  await page.getByRole('tab', { name: 'Text' }).click();
  await page.getByLabel('Find neurons').fill(text);
  const shared = page.getByRole('region', { name: 'Shared with images neurons' });
  await expect(shared.locator('.latent-button').first()).toBeVisible({ timeout: 60_000 });
  return shared;
}

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`drops images, finds the neuron a word fires, and paints it where the object is (${backend})`, async ({
    page,
  }, testInfo) => {
    const fixtures = JSON.parse(await readFile(path.join(IMAGES, 'fixtures.json'), 'utf8')) as Fixtures;
    const scene = fixtures.scenes.find((s) => s.file === 'scene_dog_pizza.png')!;
    const dog = scene.objects.find((o) => o.label === 'dog face')!;
    await openApp(page, `?backend=${backend}`);
    await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', backend);
    await addImages(page, ['dog.png', 'scene_dog_pizza.png']);
    await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });
    if (backend === 'webgpu') await shot(page, 'images', testInfo);

    const shared = await findNeurons(page, 'dog face');
    await shared.locator('.latent-button').first().click();
    const selected = await shared.locator('.latent-button').first().locator('.latent-label').innerText();
    if (backend === 'webgpu') await shot(page, 'text', testInfo);

    await page.getByRole('tab', { name: 'Images' }).click();
    const label = selected.replace(/\s*#\d+$/, '');
    await expect(
      page.getByRole('img', { name: new RegExp(`heatmap of .*${escapeRegExp(label)}`) }).first(),
    ).toBeVisible();
    await expect.poll(() => page.evaluate(() => window.__lucidTest!.shownHeatmaps().length)).toBe(2);
    const maps = await page.evaluate(() => window.__lucidTest!.shownHeatmaps());
    const onScene = maps.find((m) => m.image === scene.file)!;
    const inBox = boxMask(dog.box, onScene.grid, 96);
    console.log(
      `"dog face" → neuron ${selected}; hottest patch on the scene: ${onScene.peak} (in the dog's box: ${inBox[onScene.peak] === 1})`,
    );
    expect(inBox[onScene.peak]).toBe(1);
  });
}

test('a label typed in the text view ranks the image’s own top neuron near the top', async ({ page }) => {
  await openApp(page);
  const bytes = Array.from(await readFile(path.join(IMAGES, 'dog_twemoji.png')));
  // The image's three strongest shared concepts (its private ones have no text side by design).
  const imageTop = await page.evaluate(async (data) => {
    const api = window.__lucidTest!.explorer();
    const config = (await (await fetch('/dictionaries/emoji-clip/lucid.config.json')).json()).config;
    const analysis = await api.analyzeImage(new Blob([new Uint8Array(data)], { type: 'image/png' }), 'dog');
    return analysis.top
      .filter((l) => l.id < config.nShared)
      .slice(0, 3)
      .map((l) => l.id);
  }, bytes);
  const shared = await findNeurons(page, 'dog face');
  const textTop = (await shared.locator('.latent-id').allInnerTexts()).slice(0, 5).map((t) => Number(t.slice(1)));
  console.log(`dog_twemoji.png top shared neurons ${imageTop}; "dog face" top shared neurons ${textTop}`);
  expect(textTop.some((id) => imageTop.includes(id))).toBe(true);
});

test('the pairs view draws the transport plan with its dustbin mass', async ({ page }, testInfo) => {
  await openApp(page);
  await addImages(page, ['scene_dog_pizza.png']);
  await expect(page.locator('canvas.heatmap')).toHaveCount(1, { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Pairs' }).click();
  await page.getByLabel('Caption').fill('a dog face and a pizza');
  await expect(page.getByRole('img', { name: /transport plan between scene_dog_pizza.png/ })).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.locator('.dustbin')).toContainText('Dustbin');
  await page
    .getByRole('list', { name: 'Words of the caption' })
    .getByRole('button', { name: /^dog\b/ })
    .click();
  await expect(page.getByRole('img', { name: /where “dog” went on scene_dog_pizza.png/ })).toBeVisible();
  await expect(page.locator('.pairs-word-heat figcaption')).toContainText(
    /\d+(\.\d)?% of its mass went to the dustbin/,
  );
  await shot(page, 'pairs', testInfo);
});

test('the concept map renders, filters and opens a latent page; the URL restores it', async ({ page }, testInfo) => {
  await openApp(page, '#tab=concepts');
  await expect(page.getByRole('img', { name: /map of \d+ concepts/ })).toBeVisible();
  const points = await page.locator('svg circle').count();
  expect(points).toBeGreaterThan(100);
  await page.getByLabel('Search concepts').fill('qzxv');
  await expect(page.getByText('No concept matches “qzxv”.')).toBeVisible();
  // Search for the label of the first named shared latent of the shipped interpretation (the
  // dictionary decides which words have concepts; "dog" has none in the current one).
  const label = await page.evaluate(async () => {
    const interpretation = await (await fetch('/dictionaries/emoji-clip/interpretation.json')).json();
    return (interpretation.latents as { kind: string; label: string | null }[]).find(
      (l) => l.kind === 'shared' && l.label,
    )!.label!;
  });
  await page.getByLabel('Search concepts').fill(label);
  await page.getByRole('list', { name: 'Matching concepts' }).getByRole('button').first().click();
  await expect(page.locator('#latent-heading')).toBeVisible();
  await shot(page, 'concepts', testInfo);
  const url = page.url();
  await page.reload();
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
  expect(page.url()).toBe(url);
  await expect(page.locator('#latent-heading')).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Concepts' })).toHaveAttribute('aria-selected', 'true');
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('five emoji of different kinds from the test split get five different first concepts', async ({ page }) => {
  // The first single image of five emoji groups in eval/test.json, chosen by rule (fixtures.json):
  // emoji neither the dictionary nor its names ever saw.
  const dir = path.resolve('e2e/fixtures/test-split');
  const { images } = JSON.parse(await readFile(path.join(dir, 'fixtures.json'), 'utf8')) as {
    images: { file: string; label: string }[];
  };
  await openApp(page);
  await page.getByRole('tab', { name: 'Images' }).click();
  await page.getByLabel('Add images').setInputFiles(images.map((i) => path.join(dir, i.file)));
  await expect(page.locator('canvas.heatmap')).toHaveCount(images.length, { timeout: 60_000 });
  const first = await page.evaluate(
    async (files) => {
      const api = window.__lucidTest!.explorer();
      const out: number[] = [];
      for (const { bytes, name } of files) {
        const analysis = await api.analyzeImage(new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
        out.push(analysis.top[0].id);
      }
      return out;
    },
    await Promise.all(
      images.map(async (i) => ({ name: i.file, bytes: Array.from(await readFile(path.join(dir, i.file))) })),
    ),
  );
  console.log(`first concepts: ${images.map((image, i) => `${image.label} → #${first[i]}`).join(', ')}`);
  expect(new Set(first).size).toBe(images.length);
});
