/** A stand-in for the explorer worker in unit tests: records calls, answers with small fixed results. */
import { vi } from 'vitest';
import type { EncoderInfo } from '../../clip/encoder';
import { describeLoadFailure } from '../../clip/errors';
import type { ImageAnalysis } from '../../explain/types';
import {
  type DictionarySource,
  type DictionarySummary,
  type ModelRequest,
  dictionarySourceName,
} from '../../worker/api';
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

function fakeInfo(model: ModelRequest): EncoderInfo {
  return {
    id: model.id,
    family: 'clip',
    grid: [2, 2],
    imageSize: 16,
    dImage: 4,
    dText: 4,
    maxTextTokens: 8,
    device: model.device,
  };
}

/**
 * Files named "broken…" fail to analyse; every other file gets the next imageId and top latent 7.
 * `switchSession` keeps the worker's contract: it loads the model (`loadModel`) and the dictionary
 * (`loadDictionary`) — make either reject to fail the switch — and changes nothing unless both load.
 */
export function fakePort() {
  let nextId = 1;
  let inUse: EncoderInfo | null = null;
  const steps = {
    loadModel: vi.fn(async (model: ModelRequest) => fakeInfo(model)),
    loadDictionary: vi.fn(async (source: DictionarySource): Promise<DictionarySummary> => ({
      source: dictionarySourceName(source),
      nShared: 2,
      nImagePrivate: 1,
      nTextPrivate: 1,
      k: 1,
      interpretation: null,
    })),
  };
  const port = {
    switchSession: vi.fn<ExplorerPort['switchSession']>(async (request) => {
      let info: EncoderInfo;
      try {
        if (request.model === null && inUse === null) throw new Error('no model is loaded yet');
        info = request.model === null ? inUse! : await steps.loadModel(request.model);
      } catch (error) {
        return { ok: false, stage: 'model', failure: describeLoadFailure(error) };
      }
      let dictionary: DictionarySummary | null = null;
      let dictionaryFailure = null;
      if (request.dictionary !== null) {
        try {
          dictionary = await steps.loadDictionary(request.dictionary);
        } catch (error) {
          dictionaryFailure = describeLoadFailure(error);
          if (request.ifDictionaryFails === 'keep-previous')
            return { ok: false, stage: 'dictionary', failure: dictionaryFailure };
        }
      }
      inUse = info;
      return { ok: true, info, dictionary, dictionaryFailure };
    }),
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
  return { ...port, ...steps };
}

/** The stand-in with its load steps, for tests that make one fail. */
export type FakePort = ReturnType<typeof fakePort>;

/** A tiny file the fake worker accepts as an image. */
export function imageFile(name: string): File {
  return new File([new Uint8Array([1, 2, 3])], name, { type: 'image/png' });
}

/** A promise settled from outside, to hold a worker call until the test lets it finish. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
