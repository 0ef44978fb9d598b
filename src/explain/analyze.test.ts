import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../lucid/config';
import { preActivations } from '../lucid/encode';
import { createLucid, disposeLucid, type LucidModel } from '../lucid/model';
import { computeNormStats, normalizeRows } from '../lucid/normalization';
import { gaussianArray, makeGaussian, makeRng } from '../lucid/random';
import { useBackend } from '../lucid/testing/backend';
import { encodeRows } from './analyze';
import type { LoadedDictionary } from './dictionary';
import { topKRow } from './topK';

const config = makeConfig({ dImage: 16, dText: 12 }, { nShared: 24, nImagePrivate: 6, nTextPrivate: 5, k: 5 });
const m = config.nShared + config.nImagePrivate + config.nTextPrivate;
const gaussian = makeGaussian(makeRng(3));
let model: LucidModel;
let dictionary: LoadedDictionary;

/** Activations with an offset mean, so the normalisation and the folded bias both matter. */
function activations(rows: number, d: number): Float32Array {
  return gaussianArray(rows * d, gaussian).map((v, i) => 2 * v + (i % d) * 0.1);
}

/** The unfolded path: normalise, preActivations (sub, matMul, add, relu, mask) and tf.topk. */
async function reference(modality: 'image' | 'text', rows: Float32Array, d: number) {
  const x = tf.tensor2d(normalizeRows(rows, dictionary.norm[modality]), [rows.length / d, d]);
  const pre = preActivations(model, modality, x);
  const top = tf.topk(pre, config.k);
  const result = {
    pre: (await pre.data()) as Float32Array,
    ids: (await top.indices.data()) as Int32Array,
    values: (await top.values.data()) as Float32Array,
  };
  tf.dispose([x, pre, top.indices, top.values]);
  return result;
}

beforeAll(async () => {
  await useBackend();
  model = createLucid(config, 5);
  // Non-zero biases, so folding bPre into the bias is exercised.
  model.image.bPre.assign(tf.tensor1d(gaussianArray(16, gaussian)));
  model.image.bEnc.assign(tf.tensor1d(gaussianArray(m, gaussian).map((v) => 0.1 * v)));
  model.text.bPre.assign(tf.tensor1d(gaussianArray(12, gaussian)));
  dictionary = {
    source: 'test',
    model,
    norm: { image: computeNormStats(activations(50, 16), 16), text: computeNormStats(activations(50, 12), 12) },
    interpretation: null,
  };
});
afterAll(() => disposeLucid(model));

describe('encodeRows', () => {
  for (const [modality, d] of [
    ['image', 16],
    ['text', 12],
  ] as const) {
    it(`gives the unfolded path's pre-activations and Top-K codes (${modality})`, async () => {
      const rows = activations(37, d);
      const codes = await encodeRows(dictionary, modality, rows);
      const expected = await reference(modality, rows, d);
      expect(codes.rows).toBe(37);
      for (let i = 0; i < expected.pre.length; i++) expect(codes.pre[i]).toBeCloseTo(expected.pre[i], 5);
      for (let i = 0; i < expected.values.length; i++) {
        expect(codes.values[i]).toBeCloseTo(expected.values[i], 5);
        if (expected.values[i] > 0) expect(codes.ids[i]).toBe(expected.ids[i]);
      }
    });
  }

  it('follows the weights when they change, and leaks no tensors', async () => {
    const rows = activations(8, 16);
    await encodeRows(dictionary, 'image', rows);
    const before = tf.memory().numTensors;
    const flipped = tf.tidy(() => model.image.wEnc.mul(-1) as tf.Tensor2D);
    model.image.wEnc.assign(flipped);
    flipped.dispose();
    const codes = await encodeRows(dictionary, 'image', rows);
    const expected = await reference('image', rows, 16);
    for (let i = 0; i < expected.pre.length; i++) expect(codes.pre[i]).toBeCloseTo(expected.pre[i], 5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('encodes zero rows to empty codes', async () => {
    const codes = await encodeRows(dictionary, 'text', new Float32Array(0));
    expect([codes.rows, codes.pre.length, codes.ids.length]).toEqual([0, 0, 0]);
  });
});

describe('topKRow', () => {
  it('keeps the k largest, largest first, lower index first among equals', () => {
    const row = Float32Array.from([0.5, 2, 0, 2, 1, 0, 3]);
    const ids = new Int32Array(4);
    const values = new Float32Array(4);
    topKRow(row, 0, row.length, 4, ids, values, 0);
    expect(Array.from(ids)).toEqual([6, 1, 3, 4]);
    expect(Array.from(values)).toEqual([3, 2, 2, 1]);
  });

  it('pads a row with fewer than k positives with its first zeros, as tf.topk does', () => {
    const row = Float32Array.from([0, 0, 1, 0]);
    const ids = new Int32Array(3);
    const values = new Float32Array(3);
    topKRow(row, 0, row.length, 3, ids, values, 0);
    expect(Array.from(ids)).toEqual([2, 0, 1]);
  });
});
