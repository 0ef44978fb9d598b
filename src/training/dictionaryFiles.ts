/**
 * A dictionary as the training worker holds it (model and normalisation) and as it is stored,
 * exported and imported (the two files `lucid` and the explorer read).
 */
import { type EncoderInfo } from '../clip/encoder';
import { DICTIONARY_FILES, dictionaryFromFiles } from '../explain/dictionary';
import type { Modality } from '../lucid/config';
import type { LucidModel } from '../lucid/model';
import type { NormStats } from '../lucid/normalization';
import { saveLucid } from '../lucid/weightsIO';
import { fetchOptional } from '../worker/fetchOptional';
import type { StoredDictionary } from './checkpointStore';
import { directionChange, largerChange } from './comparison';

/** A dictionary with its normalisation. */
export interface Dictionary {
  model: LucidModel;
  norm: Record<Modality, NormStats>;
}

/** Here any failure to fetch (offline, a server error) counts as "no dictionary", as before. */
async function fetchLenient(url: string): Promise<Response | null> {
  try {
    return await fetchOptional(url);
  } catch {
    return null;
  }
}

/** The dictionary files served under `base` (ending in /), or null when they do not exist (yet). */
export async function fetchDictionaryFiles(
  base: string,
): Promise<(StoredDictionary & { interpretation: string | null }) | null> {
  const [weights, config, interpretation] = await Promise.all(
    Object.values(DICTIONARY_FILES).map((file) => fetchLenient(base + file)),
  );
  if (!weights || !config) return null;
  return {
    weights: new Uint8Array(await weights.arrayBuffer()),
    config: await config.text(),
    interpretation: interpretation ? await interpretation.text() : null,
  };
}

/** The two files of `dictionary`, with `about` recorded in the config. */
export async function toFiles(
  dictionary: Dictionary,
  about: Record<string, string | number>,
): Promise<StoredDictionary> {
  const saved = await saveLucid(dictionary.model, dictionary.norm, about);
  return { weights: saved.weights, config: JSON.stringify(saved.config, null, 2) + '\n' };
}

/** Loads files as a dictionary for `encoder` (LucidFormatError naming any mismatch). */
export function fromFiles(files: StoredDictionary, source: string, encoder: EncoderInfo): Dictionary {
  const { model, norm } = dictionaryFromFiles(source, files.weights, files.config, null, encoder);
  return { model, norm };
}

/** Old-vs-new decoder direction change per latent (larger of the two modalities) [m]. */
export async function latentChange(before: Dictionary, after: Dictionary): Promise<Float32Array> {
  const read = async (d: Dictionary, modality: Modality) => (await d.model[modality].wDec.data()) as Float32Array;
  const image = directionChange(await read(before, 'image'), await read(after, 'image'), after.model.config.dImage);
  const text = directionChange(await read(before, 'text'), await read(after, 'text'), after.model.config.dText);
  return largerChange(image, text);
}
