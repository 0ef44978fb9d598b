import { describe, expect, it } from 'vitest';
import { categoryCounts, matchingLatents } from './conceptFilter';
import { makeLatent } from '../testing/latentFixtures';

const latents = [
  makeLatent(0, { label: 'dog', category: 'object', topTerms: [['puppy', 2]] }),
  makeLatent(1, { label: 'beach', category: 'scene' }),
  makeLatent(2, { label: null, category: null }),
  makeLatent(3, { label: 'run', category: 'action', topTerms: [['dog', 1]] }),
];

describe('concept map filter', () => {
  it('matches labels and top terms within the chosen categories', () => {
    expect([...matchingLatents(latents, 'dog', new Set(['object', 'action']))]).toEqual([0, 3]);
    expect([...matchingLatents(latents, 'dog', new Set(['object']))]).toEqual([0]);
    expect([...matchingLatents(latents, 'puppy', new Set(['object']))]).toEqual([0]);
  });

  it('files silent latents under unknown', () => {
    expect([...matchingLatents(latents, '', new Set(['unknown']))]).toEqual([2]);
    expect(categoryCounts(latents).get('unknown')).toBe(1);
    expect(categoryCounts(latents).get('scene')).toBe(1);
  });
});
