import { makeConfig } from './config';
import { createLucid, disposeLucid } from './model';
import { makePlantedWorld } from './planted';
import { createTrainer } from './trainer';

/**
 * A fixed, small LUCID training run on whatever tfjs backend is active, for checking that backends
 * agree (the e2e suite compares WebGPU and WASM against cpu). Two Adam steps on the same planted
 * batch; the losses of the second step therefore depend on the first step's gradients and update.
 */
export async function runReferenceStep(): Promise<{ loss: number; terms: Record<string, number> }> {
  const world = makePlantedWorld({
    dImage: 32,
    dText: 24,
    concepts: 12,
    imageOnly: 4,
    textOnly: 6,
    grid: [4, 4],
    captionLength: 9,
    noise: 0.05,
    seed: 11,
  });
  const config = makeConfig(
    { dImage: 32, dText: 24 },
    { nShared: 32, nImagePrivate: 8, nTextPrivate: 8, k: 4, kAux: 8, deadAfterTokens: 64, learningRate: 1e-2 },
  );
  const model = createLucid(config, 5);
  const trainer = createTrainer(model);
  try {
    const { batch } = world.sample(8);
    trainer.step(batch);
    trainer.step(batch);
    const terms = await trainer.readLosses();
    return { loss: terms.total, terms };
  } finally {
    trainer.dispose();
    disposeLucid(model);
  }
}
