import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { frozenSinkhornPlan, sinkhornPlan } from './sinkhorn';
import { useBackend } from './testing/backend';
import { makeRng } from './random';

beforeAll(() => useBackend());

describe('sinkhornPlan', () => {
  it('meets both marginals on random problems', async () => {
    const rng = makeRng(3);
    const [problems, rows, cols] = [4, 7, 5];
    const cost = Float32Array.from({ length: problems * rows * cols }, rng);
    const mass = (n: number) => {
      const raw = Array.from({ length: problems * n }, () => 0.1 + rng());
      const out = new Float32Array(raw.length);
      for (let p = 0; p < problems; p++) {
        const sum = raw.slice(p * n, p * n + n).reduce((a, b) => a + b, 0);
        for (let i = 0; i < n; i++) out[p * n + i] = raw[p * n + i] / sum;
      }
      return out;
    };
    const mu = mass(rows);
    const nu = mass(cols);
    const plan = tf.tidy(() =>
      sinkhornPlan(
        tf.tensor3d(cost, [problems, rows, cols]),
        tf.log(tf.tensor2d(mu, [problems, rows])),
        tf.log(tf.tensor2d(nu, [problems, cols])),
        0.1,
        200,
      ),
    );
    const rowSums = await plan.sum(2).data();
    const colSums = await plan.sum(1).data();
    plan.dispose();
    rowSums.forEach((v, i) => expect(v).toBeCloseTo(mu[i], 4));
    colSums.forEach((v, i) => expect(v).toBeCloseTo(nu[i], 4));
  });

  it('finds the optimal permutation when ε is small', async () => {
    // Cheapest assignment: row 0 → col 2, row 1 → col 0, row 2 → col 1 (total cost 0.3).
    const cost = [
      [0.9, 0.8, 0.1],
      [0.1, 0.9, 0.7],
      [0.8, 0.1, 0.9],
    ];
    const plan = tf.tidy(() =>
      sinkhornPlan(tf.tensor3d([cost]), tf.log(tf.fill([1, 3], 1 / 3)), tf.log(tf.fill([1, 3], 1 / 3)), 0.01, 300),
    );
    const p = (await plan.array())[0];
    plan.dispose();
    const expected = [
      [0, 0, 1 / 3],
      [1 / 3, 0, 0],
      [0, 1 / 3, 0],
    ];
    p.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 4)));
  });

  it('matches the closed form of a 2×2 problem with entropy', async () => {
    // With uniform marginals and cost [[0,1],[1,0]], P = [[a, 1/2 − a], [1/2 − a, a]] with
    // a / (1/2 − a) = e^{1/ε}: a = e^{1/ε} / (2 (1 + e^{1/ε})).
    const epsilon = 0.5;
    const plan = tf.tidy(() =>
      sinkhornPlan(
        tf.tensor3d([
          [
            [0, 1],
            [1, 0],
          ],
        ]),
        tf.log(tf.fill([1, 2], 0.5)),
        tf.log(tf.fill([1, 2], 0.5)),
        epsilon,
        50,
      ),
    );
    const p = (await plan.array())[0];
    plan.dispose();
    const e = Math.exp(1 / epsilon);
    const a = e / (2 * (1 + e));
    expect(p[0][0]).toBeCloseTo(a, 5);
    expect(p[0][1]).toBeCloseTo(0.5 - a, 5);
  });

  it('is a constant for autodiff when frozen', async () => {
    const cost = tf.tensor3d([
      [
        [0.2, 0.7],
        [0.5, 0.1],
      ],
    ]);
    const logMass = tf.log(tf.fill([1, 2], 0.5)) as tf.Tensor2D;
    const gradient = tf.grad((c: tf.Tensor) => frozenSinkhornPlan(c as tf.Tensor3D, logMass, logMass, 0.1, 10).sum())(
      cost,
    );
    expect(Array.from(await gradient.data())).toEqual([0, 0, 0, 0]);
    tf.dispose([cost, logMass, gradient]);
  });
});
