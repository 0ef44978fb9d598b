import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs' AdamOptimizer (tfjs-core 4.22, adam_optimizer.js) that its update reads and writes. */
interface AdamInternals {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/**
 * tfjs' Adam, with one change: each variable is updated in a `tf.tidy` of its own. tfjs runs the whole
 * update in one tidy, so the eleven temporaries of every variable's update live until the last variable is
 * done; at ViT-B/16 size (four [768|512, 16,384] matrices) that added 1.7 GB to a training step's peak,
 * which tfjs' 4 GiB WASM heap could not spare. The same ops in the same order, the same moments, names
 * and iteration count (so `getWeights`/`setWeights` and checkpoints are unchanged): trained weights are
 * bit-identical to `tf.train.adam`'s (leanAdam.test.ts).
 */
export class LeanAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const adam = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, adam.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, adam.accBeta2);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        adam.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        adam.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        tf.tidy(() => {
          const firstMoment = adam.accumulatedFirstMoment[i]!.variable;
          const secondMoment = adam.accumulatedSecondMoment[i]!.variable;
          const newFirstMoment = tf.add(tf.mul(firstMoment, adam.beta1), tf.mul(gradient, 1 - adam.beta1));
          const newSecondMoment = tf.add(tf.mul(secondMoment, adam.beta2), tf.mul(tf.square(gradient), 1 - adam.beta2));
          const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
          const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
          firstMoment.assign(newFirstMoment);
          secondMoment.assign(newSecondMoment);
          const step = tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), adam.epsilon));
          value.assign(tf.add(tf.mul(step, -adam.learningRate), value));
        });
      });
      adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
      adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
    });
    adam.incrementIterations();
  }
}

/** Adam with tfjs' defaults (β1 0.9, β2 0.999, ε from the backend), as `tf.train.adam(learningRate)`. */
export function leanAdam(learningRate: number): LeanAdamOptimizer {
  return new LeanAdamOptimizer(learningRate, 0.9, 0.999);
}
