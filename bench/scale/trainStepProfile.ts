/**
 * Where a training step's time goes at ViT-B/16 size, in Node on tfjs' WASM backend (one thread):
 * `createTrainer` on one random batch of `B` pairs × 196 patches (d 768) and `T`-token captions
 * (12 real tokens, or all where T ≤ 12; d 512), m 16,384 (12,288 shared), k 64, kPrivate 16,
 * alignK 128, kAux 384. Prints each step's time and, for one profiled step, the kernels by name and
 * the slowest kernels with their shapes. Not a benchmark (one run, Node, not the browser):
 * docs/benchmarks.md uses it to say which parts of a step an optimisation changed.
 *
 *     B=2 T=11 STEPS=3 [DEAD_AFTER=1] npx tsx bench/scale/trainStepProfile.ts
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { makeConfig } from '../../src/lucid/config';
import { createLucid } from '../../src/lucid/model';
import { gaussianArray, makeGaussian, makeRng } from '../../src/lucid/random';
import { createTrainer } from '../../src/lucid/trainer';

const pairs = Number(process.env.B ?? 2);
const length = Number(process.env.T ?? 11);
const steps = Number(process.env.STEPS ?? 3);
const patches = 196;

await tf.setBackend('wasm');
await tf.ready();
const config = makeConfig(
  { dImage: 768, dText: 512 },
  {
    nShared: 12288,
    nImagePrivate: 2048,
    nTextPrivate: 2048,
    k: 64,
    kPrivate: 16,
    alignK: 128,
    kAux: 384,
    // DEAD_AFTER=1: every latent silent in the first step is dead from the second on (AuxK runs).
    ...(process.env.DEAD_AFTER ? { deadAfterTokens: Number(process.env.DEAD_AFTER) } : {}),
  },
);
const model = createLucid(config, 1);
const gaussian = makeGaussian(makeRng(3));
const tokenMask = new Float32Array(pairs * length).map((_, i) => (i % length < 12 ? 1 : 0));
const batch = {
  pairs,
  grid: [14, 14] as [number, number],
  patches: gaussianArray(pairs * patches * 768, gaussian),
  captions: { length, tokens: gaussianArray(pairs * length * 512, gaussian), tokenMask, alignMask: tokenMask },
};
const trainer = createTrainer(model);
for (let step = 1; step <= steps; step++) {
  const started = performance.now();
  trainer.step(batch);
  await trainer.readLosses();
  const { numTensors, numBytes } = tf.memory();
  console.log(
    `step ${step}: ${(performance.now() - started).toFixed(0)} ms, ${numTensors} tensors, ${(numBytes / 1e6).toFixed(0)} MB`,
  );
}
const profile = await tf.profile(async () => {
  trainer.step(batch);
  await trainer.readLosses();
});
// 'unnamed scope' entries are tidy and custom-gradient scopes around kernels already listed.
const kernels = profile.kernels.filter((kernel) => kernel.name !== 'unnamed scope');
const byName = new Map<string, number>();
for (const kernel of kernels) byName.set(kernel.name, (byName.get(kernel.name) ?? 0) + (kernel.kernelTimeMs as number));
console.log('\nprofiled step, kernel time by kernel (ms):');
for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${name} ${ms.toFixed(0)}`);
console.log(
  `  all kernels ${[...byName.values()].reduce((a, b) => a + b, 0).toFixed(0)}; peak ${(profile.peakBytes / 1e6).toFixed(0)} MB`,
);
console.log('\nslowest kernels (ms, inputs -> outputs):');
for (const kernel of [...kernels]
  .sort((a, b) => (b.kernelTimeMs as number) - (a.kernelTimeMs as number))
  .slice(0, 12)) {
  console.log(
    `  ${(kernel.kernelTimeMs as number).toFixed(0)} ${kernel.name} ${JSON.stringify(kernel.inputShapes)} -> ${JSON.stringify(kernel.outputShapes)}`,
  );
}
trainer.dispose();
