import { describe, expect, it } from 'vitest';
import type { Codes } from './analyze';
import { topImages, wordOfEvidence } from './interpretDictionary';

describe('wordOfEvidence', () => {
  const top = [0, 1, 2, 3].map((image) => ({ image, patch: 0, value: 1 }));
  // The images say "cat" (all four) and "dog" (two); the captions say "dog" mostly.
  const imageWords = [['cat', 'dog'], ['cat', 'dog'], ['cat'], ['cat']];
  const text = new Map([
    ['dog', 0.6],
    ['cat', 0.1],
  ]);

  it('mean: one strong half can name a shared latent', () => {
    const named = wordOfEvidence('shared', text, top, imageWords, 'mean');
    expect(named?.word).toBe('cat');
    expect(named?.confidence).toBeCloseTo((1 + 0.1) / 2);
  });

  it('both: the word both halves point at wins (geometric mean)', () => {
    const named = wordOfEvidence('shared', text, top, imageWords, 'both');
    expect(named?.word).toBe('dog');
    expect(named?.confidence).toBeCloseTo(Math.sqrt(0.5 * 0.6));
    // A word with no text evidence gets no confidence at all.
    expect(wordOfEvidence('shared', new Map(), top, imageWords, 'both')?.confidence).toBe(0);
  });

  it('an image-only latent is named by its images alone', () => {
    expect(wordOfEvidence('image', text, top, imageWords, 'both')).toEqual({ word: 'cat', confidence: 1 });
  });
});

describe('topImages', () => {
  // Three images of one patch each, k = 1, m = 1: latent 0 fires at 1, 3, 2.
  const codes: Codes = {
    rows: 3,
    pre: Float32Array.of(1, 3, 2),
    ids: Int32Array.of(0, 0, 0),
    values: Float32Array.of(1, 3, 2),
  };

  it('keeps the strongest images first', () => {
    expect(topImages(codes, 1, 1, 1, 2)[0].map((t) => t.image)).toEqual([1, 2]);
  });

  it('counts a group once, by its best image', () => {
    // Images 1 and 2 show the same emoji: the second slot goes to image 0.
    expect(topImages(codes, 1, 1, 1, 2, ['a', 'b', 'b'])[0].map((t) => t.image)).toEqual([1, 0]);
  });
});
