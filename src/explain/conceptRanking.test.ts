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

  it('weighs specificity by rarity: of two equally specific latents the rarer comes first', () => {
    const rates = new Map([
      [0, { kind: 'shared' as const, typical: { image: 1, text: 1 }, imageRate: 0.5, textRate: 0.001 }],
      [1, { kind: 'shared' as const, typical: { image: 1, text: 1 }, imageRate: 0.01, textRate: 0.5 }],
    ]);
    const best = new Map([
      [0, 2],
      [1, 2],
    ]);
    const image = rankConcepts(best, 'image', (id) => rates.get(id));
    expect(image.map((n) => n.id)).toEqual([1, 0]);
    expect(image[0].score).toBeCloseTo(2 * -Math.log(0.01), 3);
    // A shared latent is weighed by its image rate for a text too, so a word ranks it as its picture does.
    expect(rankConcepts(best, 'text', (id) => rates.get(id)).map((n) => n.id)).toEqual([1, 0]);
    // Power 0 is plain specificity: the tie goes to the lower id.
    expect(rankConcepts(best, 'image', (id) => rates.get(id), { power: 0 }).map((n) => n.id)).toEqual([0, 1]);
  });
});

describe('rankConcepts options', () => {
  const latents = new Map([
    [0, { kind: 'shared' as const, typical: { image: 1, text: 1 }, imageRate: 0.1, textRate: 0, label: null }],
    [1, { kind: 'shared' as const, typical: { image: 1, text: 1 }, imageRate: 0.1, textRate: 0.1, label: 'dog' }],
    [2, { kind: 'shared' as const, typical: { image: 1, text: 1 }, imageRate: 0.1, textRate: 0.1, label: null }],
  ]);
  // Latent 0 is the most specific, then 2, then 1.
  const best = new Map([
    [0, 3],
    [1, 1],
    [2, 2],
  ]);
  const order = (options: Parameters<typeof rankConcepts>[3]) =>
    rankConcepts(best, 'image', (id) => latents.get(id), options).map((n) => n.id);

  it('orders by score alone by default', () => {
    expect(order({ namedFirst: false, bimodalFirst: false })).toEqual([0, 2, 1]);
  });

  it('puts named latents first with namedFirst', () => {
    expect(order({ namedFirst: true, bimodalFirst: false })).toEqual([1, 0, 2]);
  });

  it('puts shared latents that fire in both modalities first with bimodalFirst', () => {
    expect(order({ namedFirst: false, bimodalFirst: true })).toEqual([2, 1, 0]);
    expect(order({ namedFirst: true, bimodalFirst: true })).toEqual([1, 2, 0]);
  });
});

describe('rankConcepts sharedRate', () => {
  // Equally specific: latent 0 is rare on images, latent 1 rare in text.
  const rates = new Map([
    [0, { kind: 'shared' as const, typical: { image: 1, text: 1 }, imageRate: 0.001, textRate: 0.5 }],
    [1, { kind: 'shared' as const, typical: { image: 1, text: 1 }, imageRate: 0.5, textRate: 0.01 }],
  ]);
  const best = new Map([
    [0, 1],
    [1, 1],
  ]);
  const scores = (sharedRate: 'image' | 'text' | 'both') =>
    rankConcepts(best, 'image', (id) => rates.get(id), { sharedRate }).map((n) => [n.id, n.score]);

  it('weighs a shared latent by the chosen rate', () => {
    expect(scores('image')[0][0]).toBe(0);
    expect(scores('text')[0][0]).toBe(1);
    const both = new Map(scores('both') as [number, number][]);
    expect(both.get(0)).toBeCloseTo((-Math.log(0.001) - Math.log(0.5)) / 2, 3);
    expect(both.get(1)).toBeCloseTo((-Math.log(0.5) - Math.log(0.01)) / 2, 3);
  });
});
