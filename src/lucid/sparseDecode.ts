import * as tf from '@tensorflow/tfjs';
import { savedUnlessVariable } from './encode';

/**
 * Sparse Top-K codes with a gradient: the k largest entries of each row and where they are.
 * Gradients reach `pre` only at those entries, as through {@link topKDense}'s mask.
 */
export interface TopKCodes {
  /** Each row's k largest entries [n, k]; differentiable w.r.t. the input. */
  values: tf.Tensor2D;
  /** Latent index of each value [n, k] (int32). */
  indices: tf.Tensor2D;
}

/**
 * Index of entry (row, indices[row, j]) in the row-major flattening of an [n, m] matrix [n·k, 1],
 * the form scatterND takes.
 */
function flatIndices(indices: tf.Tensor2D, m: number): tf.Tensor2D {
  return tf.tidy(() => {
    const n = indices.shape[0];
    const rowStart = tf.range(0, n * m, m, 'int32').reshape([n, 1]);
    return tf.add(indices, rowStart).reshape([-1, 1]) as tf.Tensor2D;
  });
}

/**
 * The k largest entries of each row of `pre` and their columns. The selection is a constant for
 * autodiff; the gradient of the values is scattered back into an [n, m] zero matrix at the selected
 * entries (tf.topk has no gradient in tfjs, and a batched tf.gather's gradient splits into one op
 * per row). gatherND, not gather: tfjs-backend-wasm's Gather kernel computes strides per element
 * and ran ~10× slower here on the same rows.
 * Where a row has ties at its k-th value, one of them is kept; {@link topKDense} keeps all. With
 * real-valued activations ties only happen at 0, where the codes and gradients are the same.
 * @param pre [n, m] non-negative
 */
export function topKCodes(pre: tf.Tensor2D, k: number): TopKCodes {
  const indices = tf.tidy(() => tf.topk(pre, k, false).indices) as tf.Tensor2D;
  const select = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [n, m] = x.shape;
    const flat = flatIndices(indices, m);
    save([flat]);
    const value = tf.tidy(() => tf.gatherND(x.reshape([-1]), flat).reshape([n, k]));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.scatterND(saved[0], dy.reshape([-1]), [n * m]).reshape([n, m]),
    };
  });
  return { values: select(pre) as tf.Tensor2D, indices };
}

/**
 * z · W_dec for codes z given sparsely: row i of the result is Σ_j values[i, j] · W_dec[indices[i, j]].
 * Reads n·k decoder rows instead of multiplying by all m, and its gradient touches only those rows
 * (scattered with summing, as Gao et al. 2024's sparse kernels do), so work scales with k, not m.
 * The same result and gradients as `matMul(z, wDec)` with z the dense codes (sparseDecode.test.ts).
 * @param values [n, k]
 * @param indices [n, k] int32 latent ids
 * @param wDec [m, d]
 * @returns [n, d]
 */
export function sparseDecode(values: tf.Tensor2D, indices: tf.Tensor2D, wDec: tf.Tensor2D): tf.Tensor2D {
  const [n, k] = values.shape;
  const [m, d] = wDec.shape;
  const rowIds = tf.tidy(() => indices.reshape([-1, 1]));
  const product = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [v, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([v, rowIds, ...savedUnlessVariable(w)]);
    const value = tf.tidy(() => {
      const rows = tf.gatherND(w, rowIds).reshape([n, k, d]);
      return tf.matMul(v.reshape([n, 1, k]), rows).reshape([n, d]);
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sv, ids, savedW] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        const sw = savedW ?? w;
        // The gathered rows are recomputed rather than held from the forward pass: [n·k, d] is
        // larger than the dense codes when k·d > m.
        const rows = tf.gatherND(sw, ids).reshape([n, k, d]);
        const dValues = tf.matMul(rows, dy.reshape([n, d, 1])).reshape([n, k]);
        const dRows = tf.mul(sv.reshape([n, k, 1]), dy.reshape([n, 1, d])).reshape([n * k, d]);
        const dW = tf.scatterND(ids, dRows, [m, d]);
        return [dValues, dW];
      },
    };
  });
  const out = product(values, wDec) as tf.Tensor2D;
  rowIds.dispose();
  return out;
}

/** How the trainer multiplies Top-K codes by a decoder: by shape ('auto'), or always one way. */
export type DecodePath = 'auto' | 'dense' | 'sparse';

/**
 * Sparse decoding wins once the dictionary has at least this many latents per kept code (m / k).
 * Measured forward + backward on WASM in Node (bench/sparseDecode.ts, docs/benchmarks.md): 1.1× at
 * m / k = 24 (d 128), 1.5× at 48, 17× at 256 (d 768, m 16,384); dense wins at m / k ≈ 6.
 */
export const SPARSE_DECODE_MIN_LATENTS_PER_CODE = 16;

/**
 * At most this many times the dense codes' size may the k gathered decoder rows of every row take
 * (n·k·d floats against n·m). AuxK at ViT-B/16 size (k_aux = d / 2 = 384, d 768, m 16,384) would gather
 * 18× the dense codes — 460 MB a copy for 392 rows, held in the forward pass and again in the backward —
 * and ran tfjs' 4 GiB WASM heap out on the second step ("memory access out of bounds"); its dense
 * product fits. The main Top-K there (k 64) gathers 3×.
 */
export const SPARSE_DECODE_MAX_ROWS_PER_CODE_SIZE = 8;

/**
 * Whether `path` decodes k codes of m latents of width d sparsely: by shape ('auto') where it is faster
 * (m / k ≥ {@link SPARSE_DECODE_MIN_LATENTS_PER_CODE}) and its gathered rows are not much larger than
 * the dense codes (k·d ≤ {@link SPARSE_DECODE_MAX_ROWS_PER_CODE_SIZE} · m).
 */
export function decodesSparsely(path: DecodePath, k: number, m: number, d: number): boolean {
  if (path !== 'auto') return path === 'sparse';
  return m >= SPARSE_DECODE_MIN_LATENTS_PER_CODE * k && k * d <= SPARSE_DECODE_MAX_ROWS_PER_CODE_SIZE * m;
}

/**
 * 1 for every latent among the sparse codes with a positive value on a row of positive weight [m].
 * @param weight [n] row weights; all rows count when omitted
 */
export function firedLatents(codes: TopKCodes, m: number, weight?: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const [n, k] = codes.values.shape;
    let active = codes.values.greater(0).toFloat();
    if (weight) active = tf.mul(active, weight.reshape([n, 1]));
    const counts = tf.scatterND(codes.indices.reshape([n * k, 1]), active.reshape([n * k]), [m]);
    return counts.greater(0).toFloat() as tf.Tensor1D;
  });
}
