import { type Modality, MODALITIES, inputWidth, makeConfig } from '../config';
import { LucidFormatError } from '../errors';
import { type LucidArrays, type LucidModel, lucidFromArrays } from '../model';
import { type NormStats, identityNorm } from '../normalization';
import { parseJsonObject } from './files';
import type { ReadFile } from './saelensExport';
import { type SingleSae, type TowerWidths, chooseModality } from './singleSae';

/** The subfolder of a pair that holds each tower's SAE. */
export const PAIR_FOLDERS: Record<Modality, string> = { image: 'image', text: 'text' };

/** The optional post-hoc matching of a pair's latents (docs/interop.md). */
export const MATCHING_FILE = 'matching.json';

/** A text latent matched to an image latent after the fact, in LUCID ids, with the measure's score. */
export interface LatentMatch {
  image: number;
  text: number;
  score: number;
}

/** matching.json as `lucid match` writes it: latent indices are each SAE's own (0-based). */
export interface MatchingFile {
  /** What the score is ("centred co-activation": the Pearson correlation of per-pair max codes). */
  measure: string;
  /** Image–caption pairs the co-activations were counted over. */
  pairsSeen: number;
  /** [image latent, text latent, score], one per matched text latent. */
  pairs: [number, number, number][];
}

/**
 * One k for both towers: LUCID keeps the same number of latents per row on either side, and no more
 * than a side has. A standard ReLU SAE keeps every positive latent, which is Top-K with k = d_sae, so it
 * pairs with a Top-K SAE of that k or a ReLU SAE of that width.
 */
function pairK(saes: Record<Modality, SingleSae>): number {
  const { image, text } = saes;
  if (image.k === text.k) return image.k;
  const says = (sae: SingleSae) =>
    sae.k === sae.dSae ? `k = ${sae.k} (a ReLU SAE keeps all ${sae.dSae})` : `k = ${sae.k}`;
  throw new LucidFormatError(
    `${text.label}: ${says(text)}, but ${image.label} has ${says(image)}; a pair needs one k, since LUCID keeps ` +
      'the same number of latents per row in both towers',
  );
}

/**
 * A LUCID dictionary holding an image SAE and a text SAE side by side: no shared latents, the image
 * SAE's latents at ids 0…m_i − 1 (image-private) and the text SAE's at m_i… (text-private), each
 * tower's weights as its SAE has them and zero for the other tower's latents. Normalisation is the
 * identity: both SAEs read raw activations.
 */
export function lucidFromPair(
  saes: Record<Modality, SingleSae>,
  encoder: TowerWidths,
): { model: LucidModel; norm: Record<Modality, NormStats> } {
  for (const modality of MODALITIES) {
    const reads = chooseModality(saes[modality], encoder);
    if (reads !== modality) {
      throw new LucidFormatError(
        `${saes[modality].label}: the SAE in ${PAIR_FOLDERS[modality]}/ reads the ${reads} tower (width ${saes[modality].dIn})`,
      );
    }
  }
  const dims = { dImage: encoder.dImage, dText: encoder.dText };
  const k = pairK(saes);
  const config = makeConfig(dims, {
    nShared: 0,
    nImagePrivate: saes.image.dSae,
    nTextPrivate: saes.text.dSae,
    k,
    kPrivate: k,
    alignK: 0,
  });
  const m = saes.image.dSae + saes.text.dSae;
  const arrays = { dustbinCost: config.dustbinCostInit } as LucidArrays;
  for (const modality of MODALITIES) {
    const sae = saes[modality];
    const d = inputWidth(config, modality);
    const start = modality === 'image' ? 0 : saes.image.dSae;
    const tower = {
      wEnc: new Float32Array(d * m),
      bEnc: new Float32Array(m),
      wDec: new Float32Array(m * d),
      bPre: Float32Array.from(sae.bPre),
    };
    for (let j = 0; j < sae.dSae; j++) {
      for (let i = 0; i < d; i++) tower.wEnc[i * m + start + j] = sae.wEnc[i * sae.dSae + j];
      tower.wDec.set(sae.wDec.subarray(j * d, (j + 1) * d), (start + j) * d);
      tower.bEnc[start + j] = sae.bEnc[j];
    }
    arrays[modality] = tower;
  }
  return {
    model: lucidFromArrays(config, arrays),
    norm: { image: identityNorm(dims.dImage), text: identityNorm(dims.dText) },
  };
}

/**
 * Parses matching.json for a pair of `imageLatents` and `textLatents` latents and returns it in LUCID
 * ids (text ids follow the image ones). Every problem names the file: a latent out of range, a latent
 * matched twice, a score that is not a finite number.
 */
export function parseMatching(text: string, imageLatents: number, textLatents: number): LatentMatch[] {
  const label = MATCHING_FILE;
  const file = parseJsonObject(text, label);
  if (!Array.isArray(file.pairs)) throw new LucidFormatError(`${label}: no "pairs" array`);
  const seen: Record<Modality, Set<number>> = { image: new Set(), text: new Set() };
  return file.pairs.map((entry: unknown, index) => {
    if (!Array.isArray(entry) || entry.length !== 3 || !entry.every((v) => typeof v === 'number')) {
      throw new LucidFormatError(`${label}: pairs[${index}] must be [image latent, text latent, score]`);
    }
    const [image, text, score] = entry as [number, number, number];
    for (const [modality, id, count] of [
      ['image', image, imageLatents],
      ['text', text, textLatents],
    ] as const) {
      if (!Number.isInteger(id) || id < 0 || id >= count) {
        throw new LucidFormatError(
          `${label}: pairs[${index}] names ${modality} latent ${id}, but the ${modality} SAE has ${count} (0…${count - 1})`,
        );
      }
      if (seen[modality].has(id)) {
        throw new LucidFormatError(`${label}: ${modality} latent ${id} is matched twice (pairs[${index}])`);
      }
      seen[modality].add(id);
    }
    if (!Number.isFinite(score)) throw new LucidFormatError(`${label}: pairs[${index}] has no finite score`);
    return { image, text: imageLatents + text, score };
  });
}

/** Reads matching.json beside a pair, when there is one. */
export async function readMatching(read: ReadFile, model: LucidModel): Promise<LatentMatch[] | null> {
  const bytes = await read(MATCHING_FILE);
  if (!bytes) return null;
  return parseMatching(new TextDecoder().decode(bytes), model.config.nImagePrivate, model.config.nTextPrivate);
}
