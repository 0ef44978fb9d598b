/**
 * Before/after comparison of a fine-tuned dictionary (pure: decoder matrices as plain arrays).
 * A latent "moved" when its decoder direction turned: 1 − cos(old row, new row), per modality,
 * taking the larger of the two. Rows are unit-norm (the trainer renormalises them), but we divide
 * by the norms anyway so that an imported file with other norms compares fairly.
 */
import type { Interpretation } from '../explain/types';

/** 1 − cosine between row i of `before` and row i of `after`, both row-major [m, d] → [m]. */
export function directionChange(before: Float32Array, after: Float32Array, d: number): Float32Array {
  if (before.length !== after.length || before.length % d !== 0) {
    throw new Error(`decoders of ${before.length} and ${after.length} values are not [m, ${d}] matrices of one size`);
  }
  const m = before.length / d;
  const out = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    let dot = 0;
    let nb = 0;
    let na = 0;
    for (let j = 0; j < d; j++) {
      const b = before[i * d + j];
      const a = after[i * d + j];
      dot += a * b;
      nb += b * b;
      na += a * a;
    }
    out[i] = 1 - dot / Math.max(Math.sqrt(na * nb), 1e-12);
  }
  return out;
}

/** Element-wise maximum of two changes of the same length. */
export function largerChange(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => Math.max(v, b[i]));
}

export interface ChangedLatent {
  id: number;
  /** 1 − cos between the old and new decoder directions, in [0, 2]. */
  change: number;
  /** The label the pretrained interpretation gave it, if any. */
  oldLabel: string | null;
}

/** The `count` latents that moved most, largest first. */
export function mostChanged(
  change: Float32Array,
  count: number,
  labels: readonly (string | null)[] = [],
): ChangedLatent[] {
  return Array.from(change, (value, id) => ({ id, change: value, oldLabel: labels[id] ?? null }))
    .sort((a, b) => b.change - a.change || a.id - b.id)
    .slice(0, count);
}

/** A direction that turned this far (cos < 0.9) no longer means what its old label says. */
export const RELABEL_CHANGE = 0.1;

/**
 * The pretrained interpretation for a fine-tuned dictionary: latents that moved more than
 * `threshold` lose their label, category and evidence (the explorer then shows them as unlabelled);
 * the rest keep theirs.
 */
export function carryInterpretation(
  interpretation: Interpretation,
  change: Float32Array,
  threshold = RELABEL_CHANGE,
): Interpretation {
  return {
    ...interpretation,
    latents: interpretation.latents.map((latent) =>
      change[latent.id] > threshold
        ? { ...latent, label: null, category: null, confidence: 0, cluster: null, topTerms: [], topPatches: [] }
        : latent,
    ),
  };
}
