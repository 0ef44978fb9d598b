import { describe, expect, it } from 'vitest';
import { rankConcepts } from './conceptRanking';

describe('rankConcepts', () => {
  const info = new Map([
    [0, { kind: 'shared' as const, typical: { image: 4, text: 1 } }],
    [1, { kind: 'shared' as const, typical: { image: 1, text: 1 } }],
    [2, { kind: 'image' as const, typical: { image: 0.1, text: 0 } }],
  ]);

  it('ranks a latent that fires far above its typical code above one that always fires strongly', () => {
    // Latent 0 fires at 5 everywhere (typical 4); latent 1 fires at 2 here, twice its typical code.
    const ranked = rankConcepts(
      new Map([
        [0, 5],
        [1, 2],
      ]),
      'image',
      (id) => info.get(id),
    );
    expect(ranked.map((n) => n.id)).toEqual([1, 0]);
    expect(ranked[0].score).toBeCloseTo(2);
  });

  it('lists shared latents before private ones, however specific the private one is', () => {
    const ranked = rankConcepts(
      new Map([
        [2, 5],
        [0, 1],
      ]),
      'image',
      (id) => info.get(id),
    );
    expect(ranked.map((n) => n.id)).toEqual([0, 2]);
  });

  it('falls back to the raw code without a typical code, and orders ties by id', () => {
    const ranked = rankConcepts(
      new Map([
        [9, 1],
        [8, 1],
      ]),
      'text',
      () => undefined,
    );
    expect(ranked).toEqual([
      { id: 8, score: 1 },
      { id: 9, score: 1 },
    ]);
  });
});
