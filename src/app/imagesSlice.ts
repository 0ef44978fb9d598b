import type { StateCreator } from 'zustand';
import type { Heatmap, ImageAnalysis } from '../explain/types';

/** One file the user added, from the moment it is dropped. */
export interface ImageEntry {
  /** Page-side key (stable while the file is shown; the worker's imageId comes with the analysis). */
  key: number;
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

export interface ImagesSlice {
  images: ImageEntry[];
  /** Heatmaps by `heatmapKey(imageId, latent)`. */
  heatmaps: Record<string, HeatmapEntry>;
}

export function heatmapKey(imageId: number, latent: number): string {
  return `${imageId}:${latent}`;
}

export const createImagesSlice: StateCreator<ImagesSlice, [], [], ImagesSlice> = () => ({
  images: [],
  heatmaps: {},
});
