import path from 'node:path';
import { type BrowserContext, type Page, expect, test } from '@playwright/test';
import { IMAGES, addAnalysedImages, cardSummaries, openApp } from './explorerPage';
const HUB_MODEL_LABEL = 'CLIP ViT-B/16 (OpenAI, via Xenova)';

async function switchToHubModel(page: Page) {
  await page.getByLabel('Model', { exact: true }).selectOption({ label: HUB_MODEL_LABEL });
  await page.getByRole('button', { name: 'Load model' }).click();
}

/** After a failed switch: Emoji-CLIP and its dictionary in use, the images as they were, and a new one analysed. */
async function expectOldSessionWorking(page: Page, before: (string | null)[][]) {
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready');
  await expect(page.getByTestId('dictionary-status')).toContainText('/dictionaries/emoji-clip/');
  await expect(page.locator('.model-state')).toContainText('in use: Emoji-CLIP');
  expect(await cardSummaries(page)).toEqual(before);
  await page.getByLabel('Add images').setInputFiles(path.join(IMAGES, 'pizza.png'));
  await expect(page.locator('canvas.heatmap')).toHaveCount(before.length + 1, { timeout: 60_000 });
}

/** The hub as a server that has no such model: every file answers 404. */
function hubWithoutTheModel(context: BrowserContext) {
  return context.route('https://huggingface.co/**', (route) => route.fulfill({ status: 404, body: 'Entry not found' }));
}

test('the images given survive a reload, with their analyses, until the session is cleared', async ({ page }) => {
  await openApp(page);
  await addAnalysedImages(page, ['dog.png', 'cat.png']);
  const before = await cardSummaries(page);
  await expect(page.getByTestId('kept-session')).toContainText('kept in this browser');

  await page.reload();
  await expect(page.getByTestId('kept-session')).toContainText('Brought back 2 images from your last visit');
  await expect(page.locator('canvas.heatmap')).toHaveCount(2, { timeout: 120_000 });
  expect(await cardSummaries(page)).toEqual(before);

  await page.getByRole('button', { name: 'Clear session' }).click();
  await expect(page.locator('.image-card')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });
  await expect(page.locator('.image-card')).toHaveCount(0);
});

test('the Concepts search is in the URL: a reload keeps it', async ({ page }) => {
  await openApp(page, '#tab=concepts');
  await page.getByLabel('Search concepts').fill('qzxv');
  await expect(page).toHaveURL(/search=qzxv/);
  await page.reload();
  await expect(page.getByLabel('Search concepts')).toHaveValue('qzxv', { timeout: 120_000 });
  await expect(page.getByText('No concept matches “qzxv”.')).toBeVisible();
});

test('a model whose files are not found: the switch fails, says so, and the old model keeps the images analysed', async ({
  page,
  context,
}) => {
  await hubWithoutTheModel(context);
  await openApp(page);
  await addAnalysedImages(page, ['dog.png', 'cat.png']);
  const before = await cardSummaries(page);

  const started = Date.now();
  await switchToHubModel(page);
  const failure = page.getByTestId('switch-failure');
  await expect(failure).toHaveAttribute('data-reason', 'not-found', { timeout: 15_000 });
  console.log(`failed switch after ${Date.now() - started} ms: ${await failure.innerText()}`);
  await expect(failure).toContainText(`Could not switch to ${HUB_MODEL_LABEL}: not found`);
  await expect(failure).toContainText('Still using Emoji-CLIP');
  await expectOldSessionWorking(page, before);
});

test('a model switch with no network fails within 15 s, names the cause, and keeps the session', async ({
  page,
  context,
}) => {
  await openApp(page);
  await addAnalysedImages(page, ['dog.png']);
  const before = await cardSummaries(page);
  // The app is loaded; now the browser loses its network, as a laptop leaving the Wi-Fi.
  await context.setOffline(true);

  await switchToHubModel(page);
  const failure = page.getByTestId('switch-failure');
  await expect(failure).toHaveAttribute('data-reason', 'offline', { timeout: 15_000 });
  console.log(`no network: ${await failure.innerText()}`);
  await expect(failure).toContainText('huggingface.co');
  await expectOldSessionWorking(page, before);
});

test('a hub that never answers: the switch gives up after 10 s and says it timed out', async ({ page, context }) => {
  // Requests are held, never answered, as a connection a firewall drops silently.
  await context.route('https://huggingface.co/**', () => {});
  await openApp(page);
  const started = Date.now();
  await switchToHubModel(page);
  const failure = page.getByTestId('switch-failure');
  await expect(failure).toHaveAttribute('data-reason', 'timeout', { timeout: 15_000 });
  console.log(`timed out after ${Date.now() - started} ms: ${await failure.innerText()}`);
  await expect(failure).toContainText('huggingface.co sent no response within 10 s');
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready');
});

test('a download the content-security policy refuses is named as blocked', async ({ page }) => {
  await openApp(page);
  // The worker API lets a test choose the hub's address; the policy allows only the app and the hub.
  const outcome = await page.evaluate(() =>
    window.__lucidTest!.explorer().switchSession({
      model: {
        id: 'someone/model',
        device: 'wasm',
        hub: { allowRemote: true, remoteHost: 'https://example.invalid/' },
      },
      dictionary: null,
      ifDictionaryFails: 'keep-previous',
    }),
  );
  console.log(`refused by the policy: ${JSON.stringify(outcome)}`);
  expect(outcome).toMatchObject({ ok: false, stage: 'model', failure: { reason: 'blocked' } });
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready');
});
