/**
 * Training-step throughput of the LUCID core in Node on tfjs' WASM and cpu backends, on the planted
 * benchmark's configuration. Prints ms per step and the ratio, both measured in this run.
 * Then dense against sparse decoding (src/lucid/sparseDecode.ts) on WASM at a ViT-B/16-like shape:
 * BENCH_DECODE_PAIRS images of 14 × 14 patches (d 768) with 16-token captions (d 512), m 16,384,
 * k 64; steps interleaved (dense, sparse, …), median of BENCH_DECODE_REPEATS. BENCH_DECODE_PAIRS=0
 * skips it.
 * Run: npm run bench:node
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { HostPairBatch } from '../src/lucid/batch';
import { makeConfig } from '../src/lucid/config';
import { createLucid, disposeLucid } from '../src/lucid/model';
import { makePlantedWorld } from '../src/lucid/planted';
import { gaussianArray, makeGaussian, makeRng } from '../src/lucid/random';
import type { DecodePath } from '../src/lucid/sparseDecode';
import { createTrainer, type Trainer } from '../src/lucid/trainer';

const WARMUP_STEPS = 3;
const TIMED_STEPS = Number(process.env.BENCH_STEPS ?? 20);
const DECODE_PAIRS = Number(process.env.BENCH_DECODE_PAIRS ?? 2);
const DECODE_REPEATS = Number(process.env.BENCH_DECODE_REPEATS ?? 3);

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

/** Caption batch at ViT-B/16 widths: `pairs` images of 14 × 14 patches, 16-token captions. */
function largeBatch(pairs: number, seed: number): HostPairBatch {
  const gaussian = makeGaussian(makeRng(seed));
  const length = 16;
  const tokenMask = new Float32Array(pairs * length).fill(1);
  return {
    pairs,
    grid: [14, 14],
    patches: gaussianArray(pairs * 196 * 768, gaussian),
    captions: {
      length,
      tokens: gaussianArray(pairs * length * 512, gaussian),
      tokenMask,
      alignMask: Float32Array.from(tokenMask, (_, i) => (i % length === 0 ? 0 : 1)),
    },
  };
}

async function timedStep(trainer: Trainer, batch: HostPairBatch): Promise<number> {
  const start = performance.now();
  trainer.step(batch);
  await trainer.readLosses();
  return performance.now() - start;
}

if (DECODE_PAIRS > 0) {
  await tf.setBackend('wasm');
  await tf.ready();
  const config = makeConfig(
    { dImage: 768, dText: 512 },
    { nShared: 8192, nImagePrivate: 4096, nTextPrivate: 4096, k: 64, kAux: 128, deadAfterTokens: 2000 },
  );
  const paths: DecodePath[] = ['dense', 'sparse'];
  const trainers = paths.map((decodePath) => createTrainer(createLucid(config, 3), { decodePath }));
  const batch = largeBatch(DECODE_PAIRS, 5);
  for (const trainer of trainers) await timedStep(trainer, batch);
  const times: number[][] = paths.map(() => []);
  for (let r = 0; r < DECODE_REPEATS; r++) {
    for (const [i, trainer] of trainers.entries()) times[i].push(await timedStep(trainer, batch));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [dense, sparse] = times.map(median);
  const rows = DECODE_PAIRS * 196;
  console.log(
    `LUCID training step, WASM, ${rows} patch rows (d 768) + ${DECODE_PAIRS * 16} tokens (d 512), m=16384, k=64, kAux=128; ` +
      `median of ${DECODE_REPEATS} interleaved steps`,
  );
  console.table({
    dense: { msPerStep: Number(dense.toFixed(0)), patchTokensPerSecond: Number(((rows * 1000) / dense).toFixed(1)) },
    sparse: {
      msPerStep: Number(sparse.toFixed(0)),
      patchTokensPerSecond: Number(((rows * 1000) / sparse).toFixed(1)),
      speedup: Number((dense / sparse).toFixed(2)),
    },
  });
  for (const trainer of trainers) {
    trainer.dispose();
    disposeLucid(trainer.model);
  }
}
