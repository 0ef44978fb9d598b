import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostDecoderSwitch, hostProjectOutDecoderDirections, hostSparseDecode, hostUnitRows } from './hostDecoder';
import { makeConfig } from './config';
import { createLucid, disposeLucid, setDecoderNormToUnitNorm, trainableVariables } from './model';
import { makePlantedWorld } from './planted';
import { gaussianArray, makeGaussian, makeRng } from './random';
import { sparseDecode } from './sparseDecode';
import { createTrainer, removeGradientParallelToDecoderDirections } from './trainer';
import { useBackend } from './testing/backend';
import { relativeMaxDiff } from './testing/compare';

const gaussian = makeGaussian(makeRng(23));

const random = (shape: [number, number]) => tf.tensor2d(gaussianArray(shape[0] * shape[1], gaussian), shape);

describe('the decoder’s host passes', () => {
  beforeAll(() => useBackend());
  afterEach(() => {
    hostDecoderSwitch.enabled = true;
  });

  it('decode sparse codes as the tfjs ops do, with the same gradients', () => {
    const [n, k, m, d] = [23, 5, 40, 12];
    const ids = Int32Array.from({ length: n * k }, (_, e) => ((e * 7 + ((e / k) | 0) * 3) % m) | 0);
    // Some codes 0 (as padding and silent latents give).
    const values = tf.variable(
      tf.tensor2d(
        gaussianArray(n * k, gaussian).map((v, e) => (e % 6 === 0 ? 0 : Math.abs(v))),
        [n, k],
      ),
      true,
      'hd.values',
    );
    const wDec = tf.variable(random([m, d]), true, 'hd.wDec');
    const target = random([n, d]);
    const indices = tf.tensor2d(ids, [n, k], 'int32');
    const run = (host: boolean) =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const out = host ? hostSparseDecode(values, ids, wDec)! : sparseDecode(values, indices, wDec);
          return tf.sum(tf.square(tf.sub(out, target))) as tf.Scalar;
        }, [values, wDec]);
        return [value.dataSync()[0], grads[values.name].dataSync().slice(), grads[wDec.name].dataSync().slice()];
      });
    expect(hostSparseDecode(values, ids, wDec)).not.toBeNull();
    const [reference, host] = [run(false), run(true)];
    host.forEach((got, i) =>
      expect(relativeMaxDiff(got as Float32Array, reference[i] as Float32Array)).toBeLessThan(1e-5),
    );
    tf.dispose([values, wDec, target, indices]);
  });

  it('project the decoder gradient and renorm the rows as the tfjs ops do', () => {
    const [m, d] = [37, 16];
    const decoder = tf.tidy(() => {
      const w = random([m, d]);
      return tf.div(w, tf.norm(w, 2, 1, true)) as tf.Tensor2D;
    });
    const gradient = random([m, d]);
    const expected = removeGradientParallelToDecoderDirections(gradient, decoder).dataSync();
    const copy = gradient.clone();
    const projected = hostProjectOutDecoderDirections(copy, decoder);
    expect(projected).not.toBeNull();
    expect(relativeMaxDiff(projected!.dataSync(), expected)).toBeLessThan(1e-6);

    const loose = tf.mul(random([m, d]), 3) as tf.Tensor2D;
    const unit = hostUnitRows(loose)!;
    const reference = tf.tidy(() => tf.div(loose, tf.sqrt(tf.sum(tf.square(loose), 1, true)).maximum(1e-12)));
    expect(relativeMaxDiff(unit.dataSync(), reference.dataSync())).toBeLessThan(1e-6);
    tf.dispose([decoder, gradient, copy, loose, unit, reference]);
  });

  it('leave what they cannot do to the tfjs ops: rows not a multiple of 4, a shared gradient', () => {
    const odd = random([5, 6]);
    expect(hostUnitRows(odd)).toBeNull();
    const gradient = random([5, 8]);
    const alias = tf.reshape(gradient, [5, 8]) as tf.Tensor2D;
    expect(hostProjectOutDecoderDirections(gradient, random([5, 8]))).toBeNull();
    tf.dispose([odd, gradient, alias]);
  });

  it('train to the weights of the tfjs ops and keep the tensor count flat', async () => {
    const world = makePlantedWorld({
      dImage: 16,
      dText: 12,
      concepts: 8,
      imageOnly: 3,
      textOnly: 5,
      grid: [3, 3],
      captionLength: 9,
      noise: 0.05,
      seed: 9,
    });
    const config = makeConfig(
      { dImage: 16, dText: 12 },
      { nShared: 40, nImagePrivate: 8, nTextPrivate: 8, k: 3, alignK: 6, learningRate: 1e-2 },
    );
    const batches = Array.from({ length: 3 }, () => world.sample(5).batch);
    const weights: Float32Array[][] = [];
    for (const host of [false, true]) {
      hostDecoderSwitch.enabled = host;
      const model = createLucid(config, 2);
      const trainer = createTrainer(model, { decodePath: 'sparse' });
      trainer.step(batches[0]);
      await trainer.readLosses();
      const before = tf.memory();
      for (let i = 0; i < 6; i++) trainer.step(batches[i % 3]);
      await trainer.readLosses();
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numBytes).toBe(before.numBytes);
      setDecoderNormToUnitNorm(model);
      weights.push(trainableVariables(model).map((v) => v.dataSync().slice() as Float32Array));
      trainer.dispose();
      disposeLucid(model);
    }
    weights[1].forEach((values, i) =>
      expect(relativeMaxDiff(values, weights[0][i]), `variable ${i}`).toBeLessThan(1e-4),
    );
  });
});
