/** A stand-in for the explorer worker in unit tests: records calls, answers with small fixed results. */
import { vi } from 'vitest';
import type { ImageAnalysis } from '../../explain/types';
import type { ExplorerPort } from '../explorerApi';

export function fakeAnalysis(imageId: number, name: string, top: number): ImageAnalysis {
  return {
    imageId,
    name,
    width: 8,
    height: 8,
    grid: [2, 2],
    top: [{ id: top, score: 1 }],
    patchLatents: { k: 1, ids: Int32Array.from([top, top, top, top]), values: Float32Array.from([1, 0, 0, 0]) },
  };
}

/** Files named "broken…" fail to analyse; every other file gets the next imageId and top latent 7. */
export function fakePort() {
  let nextId = 1;
  return {
    loadModel: vi.fn<ExplorerPort['loadModel']>(async (id, device) => ({
      id,
      family: 'clip' as const,
      grid: [2, 2] as [number, number],
      imageSize: 16,
      dImage: 4,
      dText: 4,
      maxTextTokens: 8,
      device,
    })),
    loadDictionary: vi.fn<ExplorerPort['loadDictionary']>(async (base) => ({
      source: base,
      nShared: 2,
      nImagePrivate: 1,
      nTextPrivate: 1,
      k: 1,
      interpretation: null,
    })),
    analyzeImage: vi.fn<ExplorerPort['analyzeImage']>(async (_file, name) => {
      if (name.startsWith('broken')) throw new Error(`${name} is not an image`);
      return fakeAnalysis(nextId++, name, 7);
    }),
    heatmap: vi.fn<ExplorerPort['heatmap']>(async (imageId, latent) => ({
      imageId,
      latent,
      grid: [2, 2] as [number, number],
      values: Float32Array.from([0, 1, 2, 3]),
    })),
    forgetImage: vi.fn<ExplorerPort['forgetImage']>(async () => {}),
    analyzeText: vi.fn<ExplorerPort['analyzeText']>(),
    transport: vi.fn<ExplorerPort['transport']>(),
  } satisfies ExplorerPort;
}
