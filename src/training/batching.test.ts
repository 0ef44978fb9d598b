import { describe, expect, it } from 'vitest';
import { makeConfig } from '../lucid/config';
import { validateBatch } from '../lucid/batch';
import { makeRng } from '../lucid/random';
import { type TrainExample, assembleBatch, hasCaption, planBatches } from './batching';

const grid: [number, number] = [2, 2];
const dImage = 3;
const dText = 2;

function example(i: number, captionTokens?: number): TrainExample {
  const patches = Float32Array.from({ length: 4 * dImage }, (_, j) => i * 100 + j);
  if (captionTokens === undefined) return { path: `img${i}.png`, patches };
  return {
    path: `img${i}.png`,
    patches,
    tokens: Float32Array.from({ length: captionTokens * dText }, (_, j) => i + j / 10),
    // BOS, content…, EOS
    contentMask: Uint8Array.from({ length: captionTokens }, (_, t) => (t === 0 || t === captionTokens - 1 ? 0 : 1)),
  };
}

const identity = {
  image: { mean: new Float32Array(dImage), scale: 1 },
  text: { mean: new Float32Array(dText), scale: 1 },
};

describe('batch plan', () => {
  it('uses every example exactly once per pass', () => {
    const captioned = new Set([0, 2, 4, 6, 8]);
    const batches = planBatches([...Array(11).keys()], (i) => captioned.has(i), 3, makeRng(1));
    const seen = batches.flatMap((b) => b.indices).sort((a, b) => a - b);
    expect(seen).toEqual([...Array(11).keys()]);
    expect(batches.every((b) => b.indices.length <= 3)).toBe(true);
  });

  it('keeps caption batches all captioned with at least two pairs', () => {
    const captioned = new Set([0, 1, 2, 3, 4]);
    const batches = planBatches([...Array(8).keys()], (i) => captioned.has(i), 2, makeRng(2));
    for (const b of batches) {
      if (b.withCaptions) {
        expect(b.indices.length).toBeGreaterThanOrEqual(2);
        expect(b.indices.every((i) => captioned.has(i))).toBe(true);
      }
    }
    // 5 captioned in pairs: two caption batches, and the fifth trains as an image.
    expect(batches.filter((b) => b.withCaptions)).toHaveLength(2);
  });

  it('plans only image batches for a folder without captions', () => {
    const batches = planBatches([0, 1, 2], () => false, 16, makeRng(3));
    expect(batches).toEqual([{ indices: expect.any(Array), withCaptions: false }]);
  });

  it('is reproducible from the seed', () => {
    const plan = () => planBatches([...Array(20).keys()], (i) => i % 3 === 0, 4, makeRng(9));
    expect(plan()).toEqual(plan());
  });
});

describe('batch assembly', () => {
  const examples = [example(0, 4), example(1, 3), example(2)];

  it('packs patches in order, normalised', () => {
    const norm = { ...identity, image: { mean: Float32Array.of(1, 2, 3), scale: 2 } };
    const batch = assembleBatch(examples, { indices: [2, 0], withCaptions: false }, grid, norm);
    expect(batch.pairs).toBe(2);
    expect(batch.captions).toBeUndefined();
    expect(batch.patches[0]).toBe((200 - 1) * 2);
    expect(batch.patches[4 * dImage + 2]).toBe((2 - 3) * 2);
  });

  it('pads captions to the longest and masks padding and special tokens', () => {
    const batch = assembleBatch(examples, { indices: [0, 1], withCaptions: true }, grid, identity);
    const captions = batch.captions!;
    expect(captions.length).toBe(4);
    expect(Array.from(captions.tokenMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(captions.alignMask)).toEqual([0, 1, 1, 0, 0, 1, 0, 0]);
    expect(captions.tokens[4 * dText]).toBeCloseTo(1);
    expect(captions.tokens[7 * dText]).toBe(0);
  });

  it('makes batches the LUCID core accepts', () => {
    const config = makeConfig({ dImage, dText }, { nShared: 4, nImagePrivate: 2, nTextPrivate: 2, k: 2, kAux: 2 });
    validateBatch(config, assembleBatch(examples, { indices: [0, 1], withCaptions: true }, grid, identity));
    validateBatch(config, assembleBatch(examples, { indices: [0, 1, 2], withCaptions: false }, grid, identity));
  });

  it('counts a caption without content tokens as no caption', () => {
    expect(hasCaption({ ...example(0, 2) })).toBe(false);
    expect(hasCaption(example(0, 3))).toBe(true);
    expect(hasCaption(example(0))).toBe(false);
  });
});
