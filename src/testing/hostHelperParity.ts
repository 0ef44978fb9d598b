/**
 * Whether the trainer's host helper threads (src/lucid/hostThreads.ts) change what training computes:
 * the same model, batch and steps, once with the host passes on the training worker alone and once
 * split with the helpers down to small parts, on tfjs' WASM backend (shared memory on the e2e page).
 * Every weight must be equal bit for bit. Used by e2e/train.spec.ts through the training worker's hooks.
 */
import { switchBackend } from '../backend';
import type { HostPairBatch } from '../lucid/batch';
import { makeConfig } from '../lucid/config';
import { wasmMemory } from '../lucid/hostTensors';
import { hostHelpersReady, hostThreadSwitch } from '../lucid/hostThreads';
import { createLucid, disposeLucid, trainableVariables } from '../lucid/model';
import { gaussianArray, makeGaussian, makeRng } from '../lucid/random';
import { createTrainer } from '../lucid/trainer';

export interface HostHelperParity {
  /** Helpers that took part (0: the comparison says nothing). */
  helpers: number;
  steps: number;
  /** Weights compared, and how many differ. */
  compared: number;
  differing: number;
}

export async function hostHelperParity(steps = 4): Promise<HostHelperParity> {
  await switchBackend('wasm');
  // Widths that are multiples of 4 (the SIMD passes) and of the transpose tile (so that it splits too);
  // m / k ≥ 16 (the sparse decode), alignK > 0 (the sparse encoder); dead latents from the second step
  // on (AuxK on the host).
  const config = makeConfig(
    { dImage: 128, dText: 64 },
    { nShared: 448, nImagePrivate: 32, nTextPrivate: 32, k: 8, kPrivate: 4, alignK: 16, kAux: 16, deadAfterTokens: 1 },
  );
  const gaussian = makeGaussian(makeRng(21));
  const [pairs, grid, length] = [2, [4, 4] as [number, number], 6];
  const batch: HostPairBatch = {
    pairs,
    grid,
    patches: gaussianArray(pairs * 16 * config.dImage, gaussian),
    captions: {
      length,
      tokens: gaussianArray(pairs * length * config.dText, gaussian),
      tokenMask: new Float32Array(pairs * length).fill(1),
      alignMask: new Float32Array(pairs * length).map((_, i) => (i % length > 0 && i % length < length - 1 ? 1 : 0)),
    },
  };
  const train = async (helpers: boolean) => {
    hostThreadSwitch.enabled = helpers;
    const model = createLucid(config, 5);
    const trainer = createTrainer(model);
    try {
      for (let i = 0; i < steps; i++) trainer.step(batch);
      await trainer.readLosses();
      return await Promise.all(trainableVariables(model).map(async (v) => (await v.data()) as Float32Array));
    } finally {
      trainer.dispose();
      disposeLucid(model);
    }
  };
  const memory = wasmMemory();
  const saved = { ...hostThreadSwitch };
  try {
    const alone = await train(false);
    hostThreadSwitch.enabled = true;
    const helpers = memory ? await hostHelpersReady(memory) : 0;
    // Split every pass that has room for a part per thread.
    hostThreadSwitch.minPartFloats = 4;
    const split = await train(true);
    let [compared, differing] = [0, 0];
    alone.forEach((values, i) => {
      compared += values.length;
      for (let j = 0; j < values.length; j++) if (!Object.is(values[j], split[i][j])) differing++;
    });
    return { helpers, steps, compared, differing };
  } finally {
    Object.assign(hostThreadSwitch, saved);
  }
}
