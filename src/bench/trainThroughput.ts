/**
 * Training throughput of a given configuration on given batches (`npm run bench:scale`): as
 * src/training/benchmark.ts `benchmarkTraining`, but at any size, and on batches the bench made
 * from activation shards (bench/scale/batches.ts), which bench/scale/reference_scale.py trains
 * on in PyTorch too, so both sides run the same shapes on the same numbers.
 */
import { switchBackend, tfjsWasmThreadCount } from '../backend';
import type { HostPairBatch } from '../lucid/batch';
import { latentCount } from '../lucid/config';
import { createLucid, disposeLucid } from '../lucid/model';
import { decodeSafetensors } from '../lucid/safetensors';
import { createTrainer } from '../lucid/trainer';
import { adamKernelSwitch, wasmAdamKernel } from '../lucid/leanAdam';
import { wasmMemory } from '../lucid/hostTensors';
import { hostHelpersReady, hostThreadSwitch, readyHelpers } from '../lucid/hostThreads';
import type { BenchmarkResult } from '../training/api';
import * as tf from '@tensorflow/tfjs';
import type { TrainStepProfile, TrainThroughputRequest } from './api';

/** A batch file: patches [B, Np, dImage], tokens [B, T, dText], tokenMask and alignMask [B, T]; grid in the metadata. */
export async function fetchBatch(url: string): Promise<HostPairBatch> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(await response.arrayBuffer()), url);
  const get = (name: string) => {
    const tensor = tensors.get(name);
    if (tensor === undefined) throw new Error(`${url} has no tensor ${name}`);
    return tensor;
  };
  const tokens = get('tokens');
  return {
    pairs: get('patches').shape[0],
    grid: JSON.parse(metadata.grid) as [number, number],
    patches: get('patches').data,
    captions: {
      length: tokens.shape[1],
      tokens: tokens.data,
      tokenMask: get('tokenMask').data,
      alignMask: get('alignMask').data,
    },
  };
}

/** Profiles one more step: kernel time by name (tidy and custom-gradient scopes left out), the slowest kernels. */
async function profileStep(step: () => Promise<void>): Promise<TrainStepProfile> {
  const started = performance.now();
  const info = await tf.profile(step);
  const wallMs = performance.now() - started;
  const kernels = info.kernels.filter((kernel) => kernel.name !== 'unnamed scope');
  const byName = new Map<string, number>();
  for (const kernel of kernels)
    byName.set(kernel.name, (byName.get(kernel.name) ?? 0) + (kernel.kernelTimeMs as number));
  const slowest = [...kernels]
    .sort((a, b) => (b.kernelTimeMs as number) - (a.kernelTimeMs as number))
    .slice(0, 20)
    .map((kernel) => ({
      name: kernel.name,
      ms: kernel.kernelTimeMs as number,
      inputShapes: kernel.inputShapes,
      outputShapes: kernel.outputShapes,
    }));
  return {
    wallMs,
    kernelMs: [...byName.values()].reduce((a, b) => a + b, 0),
    byName: [...byName].sort((a, b) => b[1] - a[1]),
    slowest,
  };
}

export async function trainThroughput(
  request: TrainThroughputRequest,
): Promise<BenchmarkResult & { profile?: TrainStepProfile }> {
  const { config, warmupSteps, steps } = request;
  const { backend } = await switchBackend(request.backend);
  const batches = await Promise.all(request.batchUrls.map(fetchBatch));
  const model = createLucid(config, 1);
  const trainer = createTrainer(model);
  adamKernelSwitch.enabled = request.adamKernel ?? true;
  hostThreadSwitch.enabled = request.hostHelpers ?? true;
  try {
    // The host helper threads start while this worker yields (src/lucid/hostThreads.ts), as the app's run loop does between steps.
    const memory = wasmMemory();
    if (memory) await hostHelpersReady(memory);
    for (let i = 0; i < warmupSteps; i++) trainer.step(batches[i % batches.length]);
    await trainer.readLosses();
    const started = performance.now();
    for (let i = 0; i < steps; i++) trainer.step(batches[i % batches.length]);
    await trainer.readLosses();
    const msPerStep = (performance.now() - started) / steps;
    const profile = request.profile
      ? await profileStep(async () => {
          trainer.step(batches[0]);
          await trainer.readLosses();
        })
      : undefined;
    const { pairs, grid } = batches[0];
    const length = batches[0].captions?.length ?? 0;
    const threads = tfjsWasmThreadCount();
    const adam = threads !== null && adamKernelSwitch.enabled && wasmAdamKernel() !== null ? ', SIMD Adam' : '';
    const helpers = memory ? readyHelpers(memory) : 0;
    const helped = helpers > 0 ? `, ${helpers} host helper thread${helpers === 1 ? '' : 's'}` : '';
    return {
      backend: threads === null ? backend : `${backend} (${threads} thread${threads === 1 ? '' : 's'}${adam}${helped})`,
      configuration:
        `B=${pairs} pairs, ${grid[0]}×${grid[1]} patches, ${length}-token captions, ` +
        `d=${config.dImage}/${config.dText}, m=${latentCount(config)}, k=${config.k}, Sinkhorn ${config.sinkhornIterations} it`,
      msPerStep,
      patchTokensPerSecond: (pairs * grid[0] * grid[1] * 1000) / msPerStep,
      ...(profile ? { profile } : {}),
    };
  } finally {
    adamKernelSwitch.enabled = true;
    hostThreadSwitch.enabled = true;
    trainer.dispose();
    disposeLucid(model);
  }
}
