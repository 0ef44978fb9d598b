import * as tf from '@tensorflow/tfjs';
import type { ImageActivations, TextActivations } from '../clip/encoder';
import { type Modality, latentCount, latentKind, privateRange } from '../lucid/config';
import { type FoldedEncoder, foldEncoder, foldedPreActivations } from '../lucid/encode';
import { normalizeRows } from '../lucid/normalization';
import type { LucidModel } from '../lucid/model';
import { type RankingOptions, rankConcepts } from './conceptRanking';
import type { LoadedDictionary } from './dictionary';
import { capPrivateRow, topKPicker } from './topK';
import type { ImageAnalysis, ScoredLatent, TextAnalysis } from './types';

/** Pre-Top-K activations of one image or text: what every view is computed from. */
export interface Codes {
  /** Rows (patches or tokens). */
  rows: number;
  /** ReLU pre-activations, row-major [rows, m] (0 on latents the modality may not use). */
  pre: Float32Array;
  /** Top-K codes: per row the k latent ids and values, best first [rows · k]. */
  ids: Int32Array;
  values: Float32Array;
}

/**
 * Folded encoders (src/lucid/encode.ts `foldEncoder`), built on first use and kept with the model.
 * A tfjs variable gets a new `dataId` whenever it is assigned, so comparing them tells when a model
 * that is being trained needs a new fold; a disposed model's folds are disposed on the next call.
 */
const foldedEncoders = new Map<LucidModel, Partial<Record<Modality, { folded: FoldedEncoder; source: unknown[] }>>>();

function disposeFolded(folded: FoldedEncoder): void {
  tf.dispose([folded.weights, folded.bias]);
}

/** The model's folded encoder for `modality`, rebuilt only when its weights changed. */
export function foldedEncoderOf(model: LucidModel, modality: Modality): FoldedEncoder {
  for (const [other, entries] of foldedEncoders) {
    if (!other.image.wEnc.isDisposed) continue;
    for (const entry of Object.values(entries)) disposeFolded(entry.folded);
    foldedEncoders.delete(other);
  }
  const p = model[modality];
  const source = [p.wEnc.dataId, p.bEnc.dataId, p.bPre.dataId];
  const entries = foldedEncoders.get(model) ?? {};
  const cached = entries[modality];
  if (cached?.source.every((id, i) => id === source[i])) return cached.folded;
  if (cached) disposeFolded(cached.folded);
  const folded = foldEncoder(model, modality);
  tf.keep(folded.weights);
  tf.keep(folded.bias);
  entries[modality] = { folded, source };
  foldedEncoders.set(model, entries);
  return folded;
}

/**
 * Normalises activations with the dictionary's statistics and encodes them (rows × width).
 * One fused kernel on the device and one read-back: the pre-activations are needed on the host
 * anyway (heatmaps, transport), so Top-K runs there, over rows already in memory, instead of as
 * tfjs kernels whose results would be read back separately.
 */
export async function encodeRows(
  dictionary: LoadedDictionary,
  modality: Modality,
  activations: Float32Array,
): Promise<Codes> {
  const { model, norm } = dictionary;
  const width = modality === 'image' ? model.config.dImage : model.config.dText;
  const { k } = model.config;
  const m = latentCountOf(dictionary);
  const normalized = normalizeRows(activations, norm[modality]);
  const rows = normalized.length / width;
  const ids = new Int32Array(rows * k);
  const values = new Float32Array(rows * k);
  if (rows === 0) return { rows, pre: new Float32Array(0), ids, values };
  const encoder = foldedEncoderOf(model, modality);
  const pre = tf.tidy(() => foldedPreActivations(encoder, tf.tensor2d(normalized, [rows, width])));
  const preData = (await pre.data()) as Float32Array;
  pre.dispose();
  const [privateStart, privateEnd] = privateRange(model.config, modality);
  const pick = topKPicker(m, k);
  for (let r = 0; r < rows; r++) {
    capPrivateRow(preData, r * m + privateStart, r * m + privateEnd, model.config.kPrivate);
    pick(preData, r * m, m, ids, values, r * k);
  }
  return { rows, pre: preData, ids, values };
}

/** Latents ranked by their largest Top-K code over the given rows (all rows when `use` is omitted). */
export function rankByMaxCode(codes: Codes, k: number, use?: Uint8Array): ScoredLatent[] {
  return [...maxCodes(codes, k, use)].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}

/** Each fired latent's largest Top-K code over the given rows (all rows when `use` is omitted). */
export function maxCodes(codes: Codes, k: number, use?: Uint8Array): Map<number, number> {
  const best = new Map<number, number>();
  for (let r = 0; r < codes.rows; r++) {
    if (use && !use[r]) continue;
    for (let j = 0; j < k; j++) {
      const value = codes.values[r * k + j];
      if (value <= 0) continue;
      const id = codes.ids[r * k + j];
      best.set(id, Math.max(best.get(id) ?? 0, value));
    }
  }
  return best;
}

/** The product's ranking of concepts (src/explain/conceptRanking.ts) with this dictionary's interpretation. */
export function rankForDictionary(
  dictionary: LoadedDictionary,
  codes: Codes,
  modality: Modality,
  use?: Uint8Array,
  options?: RankingOptions,
): ScoredLatent[] {
  const { config } = dictionary.model;
  const latents = dictionary.interpretation?.latents;
  return rankConcepts(
    maxCodes(codes, config.k, use),
    modality,
    (id) => ({
      kind: latents?.[id]?.kind ?? latentKind(config, id),
      typical: latents?.[id]?.typical,
      imageRate: latents?.[id]?.imageRate,
      textRate: latents?.[id]?.textRate,
      label: latents?.[id]?.label,
    }),
    options,
  );
}

/** One latent's pre-activation over every row [rows]. */
export function latentColumn(codes: Codes, m: number, latent: number): Float32Array {
  const out = new Float32Array(codes.rows);
  for (let r = 0; r < codes.rows; r++) out[r] = codes.pre[r * m + latent];
  return out;
}

export function latentCountOf(dictionary: LoadedDictionary): number {
  return latentCount(dictionary.model.config);
}

/** The explorer's view of an encoded image (imageId and name are filled in by the caller). */
export async function analyzeImageActivations(
  dictionary: LoadedDictionary,
  image: ImageActivations,
): Promise<{ codes: Codes; analysis: Omit<ImageAnalysis, 'imageId' | 'name' | 'width' | 'height'> }> {
  const codes = await encodeRows(dictionary, 'image', image.patches);
  const k = dictionary.model.config.k;
  return {
    codes,
    analysis: {
      grid: image.grid,
      top: rankForDictionary(dictionary, codes, 'image').slice(0, 50),
      patchLatents: { k, ids: codes.ids, values: codes.values },
    },
  };
}

/** The explorer's view of an encoded text: tokens, their latents, and the neurons the text fires. */
export async function analyzeTextActivations(
  dictionary: LoadedDictionary,
  text: TextActivations,
): Promise<{ codes: Codes; analysis: TextAnalysis }> {
  const codes = await encodeRows(dictionary, 'text', text.hidden);
  const { k } = dictionary.model.config;
  const perToken: ScoredLatent[][] = [];
  for (let r = 0; r < codes.rows; r++) {
    const row: ScoredLatent[] = [];
    for (let j = 0; j < Math.min(k, 5); j++) {
      if (codes.values[r * k + j] > 0) row.push({ id: codes.ids[r * k + j], score: codes.values[r * k + j] });
    }
    perToken.push(row);
  }
  // A text of function words only ("the") still lists what its words fire.
  const use = text.contentMask.some((c) => c > 0) ? text.contentMask : undefined;
  const neurons = rankForDictionary(dictionary, codes, 'text', use);
  return { codes, analysis: { tokens: text.tokens, contentMask: text.contentMask, perToken, neurons } };
}

/**
 * Grounds a text in an image: heat_p = Σ_j s_j · a_pj over the text's top shared latents j, where
 * s_j is the latent's largest code on the text's content tokens and a_pj its pre-activation on patch p.
 * @returns heat per patch [patches] and the latents used
 */
export function groundText(
  dictionary: LoadedDictionary,
  image: Codes,
  text: TextAnalysis,
  latents = 5,
): { heat: Float32Array; latents: ScoredLatent[] } {
  const m = latentCountOf(dictionary);
  const used = text.neurons.filter((n) => n.id < dictionary.model.config.nShared).slice(0, latents);
  const heat = new Float32Array(image.rows);
  for (const { id, score } of used) {
    for (let p = 0; p < image.rows; p++) heat[p] += score * image.pre[p * m + id];
  }
  return { heat, latents: used };
}
