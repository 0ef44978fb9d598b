import { describe, expect, it } from 'vitest';
import type { LatentKind } from '../explain/types';
import {
  latentMatch,
  matchesLatent,
  patchConcepts,
  rankMatches,
  rankNeurons,
  sharedConcepts,
  wordMatch,
} from './ranking';
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
    expect(matchesLatent(latents[1], ' Ca ')).toBe(true);
  });

  it('stops at the limit', () => {
    expect(sharedConcepts(latents, '', 1)).toHaveLength(1);
  });
});

describe('searching latents', () => {
  it('finds a query as a whole word or at the start of a word, never inside one', () => {
    expect(wordMatch('education', 'cat')).toBeNull();
    expect(wordMatch('category', 'cat')).toBe('prefix');
    expect(wordMatch('hot dog', 'dog')).toBe('word');
    expect(wordMatch('hotdog', 'dog')).toBeNull();
    expect(wordMatch('T-Shirt', 'shirt')).toBe('word');
    expect(wordMatch('dog face', 'dog fa')).toBe('prefix');
  });

  it('prefers a later whole-word occurrence over an earlier prefix one', () => {
    expect(wordMatch('dogs and dog', 'dog')).toBe('word');
  });

  it('matches a label, a synonym or a top term, ignoring case', () => {
    expect(matchesLatent(makeLatent(0, { label: 'Dog' }), 'dog')).toBe(true);
    expect(matchesLatent(makeLatent(1, { label: 'hound', synonyms: ['puppy', 'dog'] }), 'DOG')).toBe(true);
    expect(matchesLatent(makeLatent(2, { label: 'animal', topTerms: [['dog', 1]] }), 'dog')).toBe(true);
    expect(matchesLatent(makeLatent(3, { label: 'education', topTerms: [['vacation', 1]] }), 'cat')).toBe(false);
  });

  it('searches the top terms of an unnamed latent', () => {
    const unnamed = makeLatent(5, { label: null, topTerms: [['pizza', 1]] });
    expect(latentMatch(unnamed, 'piz')).toEqual({ field: 'term', text: 'pizza', rank: 0, exact: false });
    expect(matchesLatent(unnamed, 'dog')).toBe(false);
  });

  it('reports the best evidence: the label over a synonym, a whole synonym over a prefix', () => {
    expect(latentMatch(makeLatent(0, { label: 'dog', synonyms: ['dog'] }), 'dog')?.field).toBe('label');
    expect(latentMatch(makeLatent(1, { label: 'canine', synonyms: ['doggy', 'dog'] }), 'dog')).toEqual({
      field: 'synonym',
      text: 'dog',
      rank: 0,
      exact: true,
    });
  });

  it('ranks label matches, then synonym matches, then top-term matches by the term’s rank', () => {
    const latents = [
      makeLatent(0, {
        label: 'pet',
        topTerms: [
          ['cat', 1],
          ['dog', 0.5],
        ],
      }),
      makeLatent(1, { label: 'animal', topTerms: [['dog', 1]] }),
      makeLatent(2, { label: 'canine', synonyms: ['dog'] }),
      makeLatent(3, { label: 'dog' }),
      makeLatent(4, { label: 'education' }),
    ];
    expect(rankMatches(latents, 'dog').map((row) => row.info.id)).toEqual([3, 2, 1, 0]);
  });

  it('puts whole-word labels before prefixes, then the more confident label first', () => {
    const latents = [
      makeLatent(0, { label: 'doghouse', confidence: 0.9 }),
      makeLatent(1, { label: 'dog', confidence: 0.2 }),
      makeLatent(2, { label: 'dog', confidence: 0.7 }),
    ];
    expect(rankMatches(latents, 'dog').map((row) => row.info.id)).toEqual([2, 1, 0]);
  });

  it('returns nothing when no latent matches', () => {
    expect(rankMatches([makeLatent(0, { label: 'education' })], 'cat')).toEqual([]);
  });
});
