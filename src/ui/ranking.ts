/** Ranking helpers for the lists of neurons. Pure. */
import type { ImageAnalysis, LatentInfo, LatentKind, ScoredLatent } from '../explain/types';

const KIND_ORDER: Record<LatentKind, number> = { shared: 0, image: 1, text: 1 };

/**
 * Shared neurons first (they are the concepts both towers agree on), then private ones, each
 * group by score, highest first; ties by id so the order is stable.
 */
export function rankNeurons(neurons: readonly ScoredLatent[], kindOf: (id: number) => LatentKind): ScoredLatent[] {
  return [...neurons].sort(
    (a, b) => KIND_ORDER[kindOf(a.id)] - KIND_ORDER[kindOf(b.id)] || b.score - a.score || a.id - b.id,
  );
}

/** The active latents of one patch (its Top-K codes), strongest first, zeros left out. */
export function patchConcepts(patchLatents: ImageAnalysis['patchLatents'], patch: number): ScoredLatent[] {
  const { k, ids, values } = patchLatents;
  const concepts: ScoredLatent[] = [];
  for (let j = patch * k; j < (patch + 1) * k && j < ids.length; j++) {
    if (values[j] > 0) concepts.push({ id: ids[j], score: values[j] });
  }
  return concepts.sort((a, b) => b.score - a.score || a.id - b.id);
}

/**
 * Shared latents for the Pairs tab: those matching `query` (label or top terms), the ones that
 * fire on both modalities most evenly first (the smaller of the two firing rates).
 */
export function sharedConcepts(latents: readonly LatentInfo[], query: string, limit: number): LatentInfo[] {
  return latents
    .filter((info) => info.kind === 'shared' && info.label !== null && matchesLatent(info, query))
    .sort((a, b) => Math.min(b.imageRate, b.textRate) - Math.min(a.imageRate, a.textRate) || a.id - b.id)
    .slice(0, limit);
}

/** Whether a latent's label or one of its top terms contains `query` (case-insensitive; '' matches all). */
export function matchesLatent(info: LatentInfo, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  if (info.label?.toLowerCase().includes(needle) === true) return true;
  return info.topTerms.some(([term]) => term.toLowerCase().includes(needle));
}
