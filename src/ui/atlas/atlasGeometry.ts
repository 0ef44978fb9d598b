/**
 * Where evidence lies in the reference atlas: one PNG of square tiles, `columns` per row, tile i
 * at (i mod columns, ⌊i / columns⌋); a tile's patches on the model's grid. Pure.
 */
import type { Interpretation } from '../../explain/types';
import { patchRect, type Rect } from '../heatmap/patchGeometry';

export type AtlasReference = Pick<Interpretation['reference'], 'tile' | 'columns' | 'grid'>;

/** One reference image shown at `size` px: the atlas as a CSS background, and its patch's box. */
export interface AtlasTileView {
  /** CSS `background-position` and `background-size` that show only this tile at `size` px. */
  backgroundPosition: string;
  /** Scale of the whole atlas, as a factor of its natural size. */
  scale: number;
  /** The patch's box within the `size` × `size` tile. */
  patch: Rect;
}

/** The tile's top-left corner in atlas pixels. */
export function tileOrigin(reference: AtlasReference, image: number): { x: number; y: number } {
  return {
    x: (image % reference.columns) * reference.tile,
    y: Math.floor(image / reference.columns) * reference.tile,
  };
}

export function atlasTileView(reference: AtlasReference, image: number, patch: number, size: number): AtlasTileView {
  const scale = size / reference.tile;
  const origin = tileOrigin(reference, image);
  return {
    backgroundPosition: `${-origin.x * scale}px ${-origin.y * scale}px`,
    scale,
    patch: patchRect(patch, reference.grid, size, size),
  };
}
