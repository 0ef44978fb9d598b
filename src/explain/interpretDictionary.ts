import { UMAP } from 'umap-js';
import { isFunctionWord } from '../clip/functionWords';
import type { TextActivations } from '../clip/encoder';
import { clusterTerms } from '../interpret/clustering';
import { type LabelRule, clusterCategories, labelLatents } from '../interpret/labels';
import { matrix } from '../interpret/matrix';
import type { Term } from '../interpret/vocabulary';
import { concatArrays } from '../lucid/arrays';
import { latentKind } from '../lucid/config';
import { makeRng } from '../lucid/random';
import { type Codes, encodeRows, latentCountOf } from './analyze';
import type { LoadedDictionary } from './dictionary';
import type { Interpretation, LatentInfo, LatentKind } from './types';

/** Rows of activations encoded per call, to keep tensors small. */
const ROWS_PER_CALL = 4096;
const TOP_PATCHES = 6;
/** Fit images whose words give the image half of a latent's name (when fit images are given). */
const NAMING_IMAGES = 20;
const HISTOGRAM_BINS = 12;

/** Encodes many activation rows through the dictionary in chunks. */
async function encodeManyRows(
  dictionary: LoadedDictionary,
  modality: 'image' | 'text',
  rows: Float32Array,
  width: number,
): Promise<Codes> {
  const parts: Codes[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_CALL * width) {
    parts.push(await encodeRows(dictionary, modality, rows.subarray(start, start + ROWS_PER_CALL * width)));
  }
  const total = parts.reduce((n, p) => n + p.rows, 0);
  const m = latentCountOf(dictionary);
  const k = dictionary.model.config.k;
  const out: Codes = {
    rows: total,
    pre: new Float32Array(total * m),
    ids: new Int32Array(total * k),
    values: new Float32Array(total * k),
  };
  let at = 0;
  for (const p of parts) {
    out.pre.set(p.pre, at * m);
    out.ids.set(p.ids, at * k);
    out.values.set(p.values, at * k);
    at += p.rows;
  }
  return out;
}

/**
 * Each term's code: per latent, the largest Top-K code over the term's content tokens [terms, m].
 * @param texts the text tower's activations of each term, in vocabulary order
 */
export async function termCodes(dictionary: LoadedDictionary, texts: TextActivations[]): Promise<Float32Array> {
  const m = latentCountOf(dictionary);
  const k = dictionary.model.config.k;
  const width = texts[0]?.width ?? dictionary.model.config.dText;
  const rows = new Float32Array(texts.reduce((n, t) => n + t.tokens.length, 0) * width);
  let at = 0;
  for (const t of texts) {
    rows.set(t.hidden, at * width);
    at += t.tokens.length;
  }
  const codes = await encodeManyRows(dictionary, 'text', rows, width);
  const out = new Float32Array(texts.length * m);
  let row = 0;
  texts.forEach((t, i) => {
    for (let r = 0; r < t.tokens.length; r++, row++) {
      if (!t.contentMask[r]) continue;
      for (let j = 0; j < k; j++) {
        const id = codes.ids[row * k + j];
        const value = codes.values[row * k + j];
        if (value > out[i * m + id]) out[i * m + id] = value;
      }
    }
  });
  return out;
}

/** Reference images for evidence: their patch activations and captions. */
export interface ReferenceSet {
  grid: [number, number];
  /** Patch activations of every reference image, [images · patches, dImage]. */
  patches: Float32Array;
  /** Token activations of every reference caption (for text firing rates). */
  captions: TextActivations[];
  /** Words describing each image's objects (labels and tags), for naming image-private latents. */
  imageWords: string[][];
  /** File name of the atlas the UI crops evidence tiles from, and its layout. */
  atlas: string;
  tile: number;
  columns: number;
  captionTexts: string[];
  /**
   * Fit-split captions through the text tower: the words a latent fires on *in context* (a
   * caption's "face" is not the bare term "face" to a small causal text tower). Optional; without
   * them a latent is named by its term profile and image evidence only.
   */
  fitCaptions?: TextActivations[];
  /**
   * Fit-split images for the image half of a latent's evidence (the words of the images it fires
   * on most). Optional; without them the image half comes from the reference images' top patches
   * — which makes naming measured on those same images optimistic.
   */
  fitImages?: { patches: Float32Array; imageWords: string[][]; groups?: string[] };
}

function kindOf(dictionary: LoadedDictionary, latent: number): LatentKind {
  return latentKind(dictionary.model.config, latent);
}

/** 2-D map of the latents: UMAP of their decoder directions (both modalities' rows, unit norm). */
async function layoutLatents(dictionary: LoadedDictionary, seed: number): Promise<[number, number][]> {
  const { model } = dictionary;
  const m = latentCountOf(dictionary);
  const [image, text] = [
    (await model.image.wDec.data()) as Float32Array,
    (await model.text.wDec.data()) as Float32Array,
  ];
  const { dImage, dText } = model.config;
  const vectors: number[][] = [];
  for (let i = 0; i < m; i++) {
    const kind = kindOf(dictionary, i);
    const a = Array.from(image.subarray(i * dImage, (i + 1) * dImage), (v) => (kind === 'text' ? 0 : v));
    const b = Array.from(text.subarray(i * dText, (i + 1) * dText), (v) => (kind === 'image' ? 0 : v));
    vectors.push([...a, ...b]);
  }
  const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: makeRng(seed) });
  return umap.fit(vectors).map(([x, y]) => [Number(x.toFixed(4)), Number(y.toFixed(4))]);
}

/** Per latent, the share of rows on which it is among the Top-K, and a histogram of those codes. */
/**
 * Per latent, its `count` best images (each by its best patch), strongest first. With `groups`
 * (an image → group key, e.g. the emoji it shows) a group counts once, by its best image: many
 * augmented copies of one emoji are one piece of evidence, not many.
 */
export function topImages(
  codes: Codes,
  patchCount: number,
  k: number,
  m: number,
  count: number,
  groups?: readonly string[],
): LatentInfo['topPatches'][] {
  const top: LatentInfo['topPatches'][] = Array.from({ length: m }, () => []);
  const best = new Map<number, { patch: number; value: number }>();
  for (let image = 0; image < codes.rows / patchCount; image++) {
    best.clear();
    for (let p = 0; p < patchCount; p++) {
      const row = image * patchCount + p;
      for (let j = 0; j < k; j++) {
        const value = codes.values[row * k + j];
        const id = codes.ids[row * k + j];
        if (value > (best.get(id)?.value ?? 0)) best.set(id, { patch: p, value });
      }
    }
    for (const [id, { patch, value }] of best) {
      const list = top[id];
      if (groups) {
        const same = list.findIndex((t) => groups[t.image] === groups[image]);
        if (same >= 0 && list[same].value >= value) continue;
        if (same >= 0) list.splice(same, 1);
      }
      list.push({ image, patch, value: Number(value.toFixed(4)) });
      list.sort((a, b) => b.value - a.value);
      if (list.length > count) list.pop();
    }
  }
  return top;
}

function firingStats(codes: Codes, k: number, m: number, use?: Uint8Array) {
  const count = new Float64Array(m);
  const values: number[][] = Array.from({ length: m }, () => []);
  let rows = 0;
  for (let r = 0; r < codes.rows; r++) {
    if (use && !use[r]) continue;
    rows++;
    for (let j = 0; j < k; j++) {
      const v = codes.values[r * k + j];
      if (v <= 0) continue;
      count[codes.ids[r * k + j]]++;
      values[codes.ids[r * k + j]].push(v);
    }
  }
  return { rate: Array.from(count, (c) => c / Math.max(rows, 1)), values };
}

function histogram(image: number[], text: number[]) {
  const max = Math.max(1e-6, ...image, ...text);
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => Number(((max * i) / HISTOGRAM_BINS).toFixed(4)));
  const bin = (vs: number[]) => {
    const out = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const v of vs) out[Math.min(HISTOGRAM_BINS - 1, Math.floor((v / max) * HISTOGRAM_BINS))]++;
    return out;
  };
  return { edges, image: bin(image), text: bin(text) };
}

/**
 * The most frequent content word among the objects under a latent's top patches, and the share of
 * those images it describes (its confidence); null when no word describes two of them.
 */
function wordOfPatches(
  top: LatentInfo['topPatches'],
  imageWords: string[][],
): { word: string; confidence: number } | null {
  const counts = new Map<string, number>();
  for (const { image } of top) {
    for (const w of new Set(imageWords[image])) if (!isFunctionWord(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 1;
  for (const [w, c] of counts) if (c > bestCount) [best, bestCount] = [w, c];
  return best ? { word: best, confidence: bestCount / Math.max(top.length, 1) } : null;
}

/** The word each token belongs to (WordPiece "##" pieces join the word before), '' for special tokens. */
export function tokenWords(tokens: readonly string[]): string[] {
  const out = tokens.map((t) => (/^\[.*\]$/.test(t) ? '' : t));
  let first = 0;
  for (let i = 1; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i].startsWith('##') && out[i - 1]) continue;
    // tokens first..i−1 form one word.
    const word = tokens
      .slice(first, i)
      .map((t, j) => (j === 0 ? out[first] : t.slice(2)))
      .join('');
    for (let j = first; j < i; j++) out[j] = word;
    first = i;
  }
  return out;
}

/**
 * Per latent, the share of its Top-K code mass on caption content tokens that falls on each word
 * (function words out): the text half of a latent's evidence. Returns latent → word → share.
 */
function captionWordShares(codes: Codes, captions: TextActivations[], k: number): Map<number, Map<string, number>> {
  const mass = new Map<number, Map<string, number>>();
  const total = new Map<number, number>();
  let row = 0;
  for (const caption of captions) {
    const words = tokenWords(caption.tokens);
    for (let r = 0; r < caption.tokens.length; r++, row++) {
      const word = words[r];
      if (!caption.contentMask[r] || !word || !/^[a-z]/.test(word) || isFunctionWord(word)) continue;
      for (let j = 0; j < k; j++) {
        const value = codes.values[row * k + j];
        if (value <= 0) continue;
        const id = codes.ids[row * k + j];
        const perWord = mass.get(id) ?? new Map<string, number>();
        perWord.set(word, (perWord.get(word) ?? 0) + value);
        mass.set(id, perWord);
        total.set(id, (total.get(id) ?? 0) + value);
      }
    }
  }
  for (const [id, perWord] of mass) {
    const sum = total.get(id) ?? 1;
    for (const [word, value] of perWord) perWord.set(word, value / sum);
  }
  return mass;
}

/**
 * How a shared latent's two halves of evidence combine into a word's confidence: `mean` of the text
 * share and the image share (one half alone can name it), or `both` — their geometric mean, so a
 * word names a shared latent only where both towers' evidence points at it.
 */
export type Agreement = 'mean' | 'both';

/**
 * The name both modalities' evidence agree on: the word w maximising the combination (`agreement`)
 * of its caption-word share (text) and the share of the latent's top images it describes (image);
 * a modality the latent does not belong to counts as absent, not as 0. Null when there is no word.
 */
export function wordOfEvidence(
  kind: LatentKind,
  text: ReadonlyMap<string, number> | undefined,
  top: LatentInfo['topPatches'],
  imageWords: string[][],
  agreement: Agreement = 'mean',
): { word: string; confidence: number } | null {
  const image = new Map<string, number>();
  for (const { image: i } of top) {
    for (const w of new Set(imageWords[i])) if (!isFunctionWord(w)) image.set(w, (image.get(w) ?? 0) + 1 / top.length);
  }
  const useText = kind !== 'image';
  const useImage = kind !== 'text';
  const words = new Set([...(useText ? (text?.keys() ?? []) : []), ...(useImage ? image.keys() : [])]);
  let best: { word: string; confidence: number } | null = null;
  for (const w of words) {
    const parts = [...(useText ? [text?.get(w) ?? 0] : []), ...(useImage ? [image.get(w) ?? 0] : [])];
    const confidence =
      agreement === 'both'
        ? parts.reduce((a, b) => a * b, 1) ** (1 / parts.length)
        : parts.reduce((a, b) => a + b, 0) / parts.length;
    if (!best || confidence > best.confidence || (confidence === best.confidence && w < best.word)) {
      best = { word: w, confidence };
    }
  }
  return best;
}

/** Median of a list of codes (0 for none). */
function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Below this share of its term activation in one cluster, a latent's term label is not trusted;
 * the latent is then named by its image evidence, or left unnamed. Set by hand, not tuned on any
 * split (docs/interpretation.md); tuning them on validation is open work.
 */
export const MIN_TERM_CONFIDENCE = 0.3;
/** Share of a latent's top evidence images a word must describe to name it. */
export const MIN_IMAGE_CONFIDENCE = 0.5;

/** Which cluster member names a latent (src/interpret/labels.ts); chosen on validation. */
export const LABEL_RULE: NamingRule = 'central';

/**
 * How latents are named: a term-cluster rule of src/interpret/labels.ts (then image evidence), or
 * `evidence` — the word that fit captions (the words it fires on in context) and validation images
 * (the objects under its top patches) agree on.
 */
export type NamingRule = LabelRule | 'evidence';

export interface InterpretOptions {
  seed?: number;
  rule?: NamingRule;
  minTermConfidence?: number;
  minImageConfidence?: number;
  /** How the evidence rule combines a shared latent's text and image evidence (default `mean`). */
  agreement?: Agreement;
}

/**
 * The automated interpretation of a dictionary (METHOD.md, "Interpretation by term clustering"):
 * terms are encoded and clustered by their shared codes; every latent that fires on terms is named
 * by its dominant cluster (src/interpret/labels.ts); image-private latents, which never fire on
 * text, are named by the words of the objects under their top reference patches.
 */
export async function interpretDictionary(
  dictionary: LoadedDictionary,
  encoderId: string,
  terms: Term[],
  termTexts: TextActivations[],
  reference: ReferenceSet,
  options: InterpretOptions = {},
): Promise<Interpretation> {
  const seed = options.seed ?? 1;
  const minTerm = options.minTermConfidence ?? MIN_TERM_CONFIDENCE;
  const minImage = options.minImageConfidence ?? MIN_IMAGE_CONFIDENCE;
  const m = latentCountOf(dictionary);
  const { k, nShared, dImage } = dictionary.model.config;
  const profiles = await termCodes(dictionary, termTexts);
  // Terms are clustered by their shared codes; a dictionary without shared latents (the
  // per-modality baseline) clusters them by its text latents instead.
  const [start, end] = nShared > 0 ? [0, nShared] : [m - dictionary.model.config.nTextPrivate, m];
  const width = end - start;
  const shared = new Float32Array(terms.length * width);
  for (let t = 0; t < terms.length; t++) shared.set(profiles.subarray(t * m + start, t * m + end), t * width);
  const sharedMatrix = matrix(shared, terms.length, width);
  const clustering = clusterTerms(sharedMatrix, { seed });
  const labels = labelLatents(matrix(profiles, terms.length, m), sharedMatrix, clustering, terms, {
    topTerms: 10,
    rule: options.rule === 'strongest' ? 'strongest' : 'central',
  });
  const categories = clusterCategories(clustering, terms);

  const patchCount = reference.grid[0] * reference.grid[1];
  const imageCodes = await encodeManyRows(dictionary, 'image', reference.patches, dImage);
  const topPatches = topImages(imageCodes, patchCount, k, m, TOP_PATCHES);
  const fitImages = reference.fitImages;
  const namingTop = fitImages
    ? topImages(
        await encodeManyRows(dictionary, 'image', fitImages.patches, dImage),
        patchCount,
        k,
        m,
        NAMING_IMAGES,
        fitImages.groups,
      )
    : topPatches;
  const namingWords = fitImages ? fitImages.imageWords : reference.imageWords;
  const imageStats = firingStats(imageCodes, k, m);
  const tokenRows = reference.captions;
  const textCodes = await encodeManyRows(
    dictionary,
    'text',
    concatArrays(tokenRows.map((t) => t.hidden)),
    dictionary.model.config.dText,
  );
  const textStats = firingStats(textCodes, k, m, concatArrays(tokenRows.map((t) => t.contentMask)));
  const fitCaptions = reference.fitCaptions ?? [];
  const captionShares =
    fitCaptions.length > 0 && (options.rule ?? LABEL_RULE) === 'evidence'
      ? captionWordShares(
          await encodeManyRows(
            dictionary,
            'text',
            concatArrays(fitCaptions.map((t) => t.hidden)),
            dictionary.model.config.dText,
          ),
          fitCaptions,
          k,
        )
      : null;

  /** Whether `name` is a vocabulary term: its WordNet category, else 'object'. */
  const categoryOfWord = (name: string) => {
    const own = terms.find((t) => t.text === name)?.category;
    return own && own !== 'unknown' ? own : 'object';
  };
  const latents: LatentInfo[] = labels.map((label, id) => {
    const kind = kindOf(dictionary, id);
    let name: string | null;
    let confidence: number;
    let category: LatentInfo['category'];
    if (captionShares) {
      // "evidence" rule: the word both modalities' evidence agree on (docs/interpretation.md).
      const evidence = wordOfEvidence(kind, captionShares.get(id), namingTop[id], namingWords, options.agreement);
      confidence = evidence?.confidence ?? 0;
      name = evidence && evidence.confidence >= minTerm ? evidence.word : null;
      category = name ? categoryOfWord(name) : null;
    } else {
      // A term label only where the term profile is concentrated enough; else the image evidence;
      // else the latent stays unnamed, with its confidence shown (never a confident wrong name).
      const trusted = kind !== 'image' && label.label !== null && label.confidence >= minTerm;
      name = trusted ? label.label : null;
      confidence = label.confidence;
      // The label term's own WordNet category when it has one, else its cluster's majority.
      const own = label.labelTerm >= 0 ? terms[label.labelTerm].category : 'unknown';
      category = name ? (own !== 'unknown' ? own : label.category) : null;
      if (!name && kind !== 'text') {
        const evidence = wordOfPatches(namingTop[id], namingWords);
        confidence = evidence?.confidence ?? 0;
        if (evidence && evidence.confidence >= minImage) {
          name = evidence.word;
          category = categoryOfWord(name);
        }
      }
    }
    const cluster = label.cluster >= 0 ? clustering.clusters[label.cluster] : null;
    const synonyms = name
      ? [
          ...new Set([
            ...(cluster ? [...cluster.members].slice(0, 8).map((t) => terms[t].text) : []),
            ...label.topTerms.slice(0, 5).map((t) => t.text),
          ]),
        ].filter((t) => t !== name)
      : [];
    return {
      id,
      kind,
      label: name,
      category: name ? category : null,
      synonyms,
      role: null,
      typical: {
        image: Number(median(imageStats.values[id]).toFixed(4)),
        text: Number(median(textStats.values[id]).toFixed(4)),
      },
      confidence: Number(confidence.toFixed(3)),
      cluster: label.cluster >= 0 ? label.cluster : null,
      topTerms: label.topTerms.map((t) => [t.text, Number(t.activation.toFixed(4))] as [string, number]),
      topPatches: topPatches[id],
      imageRate: Number(imageStats.rate[id].toFixed(5)),
      textRate: Number(textStats.rate[id].toFixed(5)),
      histogram: histogram(imageStats.values[id], textStats.values[id]),
    };
  });
  return {
    version: 1,
    encoder: encoderId,
    latents,
    clusters: clustering.clusters.map((c, id) => ({
      id,
      label: terms[c.centralTerm].text,
      category: categories[id],
      terms: c.members
        .map((member, i) => [member, c.centrality[i]] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 30)
        .map(([member]) => terms[member].text),
    })),
    layout: await layoutLatents(dictionary, seed),
    reference: {
      atlas: reference.atlas,
      tile: reference.tile,
      columns: reference.columns,
      grid: reference.grid,
      captions: reference.captionTexts,
    },
  };
}
