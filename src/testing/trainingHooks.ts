/**
 * The training part of the e2e test API (`window.__lucidTest.training`, installed by testApi.ts):
 * only what the Train tab cannot show.
 */
import type { Remote } from 'comlink';
import type { BackendName } from '../backend';
import type { BenchmarkResult, MetricsPoint, ResumableRun, TrainingApi } from '../training/api';
import { newTrainingWorker, trainingWorker } from '../training/client';
import type { HostHelperParity } from './hostHelperParity';
import type { TrainingWorkerHooks } from './trainingWorker';

/** The e2e build's training worker exposes its hooks beside TrainingApi (trainingWorker.ts). */
type HookedWorker = Remote<TrainingApi & TrainingWorkerHooks>;

export interface TrainingTestApi {
  /** Dense Top-K codes of the first cached image under the current dictionary, as plain numbers. */
  sampleCodes(): Promise<number[]>;
  /** The current run's read-backs. */
  history(): Promise<MetricsPoint[]>;
  findResumable(): Promise<ResumableRun | null>;
  /** The tfjs backend of the training worker. */
  backend(): Promise<string>;
  /** Destroys the training worker's WebGPU device (a driver reset). */
  loseDevice(): Promise<void>;
  /** Writes a NaN into the training weights (trips the NaN guard). */
  poisonWeights(): Promise<void>;
  /** Makes an error escape the training worker (a crash: the page restarts the worker). */
  crash(): Promise<void>;
  /** The next checkpoint write fails with QuotaExceededError. */
  failNextCheckpointWithQuota(): Promise<void>;
  /** Training throughput of the benchmark configuration, in a fresh worker on `backend`. */
  benchmark(backend: BackendName, steps: number, pairs: number): Promise<BenchmarkResult>;
  /** The same training with and without the host helper threads, in a fresh worker: differing weights. */
  hostHelperParity(): Promise<HostHelperParity>;
}

export function trainingTestApi(): TrainingTestApi {
  const api = () => trainingWorker() as HookedWorker;
  return {
    sampleCodes: async () => Array.from(await api().testSampleCodes()),
    history: () => api().history(),
    findResumable: () => api().findResumable(),
    backend: () => api().testBackend(),
    loseDevice: () => api().testLoseDevice(),
    poisonWeights: () => api().testPoisonWeights(),
    crash: () => api().testCrash(),
    failNextCheckpointWithQuota: () => api().testFailNextCheckpointWithQuota(),
    async hostHelperParity() {
      const worker = newTrainingWorker();
      try {
        return await (worker.api as HookedWorker).testHostHelperParity();
      } finally {
        worker.terminate();
      }
    },
    async benchmark(backend, steps, pairs) {
      const worker = newTrainingWorker();
      try {
        return await (worker.api as HookedWorker).testBenchmark(backend, steps, pairs);
      } finally {
        worker.terminate();
      }
    },
  };
}
