import { describe, expect, it } from 'vitest';
import type { LatentKind } from '../explain/types';
import { matchesLatent, patchConcepts, rankNeurons, sharedConcepts } from './ranking';
import { makeLatent } from './testing/latentFixtures';

describe('rankNeurons', () => {
  it('puts shared neurons before private ones, each by score', () => {
    const kinds: Record<number, LatentKind> = { 1: 'text', 2: 'shared', 3: 'shared', 4: 'text' };
    const ranked = rankNeurons(
      [
        { id: 1, score: 9 },
        { id: 2, score: 1 },
        { id: 3, score: 5 },
        { id: 4, score: 2 },
      ],
      (id) => kinds[id],
    );
    expect(ranked.map((n) => n.id)).toEqual([3, 2, 1, 4]);
  });
});

describe('patchConcepts', () => {
  it("lists one patch's active latents, strongest first, without zeros", () => {
    const patchLatents = {
      k: 3,
      ids: Int32Array.from([5, 6, 7, 8, 9, 10]),
      values: Float32Array.from([1, 0, 2, 0.5, 3, 0.25]),
    };
    expect(patchConcepts(patchLatents, 0)).toEqual([
      { id: 7, score: 2 },
      { id: 5, score: 1 },
    ]);
    expect(patchConcepts(patchLatents, 1).map((c) => c.id)).toEqual([9, 8, 10]);
    expect(patchConcepts(patchLatents, 2)).toEqual([]);
  });
});

describe('sharedConcepts', () => {
  const latents = [
    makeLatent(0, { label: 'dog', imageRate: 0.2, textRate: 0.01 }),
    makeLatent(1, { label: 'cat', imageRate: 0.05, textRate: 0.05 }),
    makeLatent(2, { label: 'red', kind: 'image' }),
    makeLatent(3, { label: null }),
    makeLatent(4, { label: 'puppy', topTerms: [['hound', 1]], imageRate: 0.3, textRate: 0.3 }),
  ];

  it('keeps labelled shared latents, the most evenly firing first', () => {
    expect(sharedConcepts(latents, '', 10).map((l) => l.id)).toEqual([4, 1, 0]);
  });

  it('matches the label or a top term, case-insensitively', () => {
    expect(sharedConcepts(latents, 'HOUND', 10).map((l) => l.id)).toEqual([4]);
    expect(matchesLatent(latents[1], ' ca ')).toBe(true);
  });

  it('stops at the limit', () => {
    expect(sharedConcepts(latents, '', 1)).toHaveLength(1);
  });
});
