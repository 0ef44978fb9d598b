import { describe, expect, it } from 'vitest';
import { rawCosineHeat } from './rawCosine';

describe('raw patch–text cosine', () => {
  it('gives each patch its cosine with the text embedding', () => {
    // Text (3, 4), |t| = 5. Patches: parallel, opposite, orthogonal, (1, 0), zero.
    const text = Float32Array.from([3, 4]);
    const patches = Float32Array.from([6, 8, -3, -4, 4, -3, 1, 0, 0, 0]);
    const heat = rawCosineHeat(patches, 5, text);
    expect(heat).toBeInstanceOf(Float32Array);
    expect(heat.length).toBe(5);
    expect(heat[0]).toBeCloseTo(1, 6);
    expect(heat[1]).toBeCloseTo(-1, 6);
    expect(heat[2]).toBeCloseTo(0, 6);
    expect(heat[3]).toBeCloseTo(3 / 5, 6); // (1·3 + 0·4) / (1 · 5)
    expect(heat[4]).toBe(0); // zero-norm patch
  });

  it('is scale-free in both arguments', () => {
    const text = Float32Array.from([1, 2, 2]);
    const patches = Float32Array.from([2, 0, 1, 0, 3, 4]);
    const scaled = rawCosineHeat(
      patches.map((v) => v * 7),
      2,
      text.map((v) => v * 0.1),
    );
    const plain = rawCosineHeat(patches, 2, text);
    // (2 + 0 + 2) / (√5 · 3) and (0 + 6 + 8) / (5 · 3)
    expect(plain[0]).toBeCloseTo(4 / (Math.sqrt(5) * 3), 6);
    expect(plain[1]).toBeCloseTo(14 / 15, 6);
    expect(scaled[0]).toBeCloseTo(plain[0], 6);
    expect(scaled[1]).toBeCloseTo(plain[1], 6);
  });

  it('refuses embeddings whose width does not match the text', () => {
    expect(() => rawCosineHeat(new Float32Array(7), 2, new Float32Array(3))).toThrow(RangeError);
  });
});
