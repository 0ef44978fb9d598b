/** Which latents the concept map shows as matching the search and the category filter. Pure. */
import type { LatentInfo } from '../../explain/types';
import type { Category } from '../../interpret/categories';
import { matchesLatent } from '../ranking';

/** The category a latent is filtered and coloured by (silent latents count as 'unknown'). */
export function filterCategory(info: LatentInfo): Category {
  return info.category ?? 'unknown';
}

/** Ids of the latents matching `query` (label or top terms) whose category is in `categories`. */
export function matchingLatents(
  latents: readonly LatentInfo[],
  query: string,
  categories: ReadonlySet<Category>,
): Set<number> {
  return new Set(
    latents.filter((info) => categories.has(filterCategory(info)) && matchesLatent(info, query)).map((info) => info.id),
  );
}

/** Number of latents per category, for the legend. */
export function categoryCounts(latents: readonly LatentInfo[]): Map<Category, number> {
  const counts = new Map<Category, number>();
  for (const info of latents) counts.set(filterCategory(info), (counts.get(filterCategory(info)) ?? 0) + 1);
  return counts;
}
