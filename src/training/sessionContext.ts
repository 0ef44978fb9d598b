/**
 * What the parts of a training session share: the run in progress, what the last run left, the page's
 * listener, the lazily loaded backend and encoder, and the checkpoint store. The encode queue
 * (encodeQueue.ts), the run loop (runLoop.ts), persistence and recovery (persistence.ts) and the API
 * (session.ts) each take it as their first argument instead of closing over it.
 */
import { type BackendName, activeBackend, initBackend, switchBackend } from '../backend';
import { configureClipForBrowser } from '../clip/browserEnvironment';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { type ClipEncoder, loadClipEncoder } from '../clip/encoder';
import type { ProgressEvent, TrainingEvent, TrainingPhase } from './api';
import type * as indexedDbStore from './checkpointStore';
import type { StoredDictionary } from './checkpointStore';
import { type DeviceWatch, createDeviceWatch } from './deviceWatch';
import { type Dictionary, fromFiles as loadFiles } from './dictionaryFiles';
import type { ActiveRun, Outcome } from './runState';
import { estimateSecondsLeft } from './timeLeft';

/** Progress events at most this often while steps run. */
const PROGRESS_EVERY_MS = 150;

/**
 * Where a session keeps runs, checkpoints and cached activations: IndexedDB (checkpointStore.ts)
 * unless it is given another one (the e2e build's fails on demand, src/testing/trainingWorker.ts).
 */
export type CheckpointStore = typeof indexedDbStore;

export interface SessionContext {
  readonly store: CheckpointStore;
  /** The WebGPU device under training, watched for its loss. */
  readonly device: DeviceWatch;
  /** The run in progress, or null. */
  run: ActiveRun | null;
  /** What the last ended run (or an import) left: the current dictionary when no run is in progress. */
  outcome: Outcome | null;
  /** Set by Import: the next run starts from this dictionary. */
  imported: { files: StoredDictionary; name: string } | null;
  /** Aborts the relabelling in progress (a new run or an import supersedes it). */
  relabelling: AbortController | null;
  /** Sends the page's listener (the last one subscribed) `event`. */
  emit(event: TrainingEvent): void;
  listen(listener: (event: TrainingEvent) => void): void;
  notice(level: 'info' | 'warning' | 'error', message: string): void;
  /** The run's progress, at most every PROGRESS_EVERY_MS unless `force`d. */
  progress(r: ActiveRun, force?: boolean): void;
  setPhase(r: ActiveRun, phase: TrainingPhase): void;
  /** Tells the page a run (re)started: its starting point, read-backs so far and settings. */
  started(r: ActiveRun): void;
  /**
   * The tfjs backend, chosen once (WebGPU → WASM → cpu; without a preference, WASM where WebGPU is a
   * software fallback); a lost GPU device is watched from then on.
   */
  ensureBackend(preferred?: BackendName): Promise<BackendName>;
  /** WASM from now on (after a lost GPU device). */
  fallBackToWasm(): Promise<void>;
  ensureEncoder(): Promise<ClipEncoder>;
  /** Loads files as a dictionary for the loaded encoder (LucidFormatError naming any mismatch). */
  fromFiles(files: StoredDictionary, source: string): Promise<Dictionary>;
}

export function createSessionContext(store: CheckpointStore): SessionContext {
  let listener: ((event: TrainingEvent) => void) | null = null;
  let encoder: Promise<ClipEncoder> | undefined;
  let backend: Promise<BackendName> | undefined;
  let lastProgressAt = 0;

  const context: SessionContext = {
    store,
    device: createDeviceWatch(),
    run: null,
    outcome: null,
    imported: null,
    relabelling: null,

    emit(event) {
      listener?.(event);
    },

    listen(next) {
      listener = next;
    },

    notice(level, message) {
      context.emit({ type: 'notice', level, message });
    },

    progress(r, force = false) {
      const now = performance.now();
      if (!force && now - lastProgressAt < PROGRESS_EVERY_MS) return;
      lastProgressAt = now;
      const event: ProgressEvent = {
        type: 'progress',
        phase: r.phase,
        imagesEncoded: r.nextImage,
        imagesTotal: r.images.length,
        step: r.step,
        totalSteps: r.settings.steps,
        secondsLeft: estimateSecondsLeft(
          { imagesEncoded: r.nextImage, imagesTotal: r.images.length, step: r.step, totalSteps: r.settings.steps },
          r.imageRate.secondsPerUnit,
          r.stepRate.secondsPerUnit,
        ),
        backend: activeBackend() as BackendName,
      };
      context.emit(event);
    },

    setPhase(r, phase) {
      r.phase = phase;
      context.progress(r, true);
    },

    started(r) {
      context.emit({ type: 'started', runId: r.runId, start: r.start, history: r.history, settings: r.settings });
    },

    ensureBackend(preferred) {
      backend ??= initBackend(preferred).then((choice) => {
        context.device.watch();
        if (choice.backend !== (preferred ?? 'webgpu')) {
          context.notice('info', `Training on ${choice.backend}: ${choice.reason}`);
        }
        return choice.backend;
      });
      return backend;
    },

    async fallBackToWasm() {
      await switchBackend('wasm');
      backend = Promise.resolve('wasm');
      context.device.watch();
    },

    ensureEncoder() {
      if (!encoder) {
        configureClipForBrowser({ allowRemote: false });
        // The towers run on ONNX Runtime's WASM: tfjs holds the GPU for training, and Emoji-CLIP is
        // small enough that encoding is a few ms per image on the CPU.
        encoder = loadClipEncoder(EMBEDDED_MODEL_ID, { device: 'wasm' });
        encoder.catch(() => (encoder = undefined));
      }
      return encoder;
    },

    async fromFiles(files, source) {
      return loadFiles(files, source, (await context.ensureEncoder()).info);
    },
  };
  return context;
}

/** Yields to the worker's event loop so pause, stop and export messages are handled between steps. */
const channel = new MessageChannel();
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}
