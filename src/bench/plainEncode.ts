/**
 * The LUCID encode as a plain-JavaScript loop over Float32Arrays, no tfjs: the benchmark's
 * "no library" baseline, and a naive reference for the fast path's results.
 */
import type { Codes } from '../explain/analyze';
import { topKRow } from '../explain/topK';

/** One modality's encoder as plain arrays. */
export interface PlainEncoder {
  /** Input width d and latent count m. */
  d: number;
  m: number;
  k: number;
  /** Normalisation mean [d] and scale. */
  mean: Float32Array;
  scale: number;
  /** Pre-encoder bias [d], encoder weights [d, m] row-major, encoder bias [m], allowed mask [m]. */
  bPre: Float32Array;
  wEnc: Float32Array;
  bEnc: Float32Array;
  allowed: Float32Array;
}

/**
 * pre = ReLU(((x − mean) · scale − bPre) · wEnc + bEnc) ⊙ allowed, then each row's k largest (ties:
 * lower latent id first).
 * @param rows raw activations [n, d]
 */
export function plainEncode(encoder: PlainEncoder, rows: Float32Array): Codes {
  const { d, m, k, mean, scale, bPre, wEnc, bEnc, allowed } = encoder;
  const n = rows.length / d;
  const pre = new Float32Array(n * m);
  const ids = new Int32Array(n * k);
  const values = new Float32Array(n * k);
  const x = new Float32Array(d);
  const acc = new Float32Array(m);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) x[i] = (rows[r * d + i] - mean[i]) * scale - bPre[i];
    acc.set(bEnc);
    for (let i = 0; i < d; i++) {
      const xi = x[i];
      const offset = i * m;
      for (let j = 0; j < m; j++) acc[j] += xi * wEnc[offset + j];
    }
    for (let j = 0; j < m; j++) pre[r * m + j] = acc[j] > 0 ? acc[j] * allowed[j] : 0;
    topKRow(pre, r * m, m, k, ids, values, r * k);
  }
  return { rows: n, pre, ids, values };
}
