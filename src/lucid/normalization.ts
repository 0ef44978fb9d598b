import { LucidInputError } from './errors';

/**
 * Per-modality input normalisation (METHOD.md, "Inputs"): subtract the mean activation, then scale
 * so that the mean squared norm of the centred rows is 1. Stored with the weights.
 */
export interface NormStats {
  /** Mean activation [d]. */
  mean: Float32Array;
  /** Multiplier applied after centring (1 / √(mean ‖x − mean‖²)). */
  scale: number;
}

/** Statistics that leave activations unchanged. */
export function identityNorm(d: number): NormStats {
  return { mean: new Float32Array(d), scale: 1 };
}

/**
 * Mean and scale of a set of activation rows.
 * @param rows row-major [n, d]
 */
export function computeNormStats(rows: Float32Array, d: number): NormStats {
  const n = rows.length / d;
  if (!Number.isInteger(n) || n < 1) {
    throw new LucidInputError(`cannot compute statistics of ${rows.length} values in rows of ${d}`);
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += rows[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  let squared = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) squared += (rows[i * d + j] - mean[j]) ** 2;
  const meanSquaredNorm = squared / n;
  if (!Number.isFinite(meanSquaredNorm)) throw new LucidInputError('activations contain NaN or Infinity');
  return { mean: Float32Array.from(mean), scale: meanSquaredNorm > 0 ? 1 / Math.sqrt(meanSquaredNorm) : 1 };
}

/**
 * Applies statistics to rows: (x − mean) · scale.
 * @param rows row-major [n, d]; not modified
 */
export function normalizeRows(rows: Float32Array, stats: NormStats): Float32Array {
  const d = stats.mean.length;
  if (rows.length % d !== 0) {
    throw new LucidInputError(`activations of length ${rows.length} are not rows of width ${d}`);
  }
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = (rows[i] - stats.mean[i % d]) * stats.scale;
  return out;
}
