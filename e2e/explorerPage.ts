/** Steps several specs take on the explorer page: open it on WASM, add images, read the cards. */
import path from 'node:path';
import { type Page, expect } from '@playwright/test';

export const IMAGES = path.resolve('e2e/fixtures/images');

/** WASM: the same app on two shared cores, without SwiftShader's shader compiles. */
export async function openApp(page: Page, hash = '') {
  await page.goto(`/?backend=wasm${hash}`);
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
}

/** Adds fixture images and waits until `total` cards show a heatmap. */
export async function addAnalysedImages(page: Page, files: string[], total = files.length) {
  await page.getByRole('tab', { name: 'Images' }).click();
  await page.getByLabel('Add images').setInputFiles(files.map((file) => path.join(IMAGES, file)));
  await expect(page.locator('canvas.heatmap')).toHaveCount(total, { timeout: 60_000 });
}

/** What each card shows: its file name and its first concept (a card without an analysis has none). */
export function cardSummaries(page: Page) {
  return page
    .locator('.image-card')
    .evaluateAll((cards) =>
      cards.map((card) => [
        card.querySelector('img')?.getAttribute('alt') ?? '',
        card.querySelector('.concept-list li')?.textContent ?? null,
      ]),
    );
}
