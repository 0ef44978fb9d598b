/** Measures of a dictionary on the run's images (tensors, read back once per call: not in the loop). */
import * as tf from '@tensorflow/tfjs';
import type { HostPairBatch } from '../lucid/batch';
import { type Modality, inputWidth, latentCount } from '../lucid/config';
import { encode } from '../lucid/encode';
import type { LucidModel } from '../lucid/model';

/** 1 for every latent that fires (non-zero Top-K code) on some patch or real token of the batches [m]. */
export async function firedLatents(model: LucidModel, batches: readonly HostPairBatch[]): Promise<Uint8Array> {
  const fired = new Uint8Array(latentCount(model.config));
  for (const batch of batches) {
    const parts: [Modality, Float32Array][] = [['image', batch.patches]];
    if (batch.captions) parts.push(['text', realTokens(batch, inputWidth(model.config, 'text'))]);
    for (const [modality, rows] of parts) {
      const d = inputWidth(model.config, modality);
      if (rows.length === 0) continue;
      const any = tf.tidy(() => tf.sum(encode(model, modality, tf.tensor2d(rows, [rows.length / d, d])), 0).greater(0));
      (await any.data()).forEach((v, i) => (fired[i] |= v ? 1 : 0));
      any.dispose();
    }
  }
  return fired;
}

/** The token rows of a batch with tokenMask 1 (padding removed), row-major [n, dText]. */
function realTokens(batch: HostPairBatch, dText: number): Float32Array {
  const { tokens, tokenMask } = batch.captions!;
  const rows: number[] = [];
  tokenMask.forEach((real, i) => {
    if (real) rows.push(i);
  });
  const out = new Float32Array(rows.length * dText);
  rows.forEach((row, r) => out.set(tokens.subarray(row * dText, (row + 1) * dText), r * dText));
  return out;
}

/**
 * Dense Top-K codes of one image's normalised patches [Np · m].
 * @param patches normalised [Np, dImage]
 */
export async function patchCodes(model: LucidModel, patches: Float32Array): Promise<Float32Array> {
  const d = model.config.dImage;
  const codes = tf.tidy(() => encode(model, 'image', tf.tensor2d(patches, [patches.length / d, d])));
  const values = (await codes.data()) as Float32Array;
  codes.dispose();
  return values;
}
