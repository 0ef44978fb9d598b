import { describe, expect, it } from 'vitest';
import { boxMask, pointingHit, thresholdIoU } from './pointing';

describe('pointing game', () => {
  const grid: [number, number] = [4, 4];
  const mask = boxMask([0, 0, 48, 48], grid, 96); // top-left 2×2 patches

  it('marks the patches whose centres lie in the box', () => {
    expect(Array.from(mask)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('hits when the hottest patch is in the box and misses otherwise', () => {
    const heat = new Float32Array(16);
    heat[5] = 2;
    expect(pointingHit(heat, mask)).toBe(true);
    heat[15] = 3;
    expect(pointingHit(heat, mask)).toBe(false);
    expect(pointingHit(new Float32Array(16), mask)).toBe(false);
  });

  it('scores a perfect map IoU 1 and a disjoint one 0', () => {
    expect(thresholdIoU(Float32Array.from(mask), mask)).toBe(1);
    const elsewhere = new Float32Array(16);
    elsewhere[15] = 1;
    expect(thresholdIoU(elsewhere, mask)).toBe(0);
    const half = Float32Array.from(mask);
    half[2] = 1;
    half[3] = 1;
    expect(thresholdIoU(half, mask)).toBeCloseTo(4 / 6, 6);
  });
});
