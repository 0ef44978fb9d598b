import { describe, expect, it } from 'vitest';
import { categoryCounts, conceptName, matchingLatents, searchConcepts } from './conceptFilter';
import { makeLatent } from '../testing/latentFixtures';

const latents = [
  makeLatent(0, { label: 'dog', category: 'object', topTerms: [['puppy', 2]] }),
  makeLatent(1, { label: 'beach', category: 'scene' }),
  makeLatent(2, { label: null, category: null, confidence: 0.08, topTerms: [['doghouse', 1]] }),
  makeLatent(3, { label: 'run', category: 'action', topTerms: [['dog', 1]] }),
  makeLatent(4, { label: 'hound', category: 'object', synonyms: ['dog'] }),
  makeLatent(5, { label: 'education', category: 'scene' }),
];

describe('concept map filter', () => {
  it('matches labels, synonyms and top terms within the chosen categories', () => {
    expect([...matchingLatents(latents, 'dog', new Set(['object', 'action']))]).toEqual([0, 3, 4]);
    expect([...matchingLatents(latents, 'dog', new Set(['object']))]).toEqual([0, 4]);
    expect([...matchingLatents(latents, 'puppy', new Set(['object']))]).toEqual([0]);
  });

  it('does not match a query inside a word', () => {
    expect([...matchingLatents(latents, 'cat', new Set(['scene']))]).toEqual([]);
    expect([...matchingLatents(latents, 'edu', new Set(['scene']))]).toEqual([5]);
  });

  it('files silent latents under unknown', () => {
    expect([...matchingLatents(latents, '', new Set(['unknown']))]).toEqual([2]);
    expect(categoryCounts(latents).get('unknown')).toBe(1);
    expect(categoryCounts(latents).get('scene')).toBe(2);
  });
});

describe('concept search list', () => {
  const everything = new Set(['object', 'scene', 'action', 'unknown'] as const);

  it('lists label matches, then synonym matches, then top-term matches, whole words before prefixes', () => {
    expect(searchConcepts(latents, 'dog', everything).shown.map((row) => row.info.id)).toEqual([0, 4, 3, 2]);
  });

  it('counts the matches the category filter hides', () => {
    const result = searchConcepts(latents, 'dog', new Set(['action']));
    expect(result.shown.map((row) => row.info.id)).toEqual([3]);
    expect(result.hidden).toBe(3);
  });

  it('finds nothing, hidden or shown, for a query no latent matches', () => {
    expect(searchConcepts(latents, 'xyz', everything)).toEqual({ shown: [], hidden: 0 });
  });

  it('names an unnamed latent by its id, not by one of its terms', () => {
    expect(conceptName(latents[2])).toBe('unnamed #2');
    expect(conceptName(latents[0])).toBe('dog');
  });
});
