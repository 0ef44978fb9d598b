import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeBatch, toBatchTensors } from './batch';
import { makeConfig } from './config';
import { matMul, topKDense } from './encode';
import { LOSS_TERM_NAMES, lucidLoss } from './losses';
import { createLucid, disposeLucid, type LucidModel, trainableVariables } from './model';
import { makePlantedWorld } from './planted';
import { gaussianArray, makeGaussian, makeRng } from './random';
import { type DecodePath, decodesSparsely, firedLatents, sparseDecode, topKCodes } from './sparseDecode';
import { createTrainer } from './trainer';
import { useBackend } from './testing/backend';
import { relativeMaxDiff } from './testing/compare';

const gaussian = makeGaussian(makeRng(11));

const world = makePlantedWorld({
  dImage: 16,
  dText: 12,
  concepts: 8,
  imageOnly: 3,
  textOnly: 5,
  grid: [3, 3],
  captionLength: 9,
  noise: 0.05,
  seed: 4,
});
const config = makeConfig(
  { dImage: 16, dText: 12 },
  { nShared: 16, nImagePrivate: 4, nTextPrivate: 4, k: 3, kAux: 6, deadAfterTokens: 500, learningRate: 1e-2 },
);

describe('sparse decode', () => {
  beforeAll(() => useBackend());

  it('gives the dense product of the Top-K codes and the same gradients', () => {
    const [n, m, d, k] = [37, 50, 9, 4];
    const pre = tf.variable(tf.tensor2d(gaussianArray(n * m, gaussian).map(Math.abs), [n, m]), true, 'sd.pre');
    const wDec = tf.variable(tf.tensor2d(gaussianArray(m * d, gaussian), [m, d]), true, 'sd.wDec');
    const target = tf.tensor2d(gaussianArray(n * d, gaussian), [n, d]);
    const run = (sparse: boolean) =>
      tf.variableGrads(() => {
        let xHat: tf.Tensor2D;
        if (sparse) {
          const codes = topKCodes(pre, k);
          xHat = sparseDecode(codes.values, codes.indices, wDec);
        } else {
          xHat = matMul(topKDense(pre, k), wDec);
        }
        return tf.sum(tf.mul(tf.square(tf.sub(xHat, target)), 0.5)) as tf.Scalar;
      }, [pre, wDec]);
    const dense = run(false);
    const sparse = run(true);
    expect(relativeMaxDiff(sparse.value.dataSync(), dense.value.dataSync())).toBeLessThan(1e-5);
    for (const name of [pre.name, wDec.name]) {
      expect(relativeMaxDiff(sparse.grads[name].dataSync(), dense.grads[name].dataSync()), name).toBeLessThan(1e-5);
    }
    // Only the k selected entries of each row get a gradient.
    const preGrad = sparse.grads[pre.name].dataSync();
    expect(preGrad.filter((g) => g !== 0).length).toBeLessThanOrEqual(n * k);
    tf.dispose([
      pre,
      wDec,
      target,
      dense.value,
      sparse.value,
      ...Object.values(dense.grads),
      ...Object.values(sparse.grads),
    ]);
  });

  it('marks as fired exactly the latents with a positive code on a row of positive weight', () => {
    tf.tidy(() => {
      const pre = tf.tensor2d([
        [0, 3, 1, 0],
        [2, 0, 0, 0],
        [0, 0, 5, 4],
      ]);
      const codes = topKCodes(pre, 2);
      expect(Array.from(firedLatents(codes, 4).dataSync())).toEqual([1, 1, 1, 1]);
      expect(Array.from(firedLatents(codes, 4, tf.tensor1d([1, 1, 0])).dataSync())).toEqual([1, 1, 1, 0]);
    });
  });

  it('is chosen by shape when the path is auto', () => {
    expect(decodesSparsely('auto', 64, 16384, 768)).toBe(true);
    expect(decodesSparsely('auto', 16, 384, 128)).toBe(true);
    expect(decodesSparsely('auto', 64, 384, 128)).toBe(false);
    // AuxK at ViT-B/16 size: fast enough sparsely, but its gathered rows are 18× the dense codes.
    expect(decodesSparsely('auto', 384, 16384, 768)).toBe(false);
    expect(decodesSparsely('dense', 64, 16384, 768)).toBe(false);
    expect(decodesSparsely('sparse', 64, 384, 128)).toBe(true);
  });
});

describe('the LUCID loss on the sparse decode path', () => {
  let model: LucidModel;
  beforeAll(async () => {
    await useBackend();
    model = createLucid(config, 5);
  });
  afterAll(() => disposeLucid(model));

  const paths: DecodePath[] = ['dense', 'sparse'];

  it('gives every term and every gradient of the dense path, AuxK included', () => {
    const batch = toBatchTensors(config, world.sample(4).batch);
    // Half the latents dead, so AuxK decodes codes too.
    const dead = tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % 2));
    const [dense, sparse] = paths.map((path) =>
      tf.tidy(() => {
        let terms: tf.Tensor[] = [];
        const { grads } = tf.variableGrads(() => {
          const all = lucidLoss(model, batch, dead, path);
          terms = LOSS_TERM_NAMES.map((name) => tf.keep(all[name]));
          terms.push(tf.keep(all.fired));
          return all.total;
        }, trainableVariables(model));
        return { terms: terms.map((t) => Array.from(t.dataSync())), grads: mapValues(grads) };
      }),
    );
    expect(sparse.terms[LOSS_TERM_NAMES.indexOf('auxImage')][0]).toBeGreaterThan(0);
    sparse.terms.forEach((values, i) =>
      expect(relativeMaxDiff(values, dense.terms[i]), `term ${i}`).toBeLessThan(1e-5),
    );
    for (const variable of trainableVariables(model)) {
      const name = variable.name;
      expect(relativeMaxDiff(sparse.grads[name], dense.grads[name]), name).toBeLessThan(1e-5);
    }
    dead.dispose();
    disposeBatch(batch);
  });

  it('trains to the same weights as the dense path and keeps the tensor count flat', async () => {
    const batches = Array.from({ length: 4 }, () => world.sample(6).batch);
    const weights: Float32Array[][] = [];
    for (const path of paths) {
      const copy = createLucid(config, 6);
      const trainer = createTrainer(copy, { decodePath: path });
      trainer.step(batches[0]);
      await trainer.readLosses();
      const before = tf.memory();
      for (let i = 0; i < 8; i++) trainer.step(batches[i % 4]);
      await trainer.readLosses();
      const after = tf.memory();
      expect(after.numTensors, path).toBe(before.numTensors);
      expect(after.numBytes, path).toBe(before.numBytes);
      weights.push(trainableVariables(copy).map((v) => v.dataSync().slice() as Float32Array));
      trainer.dispose();
      disposeLucid(copy);
    }
    weights[1].forEach((values, i) =>
      expect(relativeMaxDiff(values, weights[0][i]), `variable ${i}`).toBeLessThan(1e-4),
    );
  });
});

function mapValues(grads: tf.NamedTensorMap): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, g.dataSync().slice() as Float32Array]));
}
