import type { StateCreator } from 'zustand';
import type { Heatmap, ImageAnalysis } from '../explain/types';

/** One file the user added, from the moment it is dropped. */
export interface ImageEntry {
  /** Page-side key (stable while the file is shown; the worker's imageId comes with the analysis). */
  key: number;
  /** The id it is kept under across reloads (`keptSession.ts`): made when the file is given, kept when restored. */
  savedId: string;
  name: string;
  /** Object URL of the file, for display. */
  url: string;
  /**
   * 'waiting' until a model and a dictionary are ready (and again after either changes, since the
   * analysis belongs to both); then 'analysing', and 'ready' or 'failed'.
   */
  status: 'waiting' | 'analysing' | 'ready' | 'failed';
  error: string | null;
  analysis: ImageAnalysis | null;
}

export type HeatmapEntry =
  { status: 'loading' } | { status: 'ready'; heatmap: Heatmap } | { status: 'failed'; error: string };

/** Whether the images are kept for the next visit (IndexedDB), and what the last restore brought back. */
export interface KeptSessionState {
  /** 'off' until bound (unit tests, no storage); 'restoring' while the last visit's images are read. */
  status: 'off' | 'restoring' | 'on' | 'failed';
  /** How many images the restore brought back. */
  restored: number;
  /** Why images are not kept, in words ('failed' only). */
  error: string | null;
}

export interface ImagesSlice {
  images: ImageEntry[];
  /** Heatmaps by `heatmapKey(imageId, latent)`. */
  heatmaps: Record<string, HeatmapEntry>;
  kept: KeptSessionState;
}

export function heatmapKey(imageId: number, latent: number): string {
  return `${imageId}:${latent}`;
}

export const createImagesSlice: StateCreator<ImagesSlice, [], [], ImagesSlice> = () => ({
  images: [],
  heatmaps: {},
  kept: { status: 'off', restored: 0, error: null },
});
