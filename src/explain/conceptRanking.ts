/**
 * The order in which the explorer, `lucid encode` and `lucid neurons` list an image's or a text's
 * concepts. Pure.
 *
 * Ranking by the largest code puts first the latents that fire strongly on every foreground patch
 * (the same few for every image). Instead a latent is scored by its *specificity*: its largest code
 * here divided by its typical code when it fires (Interpretation `typical`, the median on the
 * validation split), times its rarity −ln(firing rate) (RARITY_POWER). Shared latents come first —
 * they are the concepts both towers agree on — then the modality's own.
 */
import type { LatentInfo, ScoredLatent } from './types';

/** What the ranking needs to know of a latent; absent latents count as private with typical code 1. */
export type RankingInfo = Pick<LatentInfo, 'kind' | 'typical'> &
  Partial<Pick<LatentInfo, 'imageRate' | 'textRate' | 'label'>>;

/** Ranking choices compared on validation (tools/lucid/sweep.ts); the defaults are the product's. */
export interface RankingOptions {
  /** Weight of rarity, (−ln firing rate)^power (RARITY_POWER). */
  power?: number;
  /** Whether named latents come before unnamed ones of the same kind (NAMED_FIRST). */
  namedFirst?: boolean;
  /**
   * Whether shared latents that fire in both modalities on validation come before shared latents
   * that fire in one only (BIMODAL_FIRST): a shared latent no word ever fires cannot be the
   * concept a word and its picture share.
   */
  bimodalFirst?: boolean;
  /**
   * Which firing rate weighs a shared latent's rarity, in both modalities (SHARED_RATE): `image`,
   * `text`, or `both` (the mean of the two −ln rates; a rate of 0 counts as unknown, weight 1).
   */
  sharedRate?: 'image' | 'text' | 'both';
}

/** Chosen on validation (docs/dictionary.md). */
export const SHARED_RATE: NonNullable<RankingOptions['sharedRate']> = 'image';

/** Chosen on validation (docs/dictionary.md). */
export const BIMODAL_FIRST = false;

/**
 * Whether, within shared and within private latents, the named come before the unnamed: an
 * unnamed latent says nothing a user can read. Chosen on validation (docs/dictionary.md).
 */
export const NAMED_FIRST = false;

/**
 * How much specificity is also weighted by rarity, (−ln firing rate)^RARITY_POWER with the rate on
 * the validation split (0 = not at all): a latent that fires on a large share of all patches says
 * little about this image even when it fires above its typical code. Chosen on validation
 * (docs/explorer.md).
 */
export const RARITY_POWER = 1;

/** −ln of a firing rate, for rates in (0, 1); 1 where the rate is unknown. */
function rarity(rate: number | undefined): number {
  return rate !== undefined && rate > 0 && rate < 1 ? -Math.log(rate) : 1;
}

/**
 * @param best largest Top-K code of each latent that fired (latent id → code)
 * @param modality which typical code to divide by
 * @returns latents, shared first, then by specificity (highest first), ties by id
 */
export function rankConcepts(
  best: ReadonlyMap<number, number>,
  modality: 'image' | 'text',
  infoOf: (id: number) => RankingInfo | undefined,
  {
    power = RARITY_POWER,
    namedFirst = NAMED_FIRST,
    bimodalFirst = BIMODAL_FIRST,
    sharedRate = SHARED_RATE,
  }: RankingOptions = {},
): ScoredLatent[] {
  const scored = [...best].map(([id, value]) => {
    const info = infoOf(id);
    const typical = info?.typical?.[modality] ?? 0;
    const specificity = typical > 0 ? value / typical : value;
    // A shared latent is weighed by the same rate (SHARED_RATE) in both modalities, so that a word
    // and its picture rank their common latents alike; a private latent by its own modality's rate.
    const kind = info?.kind;
    const rare =
      kind === 'text'
        ? rarity(info?.textRate)
        : kind !== 'shared' || sharedRate === 'image'
          ? rarity(info?.imageRate)
          : sharedRate === 'text'
            ? rarity(info?.textRate)
            : (rarity(info?.imageRate) + rarity(info?.textRate)) / 2;
    const weight = power > 0 ? rare ** power : 1;
    // Rounded before sorting, so that a view re-sorting the rounded scores keeps this order.
    const named = namedFirst && Boolean(info?.label);
    const shared = info?.kind === 'shared';
    const bimodal = bimodalFirst && shared && (info?.imageRate ?? 0) > 0 && (info?.textRate ?? 0) > 0;
    return { id, score: Number((specificity * weight).toFixed(4)), shared, bimodal, named };
  });
  scored.sort(
    (a, b) =>
      Number(b.shared) - Number(a.shared) ||
      Number(b.bimodal) - Number(a.bimodal) ||
      Number(b.named) - Number(a.named) ||
      b.score - a.score ||
      a.id - b.id,
  );
  return scored.map(({ id, score }) => ({ id, score }));
}
