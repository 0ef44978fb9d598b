import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { RawImage } from '@huggingface/transformers';
import { EMBEDDED_MODEL_ID } from '../src/clip/catalog';
import { loadClipEncoder } from '../src/clip/encoder';
import { REPO_MODELS_DIR, configureClipForNode } from '../src/clip/nodeEnvironment';

/**
 * Largest difference allowed between browser and Node activations, relative to the largest
 * activation: both run the same fp32 ONNX graph, but WebGPU kernels sum in other orders and
 * use their own exp/erf, so last-bit differences grow through 6 transformer layers (~1e-5).
 */
const RELATIVE_TOLERANCE = 1e-3;
const FIXTURES = path.resolve(REPO_MODELS_DIR, '../../e2e/fixtures/images');

async function nodeReference() {
  configureClipForNode();
  const encoder = await loadClipEncoder(EMBEDDED_MODEL_ID);
  const image = await RawImage.fromBlob(new Blob([await readFile(path.join(FIXTURES, 'dog.png'))]));
  const pixels = await encoder.preprocess(image);
  const activations = await encoder.encodePixels(pixels);
  await encoder.dispose();
  return { pixels: Array.from(pixels), patches: activations.patches };
}

function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

for (const device of ['webgpu', 'wasm'] as const) {
  test(`Emoji-CLIP runs in the browser on ${device} and agrees with Node`, async ({ page }) => {
    const reference = await nodeReference();
    await page.goto('/');
    const info = await page.evaluate((d) => window.__lucidTest!.clip.load(d), device);
    expect(info.grid).toEqual([12, 12]);
    expect(info.device).toBe(device);

    const browser = await page.evaluate((pixels) => window.__lucidTest!.clip.encodePixels(pixels), reference.pixels);
    expect(browser.grid).toEqual([12, 12]);
    expect(browser.patches.length).toBe(reference.patches.length);
    const difference = maxRelativeDifference(browser.patches, reference.patches);
    console.log(`${device}: max |browser − node| / max |node| = ${difference.toExponential(2)}`);
    expect(difference).toBeLessThan(RELATIVE_TOLERANCE);

    const text = await page.evaluate(() => window.__lucidTest!.clip.encodeText('a dog and a pizza'));
    expect(text.tokens.length * text.width).toBe(text.hidden.length);
    expect(text.contentMask.some((v) => v === 1)).toBe(true);

    // A corrupt file gives a clear error and the model keeps working.
    const error = await page.evaluate(async () => {
      try {
        await window.__lucidTest!.clip.encodeImageUrl('/favicon.svg?as=broken');
        return '';
      } catch (e) {
        return String(e);
      }
    });
    console.log(`${device}: bad image → ${error}`);
    const fromUrl = await page.evaluate(() => window.__lucidTest!.clip.encodeText('a cat'));
    expect(fromUrl.tokens.length).toBeGreaterThan(2);
  });
}
