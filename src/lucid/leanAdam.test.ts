import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { leanAdam } from './leanAdam';
import { useBackend } from './testing/backend';

beforeAll(() => useBackend());

/** Three variables and their gradients for a few steps; one has no gradient on step 2 (an image-only batch). */
function run(optimizer: tf.Optimizer, seed: number, prefix: string) {
  const variables = [
    tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', seed), true, `${prefix}w${seed}`),
    tf.variable(tf.randomNormal([5], 0, 1, 'float32', seed + 1), true, `${prefix}b${seed}`),
    tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', seed + 2), true, `${prefix}t${seed}`),
  ];
  for (let step = 0; step < 4; step++) {
    const grads: Record<string, tf.Tensor> = {};
    variables.forEach((v, i) => {
      if (step === 2 && i === 2) return;
      grads[v.name] = tf.randomNormal(v.shape, 0, 1, 'float32', 1000 + 100 * step + i);
    });
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  return variables;
}

describe('Adam with a tidy per variable', () => {
  it('trains the same weights as tf.train.adam, bit for bit, with the same saved state', async () => {
    const ours = leanAdam(0.01);
    const theirs = tf.train.adam(0.01);
    const a = run(ours, 1, 'lean');
    const b = run(theirs, 1, 'tfjs');
    for (let i = 0; i < a.length; i++) expect(Array.from(a[i].dataSync())).toEqual(Array.from(b[i].dataSync()));
    const [wa, wb] = [await ours.getWeights(), await theirs.getWeights()];
    expect(wa.map((w) => w.name.replace('lean', 'tfjs'))).toEqual(wb.map((w) => w.name));
    wa.forEach((w, i) => expect(Array.from(w.tensor.dataSync())).toEqual(Array.from(wb[i].tensor.dataSync())));
    tf.dispose([wa[0].tensor, wb[0].tensor]);
    tf.dispose([...a, ...b]);
    ours.dispose();
    theirs.dispose();
  });

  it('frees each variable’s temporaries before the next: the peak grows by one update, not all of them', async () => {
    const peak = async (optimizer: tf.Optimizer) => {
      const variables = [0, 1, 2, 3].map((i) =>
        tf.variable(tf.ones([256, 256]), true, `p${i}-${optimizer.getClassName()}`),
      );
      const grads = Object.fromEntries(variables.map((v) => [v.name, tf.onesLike(v)]));
      optimizer.applyGradients(grads); // moments created
      const info = await tf.profile(() => optimizer.applyGradients(grads));
      const before = tf.memory().numTensors;
      tf.dispose([...variables, ...Object.values(grads)]);
      optimizer.dispose();
      expect(tf.memory().numTensors).toBeLessThan(before);
      return info.peakBytes;
    };
    const lean = await peak(leanAdam(0.01));
    const plain = await peak(tf.train.adam(0.01));
    const one = 256 * 256 * 4;
    console.log(`Adam update peak, 4 variables of 256 × 256: tfjs ${plain / one}, lean ${lean / one} variable sizes`);
    // tfjs keeps every variable's temporaries until the last is done; ours frees them after each.
    expect(plain - lean).toBeGreaterThan(20 * one);
  });
});
