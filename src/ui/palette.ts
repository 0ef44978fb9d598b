/** The category colours, in one place: the concept map, its legend and every category chip use them. */
import type { Category } from '../interpret/categories';
import type { LatentKind } from '../explain/types';

export const CATEGORY_COLORS: Record<Category, string> = {
  object: '#1f77b4',
  scene: '#2ca02c',
  action: '#d62728',
  attribute: '#9467bd',
  abstract: '#ff7f0e',
  unknown: '#8c8c8c',
};

/** Colour of a latent with no category (silent latents). */
export const NO_CATEGORY_COLOR = '#c7c7c7';

export function categoryColor(category: Category | null): string {
  return category === null ? NO_CATEGORY_COLOR : CATEGORY_COLORS[category];
}

/** How each kind of latent is named in lists: shared by both towers, or private to one. */
export const KIND_LABELS: Record<LatentKind, string> = {
  shared: 'shared',
  image: 'image-only',
  text: 'text-only',
};
