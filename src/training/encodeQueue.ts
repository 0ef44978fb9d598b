/**
 * The encode queue: a run's images are decoded and encoded one by one (pixels are dropped as soon as
 * the CLIP towers have seen them; only activations are kept, in memory and in IndexedDB), and planned
 * into batches. The first epoch streams: each freshly encoded chunk of `batchSize` images is trained
 * on before the next is encoded.
 */
import { decodeImage } from '../clip/encoder';
import { concatArrays } from '../lucid/arrays';
import { createLucid } from '../lucid/model';
import { computeNormStats } from '../lucid/normalization';
import { type PlannedBatch, hasCaption, planBatches } from './batching';
import type { ActivationRecord } from './checkpointStore';
import { toFiles } from './dictionaryFiles';
import { saveRunRecord } from './persistence';
import { type ActiveRun, type RunImage, adopt, hashString } from './runState';
import { scratchConfig } from './scratchConfig';
import { type SessionContext, nextTask } from './sessionContext';
import { isQuotaExceeded } from './storageErrors';

/** The next batch to train on; encodes the next chunk of images first while any are left. */
export async function nextBatch(session: SessionContext, r: ActiveRun): Promise<PlannedBatch | null> {
  while (r.queue.length === 0) {
    if (r.nextImage < r.images.length) {
      const first = r.examples.length;
      const started = performance.now();
      const startImage = r.nextImage;
      while (r.examples.length - first < r.settings.batchSize && r.nextImage < r.images.length && !r.stopRequested) {
        await encodeImage(session, r, r.images[r.nextImage++]);
        session.progress(r);
        await nextTask();
      }
      const seconds = (performance.now() - started) / 1000;
      r.imageRate.observe(r.nextImage - startImage, seconds);
      r.window.encodeSeconds += seconds;
      if (r.stopRequested) return null;
      if (!r.dictionary && r.examples.length > 0) await startFromScratch(session, r);
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

/** Decodes and encodes one image (or takes it from the cache); pixels are dropped right after. */
async function encodeImage(session: SessionContext, r: ActiveRun, image: RunImage): Promise<void> {
  let record = await session.store.getActivations(image.cacheKey).catch(() => undefined);
  if (!record) {
    if (!image.file) {
      session.notice(
        'warning',
        `${image.path}: its activations are no longer cached; choose the folder again to include it`,
      );
      return;
    }
    record = await encodeFile(session, image);
    try {
      await session.store.putActivations(image.cacheKey, record);
    } catch (error) {
      if (!r.cacheWarned) {
        r.cacheWarned = true;
        session.notice(
          'warning',
          isQuotaExceeded(error)
            ? 'Browser storage is full: activations are kept in memory only (a reload will need the folder again).'
            : `Activations could not be cached (${(error as Error).message}); training goes on from memory.`,
        );
      }
    }
    if ('failed' in record) session.notice('warning', record.failed);
  }
  if ('failed' in record) return;
  r.examples.push({ path: image.path, ...record });
}

/** The image's patch activations, and its caption's token activations when it has a caption. */
async function encodeFile(session: SessionContext, image: RunImage): Promise<ActivationRecord> {
  const clip = await session.ensureEncoder();
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
    session.notice(
      'warning',
      `${image.path}: caption not used (${(error as Error).message}); training on the image alone`,
    );
    return { patches };
  }
}

/** A new dictionary sized to the encoder, its normalisation measured on the first chunk of images. */
async function startFromScratch(session: SessionContext, r: ActiveRun): Promise<void> {
  const info = (await session.ensureEncoder()).info;
  const config = scratchConfig(info.dImage, info.dText);
  const patchRows = concatArrays(r.examples.map((e) => e.patches));
  const tokenRows = concatArrays(r.examples.filter((e) => e.tokens).map((e) => e.tokens!));
  const norm = {
    image: computeNormStats(patchRows, info.dImage),
    text: tokenRows.length ? computeNormStats(tokenRows, info.dText) : { mean: new Float32Array(info.dText), scale: 1 },
  };
  const dictionary = { model: createLucid(config, hashString(r.runId)), norm };
  adopt(r, dictionary, 0);
  r.baseline = await toFiles(dictionary, { encoder: info.id, startedFrom: 'scratch' });
  await saveRunRecord(session, r);
  session.started(r);
}
