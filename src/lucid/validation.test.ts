import { describe, expect, it } from 'vitest';
import { validateBatch } from './batch';
import { makeConfig, validateConfig } from './config';
import { LucidInputError } from './errors';
import { makePlantedWorld } from './planted';
import { computeNormStats, normalizeRows } from './normalization';

const config = makeConfig({ dImage: 8, dText: 6 }, { nShared: 8, nImagePrivate: 2, nTextPrivate: 2, k: 2 });
const world = makePlantedWorld({
  dImage: 8,
  dText: 6,
  concepts: 4,
  imageOnly: 2,
  textOnly: 4,
  grid: [2, 2],
  captionLength: 8,
  noise: 0,
  seed: 1,
});

describe('validateConfig', () => {
  it('names a missing field', () => {
    const rest: Partial<typeof config> = { ...config };
    delete rest.k;
    expect(() => validateConfig(rest)).toThrow(/missing field 'k'/);
  });
  it('rejects a K larger than the latents a modality may use', () => {
    expect(() => makeConfig({ dImage: 8, dText: 6 }, { nShared: 4, nImagePrivate: 0, k: 5 })).toThrow(
      /config.k = 5 exceeds the 4 latents the image side may use/,
    );
  });
  it('rejects absurd sizes', () => {
    expect(() => makeConfig({ dImage: 8, dText: 6 }, { nShared: 5_000_000 })).toThrow(LucidInputError);
    expect(() => makeConfig({ dImage: -3, dText: 6 })).toThrow(/config.dImage must be ≥ 1/);
  });
});

describe('validateBatch', () => {
  it('accepts a well-formed batch', () => {
    expect(() => validateBatch(config, world.sample(3).batch)).not.toThrow();
  });
  it('names the expected size when patches have the wrong shape', () => {
    const { batch } = world.sample(2);
    batch.patches = batch.patches.subarray(1);
    expect(() => validateBatch(config, batch)).toThrow(/batch.patches must hold .* = 64 floats, got 63/);
  });
  it('names the token dimension when captions come from another model', () => {
    const { batch } = world.sample(2);
    batch.captions!.tokens = new Float32Array(2 * 8 * 7);
    expect(() => validateBatch(config, batch)).toThrow(/pairs × length × dText = 2 × 8 × 6/);
  });
  it('names an Infinity in the captions', () => {
    const { batch } = world.sample(2);
    batch.captions!.tokens[6 * 2 + 1] = Infinity;
    expect(() => validateBatch(config, batch)).toThrow(/batch.captions.tokens contains Infinity at row 2, column 1/);
  });
  it('rejects alignment on padding and captions with nothing to align', () => {
    const { batch } = world.sample(1);
    const { tokenMask, alignMask } = batch.captions!;
    tokenMask[7] = 0;
    alignMask[7] = 1;
    expect(() => validateBatch(config, batch)).toThrow(/marks padding token/);
    alignMask.fill(0);
    expect(() => validateBatch(config, batch)).toThrow(/caption 0 has no content token/);
  });
});

describe('normalisation', () => {
  it('centres rows and gives them unit mean squared norm', () => {
    const rows = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i) * 3 + (i % 3));
    const stats = computeNormStats(rows, 3);
    const normalised = normalizeRows(rows, stats);
    let squared = 0;
    const mean = [0, 0, 0];
    for (let i = 0; i < normalised.length; i++) {
      squared += normalised[i] ** 2;
      mean[i % 3] += normalised[i] / 100;
    }
    expect(squared / 100).toBeCloseTo(1, 4);
    mean.forEach((m) => expect(m).toBeCloseTo(0, 5));
  });
  it('refuses rows that do not fit the width', () => {
    expect(() => normalizeRows(new Float32Array(7), computeNormStats(new Float32Array(6), 3))).toThrow(
      /not rows of width 3/,
    );
  });
});
