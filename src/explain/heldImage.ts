/**
 * What the explorer worker keeps of an analysed image, and the views computed from it on demand.
 *
 * The dense pre-activations [patches, m] are what heatmaps and transport read, but at CLIP ViT-B/16
 * size with a 16,384-latent dictionary they are 12.8 MB an image (a tab dies near 100 images). An
 * image's CLIP patch activations [patches, width] and its Top-K codes are ~0.65 MB there, and one
 * latent's heatmap is one column of the encoder: [patches, width] · [width] + bias, computed when it
 * is asked for (docs/explorer.md, "Memory").
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageActivations } from '../clip/encoder';
import { latentCount, privateRange } from '../lucid/config';
import { normalizeRows } from '../lucid/normalization';
import { type Codes, foldedEncoderOf } from './analyze';
import type { LoadedDictionary } from './dictionary';
import { topKRow } from './topK';

/** Latent ids in the smallest array that holds them: 2 bytes each for dictionaries of up to 65,536 latents. */
export type LatentIds = Uint16Array | Uint32Array;

/** One analysed image as the explorer worker keeps it: nothing of size [patches, m]. */
export interface HeldImage {
  /** Patches. */
  rows: number;
  grid: [number, number];
  /** The CLIP patch activations as the encoder gave them (before the dictionary's normalisation) [rows, width]. */
  patches: Float32Array;
  /** Top-K codes: per patch the k latent ids and values, best first [rows · k] (as `Codes`). */
  ids: LatentIds;
  values: Float32Array;
  /**
   * Per patch, the image-private latents the private cap kept (src/lucid/encode.ts `capPrivate`)
   * [rows · kPrivate]; the heatmap of any other private latent is 0 on that patch. Null when the cap
   * keeps every private latent (kPrivate ≥ nImagePrivate).
   */
  privateKept: LatentIds | null;
}

function latentIds(m: number, length: number): LatentIds {
  return m <= 1 << 16 ? new Uint16Array(length) : new Uint32Array(length);
}

/**
 * Keeps what the views need of an image encoded by `encodeRows` (`codes`, from `image.patches`):
 * the activations, the Top-K codes and which private latents the cap let through. `codes.pre` is
 * read here and not kept.
 */
export function holdImage(
  dictionary: LoadedDictionary,
  image: Pick<ImageActivations, 'grid' | 'patches'>,
  codes: Codes,
): HeldImage {
  const { config } = dictionary.model;
  const m = latentCount(config);
  const ids = latentIds(m, codes.ids.length);
  ids.set(codes.ids);
  const [start, end] = privateRange(config, 'image');
  const keep = config.kPrivate;
  let privateKept: LatentIds | null = null;
  if (keep < end - start) {
    privateKept = latentIds(m, codes.rows * keep);
    // `codes.pre` is already capped: its `keep` largest private entries per row are the kept ones
    // (where fewer are positive, the rest are zeros, whose heat is 0 either way).
    const top = new Int32Array(keep);
    const topValues = new Float32Array(keep);
    for (let r = 0; r < codes.rows; r++) {
      topKRow(codes.pre, r * m + start, end - start, keep, top, topValues, 0);
      for (let j = 0; j < keep; j++) privateKept[r * keep + j] = start + top[j];
    }
  }
  // A view into a larger buffer would keep all of that buffer alive.
  const patches = image.patches.byteLength === image.patches.buffer.byteLength ? image.patches : image.patches.slice();
  return { rows: codes.rows, grid: image.grid, patches, ids, values: codes.values.slice(), privateKept };
}

/** Bytes a held image keeps in its arrays (what grows with every image the worker holds). Pure. */
export function heldImageBytes(image: HeldImage): number {
  return (
    image.patches.byteLength + image.ids.byteLength + image.values.byteLength + (image.privateKept?.byteLength ?? 0)
  );
}

/** Bytes the dense pre-activations and Top-K codes of one image took before (`Codes`), for comparison. Pure. */
export function denseImageBytes(rows: number, m: number, k: number): number {
  return 4 * rows * (m + 2 * k);
}

/**
 * One latent's pre-Top-K ReLU activation on every patch [rows], as `encodeRows` gives it in
 * `codes.pre` (the private cap included): ReLU(((x − mean) · scale) · w + b) with w, b the latent's
 * column of the folded encoder. One read-back of width + 1 values; the product runs on the host.
 */
export async function heldHeatmap(
  dictionary: LoadedDictionary,
  image: HeldImage,
  latent: number,
): Promise<Float32Array> {
  const { model, norm } = dictionary;
  const d = model.config.dImage;
  const encoder = foldedEncoderOf(model, 'image');
  const columnTensor = tf.tidy(() =>
    tf.concat([encoder.weights.slice([0, latent], [d, 1]).reshape([d]), encoder.bias.slice([latent], [1])]),
  );
  const column = (await columnTensor.data()) as Float32Array;
  columnTensor.dispose();
  const { mean, scale } = norm.image;
  const bias = column[d];
  const out = new Float32Array(image.rows);
  for (let r = 0; r < image.rows; r++) {
    let sum = bias;
    // Math.fround: the same float32 normalised values as `normalizeRows` gives the encoder.
    for (let i = 0; i < d; i++) sum += Math.fround((image.patches[r * d + i] - mean[i]) * scale) * column[i];
    out[r] = sum > 0 ? sum : 0;
  }
  const [start, end] = privateRange(model.config, 'image');
  const kept = image.privateKept;
  if (kept && latent >= start && latent < end) {
    const keep = model.config.kPrivate;
    for (let r = 0; r < image.rows; r++) {
      if (!kept.subarray(r * keep, (r + 1) * keep).includes(latent)) out[r] = 0;
    }
  }
  return out;
}

/**
 * The image's ReLU pre-activations on the shared latents, computed on the device from its
 * activations (shared latents are never capped, so these are `codes.pre`'s first nShared columns).
 * @returns [rows, nShared]; the caller disposes it
 */
export function heldSharedPreActivations(dictionary: LoadedDictionary, image: HeldImage): tf.Tensor2D {
  const { model, norm } = dictionary;
  const d = model.config.dImage;
  const ms = model.config.nShared;
  const encoder = foldedEncoderOf(model, 'image');
  return tf.tidy(() => {
    const x = tf.tensor2d(normalizeRows(image.patches, norm.image), [image.rows, d]);
    return tf.fused.matMul({
      a: x,
      b: encoder.weights.slice([0, 0], [d, ms]),
      bias: encoder.bias.slice([0], [ms]),
      activation: 'relu',
    }) as tf.Tensor2D;
  });
}
