import * as tf from '@tensorflow/tfjs';
import { latentCount } from '../lucid/config';
import { guidedTransport } from '../lucid/losses';
import type { Codes } from './analyze';
import type { LoadedDictionary } from './dictionary';
import { type HeldImage, heldSharedPreActivations } from './heldImage';
import type { TextAnalysis, TransportView } from './types';

/**
 * The GCMT plan between a held image's patches and a text's tokens, in the dictionary's shared
 * latents (their dense ReLU pre-activations: the image's are computed on the device from its
 * activations, src/explain/heldImage.ts; the text's are the caption's own `codes.pre`).
 */
export async function transportBetween(
  dictionary: LoadedDictionary,
  image: HeldImage,
  text: { codes: Codes; analysis: TextAnalysis },
): Promise<TransportView> {
  const m = latentCount(dictionary.model.config);
  const ms = dictionary.model.config.nShared;
  const t = text.codes.rows;
  const { grid } = image;
  const sharedText = new Float32Array(t * ms);
  for (let r = 0; r < t; r++) sharedText.set(text.codes.pre.subarray(r * m, r * m + ms), r * ms);
  const align = Float32Array.from(text.analysis.contentMask);
  if (!align.some((v) => v > 0)) {
    throw new Error('the caption has no word to match (only function words such as “the” or punctuation)');
  }
  const sharedImage = heldSharedPreActivations(dictionary, image);
  let plan: tf.Tensor;
  try {
    plan = tf.tidy(() => {
      const transport = guidedTransport(
        dictionary.model,
        sharedImage.reshape([1, image.rows, ms]),
        tf.tensor3d(sharedText, [1, t, ms]),
        tf.tensor2d(align, [1, t]),
        grid,
      );
      return transport.plan.reshape([image.rows + 1, t + 1]);
    });
  } finally {
    sharedImage.dispose();
  }
  const values = (await plan.data()) as Float32Array;
  plan.dispose();
  let patchMass = 0;
  let patchDust = 0;
  let tokenMass = 0;
  let tokenDust = 0;
  for (let p = 0; p < image.rows; p++) {
    for (let j = 0; j <= t; j++) patchMass += values[p * (t + 1) + j];
    patchDust += values[p * (t + 1) + t];
  }
  for (let j = 0; j < t; j++) {
    for (let p = 0; p <= image.rows; p++) tokenMass += values[p * (t + 1) + j];
    tokenDust += values[image.rows * (t + 1) + j];
  }
  return {
    tokens: text.analysis.tokens,
    contentMask: text.analysis.contentMask,
    grid,
    plan: values,
    dustbinShare: { patches: patchDust / Math.max(patchMass, 1e-12), tokens: tokenDust / Math.max(tokenMass, 1e-12) },
  };
}
