import { type Remote, wrap } from 'comlink';
import type { TrainingApi } from './api';

let current: { raw: Worker; api: Remote<TrainingApi> } | undefined;
const crashListeners = new Set<(message: string) => void>();

/**
 * The page's handle on the training worker (started on first use; one per page). An error that
 * escapes every handler in it (the Worker's `error` event) ends it: the next call starts a fresh
 * worker, and `onTrainingWorkerCrash` listeners hear of it (the Train tab then offers to resume
 * from the last checkpoint, as after a reload). Ask for the handle again after a crash; do not keep it.
 */
export function trainingWorker(): Remote<TrainingApi> {
  if (!current) {
    const raw = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
    const started = { raw, api: wrap<TrainingApi>(raw) };
    raw.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      if (current !== started) return;
      raw.terminate();
      current = undefined;
      for (const listener of crashListeners) listener(event.message || 'an uncaught error');
    });
    current = started;
  }
  return current.api;
}

/** Calls `listener` with the error's message each time the training worker crashes; returns an unsubscribe. */
export function onTrainingWorkerCrash(listener: (message: string) => void): () => void {
  crashListeners.add(listener);
  return () => crashListeners.delete(listener);
}

/** A separate, fresh training worker (benchmarks: one backend per worker). */
export function newTrainingWorker(): { api: Remote<TrainingApi>; terminate(): void } {
  const raw = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
  return { api: wrap<TrainingApi>(raw), terminate: () => raw.terminate() };
}
