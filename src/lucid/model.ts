import * as tf from '@tensorflow/tfjs';
import {
  type LucidConfig,
  type Modality,
  MODALITIES,
  inputWidth,
  latentCount,
  privateRange,
  validateConfig,
} from './config';
import { hostUnitRows } from './hostDecoder';
import { gaussianArray, makeGaussian, makeRng } from './random';

/** One modality's encoder and decoder. Shapes use d = that modality's input width, m = all latents. */
export interface ModalityParams {
  /** Encoder weights [d, m]; pre-activation = (x − bPre) · wEnc + bEnc. */
  wEnc: tf.Variable<tf.Rank.R2>;
  /** Encoder bias [m]. */
  bEnc: tf.Variable<tf.Rank.R1>;
  /** Decoder weights [m, d]; every row has unit norm. */
  wDec: tf.Variable<tf.Rank.R2>;
  /** Pre-encoder bias [d], added back after decoding (x̂ = z · wDec + bPre). */
  bPre: tf.Variable<tf.Rank.R1>;
}

/** A LUCID dictionary: the configuration and its trainable tensors. */
export interface LucidModel {
  config: LucidConfig;
  image: ModalityParams;
  text: ModalityParams;
  /** Learned cost [] of routing transport mass to the dustbin (unmatched patches and words). */
  dustbinCost: tf.Variable<tf.Rank.R0>;
  /** 1 where the modality may use a latent, 0 elsewhere [m] (not trained). */
  allowed: Record<Modality, tf.Tensor1D>;
}

let nextModelId = 0;

/**
 * A fresh model: decoder rows drawn from a seeded Gaussian and scaled to unit norm, the encoder
 * set to the decoder's transpose (Gao et al. 2024, "Scaling and evaluating sparse autoencoders").
 */
export function createLucid(config: LucidConfig, seed = 0): LucidModel {
  validateConfig(config);
  const gaussian = makeGaussian(makeRng(seed));
  const m = latentCount(config);
  const values = {} as Record<Modality, Record<keyof ModalityParams, Float32Array>>;
  for (const modality of MODALITIES) {
    const d = inputWidth(config, modality);
    const decoder = unitRows(gaussianArray(m * d, gaussian), m, d);
    values[modality] = {
      wEnc: transpose(decoder, m, d),
      bEnc: new Float32Array(m),
      wDec: decoder,
      bPre: new Float32Array(d),
    };
  }
  return lucidFromArrays(config, { ...values, dustbinCost: config.dustbinCostInit });
}

/** Plain-array values of every trainable tensor, row-major, shapes as in {@link ModalityParams}. */
export interface LucidArrays {
  image: Record<keyof ModalityParams, Float32Array>;
  text: Record<keyof ModalityParams, Float32Array>;
  dustbinCost: number;
}

/** A model holding copies of the given arrays (sizes must match the configuration). */
export function lucidFromArrays(config: LucidConfig, arrays: LucidArrays): LucidModel {
  validateConfig(config);
  // tfjs variable names are global: give each model its own prefix.
  const prefix = `lucid${nextModelId++}`;
  const m = latentCount(config);
  const params = {} as Record<Modality, ModalityParams>;
  for (const modality of MODALITIES) {
    const d = inputWidth(config, modality);
    const a = arrays[modality];
    const name = (field: string) => `${prefix}/${modality}.${field}`;
    params[modality] = {
      wEnc: ownedVariable(tf.tensor2d(a.wEnc, [d, m]), name('wEnc')),
      bEnc: ownedVariable(tf.tensor1d(a.bEnc), name('bEnc')),
      wDec: ownedVariable(tf.tensor2d(a.wDec, [m, d]), name('wDec')),
      bPre: ownedVariable(tf.tensor1d(a.bPre), name('bPre')),
    };
  }
  return {
    config,
    ...params,
    dustbinCost: ownedVariable(tf.scalar(arrays.dustbinCost), `${prefix}/gcmt.dustbinCost`),
    allowed: { image: allowedMask(config, 'image'), text: allowedMask(config, 'text') },
  };
}

/** A trainable variable that takes over the tensor's data (the tensor itself is freed). */
function ownedVariable<R extends tf.Rank>(initial: tf.Tensor<R>, name: string): tf.Variable<R> {
  const variable = tf.variable(initial, true, name);
  initial.dispose();
  return variable;
}

/** Transpose of a row-major [rows, cols] matrix. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** The trainable variables, in a fixed order (the optimiser and the weights file both use it). */
export function trainableVariables(model: LucidModel): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const modality of MODALITIES) {
    const p = model[modality];
    out.push(p.wEnc, p.bEnc, p.wDec, p.bPre);
  }
  out.push(model.dustbinCost);
  return out;
}

/** Frees every tensor the model holds. */
export function disposeLucid(model: LucidModel): void {
  for (const variable of trainableVariables(model)) variable.dispose();
  model.allowed.image.dispose();
  model.allowed.text.dispose();
}

/** 1 on the shared latents and on the modality's own private latents [m]. */
export function allowedMask(config: LucidConfig, modality: Modality): tf.Tensor1D {
  const mask = new Float32Array(latentCount(config));
  mask.fill(1, 0, config.nShared);
  const [start, end] = privateRange(config, modality);
  mask.fill(1, start, end);
  return tf.tensor1d(mask);
}

/** Rescales every row of a row-major [rows, cols] matrix to unit L2 norm, in place. */
export function unitRows(data: Float32Array, rows: number, cols: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += data[r * cols + c] ** 2;
    const scale = 1 / Math.max(Math.sqrt(sum), 1e-12);
    for (let c = 0; c < cols; c++) data[r * cols + c] *= scale;
  }
  return data;
}

/** Rescales every decoder row to unit norm, as the Top-K SAE recipe requires after each step. */
export function setDecoderNormToUnitNorm(model: LucidModel): void {
  for (const modality of MODALITIES) {
    const wDec = model[modality].wDec;
    const unit = hostUnitRows(wDec);
    if (unit) {
      wDec.assign(unit);
      unit.dispose();
      continue;
    }
    tf.tidy(() => {
      // √Σx², not tf.norm: its Pow kernel took 6× Square's time on tfjs' WASM backend ([16384, 768]: 116 ms).
      const norms = tf.sqrt(tf.sum(tf.square(wDec), 1, true)).maximum(1e-12);
      wDec.assign(tf.div(wDec, norms));
    });
  }
}
