import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamKernelSwitch, leanAdam, wasmAdamKernel } from './leanAdam';
import { useBackend } from './testing/backend';

beforeAll(() => useBackend());

/** Equal to float32 rounding: a few units in the last place of the larger value (at least of 1). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  expect(worst).toBeLessThan(5e-7);
}

/** Three variables and their gradients for a few steps; one has no gradient on step 2 (an image-only batch). */
function run(optimizer: tf.Optimizer, seed: number, prefix: string) {
  const make = (shape: number[], offset: number, name: string) => {
    const initial = tf.randomNormal(shape, 0, 1, 'float32', seed + offset);
    const variable = tf.variable(initial, true, `${prefix}${name}${seed}`);
    initial.dispose();
    return variable;
  };
  const variables = [make([7, 5], 0, 'w'), make([5], 1, 'b'), make([3, 4], 2, 't')];
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
  it('trains the same weights as tf.train.adam, to float32 rounding, with the same saved state', async () => {
    const ours = leanAdam(0.01);
    const theirs = tf.train.adam(0.01);
    const a = run(ours, 1, 'lean');
    const b = run(theirs, 1, 'tfjs');
    expect(tf.getBackend()).toBe('wasm');
    for (let i = 0; i < a.length; i++) expectClose(a[i].dataSync(), b[i].dataSync());
    const [wa, wb] = [await ours.getWeights(), await theirs.getWeights()];
    expect(wa.map((w) => w.name.replace('lean', 'tfjs'))).toEqual(wb.map((w) => w.name));
    wa.forEach((w, i) => expectClose(w.tensor.dataSync(), wb[i].tensor.dataSync()));
    tf.dispose([wa[0].tensor, wb[0].tensor]);
    tf.dispose([...a, ...b]);
    ours.dispose();
    theirs.dispose();
  });

  it('updates in one pass on WASM, with tfjs ops where a moment shares its memory, to the same weights', async () => {
    const update = async (shared: boolean) => {
      const optimizer = leanAdam(0.01);
      const variables = run(optimizer, 2, `pass${shared}`);
      const values = variables.map((v) => Array.from(v.dataSync()));
      // A reshape of a variable or a moment shares its memory; it must keep the values it had.
      const [, ...moments] = await optimizer.getWeights();
      const views = [...variables, ...(shared ? moments.map((w) => w.tensor) : [])].map((t) => t.reshape([-1]));
      const held = views.map((view) => Array.from(view.dataSync()));
      const grads = Object.fromEntries(variables.map((v) => [v.name, tf.onesLike(v)]));
      const info = await tf.profile(() => optimizer.applyGradients(grads));
      // Kernels with a non-scalar output (tf.profile's next call reuses the object it returns).
      const largeKernels = info.kernels.filter((k) => k.outputShapes.some((shape) => shape.length > 0)).length;
      views.forEach((view, i) => expect(Array.from(view.dataSync())).toEqual(held[i]));
      tf.dispose(views);
      return { optimizer, variables, values, grads, largeKernels };
    };
    const onePass = await update(false);
    const ops = await update(true);
    // One pass: no kernel runs on the variables' size, beyond the two scalars of the bias correction.
    expect(onePass.largeKernels).toBe(0);
    expect(ops.largeKernels).toBeGreaterThan(10);
    const after = (r: Awaited<typeof onePass>) => r.variables.map((v) => Array.from(v.dataSync()));
    after(onePass).forEach((values, i) => expectClose(values, after(ops)[i]));
    expect(after(onePass)[0]).not.toEqual(onePass.values[0]);
    for (const r of [onePass, ops]) {
      tf.dispose([...r.variables, ...Object.values(r.grads)]);
      r.optimizer.dispose();
    }
  });

  it('runs the WebAssembly SIMD kernel on tfjs’ WASM memory, to the weights of the JavaScript pass', () => {
    expect(wasmAdamKernel()).not.toBeNull();
    const trained = (kernel: boolean) => {
      adamKernelSwitch.enabled = kernel;
      try {
        const optimizer = leanAdam(0.01);
        const variables = run(optimizer, 3, `kernel${kernel}`);
        const values = variables.map((v) => v.dataSync().slice());
        tf.dispose(variables);
        optimizer.dispose();
        return values;
      } finally {
        adamKernelSwitch.enabled = true;
      }
    };
    const [simd, javascript] = [trained(true), trained(false)];
    simd.forEach((values, i) => expectClose(values, javascript[i]));
    // 35 and 5 floats: the kernel takes the groups of four, the JavaScript pass the 3 and 1 left.
    expect(simd.map((values) => values.length)).toEqual([35, 5, 12]);
  });

  it('gives a matMul by an updated weight the new weight (tfjs WASM keeps weights packed per tensor)', async () => {
    const optimizer = leanAdam(0.1);
    const initial = tf.randomNormal([6, 4], 0, 1, 'float32', 5);
    const weight = tf.variable(initial, true, 'packedWeight');
    initial.dispose();
    const x = tf.randomNormal([3, 6], 0, 1, 'float32', 6);
    const grad = tf.randomNormal([6, 4], 0, 1, 'float32', 7);
    for (let step = 0; step < 3; step++) {
      tf.matMul(x, weight).dispose(); // packs the weight as it is now
      optimizer.applyGradients([{ name: 'packedWeight', tensor: grad }]);
      const product = tf.matMul(x, weight);
      const fresh = tf.tensor(weight.dataSync(), weight.shape);
      const expected = tf.matMul(x, fresh);
      expectClose(product.dataSync(), expected.dataSync());
      tf.dispose([product, fresh, expected]);
    }
    tf.dispose([weight, x, grad]);
    optimizer.dispose();
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
