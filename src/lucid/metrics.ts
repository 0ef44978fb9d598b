import * as tf from '@tensorflow/tfjs';
import { type HostPairBatch, disposeBatch, toBatchTensors } from './batch';
import { type Modality, inputWidth } from './config';
import { decode, encode, preActivations } from './encode';
import { fvu } from './losses';
import type { LucidModel } from './model';

/**
 * The shared latent with the largest pre-activation for each input row.
 * @param x normalised activations, row-major [n, d]
 * @returns latent index per row [n]
 */
export async function topSharedLatents(model: LucidModel, modality: Modality, x: Float32Array): Promise<Int32Array> {
  const d = inputWidth(model.config, modality);
  const winners = tf.tidy(() => {
    const pre = preActivations(model, modality, tf.tensor2d(x, [x.length / d, d]));
    return tf.argMax(pre.slice([0, 0], [-1, model.config.nShared]), 1);
  });
  const out = new Int32Array(await winners.data());
  winners.dispose();
  return out;
}

/**
 * Correspondence accuracy (METHOD.md, "Measures"): the share of concepts whose top shared latent is
 * the same for their image vector and their text vector.
 * @param imageVectors one image-side vector per concept [concepts, dImage]
 * @param textVectors the same concepts on the text side [concepts, dText]
 */
export async function correspondenceAccuracy(
  model: LucidModel,
  imageVectors: Float32Array,
  textVectors: Float32Array,
): Promise<number> {
  const fromImage = await topSharedLatents(model, 'image', imageVectors);
  const fromText = await topSharedLatents(model, 'text', textVectors);
  let agree = 0;
  for (let i = 0; i < fromImage.length; i++) if (fromImage[i] === fromText[i]) agree++;
  return agree / fromImage.length;
}

/** Held-out measures of a dictionary (METHOD.md, "Measures"). */
export interface DictionaryMetrics {
  /** Fraction of variance unexplained, image patches. */
  fvuImage: number;
  /** Fraction of variance unexplained, real caption tokens. */
  fvuText: number;
  /** Mean number of non-zero codes per image patch. */
  l0Image: number;
  /** Mean number of non-zero codes per real caption token. */
  l0Text: number;
  /** Share of all latents that never fired on these batches. */
  deadFraction: number;
  /** Share of shared latents that fired on both modalities. */
  bimodalFraction: number;
}

/** Measures a dictionary on held-out batches (pooled over all of them). */
export async function measureDictionary(model: LucidModel, batches: HostPairBatch[]): Promise<DictionaryMetrics> {
  const m = model.config.nShared + model.config.nImagePrivate + model.config.nTextPrivate;
  const firedImage = new Float32Array(m);
  const firedText = new Float32Array(m);
  const sums = { fvuImage: 0, fvuText: 0, l0Image: 0, l0Text: 0, patches: 0, tokens: 0, batches: 0 };
  for (const host of batches) {
    const batch = toBatchTensors(model.config, host);
    const stats = tf.tidy(() => {
      const [pairs, np, dImage] = batch.patches.shape;
      const x = batch.patches.reshape([pairs * np, dImage]) as tf.Tensor2D;
      const z = encode(model, 'image', x);
      const parts: tf.Tensor[] = [
        fvu(x, decode(model, 'image', z)),
        tf.sum(z.greater(0).toFloat()),
        tf.sum(z, 0).greater(0).toFloat(),
      ];
      if (batch.captions) {
        const [, length, dText] = batch.captions.tokens.shape;
        const xt = batch.captions.tokens.reshape([pairs * length, dText]) as tf.Tensor2D;
        const w = batch.captions.tokenMask.reshape([pairs * length]) as tf.Tensor1D;
        const zt = encode(model, 'text', xt);
        parts.push(
          fvu(xt, decode(model, 'text', zt), w),
          tf.sum(tf.mul(zt.greater(0).toFloat(), w.expandDims(1))),
          tf
            .sum(tf.mul(zt, w.expandDims(1)), 0)
            .greater(0)
            .toFloat(),
          tf.sum(w),
        );
      }
      return parts;
    });
    const values = await Promise.all(stats.map((t) => t.data()));
    tf.dispose(stats);
    disposeBatch(batch);
    const patchCount = host.pairs * host.grid[0] * host.grid[1];
    sums.batches++;
    sums.fvuImage += values[0][0];
    sums.l0Image += values[1][0];
    sums.patches += patchCount;
    values[2].forEach((v, i) => (firedImage[i] = Math.max(firedImage[i], v)));
    if (values.length > 3) {
      sums.fvuText += values[3][0];
      sums.l0Text += values[4][0];
      values[5].forEach((v, i) => (firedText[i] = Math.max(firedText[i], v)));
      sums.tokens += values[6][0];
    }
  }
  let dead = 0;
  let bimodal = 0;
  for (let i = 0; i < m; i++) {
    if (!firedImage[i] && !firedText[i]) dead++;
    if (i < model.config.nShared && firedImage[i] && firedText[i]) bimodal++;
  }
  return {
    fvuImage: sums.fvuImage / sums.batches,
    fvuText: sums.tokens ? sums.fvuText / sums.batches : NaN,
    l0Image: sums.l0Image / sums.patches,
    l0Text: sums.tokens ? sums.l0Text / sums.tokens : NaN,
    deadFraction: dead / m,
    bimodalFraction: bimodal / model.config.nShared,
  };
}
