/**
 * Training-step throughput of the LUCID core in Node on tfjs' WASM and cpu backends, on the planted
 * benchmark's configuration. Prints ms per step and the ratio, both measured in this run.
 * Run: npm run bench
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { makeConfig } from '../src/lucid/config';
import { createLucid, disposeLucid } from '../src/lucid/model';
import { makePlantedWorld } from '../src/lucid/planted';
import { createTrainer } from '../src/lucid/trainer';

const WARMUP_STEPS = 3;
const TIMED_STEPS = Number(process.env.BENCH_STEPS ?? 20);

async function msPerStep(backend: string): Promise<number> {
  await tf.setBackend(backend);
  await tf.ready();
  const world = makePlantedWorld({
    dImage: 32,
    dText: 24,
    concepts: 16,
    imageOnly: 4,
    textOnly: 6,
    grid: [4, 4],
    captionLength: 9,
    noise: 0.05,
    seed: 1,
  });
  const config = makeConfig(
    { dImage: 32, dText: 24 },
    { nShared: 32, nImagePrivate: 8, nTextPrivate: 8, k: 4, kAux: 8, deadAfterTokens: 2000 },
  );
  const model = createLucid(config, 7);
  const trainer = createTrainer(model);
  const batches = Array.from({ length: 8 }, () => world.sample(16).batch);
  for (let i = 0; i < WARMUP_STEPS; i++) trainer.step(batches[i % batches.length]);
  await trainer.readLosses();
  const start = performance.now();
  for (let i = 0; i < TIMED_STEPS; i++) trainer.step(batches[i % batches.length]);
  await trainer.readLosses();
  const elapsed = performance.now() - start;
  trainer.dispose();
  disposeLucid(model);
  return elapsed / TIMED_STEPS;
}

const wasm = await msPerStep('wasm');
const cpu = await msPerStep('cpu');
console.log('LUCID training step, planted config (B=16 pairs, 4×4 grid, m=48, k=4), Node');
console.table({
  wasm: { msPerStep: Number(wasm.toFixed(1)), speedupVsCpu: Number((cpu / wasm).toFixed(1)) },
  cpu: { msPerStep: Number(cpu.toFixed(1)), speedupVsCpu: 1 },
});
