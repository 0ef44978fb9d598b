/**
 * The order in which the explorer, `lucid encode` and `lucid neurons` list an image's or a text's
 * concepts. Pure.
 *
 * Ranking by the largest code puts first the latents that fire strongly on every foreground patch
 * (the same few for every image). Instead a latent is scored by its *specificity*: its largest code
 * here divided by its typical code when it fires (Interpretation `typical`, the median on the
 * validation split). Shared latents come first — they are the concepts both towers agree on and
 * the only ones with a name backed by text and image evidence — then the modality's own.
 */
import type { LatentInfo, ScoredLatent } from './types';

/** What the ranking needs to know of a latent; absent latents count as private with typical code 1. */
export type RankingInfo = Pick<LatentInfo, 'kind' | 'typical'>;

/**
 * @param best largest Top-K code of each latent that fired (latent id → code)
 * @param modality which typical code to divide by
 * @returns latents, shared first, then by specificity (highest first), ties by id
 */
export function rankConcepts(
  best: ReadonlyMap<number, number>,
  modality: 'image' | 'text',
  infoOf: (id: number) => RankingInfo | undefined,
): ScoredLatent[] {
  const scored = [...best].map(([id, value]) => {
    const info = infoOf(id);
    const typical = info?.typical?.[modality] ?? 0;
    // Rounded before sorting, so that a view re-sorting the rounded scores keeps this order.
    return { id, score: Number((typical > 0 ? value / typical : value).toFixed(4)), shared: info?.kind === 'shared' };
  });
  scored.sort((a, b) => Number(b.shared) - Number(a.shared) || b.score - a.score || a.id - b.id);
  return scored.map(({ id, score }) => ({ id, score }));
}
