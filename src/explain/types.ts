/**
 * What the explorer shows, as plain data: the contract between the model worker (which computes it)
 * and the views (which draw it). Arrays are typed arrays so they can be transferred.
 */
import type { Category } from '../interpret/categories';

export type LatentKind = 'shared' | 'image' | 'text';

/** One latent of the dictionary, as the interpretation pipeline named it. */
export interface LatentInfo {
  id: number;
  kind: LatentKind;
  /** Auto label (a term), or null for a latent without enough evidence (shown as unnamed). */
  label: string | null;
  /**
   * Other words for the label's concept (WordNet synonyms and hypernyms, the label's cluster's
   * central terms), for search; may be absent in older interpretation files.
   */
  synonyms?: string[];
  /** Where the latent fires in images: on objects, on the background, or undecided (null / absent). */
  role?: 'foreground' | 'background' | null;
  /**
   * The latent's typical code when it fires (median of its non-zero Top-K codes on the validation
   * images and captions), per modality: the explorer ranks a latent by how far above its typical
   * code it fires in one image or text, so latents that fire on everything do not always come first.
   */
  typical?: { image: number; text: number };
  category: Category | null;
  /** Share of the latent's term activation that falls in its dominant cluster, in [0, 1]. */
  confidence: number;
  /** Index into `Interpretation.clusters`, or null. */
  cluster: number | null;
  /** Highest-activating vocabulary terms, [term, activation], best first. */
  topTerms: [string, number][];
  /** Patches of reference images where the latent fires most, best first. */
  topPatches: { image: number; patch: number; value: number }[];
  /** Share of held-out patches / real tokens on which the latent is among the Top-K. */
  imageRate: number;
  textRate: number;
  /** Histogram of the latent's non-zero activations on held-out patches and tokens (counts). */
  histogram: { edges: number[]; image: number[]; text: number[] };
}

export interface TermCluster {
  id: number;
  label: string;
  category: Category;
  terms: string[];
}

/** The interpretation file shipped beside a dictionary (`interpretation.json`). */
export interface Interpretation {
  version: 1;
  encoder: string;
  latents: LatentInfo[];
  clusters: TermCluster[];
  /** 2-D map position of every latent [m][2] (UMAP of decoder directions). */
  layout: [number, number][];
  /** Reference images (evidence for top patches): one PNG atlas of square tiles. */
  reference: { atlas: string; tile: number; columns: number; grid: [number, number]; captions: string[] };
}

/** A latent with a score (an activation, or a ranking score), for lists. */
export interface ScoredLatent {
  id: number;
  score: number;
}

/** An image after CLIP → LUCID, kept in the worker under `imageId`. */
export interface ImageAnalysis {
  imageId: number;
  name: string;
  width: number;
  height: number;
  grid: [number, number];
  /**
   * The image's concepts in the order every view and `lucid encode` lists them (src/explain/
   * conceptRanking.ts): shared latents first, then image-only ones, each by specificity (strongest
   * patch code over the latent's typical code); `score` is that specificity.
   */
  top: ScoredLatent[];
  /** Per patch, its k active latents and their values: ids and values are [patches · k]. */
  patchLatents: { k: number; ids: Int32Array; values: Float32Array };
}

/** A text after CLIP → LUCID. */
export interface TextAnalysis {
  tokens: string[];
  /** 1 for content tokens (not BOS/EOS/punctuation). */
  contentMask: Uint8Array;
  /** Per token, its strongest latents (up to 5). */
  perToken: ScoredLatent[][];
  /** Neurons the text fires, shared first then text-only, each by specificity over content tokens (as images). */
  neurons: ScoredLatent[];
}

/** Heat of one latent over an image's patch grid (pre-Top-K ReLU activation), row-major [rows · cols]. */
export interface Heatmap {
  imageId: number;
  latent: number;
  grid: [number, number];
  values: Float32Array;
}

/** The GCMT plan between an image's patches and a caption's tokens. */
export interface TransportView {
  tokens: string[];
  /** Tokens that take part (content tokens). */
  contentMask: Uint8Array;
  grid: [number, number];
  /** Plan with dustbin row and column, row-major [(patches + 1) · (tokens + 1)]. */
  plan: Float32Array;
  /** Mass sent to the dustbin by patches and by tokens, each as a share of its side's mass. */
  dustbinShare: { patches: number; tokens: number };
}
