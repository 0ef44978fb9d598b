import type { CSSProperties } from 'react';
import type { LatentKind } from '../../explain/types';
import type { Category } from '../../interpret/categories';
import { categoryColor, KIND_LABELS } from '../palette';

/** A latent's category as a coloured chip ('silent' for latents without one). */
export function CategoryChip({ category }: { category: Category | null }) {
  return (
    <span className="chip" style={{ '--chip-color': categoryColor(category) } as CSSProperties}>
      {category ?? 'silent'}
    </span>
  );
}

/** Shared vs image-only vs text-only. */
export function KindBadge({ kind }: { kind: LatentKind }) {
  return <span className={`kind kind-${kind}`}>{KIND_LABELS[kind]}</span>;
}
