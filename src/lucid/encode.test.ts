import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, privateRange } from './config';
import { composedPreActivations, decode, encode, encodeSparse, preActivations, topKDense } from './encode';
import { createLucid, disposeLucid, type LucidModel } from './model';
import { gaussianArray, makeGaussian, makeRng } from './random';
import { useBackend } from './testing/backend';

/** Plain-JavaScript Top-K of one row: indices of the k largest positive values. */
function referenceTopK(row: Float32Array, k: number): Set<number> {
  return new Set(
    Array.from(row, (v, i) => [v, i] as const)
      .filter(([v]) => v > 0)
      .sort((a, b) => b[0] - a[0])
      .slice(0, k)
      .map(([, i]) => i),
  );
}

const config = makeConfig({ dImage: 16, dText: 12 }, { nShared: 24, nImagePrivate: 6, nTextPrivate: 5, k: 5 });
let model: LucidModel;
const gaussian = makeGaussian(makeRng(42));

beforeAll(async () => {
  await useBackend();
  model = createLucid(config, 1);
});
afterAll(() => disposeLucid(model));

describe('encode', () => {
  it('keeps exactly the k largest pre-activations of every row', async () => {
    const x = tf.tensor2d(gaussianArray(40 * 16, gaussian), [40, 16]);
    const pre = preActivations(model, 'image', x);
    const z = encode(model, 'image', x);
    const [preRows, zRows] = [(await pre.data()) as Float32Array, (await z.data()) as Float32Array];
    const m = pre.shape[1];
    for (let r = 0; r < 40; r++) {
      const expected = referenceTopK(preRows.subarray(r * m, (r + 1) * m), config.k);
      const kept = new Set<number>();
      for (let j = 0; j < m; j++) {
        const v = zRows[r * m + j];
        if (v !== 0) {
          kept.add(j);
          expect(v).toBe(preRows[r * m + j]);
        }
      }
      expect(kept).toEqual(expected);
    }
    tf.dispose([x, pre, z]);
  });

  it('never uses the other modality’s private latents', async () => {
    const x = tf.tensor2d(gaussianArray(64 * 12, gaussian), [64, 12]);
    const z = encode(model, 'text', x);
    const [start, end] = privateRange(config, 'image');
    const imagePrivate = await z.slice([0, start], [-1, end - start]).data();
    expect(imagePrivate.every((v) => v === 0)).toBe(true);
    tf.dispose([x, z]);
  });

  it('gives the same codes in sparse and dense form', async () => {
    const x = tf.tensor2d(gaussianArray(10 * 16, gaussian), [10, 16]);
    const dense = (await encode(model, 'image', x).array()) as number[][];
    const { values, indices } = encodeSparse(model, 'image', x);
    const [v, i] = [(await values.array()) as number[][], (await indices.array()) as number[][]];
    for (let r = 0; r < 10; r++) {
      for (let j = 0; j < config.k; j++) if (v[r][j] > 0) expect(dense[r][i[r][j]]).toBe(v[r][j]);
      expect(v[r]).toEqual([...v[r]].sort((a, b) => b - a));
    }
    tf.dispose([x, values, indices]);
  });

  it('reconstructs a decoder row exactly from its own code', async () => {
    const m = config.nShared + config.nImagePrivate + config.nTextPrivate;
    const code = tf.tidy(() => tf.oneHot([3], m).toFloat().mul(2.5) as tf.Tensor2D);
    const xHat = await decode(model, 'image', code).data();
    const row = (await model.image.wDec.slice([3, 0], [1, -1]).data()).map((v) => v * 2.5);
    Array.from(xHat).forEach((v, j) => expect(v).toBeCloseTo(row[j], 6));
    code.dispose();
  });

  it('lets gradients reach only the kept entries', async () => {
    const pre = tf.tensor2d([[0.1, 0.9, 0.5, 0.7]]);
    const gradient = tf.grad((p: tf.Tensor) => topKDense(p as tf.Tensor2D, 2).sum())(pre);
    expect(Array.from(await gradient.data())).toEqual([0, 1, 0, 1]);
    tf.dispose([pre, gradient]);
  });

  it('fuses the encoder into one node with the composition’s values and gradients, leaving no tensors', async () => {
    // A private cap that binds (kPrivate 2 of 6 image-private latents) and non-zero biases.
    const capped = makeConfig(
      { dImage: 16, dText: 12 },
      { nShared: 24, nImagePrivate: 6, nTextPrivate: 5, k: 5, kPrivate: 2 },
    );
    const m = createLucid(capped, 3);
    m.image.bPre.assign(tf.randomNormal([16], 0, 0.3, 'float32', 5));
    m.image.bEnc.assign(tf.randomNormal([35], 0, 0.1, 'float32', 6));
    const x = tf.tensor2d(gaussianArray(9 * 16, gaussian), [9, 16]);
    // Any downstream use: a weighted sum of the pre-activations (weights fixed, random).
    const weights = tf.randomNormal([9, 35], 0, 1, 'float32', 7);
    const loss = (f: typeof preActivations) => () => tf.sum(tf.mul(f(m, 'image', x), weights)) as tf.Scalar;
    const vars = [m.image.wEnc, m.image.bEnc, m.image.bPre] as tf.Variable[];
    const before = tf.memory().numTensors;
    const fused = tf.variableGrads(loss(preActivations), vars);
    const composed = tf.variableGrads(loss(composedPreActivations), vars);
    expect(fused.value.dataSync()[0]).toBeCloseTo(composed.value.dataSync()[0], 4);
    for (const v of vars) {
      const [a, b] = [fused.grads[v.name].dataSync(), composed.grads[v.name].dataSync()];
      expect(a.length).toBe(b.length);
      const scale = Math.max(...Array.from(b, Math.abs), 1e-6);
      a.forEach((value, i) => expect(Math.abs(value - b[i]) / scale).toBeLessThan(1e-5));
      expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(0);
    }
    tf.dispose([fused.value, composed.value, ...Object.values(fused.grads), ...Object.values(composed.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    const values = [preActivations(m, 'image', x), composedPreActivations(m, 'image', x)];
    expect(Array.from(values[0].dataSync())).toEqual(Array.from(values[1].dataSync()));
    tf.dispose([...values, x, weights]);
    disposeLucid(m);
  });
});
