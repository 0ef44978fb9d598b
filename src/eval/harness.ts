import type { TextActivations } from '../clip/encoder';
import { type Codes, encodeRows, latentCountOf } from '../explain/analyze';
import type { LoadedDictionary } from '../explain/dictionary';
import type { Interpretation } from '../explain/types';
import { type LatentLabel, labelCollapse } from '../interpret/labels';
import type { HostPairBatch } from '../lucid/batch';
import { type DictionaryMetrics, measureDictionary } from '../lucid/metrics';
import { normalizeRows } from '../lucid/normalization';
import { boxMask, pointingHit, thresholdIoU } from './pointing';

/** A held-out image–caption pair with its objects' labels, tags and boxes (pixels). */
export interface EvalPair {
  caption: string;
  kind: 'single' | 'scene';
  objects: { label: string; tags: string[]; box: number[] }[];
}

/** Held-out data, already through the CLIP towers (raw activations). */
export interface EvalData {
  grid: [number, number];
  imageSize: number;
  pairs: EvalPair[];
  /** Patch activations of each pair's image [patches · dImage]. */
  patches: Float32Array[];
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
  /** For two separate SAEs: text latent → matched image latent (Hungarian on co-activation); else identity. */
  textToImage?: Map<number, number>;
}

export interface EvalResult {
  name: string;
  metrics: DictionaryMetrics;
  /** Single-emoji images whose top concept latent equals the top latent of their label's phrase. */
  correspondence: number;
  /** Scene objects whose label's heatmap peaks inside the object's box. */
  pointing: number;
  /** Mean IoU of the heatmap thresholded at half its maximum with the box. */
  mIoU: number;
  /** Share of a labelled latent's top reference images whose tags contain its label (mean over latents). */
  labelPrecision: number;
  /** Distinct labels among the 100 most frequently firing labelled latents. */
  labelDistinctShare: number;
  /** Labelled concept latents per category. */
  categories: Record<string, number>;
  counts: { singles: number; objects: number; labelled: number };
}

/** Rounds for reports. */
const round = (v: number) => Number(v.toFixed(4));

function argmaxOver(codes: Codes, m: number, [start, end]: [number, number], rows?: Uint8Array): [number, number] {
  let best = -1;
  let bestValue = 0;
  for (let r = 0; r < codes.rows; r++) {
    if (rows && !rows[r]) continue;
    for (let j = start; j < end; j++) {
      const v = codes.pre[r * m + j];
      if (v > bestValue) [best, bestValue] = [j, v];
    }
  }
  return [best, bestValue];
}

/** The text's strongest concept latents (max code over content tokens), best first. */
function textConcepts(codes: Codes, k: number, mask: Uint8Array, [start, end]: [number, number], limit: number) {
  const best = new Map<number, number>();
  for (let r = 0; r < codes.rows; r++) {
    if (!mask[r]) continue;
    for (let j = 0; j < k; j++) {
      const id = codes.ids[r * k + j];
      const v = codes.values[r * k + j];
      if (v > 0 && id >= start && id < end) best.set(id, Math.max(best.get(id) ?? 0, v));
    }
  }
  return [...best].sort((a, b) => b[1] - a[1]).slice(0, limit);
}

function wordsOf(s: string): string[] {
  return s.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [];
}

/** Runs every measure of METHOD.md on one dictionary. */
export async function evaluate(test: DictionaryUnderTest, data: EvalData): Promise<EvalResult> {
  const { dictionary } = test;
  const m = latentCountOf(dictionary);
  const { k } = dictionary.model.config;
  const map = (j: number) => (test.textToImage ? (test.textToImage.get(j) ?? -1) : j);
  const np = data.grid[0] * data.grid[1];

  const imageCodes: Codes[] = [];
  for (const patches of data.patches) imageCodes.push(await encodeRows(dictionary, 'image', patches));
  const labelCodes = new Map<string, Codes>();
  for (const [label, text] of data.labelTexts) labelCodes.set(label, await encodeRows(dictionary, 'text', text.hidden));

  let singles = 0;
  let agree = 0;
  let objects = 0;
  let hits = 0;
  let iouSum = 0;
  data.pairs.forEach((pair, i) => {
    for (const object of pair.objects) {
      const text = data.labelTexts.get(object.label);
      const codes = labelCodes.get(object.label);
      if (!text || !codes) continue;
      if (pair.kind === 'single') {
        singles++;
        const [imageTop] = argmaxOver(imageCodes[i], m, test.imageLatents);
        const [textTop] = argmaxOver(codes, m, test.textLatents, text.contentMask);
        if (textTop >= 0 && map(textTop) === imageTop) agree++;
      } else {
        objects++;
        const heat = new Float32Array(np);
        for (const [id, score] of textConcepts(codes, k, text.contentMask, test.textLatents, 5)) {
          const target = map(id);
          if (target < 0) continue;
          for (let p = 0; p < np; p++) heat[p] += score * imageCodes[i].pre[p * m + target];
        }
        const mask = boxMask(object.box, data.grid, data.imageSize);
        if (pointingHit(heat, mask)) hits++;
        iouSum += thresholdIoU(heat, mask);
      }
    }
  });

  // Label precision: a labelled concept latent's top reference images should show its label.
  let precisionSum = 0;
  let labelled = 0;
  const categories: Record<string, number> = {};
  const interpretation = test.interpretation;
  if (interpretation) {
    for (const latent of interpretation.latents) {
      if (!latent.label || latent.id < test.textLatents[0] || latent.id >= test.textLatents[1]) continue;
      const evidence = interpretation.latents[map(latent.id)]?.topPatches ?? [];
      if (evidence.length === 0) continue;
      labelled++;
      categories[String(latent.category)] = (categories[String(latent.category)] ?? 0) + 1;
      const labelWords = wordsOf(latent.label);
      let correct = 0;
      for (const { image } of evidence) {
        const truth = new Set(
          (data.pairs[image]?.objects ?? []).flatMap((o) => [...wordsOf(o.label), ...o.tags.flatMap(wordsOf)]),
        );
        if (labelWords.some((w) => truth.has(w))) correct++;
      }
      precisionSum += correct / evidence.length;
    }
  }
  // Label collapse: distinct labels among the 100 most frequently firing labelled concept latents.
  const collapse = interpretation
    ? labelCollapse(
        interpretation.latents
          .filter((l) => l.id >= test.textLatents[0] && l.id < test.textLatents[1])
          .map((l) => ({ latent: l.id, label: l.label, mass: l.imageRate + l.textRate }) as LatentLabel),
        100,
      )
    : { distinctShare: NaN };

  return {
    name: test.name,
    metrics: await measureDictionary(dictionary.model, batchesFor(dictionary, data)),
    correspondence: round(agree / Math.max(singles, 1)),
    pointing: round(hits / Math.max(objects, 1)),
    mIoU: round(iouSum / Math.max(objects, 1)),
    labelPrecision: round(precisionSum / Math.max(labelled, 1)),
    labelDistinctShare: round(collapse.distinctShare),
    categories,
    counts: { singles, objects, labelled },
  };
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
  return round(sum / Math.max(n, 1));
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
