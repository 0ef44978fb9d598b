import { describe, expect, it } from 'vitest';
import { patchAt, patchRect } from './patchGeometry';

describe('patch geometry', () => {
  it('finds the patch under a point, row-major', () => {
    expect(patchAt(0, 0, 100, 100, [4, 4])).toBe(0);
    expect(patchAt(99.9, 0, 100, 100, [4, 4])).toBe(3);
    expect(patchAt(30, 60, 100, 100, [4, 4])).toBe(9);
    expect(patchAt(10, 40, 100, 50, [2, 3])).toBe(3);
  });

  it('has no patch outside the box', () => {
    expect(patchAt(-1, 5, 100, 100, [4, 4])).toBeNull();
    expect(patchAt(5, 100, 100, 100, [4, 4])).toBeNull();
  });

  it('gives each patch the box that contains the points mapped to it', () => {
    const rect = patchRect(9, [4, 4], 100, 100);
    expect(rect).toEqual({ x: 25, y: 50, width: 25, height: 25 });
    expect(patchAt(rect.x + 1, rect.y + 1, 100, 100, [4, 4])).toBe(9);
  });
});
