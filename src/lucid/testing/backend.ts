import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/**
 * Selects a tfjs backend for Node tests. WASM (XNNPACK) is ~10× faster than the pure-JS cpu
 * backend here; tests that compare backends switch explicitly.
 */
export async function useBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} is not available`);
  await tf.ready();
}

/** Row-major [rows, cols] array of a 2-D tensor. */
export async function readMatrix(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}
