/**
 * Loading the model and its dictionary into the worker. The embedded Emoji-CLIP loads from the
 * app's own files; a hub model is only downloaded once the user picks it.
 */
import { type BackendName, clipDeviceFor } from '../backend';
import { findCatalogEntry } from '../clip/catalog';
import { errorMessage, type ExplorerPort } from './explorerApi';
import { analyseWaitingImages, requeueImages } from './imageActions';
import { addProgressEvent } from './progress';
import type { DictionaryState, ModelState } from './sessionSlice';
import { useAppStore } from './store';

export type ModelDevice = 'webgpu' | 'wasm';

function setModel(update: Partial<ModelState>): void {
  useAppStore.setState((state) => ({ model: { ...state.model, ...update } }));
}

function setDictionary(update: Partial<DictionaryState>): void {
  useAppStore.setState((state) => ({ dictionary: { ...state.dictionary, ...update } }));
}

/** The ONNX device for the CLIP towers (see `clipDeviceFor`); WASM while no backend is chosen. */
export function modelDevice(backend: BackendName | null, softwareAdapter = false): ModelDevice {
  return backend === null ? 'wasm' : clipDeviceFor(backend, softwareAdapter);
}

/** Where a pretrained dictionary for `modelId` is served (`public/dictionaries/<id>/`). */
export function dictionaryBase(modelId: string): string {
  return `${import.meta.env.BASE_URL}dictionaries/${modelId}`;
}

/** Counts model switches, so a slower earlier load cannot overwrite a later one. */
let modelRequest = 0;

/**
 * Loads `id` in the worker, then its pretrained dictionary (or marks the dictionary unavailable),
 * then analyses the images anew: they wait meanwhile, since their analyses belong to the old model.
 */
export async function switchModel(api: ExplorerPort, id: string, device: ModelDevice): Promise<void> {
  const request = ++modelRequest;
  const entry = findCatalogEntry(id);
  setModel({ id, status: 'loading', progress: {}, info: null, error: null });
  setDictionary({ status: 'idle', base: null, summary: null, error: null });
  await requeueImages(api);
  try {
    const info = await api.loadModel(id, device, { allowRemote: entry?.source === 'hub' }, (event) => {
      if (request !== modelRequest) return;
      useAppStore.setState((state) => ({
        model: { ...state.model, progress: addProgressEvent(state.model.progress, event) },
      }));
    });
    if (request !== modelRequest) return;
    setModel({ status: 'ready', info });
  } catch (error) {
    if (request === modelRequest) setModel({ status: 'failed', error: errorMessage(error) });
    return;
  }
  if (entry?.hasPretrainedDictionary !== true) {
    setDictionary({ status: 'unavailable' });
    return;
  }
  await loadDictionary(api, dictionaryBase(id), request);
}

async function loadDictionary(api: ExplorerPort, base: string, request: number): Promise<void> {
  setDictionary({ status: 'loading', base });
  try {
    const summary = await api.loadDictionary(base);
    if (request !== modelRequest) return;
    setDictionary({ status: 'ready', summary, error: null });
  } catch (error) {
    if (request === modelRequest) setDictionary({ status: 'failed', error: errorMessage(error) });
    return;
  }
  await analyseWaitingImages(api);
}
