import type { StateCreator } from 'zustand';
import type { EncoderInfo } from '../clip/encoder';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import type { DictionarySummary } from '../worker/api';
import type { ExplorerFault } from '../worker/client';
import type { DownloadProgress } from './progress';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** The CLIP-family model the worker runs. */
export interface ModelState {
  id: string;
  status: LoadStatus;
  /** Bytes downloaded so far, while a hub model downloads. */
  progress: DownloadProgress;
  info: EncoderInfo | null;
  error: string | null;
}

/** The LUCID dictionary in the worker; 'unavailable' when the model has no pretrained one. */
export interface DictionaryState {
  status: LoadStatus | 'unavailable';
  /** URL folder the dictionary was loaded from (its atlas PNG is relative to it). */
  base: string | null;
  summary: DictionarySummary | null;
  error: string | null;
}

export interface SessionSlice {
  model: ModelState;
  dictionary: DictionaryState;
  /** The last fault of the explorer worker (a lost GPU device, a crash) and how it recovered. */
  workerFault: ExplorerFault | null;
}

export const createSessionSlice: StateCreator<SessionSlice, [], [], SessionSlice> = () => ({
  model: { id: EMBEDDED_MODEL_ID, status: 'idle', progress: {}, info: null, error: null },
  dictionary: { status: 'idle', base: null, summary: null, error: null },
  workerFault: null,
});
