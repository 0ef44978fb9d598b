// TEMPORARY STUB written by the skeleton helper so the e2e wiring can be developed.
// The lead replaces this whole file with the real LUCID reference step.
import * as tf from '@tensorflow/tfjs';

export async function runReferenceStep(): Promise<{ loss: number; terms: Record<string, number> }> {
  const x = tf.randomNormal([64, 32], 0, 1, 'float32', 1);
  const w = tf.variable(tf.randomNormal([32, 16], 0, 0.1, 'float32', 2));
  const wDec = tf.randomNormal([16, 32], 0, 0.1, 'float32', 3);
  const optimizer = tf.train.sgd(0.01);
  const lossTerms = () => {
    const z = tf.relu(tf.matMul(x, w));
    return {
      reconstruction: tf.mean(tf.square(tf.sub(tf.matMul(z, wDec), x))),
      sparsity: tf.mul(0.01, tf.mean(tf.abs(z))),
    };
  };
  optimizer.minimize(() =>
    tf.tidy(() => {
      const t = lossTerms();
      return tf.add(t.reconstruction, t.sparsity) as tf.Scalar;
    }),
  );
  const after = lossTerms();
  const terms = { reconstruction: (await after.reconstruction.data())[0], sparsity: (await after.sparsity.data())[0] };
  tf.dispose([x, w, wDec, after.reconstruction, after.sparsity]);
  optimizer.dispose();
  return { loss: terms.reconstruction + terms.sparsity, terms };
}
