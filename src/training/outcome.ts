/**
 * What an ended run leaves (the trained dictionary, its starting point, the images it saw) and what
 * is measured on it: the before/after comparison, and the interpretation its export carries.
 */
import type { Interpretation } from '../explain/types';
import { latentCount } from '../lucid/config';
import { measureDictionary } from '../lucid/metrics';
import { disposeLucid } from '../lucid/model';
import { makeRng } from '../lucid/random';
import type { DictionaryComparison } from './api';
import { assembleBatch, hasCaption, planBatches } from './batching';
import type { StoredDictionary } from './checkpointStore';
import { carryInterpretation, mostChanged } from './comparison';
import { type Dictionary, latentChange } from './dictionaryFiles';
import { firedLatents } from './measure';
import type { Outcome } from './runState';

/** Latents listed in the before/after comparison. */
const CHANGED_LATENTS_SHOWN = 12;
/** Pairs per evaluation batch. */
const EVALUATION_BATCH = 16;

/** Loads stored files as a dictionary for the session's encoder. */
export type LoadDictionary = (files: StoredDictionary, source: string) => Promise<Dictionary>;

/** Runs `use` on the outcome's starting dictionary; null when there is none of the same size. */
async function withBaseline<T>(
  o: Outcome,
  load: LoadDictionary,
  use: (baseline: Dictionary) => Promise<T>,
): Promise<T | null> {
  if (!o.baseline) return null;
  const baseline = await load(o.baseline, 'baseline');
  try {
    if (latentCount(baseline.model.config) !== latentCount(o.dictionary.model.config)) return null;
    return await use(baseline);
  } finally {
    disposeLucid(baseline.model);
  }
}

/** The run's images in fixed batches (same for both dictionaries), normalised for `dictionary`. */
function evaluationBatches(o: Outcome, dictionary: Dictionary) {
  const indices = o.examples.map((_, i) => i);
  const batches = planBatches(indices, (i) => hasCaption(o.examples[i]), EVALUATION_BATCH, makeRng(7));
  return batches.map((planned) => assembleBatch(o.examples, planned, o.grid, dictionary.norm));
}

/** FVU before and after on the run's images, newly active latents, and the latents that moved most. */
export async function compareOutcome(o: Outcome, load: LoadDictionary): Promise<DictionaryComparison> {
  if (o.examples.length === 0) throw new Error('no images were encoded in this session');
  const result = await withBaseline(o, load, async (baseline) => {
    const before = await measureDictionary(baseline.model, evaluationBatches(o, baseline));
    const after = await measureDictionary(o.dictionary.model, evaluationBatches(o, o.dictionary));
    const firedBefore = await firedLatents(baseline.model, evaluationBatches(o, baseline));
    const firedAfter = await firedLatents(o.dictionary.model, evaluationBatches(o, o.dictionary));
    const change = await latentChange(baseline, o.dictionary);
    const labels = o.interpretation
      ? (JSON.parse(o.interpretation) as Interpretation).latents.map((latent) => latent.label)
      : [];
    return {
      before: { fvuImage: before.fvuImage, fvuText: before.fvuText },
      after: { fvuImage: after.fvuImage, fvuText: after.fvuText },
      images: o.examples.length,
      changed: mostChanged(change, CHANGED_LATENTS_SHOWN, labels),
      newlyActive: firedAfter.reduce((n, fired, i) => n + (fired && !firedBefore[i] ? 1 : 0), 0),
      labelled: labels.length > 0,
    };
  });
  if (!result) throw new Error('this dictionary has no starting point to compare with (it was imported)');
  return result;
}

/**
 * The interpretation.json text the trained dictionary is exported with: its own once relabelled,
 * else the starting dictionary's without the labels of latents that turned away from what they
 * named; null when there is neither.
 */
export async function outcomeInterpretation(o: Outcome, load: LoadDictionary): Promise<string | null> {
  if (o.relabelled) return o.relabelled;
  if (!o.interpretation || !o.baseline) return null;
  const change = await withBaseline(o, load, (baseline) => latentChange(baseline, o.dictionary));
  if (!change) return null;
  return JSON.stringify(carryInterpretation(JSON.parse(o.interpretation) as Interpretation, change));
}
