import { type Remote, wrap } from 'comlink';
import type { ExplorerApi } from './api';

let worker: Remote<ExplorerApi> | undefined;

/** The page's handle on the explorer worker (started on first use; one per page). */
export function explorer(): Remote<ExplorerApi> {
  worker ??= wrap<ExplorerApi>(new Worker(new URL('./explorer.worker.ts', import.meta.url), { type: 'module' }));
  return worker;
}
