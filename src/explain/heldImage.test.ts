import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, privateRange } from '../lucid/config';
import { preActivations } from '../lucid/encode';
import { guidedTransport } from '../lucid/losses';
import { createLucid, disposeLucid, type LucidModel } from '../lucid/model';
import { computeNormStats, normalizeRows } from '../lucid/normalization';
import { gaussianArray, makeGaussian, makeRng } from '../lucid/random';
import { useBackend } from '../lucid/testing/backend';
import { analyzeTextActivations, encodeRows } from './analyze';
import type { LoadedDictionary } from './dictionary';
import { type HeldImage, denseImageBytes, heldHeatmap, heldImageBytes, holdImage } from './heldImage';
import { transportBetween } from './transport';

// 16 patches on a 4 × 4 grid, width 8, 64 latents (40 shared, 16 image-only, 8 text-only), k = 4,
// and a private cap of 2 that bites (random weights fire far more than 2 private latents a patch).
const grid: [number, number] = [4, 4];
const rows = grid[0] * grid[1];
const d = 8;
const dText = 6;
const config = makeConfig({ dImage: d, dText }, { nShared: 40, nImagePrivate: 16, nTextPrivate: 8, k: 4, kPrivate: 2 });
const m = 64;
const gaussian = makeGaussian(makeRng(11));
let model: LucidModel;
let dictionary: LoadedDictionary;

/** Activations with an offset mean, so the normalisation and the folded bias both matter. */
function activations(count: number, width: number): Float32Array {
  return gaussianArray(count * width, gaussian).map((v, i) => 2 * v + (i % width) * 0.1);
}

/** The dense computation: normalise, the trainer's unfolded `preActivations` (private cap included). */
async function densePre(patches: Float32Array): Promise<Float32Array> {
  const pre = tf.tidy(() =>
    preActivations(model, 'image', tf.tensor2d(normalizeRows(patches, dictionary.norm.image), [rows, d])),
  );
  const values = (await pre.data()) as Float32Array;
  pre.dispose();
  return values;
}

async function held(patches: Float32Array): Promise<HeldImage> {
  return holdImage(dictionary, { grid, patches }, await encodeRows(dictionary, 'image', patches));
}

beforeAll(async () => {
  await useBackend();
  model = createLucid(config, 7);
  model.image.bPre.assign(tf.tensor1d(gaussianArray(d, gaussian)));
  model.image.bEnc.assign(tf.tensor1d(gaussianArray(m, gaussian).map((v) => 0.1 * v)));
  model.text.bPre.assign(tf.tensor1d(gaussianArray(dText, gaussian)));
  dictionary = {
    source: 'test',
    model,
    norm: { image: computeNormStats(activations(50, d), d), text: computeNormStats(activations(50, dText), dText) },
    interpretation: null,
  };
});
afterAll(() => disposeLucid(model));

describe('a held image', () => {
  it('gives every latent the dense heatmap on every held image', async () => {
    const images = [activations(rows, d), activations(rows, d), activations(rows, d)];
    const kept = await Promise.all(images.map(held));
    let capped = 0;
    for (const [i, image] of kept.entries()) {
      const dense = await densePre(images[i]);
      let worst = 0;
      for (let latent = 0; latent < m; latent++) {
        const heat = await heldHeatmap(dictionary, image, latent);
        expect(heat.length).toBe(rows);
        for (let p = 0; p < rows; p++) worst = Math.max(worst, Math.abs(heat[p] - dense[p * m + latent]));
      }
      expect(worst).toBeLessThanOrEqual(1e-5);
      const [start, end] = privateRange(config, 'image');
      for (let p = 0; p < rows; p++) {
        let positive = 0;
        for (let j = start; j < end; j++) if (dense[p * m + j] > 0) positive++;
        expect(positive).toBeLessThanOrEqual(config.kPrivate);
        if (positive === config.kPrivate) capped++;
      }
    }
    // The cap is exercised: most patches keep exactly kPrivate of their many positive private latents.
    expect(capped).toBeGreaterThan(rows);
  });

  it('keeps the Top-K codes of the dense pre-activations, in 2-byte ids', async () => {
    const patches = activations(rows, d);
    const image = await held(patches);
    const dense = await densePre(patches);
    const top = tf.tidy(() => tf.topk(tf.tensor2d(dense, [rows, m]), config.k));
    const ids = await top.indices.data();
    const values = await top.values.data();
    tf.dispose([top.indices, top.values]);
    expect(image.ids).toBeInstanceOf(Uint16Array);
    expect(image.ids.length).toBe(rows * config.k);
    for (let i = 0; i < values.length; i++) {
      expect(Math.abs(image.values[i] - values[i])).toBeLessThanOrEqual(1e-5);
      if (values[i] > 0) expect(image.ids[i]).toBe(ids[i]);
    }
  });

  it('holds the sparse size, not patches × latents floats', async () => {
    const image = await held(activations(rows, d));
    // activations 16 × 8 × 4 + ids 16 × 4 × 2 + values 16 × 4 × 4 + kept private ids 16 × 2 × 2
    expect(heldImageBytes(image)).toBe(512 + 128 + 256 + 64);
    expect(denseImageBytes(rows, m, config.k)).toBe(16 * 64 * 4 + 2 * 16 * 4 * 4);
  });

  it('holds about 0.65 MB at CLIP ViT-B/16 size with 16,384 latents (12.9 MB dense)', () => {
    const vit = makeConfig(
      { dImage: 768, dText: 512 },
      { nShared: 12_288, nImagePrivate: 2048, nTextPrivate: 2048, k: 64, kPrivate: 4 },
    );
    const patchCount = 196;
    const latents = 16_384;
    const codes = {
      rows: patchCount,
      pre: new Float32Array(patchCount * latents),
      ids: new Int32Array(patchCount * 64),
      values: new Float32Array(patchCount * 64),
    };
    const vitDictionary = { model: { config: vit } } as unknown as LoadedDictionary;
    const image = holdImage(vitDictionary, { grid: [14, 14], patches: new Float32Array(patchCount * 768) }, codes);
    expect(heldImageBytes(image)).toBe(602_112 + 25_088 + 50_176 + 1_568);
    expect(denseImageBytes(patchCount, latents, 64)).toBe(12_845_056 + 100_352);
  });

  it('gives the transport plan of the dense pre-activations', async () => {
    const patches = activations(rows, d);
    const image = await held(patches);
    const tokens = 5;
    const text = await analyzeTextActivations(dictionary, {
      tokens: ['<s>', 'a', 'red', 'cat', '</s>'],
      ids: [0, 1, 2, 3, 4],
      width: dText,
      hidden: activations(tokens, dText),
      contentMask: Uint8Array.of(0, 0, 1, 1, 0),
      embedding: new Float32Array(0),
    });
    const view = await transportBetween(dictionary, image, text);

    const dense = await densePre(patches);
    const ms = config.nShared;
    const shared = (pre: Float32Array, count: number) => {
      const out = new Float32Array(count * ms);
      for (let r = 0; r < count; r++) out.set(pre.subarray(r * m, r * m + ms), r * ms);
      return out;
    };
    const plan = tf.tidy(() =>
      guidedTransport(
        model,
        tf.tensor3d(shared(dense, rows), [1, rows, ms]),
        tf.tensor3d(shared(text.codes.pre, tokens), [1, tokens, ms]),
        tf.tensor2d(Float32Array.from(text.analysis.contentMask), [1, tokens]),
        grid,
      ).plan.reshape([-1]),
    );
    const expected = await plan.data();
    plan.dispose();
    expect(view.plan.length).toBe((rows + 1) * (tokens + 1));
    for (let i = 0; i < expected.length; i++) expect(Math.abs(view.plan[i] - expected[i])).toBeLessThanOrEqual(1e-5);
  });

  it('leaks no tensors across heatmaps and transports', async () => {
    const image = await held(activations(rows, d));
    const text = await analyzeTextActivations(dictionary, {
      tokens: ['<s>', 'dog', '</s>'],
      ids: [0, 1, 2],
      width: dText,
      hidden: activations(3, dText),
      contentMask: Uint8Array.of(0, 1, 0),
      embedding: new Float32Array(0),
    });
    await heldHeatmap(dictionary, image, 0);
    await transportBetween(dictionary, image, text);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      await heldHeatmap(dictionary, image, 40 + i);
      await transportBetween(dictionary, image, text);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
