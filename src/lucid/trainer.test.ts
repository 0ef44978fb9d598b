import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config';
import { LucidInputError } from './errors';
import { createLucid, disposeLucid, type LucidModel, trainableVariables } from './model';
import { makePlantedWorld } from './planted';
import { createTrainer, type Trainer } from './trainer';
import { useBackend } from './testing/backend';

const world = makePlantedWorld({
  dImage: 16,
  dText: 12,
  concepts: 8,
  imageOnly: 3,
  textOnly: 5,
  grid: [3, 3],
  captionLength: 9,
  noise: 0.05,
  seed: 4,
});
const config = makeConfig(
  { dImage: 16, dText: 12 },
  { nShared: 16, nImagePrivate: 4, nTextPrivate: 4, k: 3, kAux: 6, deadAfterTokens: 500, learningRate: 1e-2 },
);

let model: LucidModel;
let trainer: Trainer;
beforeAll(() => useBackend());
afterEach(() => {
  trainer?.dispose();
  if (model) disposeLucid(model);
});

function start(seed = 0) {
  model = createLucid(config, seed);
  trainer = createTrainer(model);
}

describe('trainer', () => {
  it('keeps the tensor count and memory flat across steps', async () => {
    start();
    const batches = Array.from({ length: 4 }, () => world.sample(6).batch);
    trainer.step(batches[0]);
    await trainer.readLosses();
    const before = tf.memory();
    for (let i = 0; i < 12; i++) trainer.step(batches[i % 4]);
    await trainer.readLosses();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it('lowers the loss on planted data', async () => {
    start(1);
    const { batch } = world.sample(8);
    trainer.step(batch);
    const first = await trainer.readLosses();
    for (let i = 0; i < 40; i++) trainer.step(world.sample(8).batch);
    trainer.step(batch);
    const later = await trainer.readLosses();
    expect(later.total).toBeLessThan(first.total * 0.7);
    expect(later.fvuImage).toBeLessThan(first.fvuImage);
    expect(later.fvuText).toBeLessThan(first.fvuText);
    expect(Number.isFinite(later.gcmt) && Number.isFinite(later.contrast)).toBe(true);
  });

  it('keeps every decoder row at unit norm', async () => {
    start(2);
    for (let i = 0; i < 5; i++) trainer.step(world.sample(6).batch);
    for (const wDec of [model.image.wDec, model.text.wDec]) {
      const norms = await tf.tidy(() => tf.norm(wDec, 'euclidean', 1)).data();
      norms.forEach((n) => expect(n).toBeCloseTo(1, 5));
    }
  });

  it('counts tokens since each latent fired and resets on firing', async () => {
    start(3);
    const { batch } = world.sample(4);
    trainer.step(batch);
    const counts = await trainer.readTokensSinceFired();
    const tokens = 4 * 9 + batch.captions!.tokenMask.reduce((a, b) => a + b, 0);
    expect(counts.some((c) => c === 0)).toBe(true);
    counts.forEach((c) => expect([0, tokens]).toContain(c));
    expect(await trainer.readDeadFraction()).toBe(0);
  });

  it('skips AuxK only while no latent can be dead, and turns it on once one can', async () => {
    // Many latents and a short fuse, so some of them die within a few steps.
    const wide = makeConfig({ dImage: 16, dText: 12 }, { ...config, nShared: 96, deadAfterTokens: 150 });
    model = createLucid(wide, 6);
    trainer = createTrainer(model);
    const batches = Array.from({ length: 10 }, () => world.sample(6).batch);
    const tokens = (b: (typeof batches)[number]) => 6 * 9 + b.captions!.tokenMask.reduce((a, c) => a + c, 0);
    let seen = 0;
    let firstAux = -1;
    for (const [i, batch] of batches.entries()) {
      const canBeDead = seen > wide.deadAfterTokens;
      trainer.step(batch);
      const losses = await trainer.readLosses();
      if (!canBeDead) expect(losses.auxImage + losses.auxText, `step ${i}`).toBe(0);
      else if (firstAux < 0 && losses.auxImage > 0) firstAux = i;
      seen += tokens(batch);
    }
    expect(await trainer.readDeadFraction()).toBeGreaterThan(0);
    // 150 tokens at about 100 a step: no latent can be dead before the third step.
    expect(firstAux).toBeGreaterThanOrEqual(2);
  });

  it('trains on images alone when a batch has no captions', async () => {
    start(4);
    const { batch } = world.sample(4);
    delete batch.captions;
    trainer.step(batch);
    const losses = await trainer.readLosses();
    expect(losses.fvuText).toBe(0);
    expect(losses.gcmt).toBe(0);
    expect(losses.fvuImage).toBeGreaterThan(0);
  });

  it('rejects a batch with NaN and names where it is, changing nothing', async () => {
    start(5);
    const { batch } = world.sample(2);
    const before = await model.image.wEnc.data();
    batch.patches[3 * 16 + 5] = NaN;
    expect(() => trainer.step(batch)).toThrow(LucidInputError);
    expect(() => trainer.step(batch)).toThrow(/batch.patches contains NaN at row 3, column 5/);
    expect(trainer.stepCount).toBe(0);
    expect(await model.image.wEnc.data()).toEqual(before);
  });

  it('continues from a saved state exactly as the original trainer does, and a fresh one does not', async () => {
    start(2);
    const batches = Array.from({ length: 4 }, () => world.sample(6).batch);
    for (const batch of batches.slice(0, 3)) trainer.step(batch);
    const state = await trainer.readState();
    expect(state.steps).toBe(3);
    expect(state.adamIterations).toBe(3);
    expect(state.moments).toHaveLength(2 * trainableVariables(model).length);

    const copies = [createLucid(config, 2), createLucid(config, 2)];
    for (const copy of copies) {
      trainableVariables(copy).forEach((variable, i) => variable.assign(trainableVariables(model)[i]));
    }
    const resumed = createTrainer(copies[0]);
    const restarted = createTrainer(copies[1]);
    const tensorsBefore = tf.memory().numTensors;
    await resumed.restoreState(state);
    try {
      trainer.step(batches[3]);
      resumed.step(batches[3]);
      restarted.step(batches[3]);
      const [original, fromState, fresh] = await Promise.all(
        [model, ...copies].map((m) => m.image.wEnc.data() as Promise<Float32Array>),
      );
      const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i])), 0);
      expect(maxDiff(original, fromState)).toBeLessThan(1e-6);
      expect(maxDiff(original, fresh)).toBeGreaterThan(1e-4);
      expect(await resumed.readTokensSinceFired()).toEqual(await trainer.readTokensSinceFired());
      expect(resumed.stepCount).toBe(4);
    } finally {
      resumed.dispose();
      restarted.dispose();
      copies.forEach(disposeLucid);
    }
    // Restoring holds exactly the moments it restored: nothing leaks.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(tensorsBefore);
  });

  it('refuses a state for another model, changing nothing', async () => {
    start(3);
    trainer.step(world.sample(4).batch);
    const state = await trainer.readState();
    const other = createLucid(makeConfig({ dImage: 16, dText: 12 }, { ...config, nShared: 8 }), 3);
    const otherTrainer = createTrainer(other);
    try {
      await expect(otherTrainer.restoreState(state)).rejects.toThrow(
        /trainer state is for 24 latents, the model has 16/,
      );
      expect(otherTrainer.stepCount).toBe(0);
    } finally {
      otherTrainer.dispose();
      disposeLucid(other);
    }
  });
});
