/**
 * Training throughput of one fixed configuration on synthetic activations, on whatever tfjs
 * backend is active (`npm run bench`, bench/run.ts, runs it on WebGPU and WASM in headless Chromium;
 * bench/reference_trainer.py runs the same sizes in PyTorch). Synthetic data keeps the CLIP
 * towers and image decoding out of the timing: only the LUCID step is measured.
 */
import type { HostPairBatch } from '../lucid/batch';
import { latentCount } from '../lucid/config';
import { createLucid, disposeLucid } from '../lucid/model';
import { gaussianArray, makeGaussian, makeRng } from '../lucid/random';
import { wasmMemory } from '../lucid/hostTensors';
import { hostHelpersReady } from '../lucid/hostThreads';
import { createTrainer } from '../lucid/trainer';
import type { BenchmarkResult } from './api';
import { scratchConfig } from './scratchConfig';

/** Emoji-CLIP's sizes: 128-wide towers, a 12 × 12 patch grid; captions of 8 tokens (6 content). */
export const BENCHMARK_SHAPE = { d: 128, grid: [12, 12] as [number, number], captionTokens: 8 };
const WARMUP_STEPS = 3;

export function benchmarkBatch(pairs: number, seed: number): HostPairBatch {
  const { d, grid, captionTokens } = BENCHMARK_SHAPE;
  const gaussian = makeGaussian(makeRng(seed));
  const patchCount = grid[0] * grid[1];
  const tokenMask = new Float32Array(pairs * captionTokens).fill(1);
  const alignMask = Float32Array.from(tokenMask, (_, i) =>
    i % captionTokens === 0 || i % captionTokens === captionTokens - 1 ? 0 : 1,
  );
  return {
    pairs,
    grid,
    patches: gaussianArray(pairs * patchCount * d, gaussian),
    captions: {
      length: captionTokens,
      tokens: gaussianArray(pairs * captionTokens * d, gaussian),
      tokenMask,
      alignMask,
    },
  };
}

export async function benchmarkTraining(backend: string, steps: number, pairs: number): Promise<BenchmarkResult> {
  const { d, grid } = BENCHMARK_SHAPE;
  const config = scratchConfig(d, d);
  const model = createLucid(config, 1);
  const trainer = createTrainer(model);
  const batches = [benchmarkBatch(pairs, 1), benchmarkBatch(pairs, 2)];
  try {
    // The host helper threads start while this worker yields (src/lucid/hostThreads.ts), as the run loop does between steps.
    const memory = wasmMemory();
    if (memory) await hostHelpersReady(memory);
    for (let i = 0; i < WARMUP_STEPS; i++) trainer.step(batches[i % 2]);
    await trainer.readLosses();
    const started = performance.now();
    for (let i = 0; i < steps; i++) trainer.step(batches[i % 2]);
    await trainer.readLosses();
    const msPerStep = (performance.now() - started) / steps;
    const m = latentCount(config);
    return {
      backend,
      configuration: `B=${pairs} pairs, ${grid[0]}×${grid[1]} patches, 8-token captions, d=${d}, m=${m}, k=${config.k}, Sinkhorn ${config.sinkhornIterations} it`,
      msPerStep,
      patchTokensPerSecond: (pairs * grid[0] * grid[1] * 1000) / msPerStep,
    };
  } finally {
    trainer.dispose();
    disposeLucid(model);
  }
}
