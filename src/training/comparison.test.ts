import { describe, expect, it } from 'vitest';
import type { Interpretation, LatentInfo } from '../explain/types';
import { carryInterpretation, directionChange, largerChange, mostChanged } from './comparison';

describe('decoder direction change', () => {
  it('is 0 for the same direction, 1 for orthogonal, 2 for opposite, whatever the norms', () => {
    const before = Float32Array.of(1, 0, 0, 1, 1, 1);
    const after = Float32Array.of(3, 0, 1, 0, -2, -2);
    const change = directionChange(before, after, 2);
    expect(change[0]).toBeCloseTo(0);
    expect(change[1]).toBeCloseTo(1);
    expect(change[2]).toBeCloseTo(2);
  });

  it('refuses matrices of different sizes', () => {
    expect(() => directionChange(new Float32Array(4), new Float32Array(6), 2)).toThrow(/one size/);
  });

  it('takes the larger change of two modalities', () => {
    expect(Array.from(largerChange(Float32Array.of(0.1, 0.5), Float32Array.of(0.3, 0.2)))).toEqual([
      Math.fround(0.3),
      0.5,
    ]);
  });
});

describe('most changed latents', () => {
  it('ranks by change with old labels attached', () => {
    const ranked = mostChanged(Float32Array.of(0.1, 0.9, 0.5), 2, ['a', 'b', null]);
    expect(ranked.map((r) => [r.id, r.oldLabel])).toEqual([
      [1, 'b'],
      [2, null],
    ]);
  });
});

describe('carried interpretation', () => {
  const latent = (id: number): LatentInfo => ({
    id,
    kind: 'shared',
    label: `l${id}`,
    category: null,
    confidence: 0.8,
    cluster: 0,
    topTerms: [['dog', 1]],
    topPatches: [],
    imageRate: 0.1,
    textRate: 0.1,
    histogram: { edges: [], image: [], text: [] },
  });
  const interpretation = { version: 1, encoder: 'e', latents: [latent(0), latent(1)] } as unknown as Interpretation;

  it('clears the labels of latents that moved and keeps the rest', () => {
    const carried = carryInterpretation(interpretation, Float32Array.of(0.01, 0.5));
    expect(carried.latents[0].label).toBe('l0');
    expect(carried.latents[1].label).toBeNull();
    expect(carried.latents[1].topTerms).toEqual([]);
    expect(interpretation.latents[1].label).toBe('l1');
  });
});
