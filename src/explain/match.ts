/**
 * Post-hoc matching of a per-modality pair (METHOD.md, "Baselines"): each text latent is paired with one
 * image latent by the Hungarian algorithm (the `munkres` package) on how the two co-activate over
 * image–caption pairs. Per pair, a latent's activation is its largest code: over the image's patches for
 * an image latent, over the caption's aligned tokens for a text latent.
 */
import { munkres } from 'munkres';

/** How co-activation is scored: Pearson correlation across pairs, or the uncentred cosine. */
export type CoActivationMeasure = 'centred' | 'cosine';

/** The measure's name as matching.json records it. */
export const MEASURE_NAMES: Record<CoActivationMeasure, string> = {
  centred: 'centred co-activation (Pearson correlation of per-pair max codes)',
  cosine: 'cosine co-activation (uncentred) of per-pair max codes',
};

/** Sums over pairs of the image and text latents' per-pair activations, for either measure. */
export class CoActivation {
  private count = 0;
  private readonly sumImage: Float64Array;
  private readonly sumText: Float64Array;
  private readonly sqImage: Float64Array;
  private readonly sqText: Float64Array;
  /** Σ a_i b_j, row-major [imageLatents, textLatents]. */
  private readonly cross: Float64Array;

  constructor(
    readonly imageLatents: number,
    readonly textLatents: number,
  ) {
    this.sumImage = new Float64Array(imageLatents);
    this.sqImage = new Float64Array(imageLatents);
    this.sumText = new Float64Array(textLatents);
    this.sqText = new Float64Array(textLatents);
    this.cross = new Float64Array(imageLatents * textLatents);
  }

  /** Pairs added so far. */
  get seen(): number {
    return this.count;
  }

  /** Adds one pair: each image latent's and each text latent's largest code in it. */
  add(image: ArrayLike<number>, text: ArrayLike<number>): void {
    const t = this.textLatents;
    for (let j = 0; j < t; j++) {
      this.sumText[j] += text[j];
      this.sqText[j] += text[j] * text[j];
    }
    for (let i = 0; i < this.imageLatents; i++) {
      const a = image[i];
      if (a === 0) continue;
      this.sumImage[i] += a;
      this.sqImage[i] += a * a;
      for (let j = 0; j < t; j++) if (text[j] !== 0) this.cross[i * t + j] += a * text[j];
    }
    this.count++;
  }

  /** The score of image latent i with text latent j; 0 where either never fired. */
  score(i: number, j: number, measure: CoActivationMeasure): number {
    const n = this.seen;
    const ab = this.cross[i * this.textLatents + j];
    if (measure === 'cosine') {
      const norm = Math.sqrt(this.sqImage[i] * this.sqText[j]);
      return norm > 0 ? ab / norm : 0;
    }
    if (n === 0) return 0;
    const meanA = this.sumImage[i] / n;
    const meanB = this.sumText[j] / n;
    const varA = this.sqImage[i] / n - meanA * meanA;
    const varB = this.sqText[j] / n - meanB * meanB;
    const denominator = Math.sqrt(Math.max(varA, 0) * Math.max(varB, 0));
    return denominator > 1e-12 ? (ab / n - meanA * meanB) / denominator : 0;
  }
}

/**
 * The Hungarian matching that maximises the total score: one image latent per text latent (while
 * image latents last), no image latent twice. Returns [image latent, text latent, score], text order.
 */
export function hungarianMatching(co: CoActivation, measure: CoActivationMeasure): [number, number, number][] {
  const cost = Array.from({ length: co.textLatents }, (_, j) =>
    Array.from({ length: co.imageLatents }, (_, i) => -co.score(i, j, measure)),
  );
  return munkres(cost)
    .map(([j, i]) => [i, j, co.score(i, j, measure)] as [number, number, number])
    .sort((a, b) => a[1] - b[1]);
}

/**
 * Each latent's largest code over some rows, for latents [start, start + size): the per-pair
 * activation the matching reads. `rowWeight` leaves out rows of weight 0 (tokens not aligned).
 */
export function maxCodes(
  codes: { rows: number; ids: Int32Array; values: Float32Array },
  k: number,
  start: number,
  size: number,
  rowWeight?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(size);
  for (let row = 0; row < codes.rows; row++) {
    if (rowWeight && !rowWeight[row]) continue;
    for (let j = 0; j < k; j++) {
      const id = codes.ids[row * k + j] - start;
      if (id >= 0 && id < size) out[id] = Math.max(out[id], codes.values[row * k + j]);
    }
  }
  return out;
}
