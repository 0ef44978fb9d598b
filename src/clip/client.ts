import { type Remote, proxy, wrap } from 'comlink';
import type { LoadOptions } from './encoder';
import type { ClipWorkerApi } from './worker';

/** The page's handle on the model worker (one worker per page, started lazily). */
let worker: Remote<ClipWorkerApi> | undefined;

export function clipWorker(): Remote<ClipWorkerApi> {
  worker ??= wrap<ClipWorkerApi>(new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }));
  return worker;
}

/** Loads a model in the worker, forwarding progress events to `onProgress`. */
export function loadModelInWorker(
  id: string,
  device: NonNullable<LoadOptions['device']>,
  hub: { allowRemote: boolean; remoteHost?: string } = { allowRemote: false },
  onProgress?: LoadOptions['onProgress'],
) {
  return clipWorker().load(id, device, hub, onProgress ? proxy(onProgress) : undefined);
}
