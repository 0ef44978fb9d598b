import type { StateCreator } from 'zustand';
import type { EncoderInfo } from '../clip/encoder';
import { EMBEDDED_MODEL_ID, findCatalogEntry } from '../clip/catalog';
import type { LoadFailure } from '../clip/errors';
import type { DictionarySummary } from '../worker/api';
import type { ExplorerFault } from '../worker/client';
import type { DownloadProgress } from './progress';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

/**
 * The CLIP-family model the worker runs. 'loading' and 'failed' only for the first model, when there
 * is none in use yet: a later switch leaves this as it is until the new model has loaded (`switching`).
 */
export interface ModelState {
  id: string;
  /** What to call a model the user opened from a folder (its folder's name); null for catalogue ids. */
  label: string | null;
  status: LoadStatus;
  info: EncoderInfo | null;
  error: string | null;
}

/**
 * A switch of model or dictionary under way, or the last one if it failed. What is in use (`model`,
 * `dictionary`, the images' analyses) stays until the new pair has loaded and been checked.
 */
export interface SwitchState {
  /** What is being loaded, in words: a model's label, or a dictionary's name. */
  target: string;
  /** The model being loaded; null for a dictionary-only switch. */
  modelId: string | null;
  status: 'loading' | 'failed';
  /** Bytes downloaded so far, while a hub model downloads. */
  progress: DownloadProgress;
  /** Why it failed ('failed' only). */
  failure: LoadFailure | null;
}

/** The LUCID dictionary in the worker; 'unavailable' when the model has no pretrained one. */
export interface DictionaryState {
  status: LoadStatus | 'unavailable';
  /** URL folder the dictionary was loaded from (its atlas PNG is relative to it). */
  base: string | null;
  summary: DictionarySummary | null;
  error: string | null;
}

/** What to call a model in the page: its catalogue label, its folder's name, or its hub id. */
export function modelLabel(model: Pick<ModelState, 'id' | 'label'>): string {
  return findCatalogEntry(model.id)?.label ?? model.label ?? model.id;
}

export interface SessionSlice {
  model: ModelState;
  dictionary: DictionaryState;
  switching: SwitchState | null;
  /** The last fault of the explorer worker (a lost GPU device, a crash) and how it recovered. */
  workerFault: ExplorerFault | null;
}

export const createSessionSlice: StateCreator<SessionSlice, [], [], SessionSlice> = () => ({
  model: { id: EMBEDDED_MODEL_ID, label: null, status: 'idle', info: null, error: null },
  dictionary: { status: 'idle', base: null, summary: null, error: null },
  switching: null,
  workerFault: null,
});
