/**
 * Starting a run: a new one on a folder (planned, at most MAX_IMAGES, from the imported, the
 * pretrained or a new dictionary), or a saved one from its checkpoint. Both then hand over to the
 * run loop and return without waiting for it.
 */
import type { BackendName } from '../backend';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import type { TrainSettings } from './api';
import { fetchDictionaryFiles } from './dictionaryFiles';
import { captionMode, planFolder, type FolderFile } from './folderPlan';
import { historyUpTo } from './history';
import { adoptCheckpoint, saveRunRecord } from './persistence';
import { loop } from './runLoop';
import { type ActiveRun, adopt, newRun } from './runState';
import type { SessionContext } from './sessionContext';

/** The pretrained dictionary of the embedded model (may be missing while it is being trained). */
export const PRETRAINED_URL = `${import.meta.env.BASE_URL}dictionaries/${EMBEDDED_MODEL_ID}/`;
/** Most images a run keeps (≈ 75 kB of activations each for Emoji-CLIP: 150 MB). */
export const MAX_IMAGES = 2000;

/** Starts a new run on `folder`; resolves once it is training (or encoding its first chunk). */
export async function startRun(
  session: SessionContext,
  folder: FolderFile[],
  requested: TrainSettings,
  preferred?: BackendName,
): Promise<void> {
  // Checkpoints are written at read-backs (the only moments the weights are known to be finite).
  const settings = {
    ...requested,
    metricsEverySteps: Math.min(requested.metricsEverySteps, requested.checkpointEverySteps),
  };
  await session.ensureBackend(preferred);
  const clip = await session.ensureEncoder();
  const plan = await planFolder(folder, clip.info.id);
  let images = plan.images;
  if (images.length > MAX_IMAGES) {
    const stride = images.length / MAX_IMAGES;
    images = Array.from({ length: MAX_IMAGES }, (_, i) => images[Math.floor(i * stride)]);
    session.notice(
      'warning',
      `The folder has ${plan.images.length} images; this run uses ${MAX_IMAGES} of them, evenly spread.`,
    );
  }
  const captioned = images.filter((image) => image.caption).length;
  session.emit({
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
  await prepare(session, r, () => chooseStart(session, r));
  if (r.dictionary) {
    await saveRunRecord(session, r);
    session.started(r);
  }
  void loop(session, r);
}

/** Resumes a saved run from its checkpoint; `folder` gives back the images whose activations are not cached. */
export async function resumeRun(
  session: SessionContext,
  runId: string,
  folder: FolderFile[] | null,
  preferred?: BackendName,
): Promise<void> {
  const { store } = session;
  const [record, saved] = await Promise.all([store.loadRun(runId), store.loadCheckpoint(runId)]);
  if (!record || !saved) throw new Error('that run has no checkpoint any more');
  await session.ensureBackend(preferred);
  const clip = await session.ensureEncoder();
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
  await prepare(session, r, () => adoptCheckpoint(session, r, saved));
  r.history = historyUpTo(saved.history, saved.step);
  session.notice('info', `Resumed from the checkpoint at step ${saved.step}.`);
  session.started(r);
  void loop(session, r);
}

/** Makes `r` the run in progress while `load` gives it its dictionary; if that fails, there is no run. */
async function prepare(session: SessionContext, r: ActiveRun, load: () => Promise<void>): Promise<void> {
  session.run = r;
  session.setPhase(r, 'preparing');
  try {
    await load();
  } catch (error) {
    session.run = null;
    session.setPhase(r, 'failed');
    throw error;
  }
}

/** Starting dictionary of a new run: the imported one, else the pretrained one, else none (scratch). */
async function chooseStart(session: SessionContext, r: ActiveRun): Promise<void> {
  const { imported } = session;
  if (imported) {
    r.start = { kind: 'imported', source: imported.name, latents: 0 };
    adopt(r, await session.fromFiles(imported.files, imported.name), 0);
    r.baseline = imported.files;
    return;
  }
  const pretrained = await fetchDictionaryFiles(PRETRAINED_URL);
  if (!pretrained) {
    session.notice('info', `No pretrained dictionary at ${PRETRAINED_URL}: training a new one sized to the encoder.`);
    return;
  }
  r.start = { kind: 'pretrained', source: PRETRAINED_URL, latents: 0 };
  adopt(r, await session.fromFiles(pretrained, PRETRAINED_URL), 0);
  r.baseline = { weights: pretrained.weights, config: pretrained.config };
  r.interpretation = pretrained.interpretation;
}
