/** Effects that keep the worker and the browser's storage in step with the store: the first model load, heatmaps, kept images. */
import { useEffect } from 'react';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import type { ExplorerPort } from './explorerApi';
import { ensureHeatmaps } from './imageActions';
import { keepSession } from './keptSession';
import { indexedDbSessionStorage, type SessionStorage } from './sessionStorage';
import { modelDevice, switchModel } from './sessionActions';
import { useAppStore } from './store';

/** Loads the embedded model and its dictionary once the compute backend is known (no network). */
export function useStartSession(api: ExplorerPort | null): void {
  const computeKnown = useAppStore((state) => state.compute.status !== 'initialising');
  const backend = useAppStore((state) => state.compute.backend);
  const softwareAdapter = useAppStore((state) => state.compute.softwareAdapter);
  const modelIdle = useAppStore((state) => state.model.status === 'idle');
  useEffect(() => {
    if (api !== null && computeKnown && modelIdle)
      void switchModel(api, EMBEDDED_MODEL_ID, modelDevice(backend, softwareAdapter));
  }, [api, computeKnown, modelIdle, backend, softwareAdapter]);
}

/** Fetches the selected latent's heatmap for every analysed image, whichever tab selected it. */
export function useHeatmapSync(api: ExplorerPort | null): void {
  const latent = useAppStore((state) => state.explorer.selectedLatent);
  const analysed = useAppStore((state) => state.images.filter((image) => image.analysis !== null).length);
  useEffect(() => {
    if (api !== null && latent !== null && analysed > 0) void ensureHeatmaps(api, latent);
  }, [api, latent, analysed]);
}

let pageStorage: SessionStorage | undefined;

/** Keeps the images in IndexedDB for the next visit, and brings back those of the last one. */
export function useKeptSession(api: ExplorerPort | null): void {
  useEffect(() => {
    if (api === null) return;
    pageStorage ??= indexedDbSessionStorage();
    return keepSession(api, pageStorage);
  }, [api]);
}
