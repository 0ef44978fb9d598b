/**
 * IndexedDB storage of training runs (with `idb`): the run's plan and starting dictionary, its
 * latest checkpoint, and a cache of every image's activations so that later epochs, resumed runs
 * and re-runs on the same folder skip the encoder.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { TrainSettings, MetricsPoint, StartingPoint } from './api';
import type { TrainerState } from '../lucid/trainer';
import type { GuardState } from './nanGuard';
import type { TermActivations } from './relabel';

const DB_NAME = 'lucid-training';
const DB_VERSION = 2;

/** A dictionary as its two files. */
export interface StoredDictionary {
  weights: Uint8Array;
  config: string;
}

export interface RunRecord {
  runId: string;
  createdAt: number;
  encoderId: string;
  settings: TrainSettings;
  /** The images in training order, as planned from the folder. */
  images: { path: string; caption: string | null; cacheKey: string }[];
  start: StartingPoint;
  /** The dictionary before training (for the before/after comparison and a crash before any checkpoint). */
  baseline: StoredDictionary;
  /** The pretrained interpretation.json text, when the run started from it. */
  interpretation: string | null;
}

export interface CheckpointRecord {
  runId: string;
  step: number;
  savedAt: number;
  dictionary: StoredDictionary;
  /** Adam's moments and the dead-latent counters (absent in checkpoints of older versions). */
  trainer?: TrainerState;
  guard: GuardState;
  history: MetricsPoint[];
  /** True once the run reached its last step (nothing to resume). */
  completed: boolean;
}

/** An image's raw activations, or why it could not be encoded. */
export type ActivationRecord =
  { patches: Float32Array; tokens?: Float32Array; contentMask?: Uint8Array } | { failed: string };

interface TrainingDb extends DBSchema {
  runs: { key: string; value: RunRecord };
  checkpoints: { key: string; value: CheckpointRecord };
  activations: { key: string; value: ActivationRecord };
  /** The vocabulary's text activations per encoder (`termActivationsKey`), for relabelling. */
  terms: { key: string; value: TermActivations };
}

let database: Promise<IDBPDatabase<TrainingDb>> | undefined;

function db(): Promise<IDBPDatabase<TrainingDb>> {
  database ??= openDB<TrainingDb>(DB_NAME, DB_VERSION, {
    upgrade(upgradeDb, oldVersion) {
      if (oldVersion < 1) {
        upgradeDb.createObjectStore('runs', { keyPath: 'runId' });
        upgradeDb.createObjectStore('checkpoints', { keyPath: 'runId' });
        upgradeDb.createObjectStore('activations');
      }
      if (oldVersion < 2) upgradeDb.createObjectStore('terms', { keyPath: 'key' });
    },
  });
  return database;
}

export async function saveRun(run: RunRecord): Promise<void> {
  await (await db()).put('runs', run);
}

export async function loadRun(runId: string): Promise<RunRecord | undefined> {
  return (await db()).get('runs', runId);
}

/** Writes the run's checkpoint over the previous one; rejects with the browser's error (e.g. QuotaExceededError). */
export async function saveCheckpoint(checkpoint: CheckpointRecord): Promise<void> {
  await (await db()).put('checkpoints', checkpoint);
}

export async function loadCheckpoint(runId: string): Promise<CheckpointRecord | undefined> {
  return (await db()).get('checkpoints', runId);
}

/** The most recently saved checkpoint of a run that did not complete. */
export async function latestUnfinished(): Promise<CheckpointRecord | undefined> {
  const all = await (await db()).getAll('checkpoints');
  return all.filter((c) => !c.completed).sort((a, b) => b.savedAt - a.savedAt)[0];
}

/** Forgets a run, its checkpoint and its images' cached activations. */
export async function deleteRun(runId: string): Promise<void> {
  const store = await db();
  const run = await store.get('runs', runId);
  const tx = store.transaction(['runs', 'checkpoints', 'activations'], 'readwrite');
  await Promise.all([
    tx.objectStore('runs').delete(runId),
    tx.objectStore('checkpoints').delete(runId),
    ...(run?.images ?? []).map((image) => tx.objectStore('activations').delete(image.cacheKey)),
    tx.done,
  ]);
}

export async function getActivations(cacheKey: string): Promise<ActivationRecord | undefined> {
  return (await db()).get('activations', cacheKey);
}

export async function putActivations(cacheKey: string, record: ActivationRecord): Promise<void> {
  await (await db()).put('activations', record, cacheKey);
}

/** How many of the keys have cached activations (or a recorded failure). */
export async function countCached(cacheKeys: readonly string[]): Promise<number> {
  const store = await db();
  const tx = store.transaction('activations');
  const found = await Promise.all(cacheKeys.map((key) => tx.store.getKey(key)));
  await tx.done;
  return found.filter((key) => key !== undefined).length;
}

/** The cached term activations under `key`, if any. */
export async function getTermActivations(key: string): Promise<TermActivations | undefined> {
  return (await db()).get('terms', key);
}

/** Caches term activations (one entry per encoder and vocabulary; others are dropped). */
export async function saveTermActivations(terms: TermActivations): Promise<void> {
  const database = await db();
  const tx = database.transaction('terms', 'readwrite');
  await tx.store.clear();
  await tx.store.put(terms);
  await tx.done;
}
