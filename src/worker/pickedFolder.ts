/**
 * Serving a folder the user picked to the code that loads from it: transformers.js fetches a local
 * model's files by URL (`env.fetch`), and the dictionary readers read relative paths. Nothing is
 * uploaded or copied: each file is a Blob the page handed over, read when it is asked for.
 */
import type { ReadFile } from '../lucid/interop/saelensExport';
import type { PickedFolder } from './api';

/** Reads a picked folder's file by relative path; null when it has no such file. */
export function readPicked(folder: PickedFolder): ReadFile {
  return async (relativePath) => {
    const file = folder.files[relativePath];
    return file ? new Uint8Array(await file.arrayBuffer()) : null;
  };
}

/**
 * A `fetch` that answers every request for a path under `prefix` (an absolute URL ending in '/') from
 * `folder` — 404 for a file it lacks, as a server would — and passes any other request to `fallback`.
 */
export function servePicked(prefix: string, folder: PickedFolder, fallback: typeof fetch): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), prefix).href;
    if (!url.startsWith(prefix)) return fallback(input, init);
    const file = folder.files[decodeURIComponent(url.slice(prefix.length).split(/[?#]/)[0])];
    if (!file) return new Response(null, { status: 404, statusText: 'Not Found' });
    return new Response(file, {
      status: 200,
      headers: { 'content-length': String(file.size), 'content-type': 'application/octet-stream' },
    });
  };
}
