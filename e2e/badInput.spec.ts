/**
 * The bad-input corpus (e2e/fixtures/bad/manifest.json) in the app: every image dropped in one batch on
 * the Images tab, every folder chosen in the Train tab, every dictionary imported in the Train tab and
 * loaded into the explorer's worker. Each bad input shows its message; the good inputs beside it still
 * work; what was loaded before stays as it was; no script in any file runs. The Node twin is
 * src/cli/badCorpus.test.ts.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { decodeSafetensors } from '../src/lucid/safetensors';
import { BAD_CORPUS_DIR, casesOfKind, folderOfCase, isBad } from '../src/pipeline/testing/badCorpus';

const GOOD_IMAGE = path.join(BAD_CORPUS_DIR, 'images/good.png');

test.describe.configure({ timeout: 600_000 });

/** Fails the test if any file makes the page open a dialog (an SVG's or a caption's script). */
function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

async function openApp(page: Page, hash = '') {
  await page.goto(`/?backend=wasm${hash}`);
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
}

const cardOf = (page: Page, name: string) =>
  page.locator('figure.image-card', { has: page.getByTitle(name, { exact: true }) });

test('images: each bad file shows its problem, the good ones get heatmaps, the image already there keeps its own', async ({
  page,
}) => {
  const dialogs = watchDialogs(page);
  await openApp(page);
  await page.getByRole('tab', { name: 'Images' }).click();
  const input = page.getByLabel('Add images');
  await input.setInputFiles(GOOD_IMAGE);
  await expect(page.locator('canvas.heatmap')).toHaveCount(1, { timeout: 120_000 });
  const before = await page.evaluate(() => window.__lucidTest!.shownHeatmaps());

  const cases = casesOfKind('image');
  await input.setInputFiles(cases.map((c) => path.join(BAD_CORPUS_DIR, c.path)));
  const good = cases.filter((c) => !isBad(c));
  await expect(page.locator('canvas.heatmap')).toHaveCount(1 + good.length, { timeout: 300_000 });
  for (const c of cases) {
    const card = cardOf(page, path.basename(c.path)).last();
    if (isBad(c)) {
      await expect(card.locator('.image-error'), c.path).toHaveText(new RegExp(`^Not analysed: ${c.expect}`));
      await expect(card.locator('canvas.heatmap')).toHaveCount(0);
    } else {
      await expect(card.locator('canvas.heatmap'), c.path).toBeVisible();
    }
  }
  // The first image's heatmap is still the one it had.
  const after = await page.evaluate(() => window.__lucidTest!.shownHeatmaps());
  expect(after.filter((m) => m.image === 'good.png')[0]).toEqual(before[0]);

  // Decoded as the manifest says: upright from EXIF, first frame of the GIF, CMYK converted.
  for (const c of cases.filter((c) => c.width !== undefined)) {
    const bytes = Array.from(await readFile(path.join(BAD_CORPUS_DIR, c.path)));
    const size = await page.evaluate(
      async ([data, name]) => {
        const analysis = await window.__lucidTest!.explorer().analyzeImage(new Blob([new Uint8Array(data)]), name);
        return [analysis.width, analysis.height];
      },
      [bytes, c.path] as const,
    );
    expect(size, c.path).toEqual([c.width, c.height]);
  }
  const gif = cases.find((c) => c.firstFrame)!;
  const tops = await Promise.all(
    [gif.path, gif.firstFrame!].map(async (file) => {
      const bytes = Array.from(await readFile(path.join(BAD_CORPUS_DIR, file)));
      return page.evaluate(async (data) => {
        const analysis = await window.__lucidTest!.explorer().analyzeImage(new Blob([new Uint8Array(data)]), 'x');
        return analysis.top.slice(0, 5);
      }, bytes);
    }),
  );
  expect(tops[0]).toEqual(tops[1]);
  expect(dialogs).toEqual([]);
});

test('folders: the Train tab lists what it uses and why it skips the rest, and trains on the good images', async ({
  page,
}) => {
  const dialogs = watchDialogs(page);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'lucid-bad-folders-'));
  try {
    await page.goto('/?backend=wasm#tab=train');
    await page.getByRole('tab', { name: 'Train' }).click();
    const choose = page.getByLabel('Choose folder');
    for (const c of casesOfKind('folder')) {
      const folder = await folderOfCase(c, scratch);
      await choose.setInputFiles(folder);
      if (c.images === 0) {
        await expect(page.getByRole('alert').filter({ hasText: 'empty' }), c.path).toHaveText(new RegExp(c.expect));
        continue;
      }
      const summary = page.locator('.train-summary');
      await expect(summary, c.path).toContainText(`${c.images} images, ${c.captioned ?? 0} with captions`);
      const lines = summary.locator('li');
      await expect(lines).toHaveCount(c.skipped?.length ?? 0);
      const texts = await lines.allTextContents();
      for (const pattern of c.skipped ?? []) {
        expect(
          texts.some((t) => new RegExp(pattern).test(t)),
          `${c.path}: ${pattern}`,
        ).toBe(true);
      }
    }
    // The mixed folder trains on its two good images; the bad ones are named, none stops the run.
    await choose.setInputFiles(path.join(BAD_CORPUS_DIR, 'folders/mixed'));
    await page.getByLabel('Steps', { exact: true }).fill('2');
    await page.getByLabel('Batch size').fill('2');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Training status' })).toContainText('finished', {
      timeout: 300_000,
    });
    await expect(page.getByText(/Before and after, on your 2 images/)).toBeVisible({ timeout: 120_000 });
    expect(dialogs).toEqual([]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

const fileOf = async (dir: string, name: string, mimeType: string) => ({
  name,
  mimeType,
  buffer: await readFile(path.join(dir, name)),
});

test('dictionaries: Import refuses each bad one with its reason and keeps the imported one', async ({ page }) => {
  await page.goto('/?backend=wasm#tab=train');
  await page.getByRole('tab', { name: 'Train' }).click();
  const importFrom = async (dir: string) => {
    await page
      .getByLabel(/Weights file/)
      .setInputFiles(await fileOf(dir, 'lucid.safetensors', 'application/octet-stream'));
    await page.getByLabel(/Config file/).setInputFiles(await fileOf(dir, 'lucid.config.json', 'application/json'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
  };
  const good = path.join(BAD_CORPUS_DIR, 'dictionaries/good-mini');
  await importFrom(good);
  await expect(page.getByText(/Imported lucid\.safetensors \(8 latents\)/)).toBeVisible({ timeout: 120_000 });

  // The Train tab's Import reads the two files; interpretation.json is the explorer's (next test).
  for (const c of casesOfKind('dictionary').filter((c) => isBad(c) && !c.path.includes('interpretation'))) {
    await importFrom(path.join(BAD_CORPUS_DIR, c.path));
    await expect(page.getByRole('alert'), c.path).toHaveText(
      new RegExp(`^Import refused, nothing changed: ${c.expect}`),
    );
  }

  // Export still writes the good dictionary, tensor for tensor.
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  // Downloaded as a user would (the page's CSP keeps fetch() off blob: URLs).
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'lucid.safetensors' }).click(),
  ]);
  const exported = await readFile(await download.path());
  const expected = decodeSafetensors(new Uint8Array(await readFile(path.join(good, 'lucid.safetensors')))).tensors;
  const actual = decodeSafetensors(new Uint8Array(exported)).tensors;
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, tensor] of expected)
    expect(Array.from(actual.get(name)!.data), name).toEqual(Array.from(tensor.data));
});

test('dictionaries: the explorer refuses each bad one and keeps its dictionary and images', async ({ page }) => {
  await openApp(page);
  const image = Array.from(await readFile(GOOD_IMAGE));
  const first = await page.evaluate(async (data) => {
    const api = window.__lucidTest!.explorer();
    const analysis = await api.analyzeImage(new Blob([new Uint8Array(data)]), 'good.png');
    const heatmap = await api.heatmap(analysis.imageId, analysis.top[0].id);
    return { imageId: analysis.imageId, top: analysis.top, heat: Array.from(heatmap.values) };
  }, image);

  for (const c of casesOfKind('dictionary').filter(isBad)) {
    const dir = path.join(BAD_CORPUS_DIR, c.path);
    const read = async (name: string) => readFile(path.join(dir, name)).catch(() => null);
    const [weights, config, interpretation] = await Promise.all(
      ['lucid.safetensors', 'lucid.config.json', 'interpretation.json'].map(read),
    );
    const message = await page.evaluate(
      async ([w, cfg, interp]) => {
        try {
          await window.__lucidTest!.explorer().loadDictionaryFiles('bad', Uint8Array.from(w!), cfg!, interp);
          return 'loaded';
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
      [Array.from(weights!), config!.toString('utf8'), interpretation?.toString('utf8') ?? null] as const,
    );
    expect(message, c.path).toMatch(new RegExp(c.expect));
  }

  // The image analysed before is still there, with the same heatmap, and new images get the same codes.
  const again = await page.evaluate(
    async ([data, imageId, latent]) => {
      const api = window.__lucidTest!.explorer();
      const heatmap = await api.heatmap(imageId, latent);
      const analysis = await api.analyzeImage(new Blob([new Uint8Array(data)]), 'good.png');
      return { top: analysis.top, heat: Array.from(heatmap.values) };
    },
    [image, first.imageId, first.top[0].id] as const,
  );
  expect(again.heat).toEqual(first.heat);
  expect(again.top.map((l) => l.id)).toEqual(first.top.map((l) => l.id));
});
