import { readFile, mkdtemp, cp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_MODEL_ID } from './catalog';
import { type ClipEncoder, decodeImage, loadClipEncoder } from './encoder';
import { ClipInputError, ClipLoadError } from './errors';
import { REPO_MODELS_DIR, configureClipForNode } from './nodeEnvironment';

const FIXTURES = path.resolve(REPO_MODELS_DIR, '../../e2e/fixtures/images');

async function fixture(name: string): Promise<Blob> {
  return new Blob([await readFile(path.join(FIXTURES, name))]);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

let encoder: ClipEncoder;
beforeAll(async () => {
  configureClipForNode();
  encoder = await loadClipEncoder(EMBEDDED_MODEL_ID);
}, 60_000);
afterAll(() => encoder?.dispose());

describe('Emoji-CLIP in Node', () => {
  it('reports its grid and widths', () => {
    expect(encoder.info.grid).toEqual([12, 12]);
    expect(encoder.info.dImage).toBe(128);
    expect(encoder.info.dText).toBe(128);
    expect(encoder.info.family).toBe('clip');
  });

  it('gives one vector per patch, CLS removed', async () => {
    const image = await decodeImage(await fixture('dog.png'), 'dog.png');
    const activations = await encoder.encodeImage(image);
    expect(activations.grid).toEqual([12, 12]);
    expect(activations.patches.length).toBe(144 * 128);
    expect(activations.embedding.length).toBeGreaterThan(0);
    expect(activations.patches.every(Number.isFinite)).toBe(true);
  });

  it('gives every patch its projected embedding, CLS removed (vision output patch_embeds)', async () => {
    const image = await decodeImage(await fixture('dog.png'), 'dog.png');
    const activations = await encoder.encodeImage(image);
    const dim = activations.embedding.length;
    expect(dim).toBe(128);
    const patchEmbeds = activations.patchEmbeds;
    expect(patchEmbeds).toBeInstanceOf(Float32Array);
    if (!patchEmbeds) return;
    expect(patchEmbeds.length).toBe(144 * dim);
    expect(patchEmbeds.every(Number.isFinite)).toBe(true);
    // The CLS row (= image_embeds) is not among them: their mean is some other vector.
    const mean = new Float32Array(dim);
    for (let p = 0; p < 144; p++) for (let k = 0; k < dim; k++) mean[k] += patchEmbeds[p * dim + k] / 144;
    let maxDiff = 0;
    for (let k = 0; k < dim; k++) maxDiff = Math.max(maxDiff, Math.abs(mean[k] - activations.embedding[k]));
    expect(maxDiff).toBeGreaterThan(1e-3);
    expect(patchEmbeds.slice(0, dim)).not.toEqual(activations.embedding);
  });

  it('gives one vector per token with token strings and a content mask', async () => {
    const text = await encoder.encodeText('a dog and a slice of pizza!');
    expect(text.tokens.length).toBe(text.ids.length);
    expect(text.hidden.length).toBe(text.tokens.length * 128);
    expect(text.contentMask[0]).toBe(0);
    expect(text.contentMask[text.tokens.length - 1]).toBe(0);
    expect(text.tokens.filter((_, i) => text.contentMask[i]).join(' ')).toMatch(/dog/);
  });

  it('matches each image of a training style to its own caption', async () => {
    // Held-out-style accuracy is guarded by zeroShot.test.ts; these are Twemoji renderings.
    const names = ['dog_twemoji', 'pizza_twemoji', 'cat_twemoji', 'car_twemoji'];
    const captions = ['a dog face', 'a pizza', 'a cat face', 'an automobile'];
    const images = await Promise.all(
      names.map(async (n) => (await encoder.encodeImage(await decodeImage(await fixture(`${n}.png`), n))).embedding),
    );
    const texts = await Promise.all(captions.map(async (c) => (await encoder.encodeText(c)).embedding));
    images.forEach((image, i) => {
      const scores = texts.map((t) => cosine(image, t));
      expect(scores.indexOf(Math.max(...scores)), names[i]).toBe(i);
    });
  });

  it('names the problem with bad input and keeps working', async () => {
    await expect(decodeImage(new Blob([]), 'empty.png')).rejects.toThrow(/empty.png: empty file \(0 bytes\)/);
    const truncated = (await fixture('dog.png')).slice(0, 200);
    await expect(decodeImage(truncated, 'broken.png')).rejects.toThrow(ClipInputError);
    await expect(decodeImage(new Blob(['hello, not an image']), 'note.png')).rejects.toThrow(/not an image/);
    await expect(encoder.encodeText('   ')).rejects.toThrow(/text is empty/);
    await expect(encoder.encodeText('dog '.repeat(200))).rejects.toThrow(/reads at most 32/);
    const stillWorks = await encoder.encodeText('a dog');
    expect(stillWorks.tokens.length).toBeGreaterThan(2);
  });

  it('says which file a broken model folder lacks', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lucid-model-'));
    try {
      await cp(path.join(REPO_MODELS_DIR, EMBEDDED_MODEL_ID), path.join(dir, 'broken'), { recursive: true });
      await rm(path.join(dir, 'broken', 'onnx', 'text_model.onnx'));
      configureClipForNode({ modelsDir: dir });
      const attempt = loadClipEncoder('broken');
      await expect(attempt).rejects.toThrow(ClipLoadError);
      await expect(attempt).rejects.toThrow(/text_model.onnx/);
    } finally {
      configureClipForNode();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
