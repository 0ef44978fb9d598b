/**
 * The Train tab's slice of the app store: what the training worker last reported, and what the user
 * picked. Actions are plain functions in trainActions.ts.
 */
import type { StateCreator } from 'zustand';
import type {
  DictionaryComparison,
  MetricsPoint,
  ProgressEvent,
  RelabelSummary,
  ResumableRun,
  StartingPoint,
  TrainSettings,
  TrainingPhase,
} from '../training/api';
import { DEFAULT_SETTINGS } from '../training/api';
import type { CaptionMode, FolderFile } from '../training/folderPlan';

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface TrainState {
  phase: TrainingPhase;
  progress: Omit<ProgressEvent, 'type'> | null;
  metrics: MetricsPoint[];
  folder: { name: string; files: FolderFile[] } | null;
  folderSummary: { images: number; captioned: number; skipped: string[]; captionMode: CaptionMode } | null;
  /** Why the chosen folder cannot be trained on (empty, no images), in words. */
  folderProblem: string | null;
  start: StartingPoint | null;
  settings: TrainSettings;
  notices: Notice[];
  resumable: ResumableRun | null;
  lastCheckpoint: { step: number; savedAt: number } | null;
  finished: { step: number; reason: 'completed' | 'stopped' | 'failed' } | null;
  /** Blob URLs of the exported files. */
  exportLinks: { weights: string; config: string; interpretation: string | null } | null;
  comparison: DictionaryComparison | null;
  /** Relabelling the ended run's dictionary (in the worker), and what it changed. */
  relabel:
    { status: 'running' } | { status: 'done'; summary: RelabelSummary } | { status: 'failed'; error: string } | null;
  /** Result of the last Import, Export or "Use in explorer", in words. */
  filesMessage: { ok: boolean; text: string } | null;
  busy: boolean;
}

export const initialTrainState: TrainState = {
  phase: 'idle',
  progress: null,
  metrics: [],
  folder: null,
  folderSummary: null,
  folderProblem: null,
  start: null,
  settings: DEFAULT_SETTINGS,
  notices: [],
  resumable: null,
  lastCheckpoint: null,
  finished: null,
  exportLinks: null,
  comparison: null,
  relabel: null,
  filesMessage: null,
  busy: false,
};

export interface TrainSlice {
  train: TrainState;
}

export const createTrainSlice: StateCreator<TrainSlice, [], [], TrainSlice> = () => ({ train: initialTrainState });

/** Whether a run is in progress (Start, Import and Resume-from-checkpoint are then unavailable). */
export function isRunning(phase: TrainingPhase): boolean {
  return phase === 'preparing' || phase === 'training' || phase === 'paused' || phase === 'stopping';
}
