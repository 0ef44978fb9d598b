/**
 * Nothing the user drops or types leaves the tab: every network request made while a user drops an
 * image, searches a text and trains on a folder — by the page and by its workers — is a same-origin
 * GET of one of the app's static files, and no URL carries a file name, the typed text or a caption.
 * The app runs under its production Content Security Policy (vite.config.ts), and no violation of it
 * may be reported along the way. See docs/security.md.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, type Request, expect, test } from '@playwright/test';
import { MODEL_CATALOG } from '../src/clip/catalog';
import { watchCspViolations } from './cspWatch';
import { dropImages } from './dropImages';

const IMAGES = path.resolve('e2e/fixtures/images');
const TRAIN_FOLDER = path.resolve('e2e/fixtures/train-folder');

/** The app's own static files: the bundle, the embedded model, dictionaries, runtimes and vocabulary. */
const STATIC_PREFIXES = ['/assets/', '/models/', '/dictionaries/', '/vocab/'];
const STATIC_FILES = ['/', '/index.html', '/favicon.svg'];

/** Strings only the user has: none of them may appear in any URL, raw or URL-encoded. */
const SECRET_WORD = 'Quintessa';
const DROPPED_NAME = `holiday-${SECRET_WORD}-7f3a.png`;
const TYPED_TEXT = `a purple giraffe named ${SECRET_WORD}`;
const TRAIN_IMAGE_NAME = `${SECRET_WORD}-private-cat.png`;
const TRAIN_CAPTION = `a cat that belongs to ${SECRET_WORD} Smith`;

test.describe.configure({ timeout: 600_000 });

interface Recorded {
  method: string;
  url: string;
  /** The request body, if any (a GET has none). */
  body: string | null;
}

/**
 * Records every request of the context (page and dedicated workers) and answers any to another
 * origin itself, with an error, so that none reaches the network; `refused` lists those.
 */
async function recordRequests(context: BrowserContext, origin: string) {
  const recorded: Recorded[] = [];
  const refused: string[] = [];
  context.on('request', (request: Request) => {
    recorded.push({
      method: request.method(),
      url: request.url(),
      body: request.postData(),
    });
  });
  // A safety net: should anything try another origin, it is answered here, never by the network.
  await context.route(
    (url) => url.origin !== origin && url.protocol.startsWith('http'),
    (route) => {
      refused.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  return { recorded, refused };
}

/** A copy of the training fixture with one more captioned image whose name and caption are private. */
async function privateTrainingFolder(): Promise<string> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'lucid-privacy-'));
  const folder = path.join(parent, `${SECRET_WORD}-photos`);
  await cp(TRAIN_FOLDER, folder, { recursive: true });
  await cp(path.join(IMAGES, 'cat_twemoji.png'), path.join(folder, TRAIN_IMAGE_NAME));
  await writeFile(path.join(folder, TRAIN_IMAGE_NAME.replace(/\.png$/, '.txt')), TRAIN_CAPTION);
  return parent;
}

function safelyDecoded(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/** Lower-cased forms in which a user string could travel in a URL. */
function leakForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), encodeURI(secret), secret.replace(/ /g, '+')];
  return [...new Set(forms.map((form) => form.toLowerCase()))];
}

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`dropping an image, searching a text and training request only the app’s own static files (${backend})`, async ({
    page,
    context,
    baseURL,
  }) => {
    const origin = new URL(baseURL!).origin;
    // The one URL with a query string: the test's own navigation, choosing the backend.
    const start = `/?backend=${backend}`;
    const { recorded: requests, refused } = await recordRequests(context, origin);
    const violations = await watchCspViolations(page);
    const parent = await privateTrainingFolder();
    try {
      await page.goto(start);
      await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', {
        timeout: 120_000,
      });
      await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', backend);

      await dropImages(page, [{ name: DROPPED_NAME, bytes: await readFile(path.join(IMAGES, 'dog.png')) }]);
      await expect(page.locator('canvas.heatmap')).toHaveCount(1, { timeout: 120_000 });
      await expect(page.locator('.file-name')).toHaveText(DROPPED_NAME);

      await page.getByRole('tab', { name: 'Text' }).click();
      await page.getByLabel('Find neurons').fill(TYPED_TEXT);
      await expect(
        page.getByRole('region', { name: 'Shared with images neurons' }).locator('.latent-button').first(),
      ).toBeVisible({ timeout: 60_000 });
      // The query is kept in the URL's hash, which is never part of a request.
      await expect.poll(() => page.url()).toContain(SECRET_WORD);

      await page.getByRole('tab', { name: 'Train' }).click();
      await page.getByLabel('Choose folder').setInputFiles(path.join(parent, `${SECRET_WORD}-photos`));
      await page.getByLabel('Steps', { exact: true }).fill('2');
      // Small: WebGPU is software in headless Chromium (tens of seconds per step, docs/training.md).
      await page.getByLabel('Batch size').fill('2');
      await page.getByLabel('Checkpoint interval').fill('2');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      // The fixture's 10 image files (one corrupt) and 6 captions, plus the private captioned image.
      await expect(page.getByText(/11 images, 7 with captions/)).toBeVisible();
      const status = page.getByRole('status', { name: 'Training status' });
      await expect(status).toContainText('finished', { timeout: 480_000 });
    } finally {
      await rm(parent, { recursive: true, force: true });
    }

    console.log(
      `${requests.length} requests:\n${[...new Set(requests.map((r) => `${r.method} ${r.url}`))].join('\n')}`,
    );

    // The recording saw the workers' requests: only the workers fetch the CLIP model and ONNX Runtime
    // (all model work runs there, docs/explorer.md).
    const seenPaths = requests.map((r) => new URL(r.url).pathname);
    expect(seenPaths).toContain('/models/emoji-clip/onnx/vision_model.onnx');
    expect(seenPaths.some((p) => /^\/assets\/ort-wasm-simd-threaded\.asyncify-[\w-]+\.wasm$/.test(p))).toBe(true);
    expect(seenPaths.some((p) => /^\/assets\/training\.worker-.*\.js$/.test(p))).toBe(true);

    for (const request of requests) {
      const url = new URL(request.url);
      expect(url.origin, request.url).toBe(origin);
      expect(request.method, request.url).toBe('GET');
      expect(request.body, request.url).toBeNull();
      if (request.url !== origin + start) expect(url.search, request.url).toBe('');
      const isStatic = STATIC_FILES.includes(url.pathname) || STATIC_PREFIXES.some((p) => url.pathname.startsWith(p));
      expect(isStatic, `${request.url} is not one of the app's static files`).toBe(true);
    }
    const allUrls = requests.map((r) => `${safelyDecoded(r.url)} ${r.url}`.toLowerCase());
    for (const secret of [DROPPED_NAME, TYPED_TEXT, SECRET_WORD, TRAIN_IMAGE_NAME, TRAIN_CAPTION]) {
      for (const form of leakForms(secret)) {
        expect(
          allUrls.filter((url) => url.includes(form)),
          `a URL carries "${secret}"`,
        ).toEqual([]);
      }
    }
    expect(refused).toEqual([]);
    expect(await violations()).toEqual([]);
  });
}

/** Asks the explorer worker to load a model, as picking it in the model menu does; the outcome. */
function loadInWorker(page: Page, id: string, hub: { allowRemote: boolean; remoteHost?: string }): Promise<string> {
  return page.evaluate(
    ({ id, hub }) =>
      window
        .__lucidTest!.explorer()
        .loadModel(id, 'wasm', hub)
        .then(
          () => 'loaded',
          (e: Error) => `failed: ${e.message}`,
        ),
    { id, hub },
  );
}

test('the watchers would notice: other origins are recorded, and the policy refuses and reports all but the hub', async ({
  page,
  context,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const { recorded: requests, refused } = await recordRequests(context, origin);
  const violations = await watchCspViolations(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', { timeout: 120_000 });

  // A hub model is allowed by the policy: its requests leave the worker, and the recorder (not the
  // hub) answers them.
  const hubModel = MODEL_CATALOG.find((entry) => entry.source === 'hub')!;
  const fromHub = await loadInWorker(page, hubModel.id, { allowRemote: true });
  // Another origin is refused by the policy, from the worker (the worker API lets tests choose the
  // hub's address) and from the page.
  const fromWorker = await loadInWorker(page, 'someone/model', {
    allowRemote: true,
    remoteHost: 'https://example.invalid/',
  });
  const fromPage = await page.evaluate(() =>
    fetch('https://example.invalid/?q=private').then(
      () => 'fetched',
      (e: Error) => `failed: ${e.message}`,
    ),
  );
  console.log(`hub: ${fromHub}\nworker: ${fromWorker}\npage: ${fromPage}`);
  expect([fromHub, fromWorker, fromPage].every((result) => result.startsWith('failed'))).toBe(true);

  const hubRequests = requests.filter((r) => new URL(r.url).hostname === 'huggingface.co').map((r) => r.url);
  console.log(`hub requests, all answered by the recorder:\n${hubRequests.join('\n')}`);
  expect(hubRequests.some((url) => url.includes(`/${hubModel.id}/`))).toBe(true);
  expect(refused.filter((url) => new URL(url).hostname === 'huggingface.co')).toEqual(hubRequests);

  const seen = await violations();
  console.log(`violations seen:\n${seen.join('\n')}`);
  const blocked = (host: string) => (v: string) =>
    v.includes(`'https://${host}/`) || v.includes(`blocked https://${host}/`);
  expect(seen.filter(blocked('huggingface.co'))).toEqual([]);
  expect(seen.some((v) => v.startsWith('worker') && blocked('example.invalid')(v))).toBe(true);
  expect(seen.some((v) => v.startsWith('page') && blocked('example.invalid')(v))).toBe(true);
  // The policy refused them before any request was made.
  expect(requests.filter((r) => r.url.includes('example.invalid'))).toEqual([]);
});
