import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config';
import { correspondenceAccuracy, measureDictionary } from './metrics';
import { createLucid, disposeLucid, type LucidModel } from './model';
import { makePlantedWorld } from './planted';
import { createTrainer } from './trainer';
import { useBackend } from './testing/backend';

/**
 * The planted-concept benchmark (issue #2): 16 concepts with unrelated directions in the two
 * spaces; LUCID and the same trainer without GCMT and contrast (the "shared Top-K" baseline) see
 * the same batches. Correspondence accuracy: a concept's top shared latent is the same for its
 * image direction and its text direction (chance ≈ 1/16 for an unaligned dictionary).
 */
const STEPS = 300;
const PAIRS_PER_BATCH = 16;
const worldOptions = {
  dImage: 32,
  dText: 24,
  concepts: 16,
  imageOnly: 4,
  textOnly: 6,
  grid: [4, 4] as [number, number],
  captionLength: 9,
  noise: 0.05,
  seed: 1,
};

async function trainAndMeasure(aligned: boolean) {
  const world = makePlantedWorld(worldOptions);
  const config = makeConfig(
    { dImage: 32, dText: 24 },
    {
      nShared: 32,
      nImagePrivate: 8,
      nTextPrivate: 8,
      k: 4,
      kAux: 8,
      deadAfterTokens: 2000,
      learningRate: 3e-3,
      ...(aligned ? {} : { gcmtWeight: 0, contrastWeight: 0 }),
    },
  );
  const model: LucidModel = createLucid(config, 7);
  const trainer = createTrainer(model);
  for (let step = 0; step < STEPS; step++) trainer.step(world.sample(PAIRS_PER_BATCH).batch);
  const accuracy = await correspondenceAccuracy(model, world.imageDirections, world.textDirections);
  const metrics = await measureDictionary(model, [world.sample(64).batch]);
  trainer.dispose();
  disposeLucid(model);
  return { accuracy, ...metrics };
}

describe('planted-concept benchmark', () => {
  const results: Record<string, Awaited<ReturnType<typeof trainAndMeasure>>> = {};
  beforeAll(async () => {
    await useBackend();
    results.lucid = await trainAndMeasure(true);
    results.baseline = await trainAndMeasure(false);
  }, 120_000);
  afterAll(() => {
    console.log('planted-concept benchmark (held-out batch of 64 pairs):');
    console.table(
      Object.fromEntries(
        Object.entries(results).map(([name, r]) => [
          name,
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(3))])),
        ]),
      ),
    );
  });

  it('aligns planted concepts across modalities far better than the no-GCMT baseline', () => {
    expect(results.lucid.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(results.lucid.accuracy - results.baseline.accuracy).toBeGreaterThanOrEqual(0.5);
  });

  it('still reconstructs both modalities', () => {
    expect(results.lucid.fvuImage).toBeLessThan(0.25);
    expect(results.lucid.fvuText).toBeLessThan(0.25);
    expect(results.lucid.bimodalFraction).toBeGreaterThan(0.5);
  });
});
