import * as tf from '@tensorflow/tfjs';

/**
 * Stands in for log(0) in marginals: exp(LOG_ZERO) underflows to 0 in float32 while every
 * log-sum-exp stays finite (−Infinity would make some backends return NaN).
 */
export const LOG_ZERO = -1e4;

/**
 * Entropy-regularised optimal transport by log-domain Sinkhorn iterations, batched over problems
 * (Cuturi 2013; log-domain stabilisation as in Peyré & Cuturi, "Computational Optimal Transport", §4.4).
 *
 * Finds P = diag(e^f) · exp(−C/ε) · diag(e^g) whose row sums are μ and column sums ν.
 * @param cost C [problems, rows, cols]
 * @param logRowMass log μ [problems, rows] (LOG_ZERO for rows that must carry no mass)
 * @param logColMass log ν [problems, cols]; Σμ must equal Σν per problem
 * @param epsilon ε > 0, in units of cost
 * @param iterations fixed number of (row, column) update pairs
 * @returns the plan P [problems, rows, cols]
 */
export function sinkhornPlan(
  cost: tf.Tensor3D,
  logRowMass: tf.Tensor2D,
  logColMass: tf.Tensor2D,
  epsilon: number,
  iterations: number,
): tf.Tensor3D {
  return tf.tidy(() => {
    const kernel = tf.div(cost, -epsilon) as tf.Tensor3D;
    let f = tf.zerosLike(logRowMass) as tf.Tensor2D;
    let g = tf.zerosLike(logColMass) as tf.Tensor2D;
    for (let i = 0; i < iterations; i++) {
      const nextF = tf.sub(logRowMass, tf.logSumExp(tf.add(kernel, g.expandDims(1)), 2)) as tf.Tensor2D;
      f.dispose();
      f = nextF;
      const nextG = tf.sub(logColMass, tf.logSumExp(tf.add(kernel, f.expandDims(2)), 1)) as tf.Tensor2D;
      g.dispose();
      g = nextG;
    }
    return tf.exp(kernel.add(f.expandDims(2)).add(g.expandDims(1))) as tf.Tensor3D;
  });
}

/**
 * The Sinkhorn plan treated as a constant by autodiff: one tape node with a zero gradient, so the
 * iterations are neither recorded nor differentiated (METHOD.md: "P held fixed in the backward pass").
 * Arguments as in {@link sinkhornPlan}.
 */
export function frozenSinkhornPlan(
  cost: tf.Tensor3D,
  logRowMass: tf.Tensor2D,
  logColMass: tf.Tensor2D,
  epsilon: number,
  iterations: number,
): tf.Tensor3D {
  const frozen = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [c, mu, nu, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([]);
    return {
      value: sinkhornPlan(c, mu, nu, epsilon, iterations),
      gradFunc: () => [tf.zerosLike(c), tf.zerosLike(mu), tf.zerosLike(nu)],
    };
  });
  return frozen(cost, logRowMass, logColMass) as tf.Tensor3D;
}
