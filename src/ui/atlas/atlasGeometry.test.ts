import { describe, expect, it } from 'vitest';
import { atlasTileView, tileOrigin } from './atlasGeometry';

const reference = { tile: 64, columns: 10, grid: [8, 8] as [number, number] };

describe('atlas tiles', () => {
  it('finds a tile by its index, row by row', () => {
    expect(tileOrigin(reference, 0)).toEqual({ x: 0, y: 0 });
    expect(tileOrigin(reference, 9)).toEqual({ x: 576, y: 0 });
    expect(tileOrigin(reference, 23)).toEqual({ x: 192, y: 128 });
  });

  it('shifts and scales the atlas so one tile fills the box', () => {
    const view = atlasTileView(reference, 23, 0, 128);
    expect(view.scale).toBe(2);
    expect(view.backgroundPosition).toBe('-384px -256px');
  });

  it('boxes the patch within the tile', () => {
    expect(atlasTileView(reference, 23, 10, 128).patch).toEqual({ x: 32, y: 16, width: 16, height: 16 });
  });
});
