/** Narrow store selectors shared by the views. */
import { useMemo } from 'react';
import { heatmapKey } from '../app/imagesSlice';
import { useAppStore } from '../app/store';
import type { Interpretation, LatentInfo } from '../explain/types';
import { heatmapMax } from './heatmap/heatmapColors';
import { latentIndex } from './latents';

export function useInterpretation(): Interpretation | null {
  return useAppStore((state) => state.dictionary.summary?.interpretation ?? null);
}

/** Latent infos by id (empty while no interpreted dictionary is loaded). */
export function useLatentIndex(): Map<number, LatentInfo> {
  const interpretation = useInterpretation();
  return useMemo(() => latentIndex(interpretation), [interpretation]);
}

/** URL of the reference atlas PNG (relative to the dictionary's folder), or null. */
export function useAtlasUrl(): string | null {
  const base = useAppStore((state) => state.dictionary.base);
  const atlas = useAppStore((state) => state.dictionary.summary?.interpretation?.reference.atlas);
  // A dictionary relabelled on the user's images has no atlas (`NO_ATLAS`): no evidence tiles.
  return base === null || !atlas ? null : `${base}/${atlas}`;
}

export function useDictionaryReady(): boolean {
  return useAppStore((state) => state.dictionary.status === 'ready');
}

export function useSelectedLatent(): number | null {
  return useAppStore((state) => state.explorer.selectedLatent);
}

/** The top of the shared colour scale: the largest heat of `latent` over all loaded images. */
export function useHeatmapMax(latent: number | null): number {
  return useAppStore((state) => {
    if (latent === null) return 0;
    const maps = state.images.flatMap((image) => {
      const entry = image.analysis === null ? undefined : state.heatmaps[heatmapKey(image.analysis.imageId, latent)];
      return entry?.status === 'ready' ? [entry.heatmap.values] : [];
    });
    return heatmapMax(maps);
  });
}
