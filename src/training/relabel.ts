/**
 * Relabelling a fine-tuned dictionary: the interpretation pipeline that `tools/lucid/interpret.ts`
 * runs at build time (`interpretDictionary`: term clustering, METHOD.md), run in the training worker
 * with the run's own images as the reference set. Two steps, so the costly one can be cached:
 *
 * 1. `encodeTerms`: every vocabulary term through the CLIP text tower. The result does not depend
 *    on the dictionary, only on the encoder and the vocabulary, so it is computed once and kept
 *    (IndexedDB) under `termActivationsKey`.
 * 2. `relabelDictionary`: the caption words the vocabulary lacks are encoded too, then the terms and
 *    the run's images go through the dictionary and `interpretDictionary` names every latent.
 *
 * There is no atlas PNG of the user's images (their pixels are dropped once encoded), so the
 * interpretation's `reference.atlas` is `NO_ATLAS`: `topPatches` still index the reference images
 * (in `reference.captions` order) but no evidence tiles can be cut. See docs/interpretation.md.
 */
import type { ClipEncoder, TextActivations } from '../clip/encoder';
import type { LoadedDictionary } from '../explain/dictionary';
import { interpretDictionary } from '../explain/interpretDictionary';
import type { Interpretation } from '../explain/types';
import { type Term, mergeCaptionWords } from '../interpret/vocabulary';
import { concatArrays } from '../lucid/arrays';
import { LucidInputError } from '../lucid/errors';
import { captionWords, distinctiveWords } from './captionWords';

/** `reference.atlas` of an interpretation whose reference images have no atlas (no evidence tiles). */
export const NO_ATLAS = '';
/** Most of the run's images used as reference images (evenly spaced), as many as the pretrained set. */
export const MAX_REFERENCE_IMAGES = 300;
/** Terms encoded between two yields to the event loop (~30–70 ms of work on Emoji-CLIP). */
const TERMS_PER_CHUNK = 64;

/**
 * The text tower's activations of a vocabulary, packed: only content-token rows are kept, because
 * a term's code is the largest Top-K code over its content tokens (`termCodes`). Plain typed arrays
 * and objects, so it can be stored in IndexedDB and transferred as is.
 */
export interface TermActivations {
  /** `termActivationsKey(encoderId, vocabulary)` of the vocabulary it was computed from. */
  key: string;
  /** The terms that encoded, in vocabulary order (a term the tokenizer refuses is left out). */
  terms: Term[];
  /** Width d_t of a token row. */
  width: number;
  /** Content-token rows of every term, concatenated, row-major [rows, width]. */
  hidden: Float32Array;
  /** Row where each term starts in `hidden`, plus the end: [terms + 1]. */
  offsets: Int32Array;
}

/** One of the run's images as the relabelling reads it (a `TrainExample` plus its caption). */
export interface RelabelExample {
  /** Path inside the folder: stands in for the caption in `reference.captions` when there is none. */
  path: string;
  /** Raw patch activations [patches, dImage]. */
  patches: Float32Array;
  /** Raw caption token activations [T, dText], when the image has a usable caption. */
  tokens?: Float32Array;
  /** 1 for a content token [T]. */
  contentMask?: Uint8Array;
  /** The caption's text (its words name image-private latents and join the vocabulary). */
  caption?: string | null;
}

export interface RelabelOptions {
  /** Called after each chunk of work with units done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between chunks; an aborted signal rejects with its reason (an `AbortError`). */
  signal?: AbortSignal;
}

export interface RelabelInput extends RelabelOptions {
  dictionary: LoadedDictionary;
  encoder: Pick<ClipEncoder, 'info' | 'encodeText'>;
  /** The vocabulary's activations from `encodeTerms` (cached or fresh). */
  termActivations: TermActivations;
  /** The run's images; more than `maxReferenceImages` are subsampled evenly. */
  examples: readonly RelabelExample[];
  /** Patch grid [rows, cols] of the examples. */
  grid: [number, number];
  /** Default `MAX_REFERENCE_IMAGES`. */
  maxReferenceImages?: number;
  /** Seed of the clustering and the map layout (default 1, as the build). */
  seed?: number;
}

/** Cache key of a vocabulary's activations: the encoder, the term count and a hash of the texts (FNV-1a). */
export function termActivationsKey(encoderId: string, vocabulary: readonly Term[]): string {
  let hash = 0x811c9dc5;
  for (const term of vocabulary) {
    for (let i = 0; i < term.text.length; i++) hash = Math.imul(hash ^ term.text.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0x0a, 0x01000193);
  }
  return `${encoderId}|${vocabulary.length}|${(hash >>> 0).toString(16)}`;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('relabelling was aborted', 'AbortError');
}

/** Lets pause/stop messages through and rejects if the signal was aborted. */
async function yieldAndCheck(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * Encodes every term with the text tower, in chunks (progress and the abort signal are handled
 * between chunks). Costs ~0.5–1.2 ms per term for Emoji-CLIP on 2 CPU cores (docs/interpretation.md).
 */
export async function encodeTerms(
  encoder: Pick<ClipEncoder, 'info' | 'encodeText'>,
  vocabulary: readonly Term[],
  options: RelabelOptions = {},
): Promise<TermActivations> {
  const { onProgress, signal } = options;
  if (signal?.aborted) throw abortReason(signal);
  const width = encoder.info.dText;
  const terms: Term[] = [];
  const parts: Float32Array[] = [];
  const offsets = [0];
  for (let start = 0; start < vocabulary.length; start += TERMS_PER_CHUNK) {
    for (const term of vocabulary.slice(start, start + TERMS_PER_CHUNK)) {
      let text: TextActivations;
      try {
        text = await encoder.encodeText(term.text);
      } catch {
        // A term the tokenizer cannot read within the length limit is left out, as at build time.
        continue;
      }
      const rows = contentRows(text);
      terms.push(term);
      parts.push(rows);
      offsets.push(offsets[offsets.length - 1] + rows.length / width);
    }
    onProgress?.(Math.min(start + TERMS_PER_CHUNK, vocabulary.length), vocabulary.length);
    await yieldAndCheck(signal);
  }
  return {
    key: termActivationsKey(encoder.info.id, vocabulary),
    terms,
    width,
    hidden: concatArrays(parts),
    offsets: Int32Array.from(offsets),
  };
}

/** The content-token rows of a text [content tokens, width]. */
function contentRows(text: TextActivations): Float32Array {
  const out = new Float32Array(text.contentMask.reduce((n, v) => n + v, 0) * text.width);
  let at = 0;
  text.contentMask.forEach((use, r) => {
    if (!use) return;
    out.set(text.hidden.subarray(r * text.width, (r + 1) * text.width), at);
    at += text.width;
  });
  return out;
}

/** Two packed vocabularies as one (the second's terms after the first's). */
function appendTerms(a: TermActivations, b: TermActivations): TermActivations {
  const rows = a.offsets[a.offsets.length - 1];
  return {
    key: `${a.key}+${b.key}`,
    terms: [...a.terms, ...b.terms],
    width: a.width,
    hidden: concatArrays([a.hidden, b.hidden]),
    offsets: Int32Array.from([...a.offsets, ...Array.from(b.offsets.subarray(1), (o) => o + rows)]),
  };
}

/**
 * Each packed term as the `TextActivations` that `interpretDictionary` reads. Only `tokens.length`,
 * `width`, `hidden` and `contentMask` are read there; every packed row is a content token.
 */
function unpackTerms(packed: TermActivations): TextActivations[] {
  return packed.terms.map((_, i) => {
    const [from, to] = [packed.offsets[i], packed.offsets[i + 1]];
    return textRows(
      packed.hidden.subarray(from * packed.width, to * packed.width),
      new Uint8Array(to - from).fill(1),
      packed.width,
    );
  });
}

function textRows(hidden: Float32Array, contentMask: Uint8Array, width: number): TextActivations {
  return {
    tokens: Array.from(contentMask, () => ''),
    ids: [],
    width,
    hidden,
    contentMask,
    embedding: new Float32Array(0),
  };
}

/** Up to `limit` indices of `count`, evenly spaced and in order. */
export function evenlySpaced(count: number, limit: number): number[] {
  if (count <= limit) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: limit }, (_, i) => Math.floor((i * count) / limit));
}

/**
 * The interpretation of `dictionary` on the run's images: every latent named by term clustering
 * (the WordNet vocabulary plus the captions' words), evidence patches and firing rates measured on
 * the run's images, term clusters and the 2-D map recomputed. The labelling itself cannot be
 * interrupted (a few seconds); the abort signal is checked before and after it.
 * @returns an `Interpretation` with one entry per latent, `reference.atlas` = `NO_ATLAS`
 */
export async function relabelDictionary(input: RelabelInput): Promise<Interpretation> {
  const { dictionary, encoder, examples, grid, signal, onProgress } = input;
  if (signal?.aborted) throw abortReason(signal);
  const { dImage, dText } = dictionary.model.config;
  if (input.termActivations.width !== dText) {
    throw new LucidInputError(
      `term activations are ${input.termActivations.width} wide; the dictionary reads text rows of width ${dText}`,
    );
  }
  if (examples.length === 0) throw new LucidInputError('relabelling needs at least one encoded image');
  const patchValues = grid[0] * grid[1] * dImage;
  const bad = examples.find((e) => e.patches.length !== patchValues);
  if (bad) {
    throw new LucidInputError(
      `${bad.path}: ${bad.patches.length} patch values, expected ${grid[0]}×${grid[1]} patches of width ${dImage}`,
    );
  }
  const chosen = evenlySpaced(examples.length, input.maxReferenceImages ?? MAX_REFERENCE_IMAGES).map(
    (i) => examples[i],
  );
  const imageWords = chosen.map((e) => (e.caption ? captionWords(e.caption) : []));

  // Caption words the vocabulary lacks join it (as at build time), encoded here: few, and per run.
  const known = input.termActivations.terms;
  const merged = mergeCaptionWords(known, new Set(imageWords.flat()));
  const extra = merged.slice(known.length);
  const total = extra.length + 1;
  const extraActivations = await encodeTerms(encoder, extra, {
    signal,
    onProgress: (done) => onProgress?.(done, total),
  });
  const terms = appendTerms(input.termActivations, extraActivations);

  const captioned = chosen.filter((e) => e.tokens && e.contentMask && e.contentMask.some((v) => v === 1));
  const interpretation = await interpretDictionary(
    dictionary,
    encoder.info.id,
    terms.terms,
    unpackTerms(terms),
    {
      grid,
      patches: concatArrays(chosen.map((e) => e.patches)),
      captions: captioned.map((e) => textRows(e.tokens as Float32Array, e.contentMask as Uint8Array, dText)),
      imageWords: distinctiveWords(imageWords),
      atlas: NO_ATLAS,
      tile: 0,
      columns: 0,
      captionTexts: chosen.map((e) => e.caption || e.path),
    },
    { seed: input.seed ?? 1 },
  );
  if (signal?.aborted) throw abortReason(signal);
  onProgress?.(total, total);
  return interpretation;
}

/** A latent whose name differs between two interpretations of one dictionary's latents. */
export interface LabelChange {
  id: number;
  before: string | null;
  after: string | null;
}

/**
 * What relabelling changed: the latents whose label differs, and the labels that are new (no latent
 * had them before). For a fair before/after, relabel the starting dictionary with the same term
 * activations and images: labels then differ only where training moved the latents, not because the
 * vocabulary or the reference images changed.
 */
export function labelChanges(
  before: Interpretation,
  after: Interpretation,
): { changed: LabelChange[]; newLabels: string[] } {
  const old = new Map(before.latents.map((l) => [l.id, l.label]));
  const oldLabels = new Set(before.latents.map((l) => l.label));
  const changed = after.latents
    .filter((l) => (old.get(l.id) ?? null) !== l.label)
    .map((l) => ({ id: l.id, before: old.get(l.id) ?? null, after: l.label }));
  const newLabels = [...new Set(after.latents.flatMap((l) => (l.label && !oldLabels.has(l.label) ? [l.label] : [])))];
  return { changed, newLabels };
}
