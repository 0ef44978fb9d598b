import type { CSSProperties } from 'react';
import { ALL_CATEGORIES, type Category } from '../../interpret/categories';
import { CATEGORY_COLORS } from '../palette';

interface CategoryFilterProps {
  counts: ReadonlyMap<Category, number>;
  shown: ReadonlySet<Category>;
  onToggle: (category: Category) => void;
}

/** The map's legend, doubling as the category filter: one checkbox per category. */
export function CategoryFilter({ counts, shown, onToggle }: CategoryFilterProps) {
  return (
    <fieldset className="category-filter">
      <legend>Categories</legend>
      {ALL_CATEGORIES.map((category) => (
        <label key={category} style={{ '--chip-color': CATEGORY_COLORS[category] } as CSSProperties}>
          <input type="checkbox" checked={shown.has(category)} onChange={() => onToggle(category)} />
          <span className="swatch" /> {category} <span className="muted">({counts.get(category) ?? 0})</span>
        </label>
      ))}
    </fieldset>
  );
}
