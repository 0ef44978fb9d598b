/**
 * Keeping a run across reloads, crashes and lost devices: the run record (what it trains on and
 * where it started), checkpoints at read-backs, finding a run to resume, adopting a checkpoint, and
 * carrying on on WASM from the last one when the GPU device is lost.
 */
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { disposeLucid } from '../lucid/model';
import { createTrainer } from '../lucid/trainer';
import type { ResumableRun } from './api';
import type { CheckpointRecord } from './checkpointStore';
import { DeviceLostError } from './deviceWatch';
import { toFiles } from './dictionaryFiles';
import { historyUpTo } from './history';
import { type ActiveRun, adopt, releaseTraining } from './runState';
import type { SessionContext } from './sessionContext';
import { QUOTA_MESSAGE, isQuotaExceeded } from './storageErrors';

/** Saves what the run trains on and where it started, so it can be resumed without its folder. */
export async function saveRunRecord(session: SessionContext, r: ActiveRun): Promise<void> {
  if (!r.baseline) return;
  try {
    await session.store.saveRun({
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
    session.notice(
      'warning',
      isQuotaExceeded(error) ? QUOTA_MESSAGE : `The run could not be saved: ${(error as Error).message}`,
    );
  }
}

/** Saves the weights, Adam's state and the guard at the current step; a full disk is said once per run. */
export async function checkpoint(session: SessionContext, r: ActiveRun, completed: boolean): Promise<void> {
  r.lastCheckpointStep = r.step;
  try {
    // Reads the weights back from the GPU: guarded, or a device lost meanwhile would hang it forever.
    const dictionary = await session.device.guarded(toFiles(r.dictionary!, aboutRun(r)));
    const trainer = await session.device.guarded(r.trainer!.readState());
    const savedAt = Date.now();
    await session.store.saveCheckpoint({
      runId: r.runId,
      step: r.step,
      savedAt,
      dictionary,
      trainer,
      guard: r.guard,
      history: r.history,
      completed,
    });
    session.emit({ type: 'checkpoint', step: r.step, savedAt });
  } catch (error) {
    if (error instanceof DeviceLostError) throw error;
    if (isQuotaExceeded(error)) {
      if (!r.quotaWarned) session.notice('warning', QUOTA_MESSAGE);
      r.quotaWarned = true;
    } else {
      session.notice('warning', `Checkpoint at step ${r.step} was not saved: ${(error as Error).message}`);
    }
  }
}

/** What a dictionary's config records about the run that made it. */
export function aboutRun(r: ActiveRun): Record<string, string | number> {
  return {
    encoder: EMBEDDED_MODEL_ID,
    startedFrom: `${r.start.kind}: ${r.start.source}`,
    steps: r.step,
    images: r.examples.length,
  };
}

/** The latest unfinished run with a checkpoint, or null (also while a run is in progress). */
export async function findResumable(session: SessionContext): Promise<ResumableRun | null> {
  if (session.run) return null;
  const { store } = session;
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
}

/** Adopts a checkpoint: its weights, step and guard, and Adam's moments when it saved them. */
export async function adoptCheckpoint(session: SessionContext, r: ActiveRun, saved: CheckpointRecord): Promise<void> {
  adopt(r, await session.fromFiles(saved.dictionary, r.runId), saved.step, saved.guard);
  if (!saved.trainer) return;
  try {
    await r.trainer!.restoreState(saved.trainer);
  } catch (error) {
    r.trainer!.dispose();
    r.trainer = createTrainer(r.dictionary!.model);
    session.notice(
      'info',
      `Adam's state in the checkpoint was not usable (${(error as Error).message}); it starts afresh.`,
    );
  }
}

/** After a lost GPU device: WASM from here on, from the last checkpoint (or the start). */
export async function recoverOnWasm(session: SessionContext, r: ActiveRun): Promise<void> {
  try {
    releaseTraining(r);
    if (r.dictionary) disposeLucid(r.dictionary.model);
  } catch {
    // The device is gone; its buffers go with it.
  }
  r.dictionary = null;
  await session.fallBackToWasm();
  const saved = await session.store.loadCheckpoint(r.runId).catch(() => undefined);
  if (saved) {
    await adoptCheckpoint(session, r, saved);
    r.history = historyUpTo(saved.history, saved.step);
  } else {
    adopt(r, await session.fromFiles(r.baseline!, r.runId), 0);
    r.history = [];
  }
  r.queue = [];
  r.window = { start: null, steps: 0, encodeSeconds: 0 };
  session.notice(
    'warning',
    `The GPU device was lost; training continues on WASM from the checkpoint at step ${r.step}.`,
  );
  session.started(r);
}
