import { describe, expect, it } from 'vitest';
import { makeRng } from '../lucid/random';
import { CoActivation, hungarianMatching } from './match';

/** Pairs where text latent j fires with image latent plan[j] (plus noise and a shared offset). */
function plantedPairs(plan: number[], pairs: number, seed: number, shuffleText = false) {
  const rng = makeRng(seed);
  const n = plan.length;
  const images: Float64Array[] = [];
  const texts: Float64Array[] = [];
  for (let p = 0; p < pairs; p++) {
    const image = new Float64Array(n);
    const text = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      if (rng() < 0.3) {
        const strength = 1 + rng();
        image[plan[j]] = strength;
        text[j] = strength * (0.5 + rng());
      }
      // Activity unrelated to the concept: every latent fires a little on many pairs.
      if (rng() < 0.5) image[plan[j]] += 0.5 * rng();
      if (rng() < 0.5) text[j] += 0.5 * rng();
    }
    images.push(image);
    texts.push(text);
  }
  const co = new CoActivation(n, n);
  images.forEach((image, p) => co.add(image, texts[shuffleText ? (p + 7) % pairs : p]));
  return co;
}

describe('post-hoc matching by co-activation', () => {
  const plan = [3, 0, 5, 1, 4, 2];

  it('recovers a planted matching with the centred and the uncentred measure', () => {
    for (const measure of ['centred', 'cosine'] as const) {
      const matching = hungarianMatching(plantedPairs(plan, 400, 1), measure);
      expect(matching.map(([image, text]) => [text, image])).toEqual(plan.map((image, text) => [text, image]));
      expect(matching.every(([, , score]) => score > 0.5)).toBe(true);
    }
  });

  it('control: text paired with the wrong image scores near zero when centred', () => {
    const matched = hungarianMatching(plantedPairs(plan, 400, 1), 'centred');
    const shuffled = hungarianMatching(plantedPairs(plan, 400, 1, true), 'centred');
    const mean = (m: [number, number, number][]) => m.reduce((sum, [, , score]) => sum + score, 0) / m.length;
    expect(mean(matched)).toBeGreaterThan(0.6);
    // The best of 6! assignments on independent data still finds some positive correlation, but little.
    expect(mean(shuffled)).toBeLessThan(0.15);
  });

  it('uses each image latent at most once and matches every text latent while image latents last', () => {
    const co = new CoActivation(3, 5);
    const rng = makeRng(4);
    for (let p = 0; p < 50; p++) co.add([rng(), rng(), rng()], [rng(), rng(), rng(), rng(), rng()]);
    const matching = hungarianMatching(co, 'centred');
    expect(matching).toHaveLength(3);
    expect(new Set(matching.map(([image]) => image)).size).toBe(3);
    expect(co.seen).toBe(50);
  });
});
