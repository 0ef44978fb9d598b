/**
 * Download progress of a model, from transformers.js progress events (one stream per file:
 * 'initiate' → 'download' → 'progress'… → 'done'). Pure, so it is tested in Node.
 */
import type { LoadOptions } from '../clip/encoder';

export type ProgressEvent = Parameters<NonNullable<LoadOptions['onProgress']>>[0];

/** Bytes per file: loaded so far and total (0 while unknown). */
export type DownloadProgress = Record<string, { loaded: number; total: number }>;

/** Folds one event into the per-file table; events without a file or byte counts change nothing. */
export function addProgressEvent(progress: DownloadProgress, event: ProgressEvent): DownloadProgress {
  if (event.file === undefined) return progress;
  const before = progress[event.file] ?? { loaded: 0, total: 0 };
  const total = event.total ?? before.total;
  const loaded = event.status === 'done' ? Math.max(total, before.loaded) : (event.loaded ?? before.loaded);
  return { ...progress, [event.file]: { loaded, total } };
}

/** Loaded and total bytes over all files, and the fraction done (null while no total is known). */
export function progressSummary(progress: DownloadProgress): {
  loaded: number;
  total: number;
  fraction: number | null;
} {
  let loaded = 0;
  let total = 0;
  for (const file of Object.values(progress)) {
    loaded += file.loaded;
    total += file.total;
  }
  return { loaded, total, fraction: total > 0 ? Math.min(1, loaded / total) : null };
}
