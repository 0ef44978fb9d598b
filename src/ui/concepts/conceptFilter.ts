/** Which latents the Concepts tab shows as matching the search and the category filter. Pure. */
import type { LatentInfo } from '../../explain/types';
import type { Category } from '../../interpret/categories';
import { matchesLatent, rankMatches, type LatentMatch } from '../ranking';

/** The category a latent is filtered and coloured by (silent latents count as 'unknown'). */
export function filterCategory(info: LatentInfo): Category {
  return info.category ?? 'unknown';
}

/**
 * What the Concepts tab calls a latent: its label, or "unnamed #id" when the interpretation had too
 * little evidence to name it (never a term picked in its place, which would read as a real name).
 */
export function conceptName(info: LatentInfo): string {
  return info.label ?? `unnamed #${info.id}`;
}

/** Ids of the latents matching `query` (`matchesLatent`) whose category is in `categories`. */
export function matchingLatents(
  latents: readonly LatentInfo[],
  query: string,
  categories: ReadonlySet<Category>,
): Set<number> {
  return new Set(
    latents.filter((info) => categories.has(filterCategory(info)) && matchesLatent(info, query)).map((info) => info.id),
  );
}

/** The search's matches for the list under the map, ranked (`rankMatches`), split by the category filter. */
export interface ConceptSearch {
  /** Matches in the chosen categories, best first. */
  shown: { info: LatentInfo; match: LatentMatch }[];
  /** Matches the category filter hides, so an empty list can say they exist. */
  hidden: number;
}

export function searchConcepts(
  latents: readonly LatentInfo[],
  query: string,
  categories: ReadonlySet<Category>,
): ConceptSearch {
  const ranked = rankMatches(latents, query);
  const shown = ranked.filter((row) => categories.has(filterCategory(row.info)));
  return { shown, hidden: ranked.length - shown.length };
}

/** Number of latents per category, for the legend. */
export function categoryCounts(latents: readonly LatentInfo[]): Map<Category, number> {
  const counts = new Map<Category, number>();
  for (const info of latents) counts.set(filterCategory(info), (counts.get(filterCategory(info)) ?? 0) + 1);
  return counts;
}
