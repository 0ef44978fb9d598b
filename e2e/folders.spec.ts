/**
 * Folders the user picks in the page (docs/interop.md, docs/explorer.md): a model folder in the
 * transformers.js layout, and dictionary folders in every layout the app opens — other libraries'
 * SAEs (the fixtures of tools/interop/make_fixtures.py), and a dictionary the PyTorch trainer wrote
 * on 2 processes. Bad folders are refused with the file and the problem named, and what is in use
 * (model, dictionary, the images' analyses) stays.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Page, expect, test } from '@playwright/test';
import { addAnalysedImages, cardSummaries, openApp } from './explorerPage';

const INTEROP = path.resolve('e2e/fixtures/interop');
const EMBEDDED_MODEL = path.resolve('public/models/emoji-clip');
const SHIPPED_DICTIONARY = path.resolve('public/dictionaries/emoji-clip');

interface Case {
  path: string;
  about: string;
  expect: string;
}

let scratch: string;
test.beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'lucid-folders-'));
});
test.afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const openDictionaryFolder = (page: Page, folder: string) =>
  page.getByLabel('Open dictionary folder…').setInputFiles(folder);

test('a SAELens and a sparsify SAE open from folders: the images are analysed with them, and the status says what they lack', async ({
  page,
}) => {
  await openApp(page);
  await addAnalysedImages(page, ['dog.png', 'cat.png']);
  const status = page.getByTestId('dictionary-status');

  await openDictionaryFolder(page, path.join(INTEROP, 'saelens/topk-image'));
  await expect(status).toContainText('topk-image — 0 shared, 8 image-only, 0 text-only latents, k = 3');
  await expect(status).toContainText('an image-only SAE: texts fire no neurons');
  await expect(status).toContainText('no interpretation: latents are unnamed');
  // Both images analysed again with the SAE's 8 latents.
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.locator('.image-card').first().locator('.concept-list li').first()).toBeVisible();
  await page.getByRole('tab', { name: 'Text' }).click();
  await page.getByLabel('Find neurons').fill('a dog');
  await expect(page.getByRole('region', { name: 'Text-only neurons' })).toContainText(
    'None: this dictionary has no text latents (an image-only SAE).',
  );
  await page.getByRole('tab', { name: 'Pairs' }).click();
  await expect(page.getByTestId('no-pairs')).toContainText('there is no Pairs plan');
  await page.getByRole('tab', { name: 'Concepts' }).click();
  await expect(page.getByText('This dictionary has no interpretation file')).toBeVisible();
  await page.getByRole('tab', { name: 'Images' }).click();

  await openDictionaryFolder(page, path.join(INTEROP, 'sparsify/vision_model.encoder.layers.3'));
  await expect(status).toContainText('vision_model.encoder.layers.3 — 0 shared');
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });

  await openDictionaryFolder(page, path.join(INTEROP, 'saelens/standard-text'));
  await expect(status).toContainText('a text-only SAE: images get no concepts');
  await page.getByRole('tab', { name: 'Text' }).click();
  const textOnly = page.getByRole('region', { name: 'Text-only neurons' });
  await expect(textOnly.locator('.latent-button').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Shared with images neurons' })).toContainText(
    'this dictionary has no shared latents',
  );

  // Back to a LUCID dictionary from a folder: the shipped one, copied.
  const shipped = path.join(scratch, 'emoji-clip-dictionary');
  await cp(SHIPPED_DICTIONARY, shipped, { recursive: true });
  await openDictionaryFolder(page, shipped);
  await expect(status).toContainText('emoji-clip-dictionary — 512 shared');
  await page.getByRole('tab', { name: 'Images' }).click();
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });
});

test('an image SAE and a text SAE open together as a pair: a text neuron’s matched image neuron maps it on the images', async ({
  page,
}) => {
  await openApp(page);
  await addAnalysedImages(page, ['dog.png']);
  const status = page.getByTestId('dictionary-status');
  await openDictionaryFolder(page, path.join(INTEROP, 'pair/unmatched'));
  await expect(status).toContainText('unmatched — 0 shared, 8 image-only, 6 text-only latents, k = 3');
  await expect(status).toContainText('no matching.json (make one with lucid match)');

  await openDictionaryFolder(page, path.join(INTEROP, 'pair/good'));
  await expect(status).toContainText('3 text neurons matched to image neurons after the fact');
  await expect(page.locator('canvas.heatmap')).toHaveCount(1, { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Pairs' }).click();
  await expect(page.getByTestId('no-pairs')).toBeVisible();

  await page.getByRole('tab', { name: 'Text' }).click();
  await page.getByLabel('Find neurons').fill('a dog on the beach with a pizza');
  const textOnly = page.getByRole('region', { name: 'Text-only neurons' });
  await expect(textOnly.locator('.latent-button').first()).toBeVisible({ timeout: 60_000 });
  // matching.json pairs text latents 0, 1, 3 (ids 8, 9, 11) with image latents 5, 7, 2.
  const expected = new Map([
    ['#8', '#5'],
    ['#9', '#7'],
    ['#11', '#2'],
  ]);
  const neurons = textOnly.locator('li.neuron');
  let seen = 0;
  for (let i = 0; i < (await neurons.count()); i++) {
    const item = neurons.nth(i);
    const own = (await item.locator('.latent-id').first().textContent())!.trim();
    const matched = item.locator('.matched-latent .latent-id');
    if (!expected.has(own)) {
      await expect(matched).toHaveCount(0);
      continue;
    }
    await expect(matched).toHaveText(expected.get(own)!);
    seen++;
  }
  expect(seen).toBeGreaterThan(0);
  await textOnly.locator('.matched-latent .latent-button').first().click();
  await expect(page.locator('.matched-latent .latent-button[aria-pressed="true"]')).toHaveCount(1);
});

test('every bad SAE folder is refused with its file and problem named; the dictionary and the images stay', async ({
  page,
}) => {
  const manifest = JSON.parse(await readFile(path.join(INTEROP, 'manifest.json'), 'utf8')) as { cases: Case[] };
  const bad = manifest.cases.filter((c) => c.expect !== 'ok');
  expect(bad.length).toBeGreaterThanOrEqual(10);
  await openApp(page);
  await addAnalysedImages(page, ['dog.png']);
  const before = await cardSummaries(page);
  const alert = page.getByTestId('switch-failure');
  for (const c of bad) {
    await openDictionaryFolder(page, path.join(INTEROP, c.path));
    await expect(alert, c.about).toContainText(new RegExp(c.expect));
    await expect(alert).toContainText(`Could not switch to ${path.basename(c.path)}`);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  }
  await expect(page.getByTestId('dictionary-status')).toContainText('/dictionaries/emoji-clip/');
  expect(await cardSummaries(page)).toEqual(before);
  await addAnalysedImages(page, ['pizza.png'], 2);
});

test('a model folder picked in the browser runs the explorer; one without its text tower is refused', async ({
  page,
}) => {
  await openApp(page);
  await addAnalysedImages(page, ['dog.png', 'pizza.png']);
  const before = await cardSummaries(page);

  const broken = path.join(scratch, 'clip-without-text');
  await cp(EMBEDDED_MODEL, broken, { recursive: true });
  await rm(path.join(broken, 'onnx/text_model.onnx'));
  await page.getByLabel('Open model folder…').setInputFiles(broken);
  const alert = page.getByTestId('switch-failure');
  await expect(alert).toContainText('the model folder clip-without-text has no onnx/text_model.onnx');
  await expect(alert).toContainText('your images keep their analyses');
  expect(await cardSummaries(page)).toEqual(before);
  await alert.getByRole('button', { name: 'Dismiss' }).click();

  const copy = path.join(scratch, 'my-emoji-clip');
  await cp(EMBEDDED_MODEL, copy, { recursive: true });
  await page.getByLabel('Open model folder…').setInputFiles(copy);
  const status = page.getByTestId('dictionary-status');
  await expect(status).toHaveAttribute('data-dictionary', 'unavailable', { timeout: 120_000 });
  await expect(status).toContainText('my-emoji-clip has no pretrained dictionary');
  await expect(page.getByLabel('Model', { exact: true })).toHaveValue(/^picked-folder\//);
  await expect(page.locator('.model-state')).toContainText('ready on');

  const dictionary = path.join(scratch, 'emoji-clip-dictionary');
  await cp(SHIPPED_DICTIONARY, dictionary, { recursive: true });
  await openDictionaryFolder(page, dictionary);
  await expect(status).toHaveAttribute('data-dictionary', 'ready', { timeout: 60_000 });
  // The same model and dictionary from the user's folders: the same first concepts as before.
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 60_000 });
  expect(await cardSummaries(page)).toEqual(before);
});

test('a dictionary written by torchrun on 2 processes (lucid extract → lucid_train.py) opens in the app', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const run = (file: string, args: string[]) =>
    promisify(execFile)(file, args, { env: { ...process.env, OMP_NUM_THREADS: '1' }, maxBuffer: 16 << 20 });
  const shards = path.join(scratch, 'shards');
  await run(process.execPath, ['bin/lucid.mjs', 'extract', '--images', 'e2e/fixtures/train-folder', '--out', shards]);
  const dict = path.join(scratch, 'torchrun-dictionary');
  // --redirects/--tee: Debian's torchrun (PyTorch 1.13 on Python 3.11) fails on their default (docs/training.md).
  await run('torchrun', [
    ...['--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1'],
    ...['--log_dir', path.join(scratch, 'torchrun-logs'), 'tools/train/lucid_train.py'],
    ...['--shards', shards, '--out', dict, '--steps', '4', '--pairs', '8', '--contrast-group', '4'],
    ...['--shared', '64', '--image-private', '16', '--text-private', '16', '--k', '8', '--align-k', '8'],
    ...['--threads', '1'],
  ]);
  await openApp(page);
  await addAnalysedImages(page, ['dog.png']);
  await openDictionaryFolder(page, dict);
  await expect(page.getByTestId('dictionary-status')).toContainText(
    'torchrun-dictionary — 64 shared, 16 image-only, 16 text-only latents, k = 8',
  );
  await expect(page.locator('canvas.heatmap')).toHaveCount(1, { timeout: 60_000 });
});
