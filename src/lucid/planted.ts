import type { HostPairBatch } from './batch';
import { gaussianArray, makeGaussian, makeRng } from './random';
import { unitRows } from './model';

/**
 * A synthetic world with known concepts, for testing that LUCID recovers and aligns them.
 * Every shared concept has one random direction in the image space and an unrelated one in the
 * text space; image-only concepts (backgrounds, textures) and text-only concepts (function words)
 * exist in one space only. A pair is an image whose patches show 1–3 concepts in small blocks of
 * the grid, and a caption with one token per shown concept plus function words.
 */
export interface PlantedWorldOptions {
  dImage: number;
  dText: number;
  /** Concepts present in both modalities. */
  concepts: number;
  /** Concepts only images show (backgrounds). */
  imageOnly: number;
  /** Concepts only captions hold (function words, BOS/EOS). */
  textOnly: number;
  grid: [number, number];
  /** Tokens per caption, padding included (≥ 2 + 3 concepts + fillers). */
  captionLength: number;
  /** Standard deviation of the isotropic noise added to every vector, relative to unit signals. */
  noise: number;
  seed: number;
}

export interface PlantedWorld {
  options: PlantedWorldOptions;
  /** Unit direction of each shared concept in image space [concepts, dImage]. */
  imageDirections: Float32Array;
  /** Unit direction of each shared concept in text space [concepts, dText]. */
  textDirections: Float32Array;
  imageOnlyDirections: Float32Array;
  textOnlyDirections: Float32Array;
  /** Draws a batch of pairs, with the concepts each pair shows. */
  sample(pairs: number): { batch: HostPairBatch; concepts: number[][] };
}

/** Builds a planted world; the same options give the same world and the same batches. */
export function makePlantedWorld(options: PlantedWorldOptions): PlantedWorld {
  const { dImage, dText, concepts, imageOnly, textOnly, grid, captionLength, noise } = options;
  const uniform = makeRng(options.seed);
  const gaussian = makeGaussian(uniform);
  const directions = (count: number, d: number) => unitRows(gaussianArray(count * d, gaussian), count, d);
  const imageDirections = directions(concepts, dImage);
  const textDirections = directions(concepts, dText);
  const imageOnlyDirections = directions(imageOnly, dImage);
  const textOnlyDirections = directions(textOnly, dText);
  const randomInt = (n: number) => Math.floor(uniform() * n);
  const addScaled = (out: Float32Array, at: number, source: Float32Array, row: number, d: number, scale: number) => {
    for (let j = 0; j < d; j++) out[at + j] += scale * source[row * d + j];
  };
  const addNoise = (out: Float32Array, at: number, d: number) => {
    for (let j = 0; j < d; j++) out[at + j] += noise * gaussian();
  };

  function sample(pairs: number) {
    const patchCount = grid[0] * grid[1];
    const patches = new Float32Array(pairs * patchCount * dImage);
    const tokens = new Float32Array(pairs * captionLength * dText);
    const tokenMask = new Float32Array(pairs * captionLength);
    const alignMask = new Float32Array(pairs * captionLength);
    const shown: number[][] = [];
    for (let b = 0; b < pairs; b++) {
      const count = 1 + randomInt(3);
      const chosen: number[] = [];
      while (chosen.length < count) {
        const c = randomInt(concepts);
        if (!chosen.includes(c)) chosen.push(c);
      }
      shown.push(chosen);
      // Image: a background concept everywhere, each shown concept in a 2×2 block.
      const background = randomInt(imageOnly);
      const owner = new Int32Array(patchCount).fill(-1);
      for (const c of chosen) {
        const r0 = randomInt(grid[0] - 1);
        const c0 = randomInt(grid[1] - 1);
        for (let dr = 0; dr < 2; dr++) for (let dc = 0; dc < 2; dc++) owner[(r0 + dr) * grid[1] + c0 + dc] = c;
      }
      for (let p = 0; p < patchCount; p++) {
        const at = (b * patchCount + p) * dImage;
        if (owner[p] >= 0) addScaled(patches, at, imageDirections, owner[p], dImage, 0.8 + 0.4 * uniform());
        addScaled(patches, at, imageOnlyDirections, background, dImage, owner[p] >= 0 ? 0.3 : 0.8);
        addNoise(patches, at, dImage);
      }
      // Caption: BOS, concept words with a function word after each, EOS, padding.
      const words: { row: number; shared: boolean; aligned: boolean }[] = [{ row: 0, shared: false, aligned: false }];
      for (const c of chosen) {
        words.push({ row: c, shared: true, aligned: true });
        words.push({ row: 2 + randomInt(textOnly - 2), shared: false, aligned: true });
      }
      words.push({ row: 1, shared: false, aligned: false });
      words.slice(0, captionLength).forEach((word, t) => {
        const at = (b * captionLength + t) * dText;
        const source = word.shared ? textDirections : textOnlyDirections;
        addScaled(tokens, at, source, word.row, dText, 0.8 + 0.4 * uniform());
        addNoise(tokens, at, dText);
        tokenMask[b * captionLength + t] = 1;
        alignMask[b * captionLength + t] = word.aligned ? 1 : 0;
      });
    }
    const batch: HostPairBatch = {
      pairs,
      grid,
      patches,
      captions: { length: captionLength, tokens, tokenMask, alignMask },
    };
    return { batch, concepts: shown };
  }

  return { options, imageDirections, textDirections, imageOnlyDirections, textOnlyDirections, sample };
}
