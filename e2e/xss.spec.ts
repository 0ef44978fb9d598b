/**
 * Hostile file names, folder names and captions are shown as text, never parsed as markup: dropped
 * into the Images tab, chosen in the Pairs tab with a hostile caption, typed into the Text tab, and
 * used as a training folder. The fixtures are written to a temporary folder at test time (some of
 * these names cannot even exist on disk: those travel as in-memory files).
 *
 * The Content Security Policy would block an injected handler or script from running, which would
 * hide a rendering bug behind `window.__pwned` staying undefined; so the test also checks the DOM
 * for the injected elements and that no CSP violation (a blocked injected handler) was reported.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { watchCspViolations } from './cspWatch';
import { dropImages } from './dropImages';

const IMAGES = path.resolve('e2e/fixtures/images');

const PAYLOAD = 'window.__pwned=1';
/** Names for dropped files (in memory: '/' cannot be part of a file name on disk). */
const DROPPED_NAMES = [`<img src=x onerror=${PAYLOAD}>.png`, `"><script>${PAYLOAD}</script>.png`];
/** Names that can exist on disk, for the training folder. */
const FOLDER_NAME = `<svg onload=${PAYLOAD}>`;
const CAPTIONED_NAME = `<img src=x onerror=${PAYLOAD}>.png`;
const NOT_AN_IMAGE_NAME = `"><iframe onload=${PAYLOAD}>.png`;
const CAPTION = `<script>${PAYLOAD}</script><img src=x onerror=${PAYLOAD}>`;
/** Short enough for the model's 32 tokens, for the Pairs and Text tabs. */
const TYPED_CAPTION = `<img src=x onerror=${PAYLOAD}>`;

test.describe.configure({ timeout: 600_000 });

type Pwned = { __pwned?: unknown };

/** Elements the payloads would create if any of them were parsed as markup. */
async function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const element of document.querySelectorAll('*')) {
      const handlers = element.getAttributeNames().filter((name) => name.startsWith('on'));
      if (handlers.length > 0) found.push(`<${element.localName} ${handlers.join(' ')}>`);
      if (element.localName === 'script' && element.textContent?.includes('__pwned')) found.push('<script>');
      if (element.localName === 'iframe') found.push('<iframe>');
      if (element.localName === 'img' && element.getAttribute('src') === 'x') found.push('<img src=x>');
    }
    return found;
  });
}

async function expectNothingInjected(page: Page): Promise<void> {
  expect(await injectedElements(page)).toEqual([]);
  expect(await page.evaluate(() => (window as Pwned).__pwned)).toBeUndefined();
}

test('hostile file names and captions are shown as text in Images, Pairs and Text', async ({ page }) => {
  const violations = await watchCspViolations(page);
  page.on('dialog', (dialog) => void dialog.dismiss());
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });

  const dog = await readFile(path.join(IMAGES, 'dog.png'));
  await dropImages(
    page,
    DROPPED_NAMES.map((name) => ({ name, bytes: dog })),
  );
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.locator('.file-name')).toHaveText(DROPPED_NAMES);
  for (const name of DROPPED_NAMES) await expect(page.getByRole('button', { name: `Remove ${name}` })).toBeVisible();
  await expectNothingInjected(page);

  await page.getByRole('tab', { name: 'Pairs' }).click();
  await page.getByLabel('Image', { exact: true }).selectOption({ label: DROPPED_NAMES[1] });
  await page.getByLabel('Caption').fill(TYPED_CAPTION);
  await expect(
    page.getByRole('img', { name: `transport plan between ${DROPPED_NAMES[1]} and "${TYPED_CAPTION}"` }),
  ).toBeVisible({
    timeout: 60_000,
  });
  await expectNothingInjected(page);

  await page.getByRole('tab', { name: 'Text' }).click();
  await page.getByLabel('Find neurons').fill(TYPED_CAPTION);
  await expect(page.getByRole('list', { name: 'Tokens and their strongest neurons' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel('Find neurons')).toHaveValue(TYPED_CAPTION);
  await expectNothingInjected(page);
  expect(await violations()).toEqual([]);
});

test('a training folder with a hostile name, file names and caption is listed as text and trains', async ({ page }) => {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'lucid-xss-'));
  const folder = path.join(parent, FOLDER_NAME);
  try {
    await mkdir(folder);
    await cp(path.join(IMAGES, 'dog.png'), path.join(folder, CAPTIONED_NAME));
    await writeFile(path.join(folder, CAPTIONED_NAME.replace(/\.png$/, '.txt')), CAPTION);
    await cp(path.join(IMAGES, 'cat.png'), path.join(folder, 'cat.png'));
    await writeFile(path.join(folder, 'cat.txt'), 'a cat');
    await cp(path.join(IMAGES, 'pizza.png'), path.join(folder, 'pizza.png'));
    // Not an image: it is listed among the skipped files, by name.
    await writeFile(path.join(folder, NOT_AN_IMAGE_NAME), CAPTION);

    const violations = await watchCspViolations(page);
    page.on('dialog', (dialog) => void dialog.dismiss());
    await page.goto('/?backend=wasm#tab=train');
    await page.getByRole('tab', { name: 'Train' }).click();
    await page.getByLabel('Choose folder').setInputFiles(folder);
    await expect(page.locator('strong', { hasText: FOLDER_NAME })).toHaveText(FOLDER_NAME);
    await page.getByLabel('Steps', { exact: true }).fill('2');
    await page.getByLabel('Batch size').fill('2');
    await page.getByLabel('Checkpoint interval').fill('2');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByText(/3 images, 2 with captions/)).toBeVisible();
    await page.getByText(/files or caption lines not used/).click();
    await expect(page.getByRole('listitem').filter({ hasText: 'not an image' })).toContainText(
      `${NOT_AN_IMAGE_NAME}: not an image`,
    );
    await expect(page.getByRole('status', { name: 'Training status' })).toContainText('finished', { timeout: 480_000 });
    await expectNothingInjected(page);
    expect(await violations()).toEqual([]);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});
