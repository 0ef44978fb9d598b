/**
 * The explorer worker of the e2e build: the product's API plus fault injection. `explorer.worker.ts`
 * exposes this only when built with `--mode e2e`; the production bundle leaves the module out.
 */
import type { ExplorerWorkerApi } from '../worker/api';
import { crashSoon, loseWebGpuDevice } from './workerFaults';

/** What the e2e explorer worker exposes besides ExplorerWorkerApi (page side: testApi.ts). */
export interface ExplorerWorkerHooks {
  /** Destroys the WebGPU device tfjs computes on, as a driver reset would. */
  testLoseDevice(): Promise<void>;
  /** Throws an error no handler catches, as a bug in the worker would. */
  testCrash(): Promise<void>;
}

export function explorerWorkerWithHooks(api: ExplorerWorkerApi): ExplorerWorkerApi & ExplorerWorkerHooks {
  return {
    ...api,
    async testLoseDevice() {
      // Chooses the backend first if nothing has yet, as the product does on first use.
      await api.backendInUse();
      loseWebGpuDevice('the dictionary');
    },
    async testCrash() {
      crashSoon('explorer');
    },
  };
}
