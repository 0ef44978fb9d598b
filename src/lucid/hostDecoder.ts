import * as tf from '@tensorflow/tfjs';
import { type GradientKernels, gradientKernelsFor } from './gradientKernel';
import { hostFloats, uninitialisedWasmTensors, wasmHeapOffset, wasmHeapView, wasmMemory } from './hostTensors';
import { runSplit } from './hostThreads';

/**
 * The decoder's per-step work as row passes on tfjs' WASM heap with the SIMD kernels of
 * gradientKernel.ts: the sparse decode and its gradient, the projection of the decoder gradient and the
 * renorm of its rows. tfjs runs each as several [m, d] or [n·k, d] kernels (gather, batched products,
 * scatter; multiply, sum, subtract; square, sum, divide), each a pass over tens of megabytes at
 * ViT-B/16 size; here each is one pass over the rows it touches. Each function returns null where it
 * cannot run (another backend, no SIMD, a width not a multiple of 4, a tensor it may not write), and
 * the caller then uses its tfjs ops: the same values to float32 rounding (hostDecoder.test.ts).
 */

/** Whether the host passes may run (tests turn them off to compare with the tfjs ops). */
export const hostDecoderSwitch = { enabled: true };

/** The kernels, where the backend is WASM, SIMD works and rows of `width` floats suit them. */
function kernelsFor(width: number): GradientKernels | null {
  if (!hostDecoderSwitch.enabled || width % 4 !== 0) return null;
  const memory = wasmMemory();
  return memory ? gradientKernelsFor(memory) : null;
}

/** Whether {@link hostSparseDecode} runs for rows of `width` floats (WASM, SIMD, width a multiple of 4). */
export function hostDecodeRuns(width: number): boolean {
  return kernelsFor(width) !== null;
}

const offset = (tensor: tf.Tensor) => wasmHeapOffset(tensor, false)!;

/**
 * The entries of `ids` (latent ids) grouped by latent, in order (a counting sort): visiting them so,
 * each decoder row is read once from memory and the n rows it meets stay in cache.
 */
function byLatent(ids: Int32Array, m: number): Int32Array {
  const start = new Int32Array(m + 1);
  for (const id of ids) start[id + 1]++;
  for (let j = 0; j < m; j++) start[j + 1] += start[j];
  const order = new Int32Array(ids.length);
  for (let e = 0; e < ids.length; e++) order[start[ids[e]]++] = e;
  return order;
}

/**
 * x̂ = Σ_t values[i, t] · W_dec[ids[i, t]] [n, d], as sparseDecode.ts `sparseDecode`, with gradients to
 * the values and to W_dec (only the rows of the chosen latents are read or written).
 * @param values [n, k]
 * @param ids [n, k] latent ids on the host
 * @param wDec [m, d]
 */
export function hostSparseDecode(values: tf.Tensor2D, ids: Int32Array, wDec: tf.Tensor2D): tf.Tensor2D | null {
  const [n, k] = values.shape;
  const [m, d] = wDec.shape;
  const kernels = kernelsFor(d);
  if (!kernels || wasmHeapOffset(wDec, false) === null) return null;
  const rowBytes = d * 4;
  const decode = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [v, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([]);
    const codes = hostFloats(v).slice();
    const order = byLatent(ids, m);
    const [out] = uninitialisedWasmTensors([[n, d]]);
    wasmHeapView(offset(out), n * d).fill(0);
    const [o, base] = [offset(out), offset(w)];
    for (const e of order) {
      if (codes[e] !== 0) kernels.axpy(o + ((e / k) | 0) * rowBytes, base + ids[e] * rowBytes, rowBytes, codes[e]);
    }
    return {
      value: out,
      gradFunc: (dy: tf.Tensor) => {
        const [dValues, dW] = uninitialisedWasmTensors([
          [n, k],
          [m, d],
        ]);
        const [g, weights, rows] = [offset(dy), offset(w), offset(dW)];
        wasmHeapView(rows, m * d).fill(0);
        const dv = wasmHeapView(offset(dValues), n * k);
        for (const e of order) {
          const row = g + ((e / k) | 0) * rowBytes;
          dv[e] = kernels.dot(weights + ids[e] * rowBytes, row, rowBytes);
          if (codes[e] !== 0) kernels.axpy(rows + ids[e] * rowBytes, row, rowBytes, codes[e]);
        }
        return [dValues, dW];
      },
    };
  });
  return decode(values, wDec) as tf.Tensor2D;
}

/**
 * The decoder gradient less its part along each decoder row (g_j − (g_j · w_j) w_j), in place on the
 * gradient; null (nothing done) where the host pass cannot run or the gradient shares its memory.
 * @param gradient [m, d]
 * @param decoder [m, d] unit rows
 */
export function hostProjectOutDecoderDirections(gradient: tf.Tensor2D, decoder: tf.Tensor2D): tf.Tensor2D | null {
  const [m, d] = gradient.shape;
  const kernels = kernelsFor(d);
  const g = wasmHeapOffset(gradient, true);
  const w = wasmHeapOffset(decoder, false);
  if (!kernels || g === null || w === null) return null;
  runSplit(wasmMemory()!, { adam: null, gradient: kernels }, 'projectRows', [g, w, d], m, 1, d);
  return gradient;
}

/**
 * The decoder with every row scaled to unit norm (w_j / max(‖w_j‖, 10⁻¹²)), as a new tensor (tfjs' WASM
 * matMul caches its weights by tensor, so the variable's memory is not written in place); null where the
 * host pass cannot run.
 * @param decoder [m, d]
 */
export function hostUnitRows(decoder: tf.Tensor2D): tf.Tensor2D | null {
  const [m, d] = decoder.shape;
  const kernels = kernelsFor(d);
  if (!kernels || wasmHeapOffset(decoder, false) === null) return null;
  const [out] = uninitialisedWasmTensors([[m, d]]);
  runSplit(wasmMemory()!, { adam: null, gradient: kernels }, 'unitRows', [offset(out), offset(decoder), d], m, 1, d);
  return out as tf.Tensor2D;
}
