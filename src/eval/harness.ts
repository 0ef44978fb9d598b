import type { TextActivations } from '../clip/encoder';
import { isFunctionWord } from '../clip/functionWords';
import { type Codes, encodeRows, latentCountOf, rankForDictionary } from '../explain/analyze';
import type { RankingOptions } from '../explain/conceptRanking';
import type { LoadedDictionary } from '../explain/dictionary';
import type { Interpretation, ScoredLatent } from '../explain/types';
import type { HostPairBatch } from '../lucid/batch';
import { type DictionaryMetrics, measureDictionary } from '../lucid/metrics';
import { normalizeRows } from '../lucid/normalization';
import { type Estimate, bootstrapDistinctShare, bootstrapMean } from './bootstrap';
import { boxMask, pointingHit, thresholdIoU } from './pointing';
import { rawCosineHeat } from './rawCosine';

/** A held-out image–caption pair with its objects' labels, tags and boxes (pixels). */
export interface EvalPair {
  caption: string;
  kind: 'single' | 'scene';
  objects: { label: string; tags: string[]; box: number[]; hexcode?: string }[];
}

/** Held-out data, already through the CLIP towers (raw activations). */
export interface EvalData {
  grid: [number, number];
  imageSize: number;
  pairs: EvalPair[];
  /** Patch activations of each pair's image [patches · dImage]. */
  patches: Float32Array[];
  /** Projected patch embeddings [patches · projection] where the model exports them (raw-CLIP baseline). */
  patchEmbeds: (Float32Array | undefined)[];
  /** Pooled, projected image embedding of each pair's image (tools/lucid/ceiling.ts). */
  imageEmbeds?: Float32Array[];
  captions: TextActivations[];
  /** Text activations of each object label's phrase ("a dog face"), by label. */
  labelTexts: Map<string, TextActivations>;
}

/** A dictionary under test, with where its image and text concepts live. */
export interface DictionaryUnderTest {
  name: string;
  dictionary: LoadedDictionary;
  interpretation: Interpretation | null;
  /** Latent ranges [start, end) that express concepts for images and for text. */
  imageLatents: [number, number];
  textLatents: [number, number];
  /** For two separate SAEs: text latent → matched image latent; else identity. */
  textToImage?: Map<number, number>;
  /** A ranking other than the product's, for comparing choices on validation (tools/lucid/sweep.ts). */
  ranking?: RankingOptions;
}

export interface EvalResult {
  name: string;
  /** FVU, L0, dead and bimodal fractions on the split's pairs (null for the raw-CLIP baseline). */
  metrics: DictionaryMetrics | null;
  /** Dead shared latents: never among the Top-K on any of the split's tokens (`tokens` of them). */
  deadShared: number | null;
  tokens: number;
  /** Single-object images where one of the first three listed concepts shares a content word with the label or tags. */
  naming: Estimate | null;
  /** The same concepts scored against another image's words. */
  namingControl: Estimate | null;
  namingGap: Estimate | null;
  /** Distinct first concepts over the single-object images. */
  distinctFirst: Estimate | null;
  /** The label phrase's first shared concept is the image's first shared concept. */
  correspondence: Estimate | null;
  /** Precision@5 of the label phrase's first shared concept over the single-object images. */
  retrieval: Estimate;
  /** Scene objects whose label's heatmap peaks inside the object's box. */
  pointing: Estimate;
  /** The same with a label of an object not in the scene (wrong-label control). */
  pointingControl: Estimate;
  pointingGap: Estimate;
  mIoU: Estimate;
  counts: { singles: number; objects: number };
}

/** Content words of a label or tag: lower case, no function words. */
export function contentWords(s: string): string[] {
  return (s.toLowerCase().match(/[a-z][a-z'-]*/g) ?? []).filter((w) => !isFunctionWord(w));
}

/** Words an image's ground truth is described by (labels and tags of its objects). */
function truthWords(pair: EvalPair): Set<string> {
  return new Set(pair.objects.flatMap((o) => [...contentWords(o.label), ...o.tags.flatMap(contentWords)]));
}

/** How a scorer (a dictionary or raw CLIP) reads an image and a text. */
interface Scorer {
  /** Per patch, the heat of an object label's phrase [patches]. */
  heat(image: number, label: string): Float32Array;
  /** Score of an image for an object label's phrase (retrieval). */
  imageScore(image: number, label: string): number;
}

/** The first listed concept of `ranked` inside a latent range, or −1. */
function firstIn(ranked: readonly ScoredLatent[], [start, end]: [number, number]): number {
  return ranked.find((n) => n.id >= start && n.id < end)?.id ?? -1;
}

/**
 * Runs every measure of METHOD.md ("Measures") on one dictionary; `docs/results.md` defines them.
 * Naming and correspondence read the concepts in the order the product lists them
 * (src/explain/conceptRanking.ts).
 */
export async function evaluate(
  test: DictionaryUnderTest,
  data: EvalData,
  seed = 1,
  { fit = true }: { fit?: boolean } = {},
): Promise<EvalResult> {
  const { dictionary } = test;
  const m = latentCountOf(dictionary);
  const map = (j: number) => (j < 0 ? -1 : test.textToImage ? (test.textToImage.get(j) ?? -1) : j);
  const labels = test.interpretation?.latents;

  const imageCodes: Codes[] = [];
  for (const patches of data.patches) imageCodes.push(await encodeRows(dictionary, 'image', patches));
  const imageRanked = imageCodes.map((codes) => rankForDictionary(dictionary, codes, 'image', undefined, test.ranking));
  const textCodes = new Map<string, Codes>();
  const textRanked = new Map<string, ScoredLatent[]>();
  for (const [label, text] of data.labelTexts) {
    const codes = await encodeRows(dictionary, 'text', text.hidden);
    textCodes.set(label, codes);
    textRanked.set(label, rankForDictionary(dictionary, codes, 'text', text.contentMask, test.ranking));
  }
  const typicalImage = (id: number) => labels?.[id]?.typical?.image || 1;
  const scorer: Scorer = {
    heat(image, label) {
      const ranked = textRanked.get(label) ?? [];
      const used = ranked.filter((n) => n.id >= test.textLatents[0] && n.id < test.textLatents[1]).slice(0, 5);
      const codes = imageCodes[image];
      const heat = new Float32Array(codes.rows);
      for (const { id, score } of used) {
        const target = map(id);
        if (target < 0) continue;
        for (let p = 0; p < codes.rows; p++) heat[p] += score * codes.pre[p * m + target];
      }
      return heat;
    },
    imageScore(image, label) {
      const top = map(firstIn(textRanked.get(label) ?? [], test.textLatents));
      if (top < 0) return 0;
      const codes = imageCodes[image];
      let best = 0;
      for (let p = 0; p < codes.rows; p++) best = Math.max(best, codes.pre[p * m + top]);
      return best / typicalImage(top);
    },
  };

  const singles = data.pairs.flatMap((pair, i) => (pair.kind === 'single' ? [i] : []));
  const naming: number[] = [];
  const namingControl: number[] = [];
  const firsts: number[] = [];
  const agree: number[] = [];
  singles.forEach((i, s) => {
    const listed = imageRanked[i].slice(0, 3);
    const words = (id: number) => contentWords(labels?.[id]?.label ?? '');
    const other = data.pairs[singles[(s + Math.floor(singles.length / 2)) % singles.length]];
    const own = truthWords(data.pairs[i]);
    const control = truthWords(other);
    naming.push(listed.some((n) => words(n.id).some((w) => own.has(w))) ? 1 : 0);
    namingControl.push(listed.some((n) => words(n.id).some((w) => control.has(w))) ? 1 : 0);
    firsts.push(imageRanked[i][0]?.id ?? -1);
    const label = data.pairs[i].objects[0].label;
    const textTop = map(firstIn(textRanked.get(label) ?? [], test.textLatents));
    agree.push(textTop >= 0 && textTop === firstIn(imageRanked[i], test.imageLatents) ? 1 : 0);
  });
  const named = labels !== undefined;

  return {
    name: test.name,
    // The fit measures do not depend on names or ranking; a sweep over those skips them (fit: false).
    metrics: fit ? await measureDictionary(dictionary.model, batchesFor(dictionary, data)) : null,
    ...(fit
      ? deadSharedOf(test, [
          ...imageCodes,
          ...[...data.labelTexts.keys()].map((l) => textCodes.get(l)!),
          ...(await Promise.all(data.captions.map((c) => encodeRows(dictionary, 'text', c.hidden)))),
        ])
      : { deadShared: null, tokens: 0 }),
    naming: named ? bootstrapMean(naming, undefined, seed) : null,
    namingControl: named ? bootstrapMean(namingControl, undefined, seed) : null,
    namingGap: named ? bootstrapMean(naming, namingControl, seed) : null,
    distinctFirst: bootstrapDistinctShare(firsts, seed),
    correspondence: bootstrapMean(agree, undefined, seed),
    ...groundingMeasures(scorer, data, seed),
    counts: { singles: singles.length, objects: countObjects(data) },
  };
}

/** The raw-CLIP baseline: heat = cosine of projected patch embeddings with the projected label phrase. */
export function evaluateRawClip(
  data: EvalData,
  seed = 1,
): Pick<EvalResult, 'retrieval' | 'pointing' | 'pointingControl' | 'pointingGap' | 'mIoU'> | null {
  if (data.patchEmbeds.some((e) => !e)) return null;
  const np = data.grid[0] * data.grid[1];
  const scorer: Scorer = {
    heat: (image, label) => rawCosineHeat(data.patchEmbeds[image]!, np, data.labelTexts.get(label)!.embedding),
    imageScore: (image, label) =>
      Math.max(...rawCosineHeat(data.patchEmbeds[image]!, np, data.labelTexts.get(label)!.embedding)),
  };
  return groundingMeasures(scorer, data, seed);
}

function countObjects(data: EvalData): number {
  return data.pairs.reduce((n, p) => n + (p.kind === 'scene' ? p.objects.length : 0), 0);
}

/**
 * Retrieval, pointing (with its wrong-label control) and mIoU, for any scorer.
 * The wrong label of a scene object is the first object label of a later scene that is not in this
 * scene: a concept that is surely absent, so its heatmap should not find this object's box.
 */
function groundingMeasures(scorer: Scorer, data: EvalData, seed: number) {
  const singles = data.pairs.flatMap((pair, i) => (pair.kind === 'single' ? [i] : []));
  const scenes = data.pairs.flatMap((pair, i) => (pair.kind === 'scene' ? [i] : []));
  const retrieval: number[] = [];
  for (const i of singles) {
    const label = data.pairs[i].objects[0].label;
    const queryWords = new Set(contentWords(label));
    const ranked = singles
      .map((j) => ({ j, score: scorer.imageScore(j, label) }))
      .sort((a, b) => b.score - a.score || a.j - b.j)
      .slice(0, 5);
    const hits = ranked.filter(({ j }) => [...truthWords(data.pairs[j])].some((w) => queryWords.has(w))).length;
    retrieval.push(hits / 5);
  }
  const hits: number[] = [];
  const controls: number[] = [];
  const ious: number[] = [];
  scenes.forEach((i, s) => {
    const pair = data.pairs[i];
    const present = new Set(pair.objects.map((o) => o.label));
    for (const [o, object] of pair.objects.entries()) {
      const mask = boxMask(object.box, data.grid, data.imageSize);
      const heat = scorer.heat(i, object.label);
      hits.push(pointingHit(heat, mask) ? 1 : 0);
      ious.push(thresholdIoU(heat, mask));
      let wrong = '';
      for (let step = 1; step < scenes.length && !wrong; step++) {
        const candidates = data.pairs[scenes[(s + step) % scenes.length]].objects;
        const candidate = candidates[o % candidates.length].label;
        if (!present.has(candidate)) wrong = candidate;
      }
      controls.push(wrong ? (pointingHit(scorer.heat(i, wrong), mask) ? 1 : 0) : 0);
    }
  });
  return {
    retrieval: bootstrapMean(retrieval, undefined, seed),
    pointing: bootstrapMean(hits, undefined, seed),
    pointingControl: bootstrapMean(controls, undefined, seed),
    pointingGap: bootstrapMean(hits, controls, seed),
    mIoU: bootstrapMean(ious, undefined, seed),
  };
}

/** Shared latents that never enter the Top-K on any patch, caption token or label-phrase token of the split. */
function deadSharedOf(test: DictionaryUnderTest, encoded: Codes[]) {
  const { nShared, k } = test.dictionary.model.config;
  if (nShared === 0) return { deadShared: null, tokens: 0 };
  const fired = new Uint8Array(nShared);
  let tokens = 0;
  for (const codes of encoded) {
    tokens += codes.rows;
    for (let j = 0; j < codes.rows * k; j++) if (codes.values[j] > 0 && codes.ids[j] < nShared) fired[codes.ids[j]] = 1;
  }
  return { deadShared: 1 - fired.reduce((a, b) => a + b, 0) / nShared, tokens };
}

/** The chance rate of the pointing game: the mean share of patches inside each scene object's box. */
export function pointingChance(data: EvalData): number {
  let sum = 0;
  let n = 0;
  data.pairs.forEach((pair) => {
    if (pair.kind !== 'scene') return;
    for (const o of pair.objects) {
      const mask = boxMask(o.box, data.grid, data.imageSize);
      sum += mask.reduce((a, b) => a + b, 0) / mask.length;
      n++;
    }
  });
  return Number((sum / Math.max(n, 1)).toFixed(4));
}

/** Normalised held-out batches of 32 pairs for the reconstruction measures. */
function batchesFor(dictionary: LoadedDictionary, data: EvalData): HostPairBatch[] {
  const { norm } = dictionary;
  const dText = dictionary.model.config.dText;
  const out: HostPairBatch[] = [];
  for (let start = 0; start < data.pairs.length; start += 32) {
    const idx = data.patches.slice(start, start + 32).map((_, i) => start + i);
    const length = Math.max(...idx.map((i) => data.captions[i].tokens.length));
    const patches = new Float32Array(idx.length * data.patches[0].length);
    const tokens = new Float32Array(idx.length * length * dText);
    const tokenMask = new Float32Array(idx.length * length);
    const alignMask = new Float32Array(idx.length * length);
    idx.forEach((i, b) => {
      patches.set(normalizeRows(data.patches[i], norm.image), b * data.patches[0].length);
      const caption = data.captions[i];
      tokens.set(normalizeRows(caption.hidden, norm.text), b * length * dText);
      caption.contentMask.forEach((c, t) => {
        tokenMask[b * length + t] = 1;
        alignMask[b * length + t] = c;
      });
    });
    out.push({ pairs: idx.length, grid: data.grid, patches, captions: { length, tokens, tokenMask, alignMask } });
  }
  return out;
}
