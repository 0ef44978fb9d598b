/**
 * The training worker of the e2e build: the product's session over a checkpoint store that can be
 * told to fail, plus hooks for what the Train tab cannot show. `training.worker.ts` exposes this
 * only when built with `--mode e2e`; the production bundle leaves the module out.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendName, activeBackend, initBackend, switchBackend } from '../backend';
import type { BenchmarkResult, TrainingApi } from '../training/api';
import { benchmarkTraining } from '../training/benchmark';
import * as indexedDbStore from '../training/checkpointStore';
import { patchCodes } from '../training/measure';
import { type CheckpointStore, createTrainingSession } from '../training/session';
import { type HostHelperParity, hostHelperParity } from './hostHelperParity';
import { crashSoon, loseWebGpuDevice } from './workerFaults';

/** What the e2e training worker exposes besides TrainingApi (page side: trainingHooks.ts). */
export interface TrainingWorkerHooks {
  /** Dense Top-K codes of the first cached image under the current dictionary [Np · m]. */
  testSampleCodes(): Promise<Float32Array>;
  /** Destroys the WebGPU device, as a driver reset would. */
  testLoseDevice(): Promise<void>;
  /** Writes a NaN into the training model's weights, so the next read-back trips the NaN guard. */
  testPoisonWeights(): Promise<void>;
  /** Makes the next checkpoint write fail with a QuotaExceededError. */
  testFailNextCheckpointWithQuota(): Promise<void>;
  testBackend(): Promise<string>;
  /** Throws an error no handler catches, as a bug in the worker would (the page restarts it). */
  testCrash(): Promise<void>;
  /** Trains the benchmark configuration on synthetic activations (`npm run bench`). */
  testBenchmark(backend: BackendName, steps: number, pairs: number): Promise<BenchmarkResult>;
  /** Trains a small model with and without the host helper threads and compares the weights (hostHelperParity.ts). */
  testHostHelperParity(): Promise<HostHelperParity>;
}

/** `base`, except that the next checkpoint write after `failNextWithQuota()` throws as a full disk would. */
export function failingCheckpointStore(base: CheckpointStore): {
  store: CheckpointStore;
  failNextWithQuota(): void;
} {
  let failNext = false;
  const store: CheckpointStore = {
    ...base,
    async saveCheckpoint(checkpoint) {
      if (failNext) {
        failNext = false;
        throw new DOMException('simulated: the quota has been exceeded', 'QuotaExceededError');
      }
      return base.saveCheckpoint(checkpoint);
    },
  };
  return { store, failNextWithQuota: () => (failNext = true) };
}

export function trainingWorkerWithHooks(): TrainingApi & TrainingWorkerHooks {
  const checkpoints = failingCheckpointStore(indexedDbStore);
  const session = createTrainingSession(checkpoints.store);
  const hooks: TrainingWorkerHooks = {
    async testSampleCodes() {
      const { run, outcome } = session.state();
      const examples = run?.examples.length ? run.examples : (outcome?.examples ?? []);
      if (examples.length === 0) throw new Error('no image has been encoded yet');
      const dictionary = run?.dictionary ?? outcome?.dictionary;
      if (!dictionary) throw new Error('there is no dictionary yet: train or import one first');
      const first = examples[0].patches;
      const d = dictionary.model.config.dImage;
      const normalised = first.map((v, i) => (v - dictionary.norm.image.mean[i % d]) * dictionary.norm.image.scale);
      return patchCodes(dictionary.model, normalised);
    },
    async testLoseDevice() {
      loseWebGpuDevice('training');
    },
    async testPoisonWeights() {
      const model = session.state().run?.dictionary?.model;
      if (!model) throw new Error('no run is training');
      const bEnc = model.image.bEnc;
      tf.tidy(() => bEnc.assign(tf.fill(bEnc.shape, NaN) as tf.Tensor1D));
    },
    async testFailNextCheckpointWithQuota() {
      checkpoints.failNextWithQuota();
    },
    async testCrash() {
      crashSoon('training');
    },
    async testBackend() {
      return activeBackend();
    },
    async testBenchmark(name, steps, pairs) {
      if (session.state().run) throw new Error('A benchmark is not possible while a run is in progress: stop it first');
      // The page runs each benchmark in a fresh worker, whose session has chosen no backend yet.
      await initBackend(name);
      await switchBackend(name);
      return benchmarkTraining(name, steps, pairs);
    },
    async testHostHelperParity() {
      if (session.state().run) throw new Error('The parity check is not possible while a run is in progress');
      return hostHelperParity();
    },
  };
  return { ...session.api, ...hooks };
}
