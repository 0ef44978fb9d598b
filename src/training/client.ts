import { type Remote, wrap } from 'comlink';
import type { TrainingApi } from './api';

let worker: Remote<TrainingApi> | undefined;

/** The page's handle on the training worker (started on first use; one per page). */
export function trainingWorker(): Remote<TrainingApi> {
  worker ??= wrap<TrainingApi>(new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' }));
  return worker;
}

/** A separate, fresh training worker (benchmarks: one backend per worker). */
export function newTrainingWorker(): { api: Remote<TrainingApi>; terminate(): void } {
  const raw = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
  return { api: wrap<TrainingApi>(raw), terminate: () => raw.terminate() };
}
