import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config';
import { toBatchTensors, disposeBatch } from './batch';
import { batchContrastLoss, fvu, gridSmoothingMatrix, guidedTransport, lucidLoss } from './losses';
import { createLucid, disposeLucid, type LucidModel } from './model';
import { makePlantedWorld } from './planted';
import { gaussianArray, makeGaussian, makeRng } from './random';
import { useBackend } from './testing/backend';

const gaussian = makeGaussian(makeRng(9));

/** Central finite difference of f at x along coordinate i of `values` (which f reads). */
function finiteDifference(values: Float32Array, i: number, h: number, f: () => number): number {
  const saved = values[i];
  values[i] = saved + h;
  const up = f();
  values[i] = saved - h;
  const down = f();
  values[i] = saved;
  return (up - down) / (2 * h);
}

/** Reads a scalar synchronously (tests run on cpu, where dataSync is cheap). */
const scalarOf = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('fvu', () => {
  beforeAll(() => useBackend('cpu'));

  it('is 0 for a perfect reconstruction and 1 for predicting the mean', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 5],
      [2, 0],
    ]);
    expect(scalarOf(fvu(x, x))).toBeCloseTo(0, 6);
    expect(scalarOf(fvu(x, tf.tile(x.mean(0, true), [3, 1]) as tf.Tensor2D))).toBeCloseTo(1, 5);
    x.dispose();
  });

  it('ignores rows of weight 0', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 5],
    ]);
    const xHat = tf.tensor2d([
      [1, 2],
      [9, 9],
    ]);
    const w = tf.tensor1d([1, 0]);
    expect(scalarOf(fvu(x, xHat, w))).toBe(0);
    tf.dispose([x, xHat, w]);
  });
});

describe('batchContrastLoss', () => {
  beforeAll(() => useBackend('cpu'));

  it('has the gradient its finite differences give', () => {
    const values = gaussianArray(16, gaussian).map((v) => 0.5 + 0.1 * v);
    const loss = (c: tf.Tensor) => batchContrastLoss(c as tf.Tensor2D, 0.2);
    const analytic = tf.tidy(() =>
      tf
        .grad(loss)(tf.tensor2d(values, [4, 4]))
        .dataSync(),
    );
    for (const i of [0, 5, 6, 11, 15]) {
      const numeric = finiteDifference(values, i, 1e-3, () => scalarOf(loss(tf.tensor2d(values, [4, 4]))));
      expect(analytic[i]).toBeCloseTo(numeric, 2);
    }
  });

  it('is lowest when matched pairs are cheapest', () => {
    const good = scalarOf(
      batchContrastLoss(
        tf.tensor2d([
          [0, 1],
          [1, 0],
        ]),
        0.1,
      ),
    );
    const bad = scalarOf(
      batchContrastLoss(
        tf.tensor2d([
          [1, 0],
          [0, 1],
        ]),
        0.1,
      ),
    );
    expect(good).toBeLessThan(0.01);
    expect(bad).toBeGreaterThan(5);
  });
});

describe('gridSmoothingMatrix', () => {
  it('is symmetric with rows summing to 1', () => {
    const [rows, cols] = [3, 4];
    const n = rows * cols;
    const s = gridSmoothingMatrix(rows, cols, 0.4);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        sum += s[i * n + j];
        expect(s[i * n + j]).toBeCloseTo(s[j * n + i], 7);
        expect(s[i * n + j]).toBeGreaterThanOrEqual(0);
      }
      expect(sum).toBeCloseTo(1, 6);
    }
  });
});

describe('LUCID loss gradients', () => {
  const config = makeConfig(
    { dImage: 10, dText: 8 },
    { nShared: 12, nImagePrivate: 4, nTextPrivate: 4, k: 3, kAux: 4, gcmtWeight: 0, contrastWeight: 0 },
  );
  const world = makePlantedWorld({
    dImage: 10,
    dText: 8,
    concepts: 6,
    imageOnly: 2,
    textOnly: 4,
    grid: [2, 3],
    captionLength: 8,
    noise: 0.1,
    seed: 2,
  });
  let model: LucidModel;
  beforeAll(async () => {
    await useBackend('cpu');
    model = createLucid(config, 3);
  });
  afterAll(() => disposeLucid(model));

  it('match finite differences for the reconstruction terms', () => {
    const batch = toBatchTensors(config, world.sample(3).batch);
    // No dead latents: AuxK holds its residual target fixed on purpose, so it has no true gradient to compare.
    const dead = tf.zeros([20]) as tf.Tensor1D;
    const lossValue = () => scalarOf(tf.tidy(() => lucidLoss(model, batch, dead).total));
    const { grads } = tf.variableGrads(() => lucidLoss(model, batch, dead).total);
    for (const variable of [model.image.wEnc, model.image.bPre, model.text.wDec, model.text.bEnc] as tf.Variable[]) {
      const analytic = grads[variable.name].dataSync();
      const values = variable.dataSync() as Float32Array;
      for (const i of [0, 7, values.length - 1]) {
        // A small step, so the Top-K selection does not change between the two evaluations.
        const numeric = finiteDifference(values, i, 1e-3, () => {
          variable.assign(tf.tensor(values, variable.shape));
          return lossValue();
        });
        variable.assign(tf.tensor(values, variable.shape));
        expect(Math.abs(analytic[i] - numeric), `${variable.name}[${i}]`).toBeLessThan(2e-3 + 0.05 * Math.abs(numeric));
      }
    }
    tf.dispose(Object.values(grads));
    dead.dispose();
    disposeBatch(batch);
  });

  it('skip AuxK when told no latent is dead, with the same terms and gradients as an all-alive mask', () => {
    const batch = toBatchTensors(config, world.sample(3).batch);
    const alive = tf.zeros([20]) as tf.Tensor1D;
    const run = (dead: tf.Tensor1D | null) => {
      const { value, grads } = tf.variableGrads(() => lucidLoss(model, batch, dead).total);
      const out = {
        total: value.dataSync()[0],
        grads: Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, g.dataSync()])),
      };
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    const masked = run(alive);
    const skipped = run(null);
    expect(skipped.total).toBe(masked.total);
    expect(Object.keys(skipped.grads).sort()).toEqual(Object.keys(masked.grads).sort());
    for (const [name, gradient] of Object.entries(masked.grads)) {
      expect(Array.from(skipped.grads[name]), name).toEqual(Array.from(gradient));
    }
    // With a dead latent AuxK is computed, and skipping it would change the objective.
    const dead = tf
      .oneHot(tf.tensor1d([2], 'int32'), 20)
      .reshape([20])
      .toFloat() as tf.Tensor1D;
    const aux = tf.tidy(() => lucidLoss(model, batch, dead).auxImage.dataSync()[0]);
    expect(aux).toBeGreaterThan(0);
    tf.dispose([alive, dead]);
    disposeBatch(batch);
  });

  it('treat the transport plan as fixed: d(Σ P C)/dA equals Σ P₀ ∂C/∂A', () => {
    const [bi, np, ms, t] = [2, 6, 12, 4];
    const imageValues = gaussianArray(bi * np * ms, gaussian).map(Math.abs);
    const textValues = gaussianArray(bi * t * ms, gaussian).map(Math.abs);
    const text = tf.tensor3d(textValues, [bi, t, ms]);
    const align = tf.tensor2d([1, 1, 0, 1, 1, 1, 1, 0], [bi, t]);
    const run = (a: tf.Tensor) => guidedTransport(model, a as tf.Tensor3D, text, align, [2, 3]);
    const first = run(tf.tensor3d(imageValues, [bi, np, ms]));
    const plan = first.plan.slice([0, 0, 0], [-1, np, t]);
    const analytic = tf.tidy(() =>
      tf
        .grad((a: tf.Tensor) => run(a).matchedCost.sum())(tf.tensor3d(imageValues, [bi, np, ms]))
        .dataSync(),
    );
    const frozenObjective = () =>
      scalarOf(
        tf.tidy(() => {
          const cost = run(tf.tensor3d(imageValues, [bi, np, ms])).cost.slice([0, 0, 0], [-1, np, t]);
          return tf.sum(tf.mul(plan, cost));
        }),
      );
    for (const i of [1, 20, 77, 140]) {
      const numeric = finiteDifference(imageValues, i, 1e-2, frozenObjective);
      expect(Math.abs(analytic[i] - numeric)).toBeLessThan(1e-3 + 0.05 * Math.abs(numeric));
    }
    tf.dispose([text, align, plan, first.plan, first.cost, first.matchedCost, first.totalCost]);
  });

  it('move the dustbin cost by the mass the plan sends to the dustbin', () => {
    const [np, t, ms] = [6, 4, 12];
    const image = tf.tensor3d(gaussianArray(np * ms, gaussian).map(Math.abs), [1, np, ms]);
    const text = tf.tensor3d(gaussianArray(t * ms, gaussian).map(Math.abs), [1, t, ms]);
    const align = tf.ones([1, t]) as tf.Tensor2D;
    const { value, grads } = tf.variableGrads(
      () => guidedTransport(model, image, text, align, [2, 3]).totalCost.sum() as tf.Scalar,
      [model.dustbinCost],
    );
    const transport = guidedTransport(model, image, text, align, [2, 3]);
    // Every dustbin entry, the corner included, costs the dustbin cost.
    const dustMass = tf.tidy(() => transport.plan.sum().sub(transport.plan.slice([0, 0, 0], [-1, np, t]).sum()));
    expect(grads[model.dustbinCost.name].dataSync()[0]).toBeCloseTo(dustMass.dataSync()[0], 5);
    expect(transport.plan.sum().dataSync()[0]).toBeCloseTo(1, 4);
    tf.dispose([image, text, align, value, dustMass, ...Object.values(grads), ...Object.values(transport)]);
  });
});
