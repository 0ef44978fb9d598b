/**
 * A training run's state in the worker, and the small operations on it that do not talk to the
 * page: a new run, adopting a dictionary, and the good-weights snapshot the NaN guard rolls back to.
 */
import * as tf from '@tensorflow/tfjs';
import { latentCount } from '../lucid/config';
import { trainableVariables } from '../lucid/model';
import { makeRng } from '../lucid/random';
import { type Trainer, createTrainer } from '../lucid/trainer';
import type { MetricsPoint, StartingPoint, TrainSettings, TrainingPhase } from './api';
import type { PlannedBatch, TrainExample } from './batching';
import type { StoredDictionary } from './checkpointStore';
import type { Dictionary } from './dictionaryFiles';
import { type GuardState, initialGuardState } from './nanGuard';
import { createRateTracker } from './timeLeft';

export interface RunImage {
  path: string;
  caption: string | null;
  cacheKey: string;
  /** Absent when the run was resumed without its folder (then the cache must have it). */
  file?: Blob;
}

export interface ActiveRun {
  runId: string;
  settings: TrainSettings;
  images: RunImage[];
  /** Index of the next image to encode. */
  nextImage: number;
  examples: TrainExample[];
  queue: PlannedBatch[];
  rng: () => number;
  grid: [number, number];
  start: StartingPoint;
  dictionary: Dictionary | null;
  baseline: StoredDictionary | null;
  interpretation: string | null;
  trainer: Trainer | null;
  /** Copies of the trainable variables at the guard's last good step. */
  snapshot: tf.Tensor[] | null;
  guard: GuardState;
  step: number;
  history: MetricsPoint[];
  phase: TrainingPhase;
  paused: boolean;
  stopRequested: boolean;
  wake: (() => void) | null;
  lastCheckpointStep: number;
  lastReadStep: number;
  imageRate: ReturnType<typeof createRateTracker>;
  stepRate: ReturnType<typeof createRateTracker>;
  /** Timing window of the step rate: start (ms), steps, and encoding seconds inside it. */
  window: { start: number | null; steps: number; encodeSeconds: number };
  quotaWarned: boolean;
  cacheWarned: boolean;
}

/** What stays after a run ends: the trained (or imported) dictionary and what it was trained on. */
export interface Outcome {
  dictionary: Dictionary;
  start: StartingPoint;
  baseline: StoredDictionary | null;
  interpretation: string | null;
  examples: TrainExample[];
  grid: [number, number];
  /** The ended run's read-backs. */
  history: MetricsPoint[];
  /** Each image's caption by path (null: none), for relabelling. */
  captions: Record<string, string | null>;
  /** interpretation.json text from relabelling this dictionary (null until `relabel` ran). */
  relabelled: string | null;
}

export function newRun(runId: string, settings: TrainSettings, images: RunImage[], grid: [number, number]): ActiveRun {
  return {
    runId,
    settings,
    images,
    nextImage: 0,
    examples: [],
    queue: [],
    rng: makeRng(hashString(runId)),
    grid,
    start: { kind: 'scratch', source: 'new dictionary', latents: 0 },
    dictionary: null,
    baseline: null,
    interpretation: null,
    trainer: null,
    snapshot: null,
    guard: initialGuardState(0),
    step: 0,
    history: [],
    phase: 'preparing',
    paused: false,
    stopRequested: false,
    wake: null,
    lastCheckpointStep: 0,
    lastReadStep: 0,
    imageRate: createRateTracker(),
    stepRate: createRateTracker(),
    window: { start: null, steps: 0, encodeSeconds: 0 },
    quotaWarned: false,
    cacheWarned: false,
  };
}

/** Makes `dictionary` the run's model at `step`, with a fresh optimiser and a good-weights copy. */
export function adopt(r: ActiveRun, dictionary: Dictionary, step: number, guard?: GuardState): void {
  r.dictionary = dictionary;
  r.step = step;
  r.lastReadStep = step;
  r.lastCheckpointStep = step;
  r.guard = guard ?? initialGuardState(dictionary.model.config.learningRate, step);
  dictionary.model.config = { ...dictionary.model.config, learningRate: r.guard.learningRate };
  r.trainer = createTrainer(dictionary.model);
  takeSnapshot(r);
  r.start.latents = latentCount(dictionary.model.config);
}

/** Copies the trainable variables as the last good weights. */
export function takeSnapshot(r: ActiveRun): void {
  if (r.snapshot) tf.dispose(r.snapshot);
  r.snapshot = trainableVariables(r.dictionary!.model).map((variable) => tf.clone(variable));
}

/** Puts the last good weights back. */
export function restoreSnapshot(r: ActiveRun): void {
  trainableVariables(r.dictionary!.model).forEach((variable, i) => variable.assign(r.snapshot![i]));
}

/** Frees the trainer and the snapshot (not the model). */
export function releaseTraining(r: ActiveRun): void {
  r.trainer?.dispose();
  r.trainer = null;
  if (r.snapshot) tf.dispose(r.snapshot);
  r.snapshot = null;
}

/** A 32-bit seed from a string (FNV-1a). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
