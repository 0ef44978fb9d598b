import { type Locator, type Page, expect, test } from '@playwright/test';

/**
 * Keyboard only (issue 12, item 8): every step below is a key press, from Tab to Enter; the one
 * pointer test is the gallery's click (item 10).
 */

async function openApp(page: Page, hash = '') {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
}

/** Presses Tab until `target` has the focus, as a keyboard user would; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, limit = 80) {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/** The accessible name of the focused element. */
function focusedLabel(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
}

/** Adds the first example of the gallery with Tab and Enter, and waits for its patch grid. */
async function addExampleByKeyboard(page: Page): Promise<Locator> {
  await tabTo(page, page.getByRole('list', { name: 'Example images' }).getByRole('button').first());
  await page.keyboard.press('Enter');
  const grid = page.getByRole('grid', { name: /^patches of / });
  await expect(grid).toBeVisible({ timeout: 60_000 });
  return grid;
}

test('keyboard only: adds an example, walks its patch grid and pins a patch', async ({ page }) => {
  await openApp(page);
  const grid = await addExampleByKeyboard(page);
  const heading = page.locator('.image-card .concept-list h4');
  await expect(heading).toHaveText('Top concepts');

  // One Tab stop for the whole grid (roving tabindex), entered at the first patch.
  await expect(grid.locator('[tabindex="0"]')).toHaveCount(1);
  await tabTo(page, grid.locator('[tabindex="0"]'));
  expect(await focusedLabel(page)).toMatch(/^row 1, column 1: (strongest concept .+|no active concept)$/);
  await expect(heading).toHaveText('Patch row 1, column 1');

  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  expect(await focusedLabel(page)).toMatch(/^row 2, column 2: /);
  await expect(heading).toHaveText('Patch row 2, column 2');

  await page.keyboard.press('Enter');
  await expect(heading).toHaveText('Patch row 2, column 2 (pinned)');
  await expect(grid.getByRole('gridcell', { selected: true })).toHaveCount(1);

  await page.keyboard.press('End');
  expect(await focusedLabel(page)).toMatch(/^row 2, column 12: /);
  await expect(heading).toHaveText('Patch row 2, column 12');
  // Leaving the grid ends the preview; the pinned patch stays.
  await page.keyboard.press('Tab');
  await expect(heading).toHaveText('Patch row 2, column 2 (pinned)');
});

test('keyboard only: picks a word of the caption in the Pairs view', async ({ page }) => {
  await openApp(page);
  await addExampleByKeyboard(page);
  // The tabs: one Tab stop, arrow keys between them (Images → Text → Pairs).
  await tabTo(page, page.getByRole('tab', { name: 'Images' }));
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Pairs' })).toHaveAttribute('aria-selected', 'true');

  await tabTo(page, page.getByLabel('Caption'));
  await page.keyboard.type('a grinning face with smiling eyes');
  const words = page.getByRole('list', { name: 'Words of the caption' });
  const aligned = words.locator('.pairs-word:not(.not-aligned)');
  await expect(aligned.nth(1)).toBeVisible({ timeout: 60_000 });

  await tabTo(page, aligned.first());
  const first = await aligned.first().locator('.token-text').innerText();
  await expect(
    page.getByRole('img', { name: `where “${first}” went on grinning face with smiling eyes.png` }),
  ).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(aligned.first()).toHaveAttribute('aria-pressed', 'true');

  // The arrow moves to the next aligned word and previews it; the first stays pinned.
  await page.keyboard.press('ArrowRight');
  await expect(aligned.nth(1)).toBeFocused();
  const second = await aligned.nth(1).locator('.token-text').innerText();
  await expect(page.getByRole('img', { name: new RegExp(`where “${second}” went`) })).toBeVisible();
  await expect(page.locator('.pairs-word-heat figcaption')).toContainText(`“${second}”`);
  await expect(aligned.first()).toHaveAttribute('aria-pressed', 'true');
});

test('keyboard only: moves on the concept map and opens a latent; the map is also a list', async ({ page }) => {
  await openApp(page, '#tab=concepts');
  const map = page.getByRole('application', { name: /^concept map, \d+ matching concepts/ });
  await tabTo(page, map);
  const cursor = page.locator('#concept-map-cursor');
  await expect(cursor).toContainText('the arrow keys move between concepts');

  await page.keyboard.press('ArrowRight');
  await expect(cursor).toContainText('Enter opens it');
  const start = await cursor.innerText();
  // From near the middle of the map there is always a concept further up or down.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(cursor).not.toHaveText(start);
  const text = await cursor.innerText();
  const id = /#(\d+)/.exec(text)![1];
  await expect(page.locator('svg.concept-map .cursor circle')).toHaveCount(1);

  await page.keyboard.press('Enter');
  await expect(page.locator('#latent-heading')).toContainText(`#${id}`);
  expect(page.url()).toContain(`latent=${id}`);

  // The list alternative: every matching concept as a button.
  await tabTo(page, page.getByText(/^The map as a list \(\d+ concepts\)$/));
  await page.keyboard.press('Enter');
  const list = page.getByRole('list', { name: 'Concepts on the map' });
  expect(await list.getByRole('button').count()).toBeGreaterThan(100);
  await expect(list.getByRole('button', { name: new RegExp(`#${id}\\b`), pressed: true })).toHaveCount(1);
});

test('a click on a gallery example adds the tile cropped from the atlas and analyses it', async ({ page }) => {
  await openApp(page);
  const examples = page.getByRole('list', { name: 'Example images' }).getByRole('button');
  await expect(examples).toHaveCount(10);
  // The last two are scenes.
  const name = (await examples.nth(9).getAttribute('aria-label'))!;
  expect(name).toMatch(/^Add example: .+ and .+/);
  await examples.nth(9).click();

  const card = page.locator('.image-card');
  await expect(card).toHaveCount(1);
  await expect(card.locator('.file-name')).toHaveText(/^scene of .+ and .+\.png$/);
  await expect(card.getByRole('grid', { name: /^patches of scene of / })).toBeVisible({ timeout: 60_000 });
  await expect(card.locator('.image-error')).toHaveCount(0);
  await expect(card.locator('.concept-list li').first()).toBeVisible();

  // One whole 96 px tile, not a blank or a slice of its neighbours.
  const image = await card.locator('.stage img').evaluate(async (element) => {
    const img = element as HTMLImageElement;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return { width: img.naturalWidth, height: img.naturalHeight, colours: colours.size };
  });
  expect(image.width).toBe(96);
  expect(image.height).toBe(96);
  expect(image.colours).toBeGreaterThan(20);
});
