import * as tf from '@tensorflow/tfjs';
import { type Modality, privateRange } from './config';
import type { LucidModel } from './model';

/**
 * Returns x unchanged in the forward pass and a zero gradient in the backward pass
 * (tfjs has no public stop_gradient).
 */
export const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([]);
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as <T extends tf.Tensor>(x: T) => T;

/**
 * What a custom gradient must save of an input: nothing for a variable (the backward pass, within the
 * same step, can read the variable itself), else the tensor (which tfjs clones: a copy on WASM, 50 MB
 * for a [768, 16,384] matrix, and as much again at the step's peak).
 */
export function savedUnlessVariable(tensor: tf.Tensor): tf.Tensor[] {
  return tensor instanceof tf.Variable ? [] : [tensor];
}

/**
 * a · b with a gradient that transposes explicitly. tfjs' own MatMul gradient multiplies with
 * transpose flags, which its WASM backend runs about 10× slower than a transpose followed by a
 * plain product (measured: 158 ms vs 12 ms for [128, 2304] · [2304, 768]).
 * @param a [n, k]
 * @param b [k, m]
 */
export const matMul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, ...savedUnlessVariable(b)]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, savedB] = saved as [tf.Tensor2D, tf.Tensor2D | undefined];
      const sb = savedB ?? b;
      return [tf.matMul(dy as tf.Tensor2D, sb.transpose()), tf.matMul(sa.transpose(), dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * ReLU pre-activations before Top-K, with the latents the modality may not use set to 0 and the
 * private cap applied: `pre = ReLU((x − b_pre) · W_enc + b_enc) ⊙ allowed ⊙ cap`.
 *
 * One custom-gradient node instead of five taped ops (sub, matMul, add, ReLU, two masks). Its backward
 * keeps only `x − b_pre` [n, d] and where `pre` is positive (a bool mask, 1 byte an entry, not the four
 * float [n, m] tensors the taped ops held), and it computes no gradient for `x`: x is data, and b_pre's
 * gradient is −W_enc · Σ_rows g, a matrix–vector product instead of the [n, m] · [m, d] one that
 * ∂/∂x would cost. Same values and gradients as the composition (encode.test.ts).
 * @param x normalised activations [n, d] (a constant: no gradient flows to it)
 * @returns [n, m]
 */
export function preActivations(model: LucidModel, modality: Modality, x: tf.Tensor2D): tf.Tensor2D {
  const p = model[modality];
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [wEnc, bEnc, bPre, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const centred = tf.sub(x, bPre) as tf.Tensor2D;
    const value = tf.tidy(() => {
      const relu = tf.mul(tf.matMul(centred, wEnc).add(bEnc).relu(), model.allowed[modality]) as tf.Tensor2D;
      return capPrivate(model, modality, relu);
    });
    const open = tf.greater(value, 0);
    // Saved tensors are copied (tfjs clones them; on WASM a clone copies): W_enc is read from the
    // variable itself, which is not disposed or changed before the backward pass (Adam comes after).
    save([centred, open, ...savedUnlessVariable(wEnc)]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xc, mask, savedW] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        const w = savedW ?? wEnc;
        const g = tf.mul(dy, tf.cast(mask, 'float32')) as tf.Tensor2D;
        const dBias = tf.sum(g, 0) as tf.Tensor1D;
        const dWeights = tf.matMul(xc.transpose(), g);
        const dShift = tf.neg(tf.matMul(w, dBias.reshape([-1, 1]))).reshape([-1]);
        return [dWeights, dBias, dShift];
      },
    };
  });
  return fused(p.wEnc, p.bEnc, p.bPre) as tf.Tensor2D;
}

/**
 * {@link preActivations} as the composition of taped ops it replaces (the reference its gradients are
 * checked against in encode.test.ts).
 */
export function composedPreActivations(model: LucidModel, modality: Modality, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const p = model[modality];
    const pre = matMul(tf.sub(x, p.bPre) as tf.Tensor2D, p.wEnc)
      .add(p.bEnc)
      .relu();
    return capPrivate(model, modality, tf.mul(pre, model.allowed[modality]) as tf.Tensor2D);
  });
}

/**
 * Keeps only each row's `kPrivate` largest private pre-activations (config.kPrivate), so that
 * Top-K takes at most that many private latents and the rest from the shared ones. A constant
 * mask for autodiff, as in Top-K. The host path does the same in src/explain/topK.ts `capPrivateRow`.
 * @param pre ReLU pre-activations [n, m]
 */
export function capPrivate(model: LucidModel, modality: Modality, pre: tf.Tensor2D): tf.Tensor2D {
  const [start, end] = privateRange(model.config, modality);
  const kPrivate = model.config.kPrivate;
  if (kPrivate >= end - start || pre.shape[0] === 0) return pre;
  return tf.tidy(() => {
    const n = pre.shape[0];
    const m = pre.shape[1];
    const parts: tf.Tensor2D[] = [];
    if (start > 0) parts.push(tf.ones([n, start]));
    parts.push(
      kPrivate > 0 ? topKMask(pre.slice([0, start], [-1, end - start]), kPrivate) : tf.zeros([n, end - start]),
    );
    if (end < m) parts.push(tf.ones([n, m - end]));
    return tf.mul(pre, tf.concat(parts, 1)) as tf.Tensor2D;
  });
}

/**
 * Keeps the k largest entries of every row and zeroes the rest. The mask is computed without a
 * gradient, so gradients reach exactly the kept entries (as in a Top-K SAE).
 * Rows with ties at the k-th value may keep more than k entries; with real-valued activations
 * ties only happen at 0, where keeping them changes nothing.
 * @param pre [n, m] non-negative
 */
export function topKDense(pre: tf.Tensor2D, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(pre, topKMask(pre, k)) as tf.Tensor2D);
}

/**
 * 1 where an entry is among its row's k largest, else 0 [n, m] (where fewer than k entries are
 * positive, the mask also covers zeros, which changes no code); a constant for autodiff
 * (computed inside one custom-gradient node, so no comparison op is ever differentiated).
 */
export function topKMask(pre: tf.Tensor2D, k: number): tf.Tensor2D {
  const masked = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([]);
    const value = tf.tidy(() => {
      const kth = tf.min(tf.topk(x, k).values, 1, true);
      // step(x − kth + tiny) is x ≥ kth; a broadcast greaterEqual is ~7× slower on WASM.
      return tf.step(tf.sub(x, kth).add(1e-30));
    });
    return { value, gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return masked(pre) as tf.Tensor2D;
}

/** Sparse codes as the UI and the command line read them. */
export interface SparseCodes {
  /** Activation of each kept latent, largest first [n, k]. */
  values: tf.Tensor2D;
  /** Latent index of each value [n, k] (int32). */
  indices: tf.Tensor2D;
}

/**
 * Encodes normalised activations into dense Top-K codes.
 * @param x [n, d] normalised with the model's statistics
 * @returns codes z [n, m] with at most k non-zeros per row (more only on exact ties)
 */
export function encode(model: LucidModel, modality: Modality, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => topKDense(preActivations(model, modality, x), model.config.k));
}

/**
 * Encodes into the sparse form: the k largest codes of each row and their latent ids.
 * @param x [n, d]
 */
export function encodeSparse(model: LucidModel, modality: Modality, x: tf.Tensor2D): SparseCodes {
  return tf.tidy(() => {
    const { values, indices } = tf.topk(preActivations(model, modality, x), model.config.k, true);
    return { values: values as tf.Tensor2D, indices: indices as tf.Tensor2D };
  });
}

/**
 * Reconstructs activations from codes: x̂ = z · W_dec + b_pre.
 * @param z [n, m]
 * @returns [n, d]
 */
export function decode(model: LucidModel, modality: Modality, z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => matMul(z, model[modality].wDec).add(model[modality].bPre));
}

/**
 * One modality's encoder folded for inference: `preActivations(x) = ReLU(x · weights + bias)` with
 * `weights = wEnc ⊙ allowed` and `bias = (bEnc − bPre · wEnc) ⊙ allowed`. A latent the modality may
 * not use has a zero column and a zero bias, so ReLU gives exactly 0 there, as the mask does.
 * Built once per set of weights, it turns five kernels (sub, matMul, add, relu, mul) into one fused
 * matMul with bias and ReLU. No gradient: the trainer keeps using {@link preActivations}.
 */
export interface FoldedEncoder {
  /** [d, m] */
  weights: tf.Tensor2D;
  /** [m] */
  bias: tf.Tensor1D;
}

export function foldEncoder(model: LucidModel, modality: Modality): FoldedEncoder {
  return tf.tidy(() => {
    const p = model[modality];
    const allowed = model.allowed[modality];
    const shift = tf.matMul(p.bPre.reshape([1, -1]), p.wEnc).reshape([-1]);
    return {
      weights: tf.mul(p.wEnc, allowed) as tf.Tensor2D,
      bias: tf.mul(tf.sub(p.bEnc, shift), allowed) as tf.Tensor1D,
    };
  });
}

/**
 * {@link preActivations} through a folded encoder: one fused kernel.
 * @param x normalised activations [n, d]
 * @returns [n, m]
 */
export function foldedPreActivations(encoder: FoldedEncoder, x: tf.Tensor2D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: encoder.weights, bias: encoder.bias, activation: 'relu' }) as tf.Tensor2D;
}
