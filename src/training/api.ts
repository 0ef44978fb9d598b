/**
 * The training worker's API (exposed with comlink by `training.worker.ts`; the page's typed handle
 * is `client.ts`). Everything heavy — the CLIP towers, the cached activations, the LUCID model and
 * its optimiser — lives in the worker; the page receives events and small plain results.
 */
import type { BackendName } from '../backend';
import type { LossTermName } from '../lucid/losses';
import type { ChangedLatent } from './comparison';
import type { CaptionMode, FolderFile } from './folderPlan';

export type { FolderFile } from './folderPlan';

/** What the user can set before Start. */
export interface TrainSettings {
  /** Optimisation steps in the whole run. */
  steps: number;
  /** Image–caption pairs (or images) per step. */
  batchSize: number;
  /** Loss terms, FVU and dead fraction are read back (and the NaN guard checks them) this often. */
  metricsEverySteps: number;
  /** A checkpoint goes to IndexedDB this often (rounded up to a read-back), and at Stop. */
  checkpointEverySteps: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  steps: 300,
  batchSize: 16,
  metricsEverySteps: 10,
  checkpointEverySteps: 50,
};

export type TrainingPhase = 'idle' | 'preparing' | 'training' | 'paused' | 'stopping' | 'finished' | 'failed';

/** One read-back of the run's measures. */
export interface MetricsPoint extends Record<LossTermName, number> {
  step: number;
  /** Share of latents silent for more than `deadAfterTokens` tokens. */
  deadFraction: number;
  learningRate: number;
}

export interface ProgressEvent {
  type: 'progress';
  phase: TrainingPhase;
  imagesEncoded: number;
  imagesTotal: number;
  step: number;
  totalSteps: number;
  /** Null while estimating. */
  secondsLeft: number | null;
  backend: BackendName | null;
}

/** Where the run's dictionary came from. */
export interface StartingPoint {
  kind: 'pretrained' | 'scratch' | 'imported' | 'checkpoint';
  /** URL, file name or run id. */
  source: string;
  /** Latents m. */
  latents: number;
}

export type TrainingEvent =
  | ProgressEvent
  | { type: 'metrics'; point: MetricsPoint }
  | {
      type: 'folder';
      images: number;
      captioned: number;
      skipped: string[];
      captionMode: CaptionMode;
    }
  | { type: 'started'; runId: string; start: StartingPoint; history: MetricsPoint[]; settings: TrainSettings }
  | { type: 'checkpoint'; step: number; savedAt: number }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  | { type: 'finished'; step: number; reason: 'completed' | 'stopped' | 'failed' };

/** A run that can be resumed after a reload or a crash. */
export interface ResumableRun {
  runId: string;
  step: number;
  totalSteps: number;
  /** Epoch milliseconds of the checkpoint. */
  savedAt: number;
  images: number;
  /** Whether every image's activations are cached (otherwise the folder must be chosen again). */
  activationsCached: boolean;
}

/** What relabelling an ended run's dictionary changed (see src/training/relabelOutcome.ts). */
export interface RelabelSummary {
  /** Reference images the labels were measured on (the run's, at most 300). */
  images: number;
  /** Latents whose label differs from the starting dictionary's (both labelled the same way). */
  changedCount: number;
  /** The first of those, most-moved latents first. */
  changed: { id: number; before: string | null; after: string | null }[];
  /** Labels no latent of the starting dictionary had (at most 20). */
  newLabels: string[];
  /** False when there was no starting dictionary of the same size: every label is then "new". */
  compared: boolean;
  seconds: number;
}

export interface DictionaryComparison {
  /** Measured on the run's (encoded) images, pooled over batches. */
  before: { fvuImage: number; fvuText: number };
  after: { fvuImage: number; fvuText: number };
  /** Images the measures used. */
  images: number;
  /** Latents whose decoder direction turned most (either modality). */
  changed: ChangedLatent[];
  /** Latents that fired on none of the images before and on some after. */
  newlyActive: number;
  /** Whether the old labels come from a pretrained interpretation. */
  labelled: boolean;
}

/** The dictionary as the two files the app and `lucid` load. */
export interface DictionaryFiles {
  weights: Uint8Array;
  config: string;
  /** The pretrained interpretation with moved latents' labels cleared; null when there is none. */
  interpretation: string | null;
}

export interface BenchmarkResult {
  backend: string;
  /** Configuration in words (sizes of the model and the batch). */
  configuration: string;
  msPerStep: number;
  /** Image patch rows trained per second (B · Np per step). */
  patchTokensPerSecond: number;
}

export interface TrainingApi {
  /** Receives every event of the worker (pass a comlink `proxy`). Replaces any earlier listener. */
  subscribe(listener: (event: TrainingEvent) => void): Promise<void>;
  /** The most recent run that stopped before its last step and has a checkpoint, if any. */
  findResumable(): Promise<ResumableRun | null>;
  /** Forgets a run's checkpoint and cached activations. */
  discardRun(runId: string): Promise<void>;
  /**
   * Starts a run on a folder; resolves when it has begun (events report the rest).
   * Starts from the imported dictionary when one was imported, else the pretrained one, else a fresh one.
   */
  start(folder: FolderFile[], settings: TrainSettings, preferred?: BackendName): Promise<void>;
  /** Continues a run from its last checkpoint; `folder` is needed only when activations are not cached. */
  resumeRun(runId: string, folder: FolderFile[] | null, preferred?: BackendName): Promise<void>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  /** Ends the run after the current step and saves a checkpoint. */
  stop(): Promise<void>;
  /** The current dictionary's files (the trained one, or the imported one). */
  exportFiles(): Promise<DictionaryFiles>;
  /**
   * Checks two files and makes them the current dictionary (and the next run's start). Bad files
   * throw an error naming the problem and change nothing.
   */
  importFiles(weights: Uint8Array, config: string, name: string): Promise<StartingPoint>;
  /** FVU before and after on the run's images, and the latents that changed most. */
  compare(): Promise<DictionaryComparison>;
  /**
   * Names the trained dictionary's latents anew on the run's images (in this worker; the vocabulary's
   * activations are cached in IndexedDB); the export then carries these labels. Once a run has ended.
   */
  relabel(): Promise<RelabelSummary>;
  /** The run's read-backs so far (for charts after a page reload). */
  history(): Promise<MetricsPoint[]>;
}
