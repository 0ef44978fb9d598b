/**
 * The training worker's state and the TrainingApi (api.ts) over it. One run at a time: a folder's
 * images are decoded and encoded one by one (pixels are dropped as soon as the CLIP towers have
 * seen them; only activations are kept, in memory and in IndexedDB), and the LUCID trainer steps
 * on batches of them. The first epoch streams: each freshly encoded chunk of `batchSize` images is
 * trained on before the next is encoded. Values are read back only every `metricsEverySteps` steps.
 */
import { type BackendName, activeBackend, initBackend, switchBackend } from '../backend';
import { configureClipForBrowser } from '../clip/browserEnvironment';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { type ClipEncoder, decodeImage, loadClipEncoder } from '../clip/encoder';
import { concatArrays } from '../lucid/arrays';
import { latentCount } from '../lucid/config';
import { createLucid, disposeLucid } from '../lucid/model';
import { computeNormStats } from '../lucid/normalization';
import { createTrainer } from '../lucid/trainer';
import type {
  DictionaryComparison,
  DictionaryFiles,
  MetricsPoint,
  ProgressEvent,
  StartingPoint,
  TrainingApi,
  TrainingEvent,
  TrainingPhase,
} from './api';
import { type PlannedBatch, assembleBatch, hasCaption, planBatches } from './batching';
import * as indexedDbStore from './checkpointStore';
import type { ActivationRecord, CheckpointRecord, StoredDictionary } from './checkpointStore';
import { DeviceLostError, createDeviceWatch } from './deviceWatch';
import { type Dictionary, fetchDictionaryFiles, fromFiles as loadFiles, toFiles } from './dictionaryFiles';
import { compareOutcome, outcomeInterpretation } from './outcome';
import { relabelOutcome } from './relabelOutcome';
import { captionMode, planFolder } from './folderPlan';
import { appendCapped, historyUpTo } from './history';
import { type GuardState, initialGuardState, observeLosses } from './nanGuard';
import { scratchConfig } from './scratchConfig';
import { QUOTA_MESSAGE, isQuotaExceeded } from './storageErrors';
import {
  type ActiveRun,
  type Outcome,
  type RunImage,
  hashString,
  newRun,
  releaseTraining,
  restoreSnapshot,
  takeSnapshot,
} from './runState';
import { estimateSecondsLeft } from './timeLeft';

/** The pretrained dictionary of the embedded model (may be missing while it is being trained). */
const PRETRAINED_URL = `${import.meta.env.BASE_URL}dictionaries/${EMBEDDED_MODEL_ID}/`;
/** Most images a run keeps (≈ 75 kB of activations each for Emoji-CLIP: 150 MB). */
export const MAX_IMAGES = 2000;
/** Progress events at most this often while steps run. */
const PROGRESS_EVERY_MS = 150;

/** Yields to the worker's event loop so pause, stop and export messages are handled between steps. */
const channel = new MessageChannel();
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/**
 * Where a session keeps runs, checkpoints and cached activations: IndexedDB (checkpointStore.ts)
 * unless it is given another one (the e2e build's fails on demand, src/testing/trainingWorker.ts).
 */
export type CheckpointStore = typeof indexedDbStore;

/** What a session holds now, for a worker entry that inspects it (the e2e build's test hooks). */
export interface SessionState {
  /** The run in progress, or null. */
  run: ActiveRun | null;
  /** What the last ended run (or an import) left: the current dictionary when no run is in progress. */
  outcome: Outcome | null;
}

export interface TrainingSession {
  api: TrainingApi;
  state(): SessionState;
}

export function createTrainingSession(store: CheckpointStore = indexedDbStore): TrainingSession {
  let listener: ((event: TrainingEvent) => void) | null = null;
  let encoder: Promise<ClipEncoder> | undefined;
  let backend: Promise<BackendName> | undefined;
  let run: ActiveRun | null = null;
  let outcome: Outcome | null = null;
  /** Set by Import: the next run starts from this dictionary. */
  let imported: { files: StoredDictionary; name: string } | null = null;
  const device = createDeviceWatch();
  let lastProgressAt = 0;
  /** Aborts the relabelling in progress (a new run or an import supersedes it). */
  let relabelling: AbortController | null = null;

  function emit(event: TrainingEvent): void {
    listener?.(event);
  }

  function notice(level: 'info' | 'warning' | 'error', message: string): void {
    emit({ type: 'notice', level, message });
  }

  /**
   * The tfjs backend, chosen once (WebGPU → WASM → cpu; without a preference, WASM where WebGPU is a
   * software fallback); a lost GPU device is watched from then on.
   */
  function ensureBackend(preferred?: BackendName): Promise<BackendName> {
    backend ??= initBackend(preferred).then((choice) => {
      device.watch();
      if (choice.backend !== (preferred ?? 'webgpu')) notice('info', `Training on ${choice.backend}: ${choice.reason}`);
      return choice.backend;
    });
    return backend;
  }

  /** Loads files as a dictionary for the loaded encoder (LucidFormatError naming any mismatch). */
  async function fromFiles(files: StoredDictionary, source: string): Promise<Dictionary> {
    return loadFiles(files, source, (await ensureEncoder()).info);
  }

  function ensureEncoder(): Promise<ClipEncoder> {
    if (!encoder) {
      configureClipForBrowser({ allowRemote: false });
      // The towers run on ONNX Runtime's WASM: tfjs holds the GPU for training, and Emoji-CLIP is
      // small enough that encoding is a few ms per image on the CPU.
      encoder = loadClipEncoder(EMBEDDED_MODEL_ID, { device: 'wasm' });
      encoder.catch(() => (encoder = undefined));
    }
    return encoder;
  }

  function progress(r: ActiveRun, force = false): void {
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
    emit(event);
  }

  function setPhase(r: ActiveRun, phase: TrainingPhase): void {
    r.phase = phase;
    progress(r, true);
  }

  /** Makes `dictionary` the run's model at `step`, with a fresh optimiser and a good-weights copy. */
  function adopt(r: ActiveRun, dictionary: Dictionary, step: number, guard?: GuardState): void {
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

  /** Adopts a checkpoint: its weights, step and guard, and Adam's moments when it saved them. */
  async function adoptCheckpoint(r: ActiveRun, saved: CheckpointRecord): Promise<void> {
    adopt(r, await fromFiles(saved.dictionary, r.runId), saved.step, saved.guard);
    if (!saved.trainer) return;
    try {
      await r.trainer!.restoreState(saved.trainer);
    } catch (error) {
      r.trainer!.dispose();
      r.trainer = createTrainer(r.dictionary!.model);
      notice('info', `Adam's state in the checkpoint was not usable (${(error as Error).message}); it starts afresh.`);
    }
  }

  /** Decodes and encodes one image (or takes it from the cache); pixels are dropped right after. */
  async function encodeImage(r: ActiveRun, image: RunImage): Promise<void> {
    let record = await store.getActivations(image.cacheKey).catch(() => undefined);
    if (!record) {
      if (!image.file) {
        notice('warning', `${image.path}: its activations are no longer cached; choose the folder again to include it`);
        return;
      }
      record = await encodeFile(image);
      try {
        await store.putActivations(image.cacheKey, record);
      } catch (error) {
        if (!r.cacheWarned) {
          r.cacheWarned = true;
          notice(
            'warning',
            isQuotaExceeded(error)
              ? 'Browser storage is full: activations are kept in memory only (a reload will need the folder again).'
              : `Activations could not be cached (${(error as Error).message}); training goes on from memory.`,
          );
        }
      }
      if ('failed' in record) notice('warning', record.failed);
    }
    if ('failed' in record) return;
    r.examples.push({ path: image.path, ...record });
  }

  async function encodeFile(image: RunImage): Promise<ActivationRecord> {
    const clip = await ensureEncoder();
    let patches: Float32Array;
    try {
      patches = (await clip.encodeImage(await decodeImage(image.file!, image.path))).patches;
    } catch (error) {
      // Decoding errors already start with the file's name; others get it here.
      const prefix = `${image.path}: `;
      const message = (error as Error).message;
      return { failed: `${prefix}skipped: ${message.startsWith(prefix) ? message.slice(prefix.length) : message}` };
    }
    if (!image.caption) return { patches };
    try {
      const text = await clip.encodeText(image.caption);
      return { patches, tokens: text.hidden, contentMask: text.contentMask };
    } catch (error) {
      notice('warning', `${image.path}: caption not used (${(error as Error).message}); training on the image alone`);
      return { patches };
    }
  }

  /** The next batch to train on; encodes the next chunk of images first while any are left. */
  async function nextBatch(r: ActiveRun): Promise<PlannedBatch | null> {
    while (r.queue.length === 0) {
      if (r.nextImage < r.images.length) {
        const first = r.examples.length;
        const started = performance.now();
        const startImage = r.nextImage;
        while (r.examples.length - first < r.settings.batchSize && r.nextImage < r.images.length && !r.stopRequested) {
          await encodeImage(r, r.images[r.nextImage++]);
          progress(r);
          await nextTask();
        }
        const seconds = (performance.now() - started) / 1000;
        r.imageRate.observe(r.nextImage - startImage, seconds);
        r.window.encodeSeconds += seconds;
        if (r.stopRequested) return null;
        if (!r.dictionary && r.examples.length > 0) await startFromScratch(r);
        const fresh = Array.from({ length: r.examples.length - first }, (_, i) => first + i);
        r.queue.push(...planBatches(fresh, (i) => hasCaption(r.examples[i]), r.settings.batchSize, r.rng));
      } else {
        if (r.examples.length === 0) return null;
        const all = r.examples.map((_, i) => i);
        r.queue.push(...planBatches(all, (i) => hasCaption(r.examples[i]), r.settings.batchSize, r.rng));
      }
    }
    return r.queue.shift()!;
  }

  /** A new dictionary sized to the encoder, its normalisation measured on the first chunk of images. */
  async function startFromScratch(r: ActiveRun): Promise<void> {
    const info = (await ensureEncoder()).info;
    const config = scratchConfig(info.dImage, info.dText);
    const patchRows = concatArrays(r.examples.map((e) => e.patches));
    const tokenRows = concatArrays(r.examples.filter((e) => e.tokens).map((e) => e.tokens!));
    const norm = {
      image: computeNormStats(patchRows, info.dImage),
      text: tokenRows.length
        ? computeNormStats(tokenRows, info.dText)
        : { mean: new Float32Array(info.dText), scale: 1 },
    };
    const dictionary = { model: createLucid(config, hashString(r.runId)), norm };
    adopt(r, dictionary, 0);
    r.baseline = await toFiles(dictionary, { encoder: info.id, startedFrom: 'scratch' });
    await saveRunRecord(r);
    emitStarted(r);
  }

  async function saveRunRecord(r: ActiveRun): Promise<void> {
    if (!r.baseline) return;
    try {
      await store.saveRun({
        runId: r.runId,
        createdAt: Date.now(),
        encoderId: EMBEDDED_MODEL_ID,
        settings: r.settings,
        images: r.images.map(({ path, caption, cacheKey }) => ({ path, caption, cacheKey })),
        start: r.start,
        baseline: r.baseline,
        interpretation: r.interpretation,
      });
    } catch (error) {
      notice(
        'warning',
        isQuotaExceeded(error) ? QUOTA_MESSAGE : `The run could not be saved: ${(error as Error).message}`,
      );
    }
  }

  function emitStarted(r: ActiveRun): void {
    emit({ type: 'started', runId: r.runId, start: r.start, history: r.history, settings: r.settings });
  }

  /** Reads the latest losses back, lets the guard judge them, and checkpoints when due. */
  async function readBack(r: ActiveRun): Promise<void> {
    const trainer = r.trainer!;
    const losses = await device.guarded(trainer.readLosses());
    const deadFraction = await device.guarded(trainer.readDeadFraction());
    const now = performance.now();
    if (r.window.start !== null && r.window.steps > 0) {
      r.stepRate.observe(r.window.steps, Math.max(0, (now - r.window.start) / 1000 - r.window.encodeSeconds));
    }
    r.window = { start: now, steps: 0, encodeSeconds: 0 };
    r.lastReadStep = r.step;
    const decision = observeLosses(r.guard, r.step, losses);
    r.guard = decision.state;
    if (decision.action === 'accept') {
      takeSnapshot(r);
      const point: MetricsPoint = { ...losses, step: r.step, deadFraction, learningRate: r.guard.learningRate };
      r.history = appendCapped(r.history, point);
      emit({ type: 'metrics', point });
      if (r.step - r.lastCheckpointStep >= r.settings.checkpointEverySteps) await checkpoint(r, false);
      return;
    }
    const badStep = r.step;
    restoreSnapshot(r);
    r.step = r.guard.lastGoodStep;
    r.lastReadStep = r.step;
    r.history = historyUpTo(r.history, r.step);
    if (decision.action === 'abort') {
      throw new Error(
        `training diverged: ${decision.badTerms.join(', ')} stayed non-finite after ${r.guard.consecutiveRejections} ` +
          `rejections; the weights of step ${r.step} are kept`,
      );
    }
    // A new optimiser at the lower rate: Adam's moments may hold the non-finite values too.
    trainer.dispose();
    r.dictionary!.model.config = { ...r.dictionary!.model.config, learningRate: r.guard.learningRate };
    r.trainer = createTrainer(r.dictionary!.model);
    notice(
      'warning',
      `Step ${badStep} gave non-finite ${decision.badTerms.join(', ')}: those steps were rejected, the weights of ` +
        `step ${r.step} restored and the learning rate halved to ${r.guard.learningRate.toExponential(2)}.`,
    );
  }

  async function checkpoint(r: ActiveRun, completed: boolean): Promise<void> {
    r.lastCheckpointStep = r.step;
    try {
      // Reads the weights back from the GPU: guarded, or a device lost meanwhile would hang it forever.
      const dictionary = await device.guarded(toFiles(r.dictionary!, aboutRun(r)));
      const trainer = await device.guarded(r.trainer!.readState());
      const savedAt = Date.now();
      await store.saveCheckpoint({
        runId: r.runId,
        step: r.step,
        savedAt,
        dictionary,
        trainer,
        guard: r.guard,
        history: r.history,
        completed,
      });
      emit({ type: 'checkpoint', step: r.step, savedAt });
    } catch (error) {
      if (error instanceof DeviceLostError) throw error;
      if (isQuotaExceeded(error)) {
        if (!r.quotaWarned) notice('warning', QUOTA_MESSAGE);
        r.quotaWarned = true;
      } else {
        notice('warning', `Checkpoint at step ${r.step} was not saved: ${(error as Error).message}`);
      }
    }
  }

  function aboutRun(r: ActiveRun): Record<string, string | number> {
    return {
      encoder: EMBEDDED_MODEL_ID,
      startedFrom: `${r.start.kind}: ${r.start.source}`,
      steps: r.step,
      images: r.examples.length,
    };
  }

  /** After a lost GPU device: WASM from here on, from the last checkpoint (or the start). */
  async function recoverOnWasm(r: ActiveRun): Promise<void> {
    try {
      releaseTraining(r);
      if (r.dictionary) disposeLucid(r.dictionary.model);
    } catch {
      // The device is gone; its buffers go with it.
    }
    r.dictionary = null;
    await switchBackend('wasm');
    backend = Promise.resolve('wasm');
    device.watch();
    const saved = await store.loadCheckpoint(r.runId).catch(() => undefined);
    if (saved) {
      await adoptCheckpoint(r, saved);
      r.history = historyUpTo(saved.history, saved.step);
    } else {
      adopt(r, await fromFiles(r.baseline!, r.runId), 0);
      r.history = [];
    }
    r.queue = [];
    r.window = { start: null, steps: 0, encodeSeconds: 0 };
    notice('warning', `The GPU device was lost; training continues on WASM from the checkpoint at step ${r.step}.`);
    emitStarted(r);
  }

  /** The run's loop: one step per task, read-backs every N steps, until done, stopped or failed. */
  async function loop(r: ActiveRun): Promise<void> {
    setPhase(r, 'training');
    r.window = { start: performance.now(), steps: 0, encodeSeconds: 0 };
    try {
      while (r.step < r.settings.steps && !r.stopRequested) {
        if (r.paused) {
          await new Promise<void>((resolve) => (r.wake = resolve));
          r.window = { start: performance.now(), steps: 0, encodeSeconds: 0 };
          continue;
        }
        try {
          await trainOneStep(r);
        } catch (error) {
          // A lost device can make WebGPU calls fail before `lost` resolves: give it time to settle.
          if (!(error instanceof DeviceLostError)) await device.settle();
          if (!(error instanceof DeviceLostError) && !device.gone) throw error;
          await recoverOnWasm(r);
        }
        progress(r);
        await nextTask();
      }
      if (!r.dictionary) {
        if (!r.stopRequested) throw new Error('no image in the folder could be read');
        setPhase(r, 'idle');
        emit({ type: 'finished', step: 0, reason: 'stopped' });
        run = null;
        return;
      }
      if (r.lastReadStep !== r.step) await readBack(r);
      await checkpoint(r, r.step >= r.settings.steps);
      finish(r, r.step >= r.settings.steps ? 'completed' : 'stopped');
    } catch (error) {
      notice('error', `Training stopped: ${(error as Error).message}`);
      if (r.dictionary) finish(r, 'failed');
      else {
        setPhase(r, 'failed');
        emit({ type: 'finished', step: r.step, reason: 'failed' });
        run = null;
      }
    }
  }

  async function trainOneStep(r: ActiveRun): Promise<void> {
    if (device.gone) throw new DeviceLostError();
    const planned = await nextBatch(r);
    if (!planned) {
      if (!r.stopRequested) r.stopRequested = true;
      return;
    }
    r.trainer!.step(assembleBatch(r.examples, planned, r.grid, r.dictionary!.norm));
    r.step++;
    r.window.steps++;
    if (r.step % r.settings.metricsEverySteps === 0 || r.step === r.settings.steps) await readBack(r);
  }

  function finish(r: ActiveRun, reason: 'completed' | 'stopped' | 'failed'): void {
    releaseTraining(r);
    if (outcome && outcome.dictionary.model !== r.dictionary!.model) disposeLucid(outcome.dictionary.model);
    outcome = {
      dictionary: r.dictionary!,
      start: r.start,
      baseline: r.baseline,
      interpretation: r.interpretation,
      examples: r.examples,
      grid: r.grid,
      history: r.history,
      captions: Object.fromEntries(r.images.map((image) => [image.path, image.caption])),
      relabelled: null,
    };
    setPhase(r, reason === 'failed' ? 'failed' : 'finished');
    emit({ type: 'finished', step: r.step, reason });
    run = null;
  }

  function requireIdle(action: string): void {
    if (run) throw new Error(`${action} is not possible while a run is in progress: stop it first`);
  }

  /** Starting dictionary of a new run: the imported one, else the pretrained one, else none (scratch). */
  async function chooseStart(r: ActiveRun): Promise<void> {
    if (imported) {
      r.start = { kind: 'imported', source: imported.name, latents: 0 };
      adopt(r, await fromFiles(imported.files, imported.name), 0);
      r.baseline = imported.files;
      return;
    }
    const pretrained = await fetchDictionaryFiles(PRETRAINED_URL);
    if (!pretrained) {
      notice('info', `No pretrained dictionary at ${PRETRAINED_URL}: training a new one sized to the encoder.`);
      return;
    }
    r.start = { kind: 'pretrained', source: PRETRAINED_URL, latents: 0 };
    adopt(r, await fromFiles(pretrained, PRETRAINED_URL), 0);
    r.baseline = { weights: pretrained.weights, config: pretrained.config };
    r.interpretation = pretrained.interpretation;
  }

  /**
   * Before any run or import, the dictionary in use is the pretrained one the explorer loaded (and a
   * run would start from): Export writes its files as shipped, interpretation included.
   */
  async function shippedFiles(): Promise<DictionaryFiles> {
    const pretrained = await fetchDictionaryFiles(PRETRAINED_URL);
    if (!pretrained) {
      throw new Error(`there is no dictionary yet (none is shipped at ${PRETRAINED_URL}): train or import one first`);
    }
    return pretrained;
  }

  function currentDictionary(): Dictionary {
    const dictionary = run?.dictionary ?? outcome?.dictionary;
    if (!dictionary) throw new Error('there is no dictionary yet: train or import one first');
    return dictionary;
  }

  const api: TrainingApi = {
    async subscribe(next) {
      listener = next;
      if (run) {
        emitStarted(run);
        progress(run, true);
      }
    },

    async findResumable() {
      if (run) return null;
      const saved = await store.latestUnfinished().catch(() => undefined);
      if (!saved) return null;
      const record = await store.loadRun(saved.runId);
      if (!record) return null;
      const cached = await store.countCached(record.images.map((image) => image.cacheKey));
      return {
        runId: saved.runId,
        step: saved.step,
        totalSteps: record.settings.steps,
        savedAt: saved.savedAt,
        images: record.images.length,
        activationsCached: cached === record.images.length,
      };
    },

    async discardRun(runId) {
      await store.deleteRun(runId);
    },

    async start(folder, requested, preferred) {
      requireIdle('Start');
      relabelling?.abort();
      // Checkpoints are written at read-backs (the only moments the weights are known to be finite).
      const settings = {
        ...requested,
        metricsEverySteps: Math.min(requested.metricsEverySteps, requested.checkpointEverySteps),
      };
      await ensureBackend(preferred);
      const clip = await ensureEncoder();
      const plan = await planFolder(folder, clip.info.id);
      let images = plan.images;
      if (images.length > MAX_IMAGES) {
        const stride = images.length / MAX_IMAGES;
        images = Array.from({ length: MAX_IMAGES }, (_, i) => images[Math.floor(i * stride)]);
        notice(
          'warning',
          `The folder has ${plan.images.length} images; this run uses ${MAX_IMAGES} of them, evenly spread.`,
        );
      }
      const captioned = images.filter((image) => image.caption).length;
      emit({
        type: 'folder',
        images: images.length,
        captioned,
        skipped: plan.skipped,
        captionMode: captionMode(captioned, images.length),
      });
      if (images.length === 0) throw new Error('the folder has no images (checked by content, not by name)');
      const runId = `run-${Date.now().toString(36)}`;
      const r = newRun(
        runId,
        settings,
        images.map((image) => ({
          path: image.path,
          caption: image.caption,
          cacheKey: image.cacheKey,
          file: image.file,
        })),
        clip.info.grid,
      );
      run = r;
      setPhase(r, 'preparing');
      try {
        await chooseStart(r);
      } catch (error) {
        run = null;
        setPhase(r, 'failed');
        throw error;
      }
      if (r.dictionary) {
        await saveRunRecord(r);
        emitStarted(r);
      }
      void loop(r);
    },

    async resumeRun(runId, folder, preferred) {
      requireIdle('Resume');
      relabelling?.abort();
      const [record, saved] = await Promise.all([store.loadRun(runId), store.loadCheckpoint(runId)]);
      if (!record || !saved) throw new Error('that run has no checkpoint any more');
      await ensureBackend(preferred);
      const clip = await ensureEncoder();
      const files = new Map<string, Blob>();
      if (folder)
        for (const image of (await planFolder(folder, clip.info.id)).images) files.set(image.cacheKey, image.file);
      const r = newRun(
        runId,
        record.settings,
        record.images.map((image) => ({ ...image, file: files.get(image.cacheKey) })),
        clip.info.grid,
      );
      r.start = { ...record.start };
      r.baseline = record.baseline;
      r.interpretation = record.interpretation;
      run = r;
      setPhase(r, 'preparing');
      try {
        await adoptCheckpoint(r, saved);
      } catch (error) {
        run = null;
        setPhase(r, 'failed');
        throw error;
      }
      r.history = historyUpTo(saved.history, saved.step);
      notice('info', `Resumed from the checkpoint at step ${saved.step}.`);
      emitStarted(r);
      void loop(r);
    },

    async pause() {
      if (!run || run.paused) return;
      run.paused = true;
      setPhase(run, 'paused');
    },

    async unpause() {
      if (!run || !run.paused) return;
      run.paused = false;
      setPhase(run, 'training');
      run.wake?.();
    },

    async stop() {
      if (!run) return;
      run.stopRequested = true;
      run.paused = false;
      setPhase(run, 'stopping');
      run.wake?.();
    },

    async exportFiles(): Promise<DictionaryFiles> {
      if (!run && !outcome) return shippedFiles();
      const dictionary = currentDictionary();
      const files = await toFiles(dictionary, run ? aboutRun(run) : { encoder: EMBEDDED_MODEL_ID });
      // Labels belong to the dictionary they were made for: only an ended run's carry over.
      const interpretation = outcome && !run ? await outcomeInterpretation(outcome, fromFiles) : null;
      return { ...files, interpretation };
    },

    async importFiles(weights, config, name) {
      requireIdle('Import');
      relabelling?.abort();
      await ensureBackend();
      const files = { weights, config };
      const dictionary = await fromFiles(files, name);
      if (outcome) disposeLucid(outcome.dictionary.model);
      const start: StartingPoint = { kind: 'imported', source: name, latents: latentCount(dictionary.model.config) };
      // The imported files become the dictionary to export, compare against nothing, and start the next run from.
      outcome = {
        dictionary,
        start,
        baseline: null,
        interpretation: null,
        examples: outcome?.examples ?? [],
        grid: outcome?.grid ?? (await ensureEncoder()).info.grid,
        history: outcome?.history ?? [],
        captions: outcome?.captions ?? {},
        relabelled: null,
      };
      imported = { files, name };
      return start;
    },

    async compare(): Promise<DictionaryComparison> {
      if (!outcome || run) throw new Error('the comparison is available once a run has ended');
      return compareOutcome(outcome, fromFiles);
    },

    async relabel() {
      const o = outcome;
      if (!o || run) throw new Error('relabelling is possible once a run has ended');
      if (o.examples.length === 0) throw new Error('no images were encoded in this session');
      relabelling?.abort();
      const controller = new AbortController();
      relabelling = controller;
      try {
        const { interpretation, summary } = await relabelOutcome(
          o,
          await ensureEncoder(),
          fromFiles,
          controller.signal,
        );
        // A run or an import since then made another dictionary current: these labels are not its.
        if (outcome === o) o.relabelled = JSON.stringify(interpretation);
        return summary;
      } finally {
        if (relabelling === controller) relabelling = null;
      }
    },

    async history() {
      return run?.history ?? outcome?.history ?? [];
    },
  };
  return { api, state: () => ({ run, outcome }) };
}
