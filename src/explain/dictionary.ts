import type { EncoderInfo } from '../clip/encoder';
import { type Modality, latentCount } from '../lucid/config';
import { LucidFormatError } from '../lucid/errors';
import { disposeLucid, type LucidModel } from '../lucid/model';
import type { NormStats } from '../lucid/normalization';
import { loadLucid } from '../lucid/weightsIO';
import type { LatentMatch } from '../lucid/interop/pair';
import type { Interpretation } from './types';

/** A dictionary ready to explain one encoder's activations. */
export interface LoadedDictionary {
  source: string;
  model: LucidModel;
  norm: Record<Modality, NormStats>;
  interpretation: Interpretation | null;
  /**
   * For an image SAE and a text SAE opened as a pair: which text latent goes with which image latent,
   * matched after the fact (src/lucid/interop/pair.ts); null or absent otherwise.
   */
  matching?: LatentMatch[] | null;
}

/** File names of a dictionary bundle (a folder or URL base). */
export const DICTIONARY_FILES = {
  weights: 'lucid.safetensors',
  config: 'lucid.config.json',
  interpretation: 'interpretation.json',
} as const;

/**
 * Builds a dictionary from its files and checks it fits the encoder (input widths, and the
 * interpretation's latent count); every problem is a LucidFormatError that starts with the name of the
 * file at fault ("lucid.safetensors: truncated (…)", "lucid.config.json: missing field 'k'").
 * Nothing is kept on failure, so a caller's current dictionary stays as it was.
 */
export function dictionaryFromFiles(
  source: string,
  weights: Uint8Array,
  configJson: string,
  interpretationJson: string | null,
  encoder: Pick<EncoderInfo, 'id' | 'dImage' | 'dText'>,
): LoadedDictionary {
  const { model, norm } = loadLucid(weights, configJson, DICTIONARY_FILES);
  try {
    const { dImage, dText } = model.config;
    if (dImage !== encoder.dImage || dText !== encoder.dText) {
      throw new LucidFormatError(
        `${DICTIONARY_FILES.config}: this dictionary reads activations of width ${dImage} (image) and ${dText} (text), ` +
          `but ${encoder.id} gives ${encoder.dImage} and ${encoder.dText}`,
      );
    }
    const interpretation = interpretationJson === null ? null : parseInterpretation(interpretationJson, model);
    return { source, model, norm, interpretation };
  } catch (error) {
    disposeLucid(model);
    throw error;
  }
}

/** Parses interpretation.json and checks that it describes every latent of the model. */
export function parseInterpretation(json: string, model: LucidModel): Interpretation {
  let interpretation: Interpretation;
  try {
    interpretation = JSON.parse(json) as Interpretation;
  } catch {
    throw new LucidFormatError(`${DICTIONARY_FILES.interpretation}: not valid JSON`);
  }
  const m = latentCount(model.config);
  const latents = (interpretation as Partial<Interpretation> | null)?.latents;
  if (!Array.isArray(latents) || latents.length !== m) {
    throw new LucidFormatError(
      `${DICTIONARY_FILES.interpretation}: describes ${Array.isArray(latents) ? latents.length : 'no'} latents; the dictionary has ${m}`,
    );
  }
  return interpretation;
}

export function disposeDictionary(dictionary: LoadedDictionary): void {
  disposeLucid(dictionary.model);
}
