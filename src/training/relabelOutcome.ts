/**
 * Relabelling an ended run: the trained dictionary and its starting point are both named by the
 * same pipeline on the same images (`relabel.ts`), so a label differs only where training moved a
 * latent, not because the vocabulary or the reference images differ from the pretrained build.
 */
import type { ClipEncoder } from '../clip/encoder';
import type { Interpretation } from '../explain/types';
import { latentCount } from '../lucid/config';
import { disposeLucid } from '../lucid/model';
import { loadVocabulary } from '../interpret/vocabulary';
import type { RelabelSummary } from './api';
import * as store from './checkpointStore';
import { type Dictionary, latentChange } from './dictionaryFiles';
import type { LoadDictionary } from './outcome';
import {
  MAX_REFERENCE_IMAGES,
  type TermActivations,
  encodeTerms,
  labelChanges,
  relabelDictionary,
  termActivationsKey,
} from './relabel';
import type { Outcome } from './runState';

/** Changed latents listed in the summary, and new labels. */
const CHANGED_SHOWN = 12;
const NEW_LABELS_SHOWN = 20;

/** The vocabulary's activations for `encoder`: from IndexedDB, else encoded now and cached. */
async function termActivations(encoder: ClipEncoder, signal: AbortSignal): Promise<TermActivations> {
  const vocabulary = await loadVocabulary();
  const key = termActivationsKey(encoder.info.id, vocabulary);
  const cached = await store.getTermActivations(key).catch(() => undefined);
  if (cached) return cached;
  const fresh = await encodeTerms(encoder, vocabulary, { signal });
  // Not caching (a full disk) only costs the next relabelling a few seconds.
  await store.saveTermActivations(fresh).catch(() => undefined);
  return fresh;
}

/**
 * The trained dictionary's interpretation on the run's images, and what changed against the starting
 * dictionary labelled the same way.
 */
export async function relabelOutcome(
  o: Outcome,
  encoder: ClipEncoder,
  load: LoadDictionary,
  signal: AbortSignal,
): Promise<{ interpretation: Interpretation; summary: RelabelSummary }> {
  const started = performance.now();
  const terms = await termActivations(encoder, signal);
  const examples = o.examples.map((example) => ({ ...example, caption: o.captions[example.path] ?? null }));
  const relabel = (dictionary: Dictionary, source: string) =>
    relabelDictionary({
      dictionary: { source, ...dictionary, interpretation: null },
      encoder,
      termActivations: terms,
      examples,
      grid: o.grid,
      signal,
    });
  const after = await relabel(o.dictionary, 'fine-tuned');
  let before: Interpretation | null = null;
  let change: Float32Array | null = null;
  if (o.baseline) {
    const baseline = await load(o.baseline, 'baseline');
    try {
      if (latentCount(baseline.model.config) === latentCount(o.dictionary.model.config)) {
        before = await relabel(baseline, 'baseline');
        change = await latentChange(baseline, o.dictionary);
      }
    } finally {
      disposeLucid(baseline.model);
    }
  }
  const { changed, newLabels } = before
    ? labelChanges(before, after)
    : { changed: [], newLabels: [...new Set(after.latents.flatMap((l) => (l.label ? [l.label] : [])))] };
  if (change) changed.sort((a, b) => change[b.id] - change[a.id]);
  return {
    interpretation: after,
    summary: {
      images: Math.min(o.examples.length, MAX_REFERENCE_IMAGES),
      changedCount: changed.length,
      changed: changed.slice(0, CHANGED_SHOWN),
      newLabels: newLabels.slice(0, NEW_LABELS_SHOWN),
      compared: before !== null,
      seconds: (performance.now() - started) / 1000,
    },
  };
}
