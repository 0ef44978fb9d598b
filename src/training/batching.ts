/**
 * Training batches from cached activations (pure: plain arrays in, a HostPairBatch out).
 * Examples keep the encoder's raw activations; normalisation happens while a batch is assembled,
 * so importing a dictionary with other statistics never invalidates the cache.
 */
import type { HostPairBatch } from '../lucid/batch';
import type { NormStats } from '../lucid/normalization';

/** One image of the folder after the CLIP towers, and its caption's tokens if it has one. */
export interface TrainExample {
  /** Path inside the chosen folder (for messages). */
  path: string;
  /** Raw patch activations [Np, dImage]. */
  patches: Float32Array;
  /** Raw caption token activations [T, dText]; absent without a usable caption. */
  tokens?: Float32Array;
  /** 1 for a content token (aligned), 0 for BOS/EOS/punctuation [T]. */
  contentMask?: Uint8Array;
}

export function hasCaption(example: TrainExample): boolean {
  return example.tokens !== undefined && example.contentMask !== undefined && example.contentMask.some((v) => v === 1);
}

/** A planned batch: indices into the example list, and whether to train the pairs' captions. */
export interface PlannedBatch {
  indices: number[];
  withCaptions: boolean;
}

/**
 * The batches of one pass over `indices` (an epoch, or a freshly encoded chunk), shuffled.
 * Captioned examples go into caption batches (GCMT and the contrast need at least two pairs, so a
 * lone leftover captioned example trains as an image instead); the rest into image-only batches,
 * which train reconstruction and leave the text side fixed. Every example appears exactly once.
 * @param captioned whether each example (by index) has a usable caption
 * @param rng uniform in [0, 1)
 */
export function planBatches(
  indices: readonly number[],
  captioned: (index: number) => boolean,
  batchSize: number,
  rng: () => number,
): PlannedBatch[] {
  if (!(batchSize >= 1)) throw new Error(`batch size must be at least 1, got ${batchSize}`);
  const order = shuffle([...indices], rng);
  const withText = order.filter(captioned);
  const imageOnly = order.filter((i) => !captioned(i));
  const batches: PlannedBatch[] = [];
  for (let start = 0; start < withText.length; start += batchSize) {
    const chunk = withText.slice(start, start + batchSize);
    if (chunk.length >= 2) batches.push({ indices: chunk, withCaptions: true });
    else imageOnly.push(...chunk);
  }
  for (let start = 0; start < imageOnly.length; start += batchSize) {
    batches.push({ indices: imageOnly.slice(start, start + batchSize), withCaptions: false });
  }
  return shuffle(batches, rng);
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Copies rows into `out` at `offset`, normalised: (x − mean) · scale. */
function normalizeInto(out: Float32Array, offset: number, rows: Float32Array, stats: NormStats): void {
  const d = stats.mean.length;
  for (let i = 0; i < rows.length; i++) out[offset + i] = (rows[i] - stats.mean[i % d]) * stats.scale;
}

/**
 * A HostPairBatch of the given examples, normalised with the dictionary's statistics.
 * Captions are padded to the longest one (tokenMask 0 on padding); alignMask is the content mask.
 */
export function assembleBatch(
  examples: readonly TrainExample[],
  planned: PlannedBatch,
  grid: [number, number],
  norm: { image: NormStats; text: NormStats },
): HostPairBatch {
  const picked = planned.indices.map((i) => examples[i]);
  const rowLength = picked[0].patches.length;
  const patches = new Float32Array(picked.length * rowLength);
  picked.forEach((example, b) => {
    if (example.patches.length !== rowLength) {
      throw new Error(`${example.path} has ${example.patches.length} patch values, expected ${rowLength}`);
    }
    normalizeInto(patches, b * rowLength, example.patches, norm.image);
  });
  const batch: HostPairBatch = { pairs: picked.length, grid, patches };
  if (!planned.withCaptions) return batch;
  const dText = norm.text.mean.length;
  const length = Math.max(...picked.map((example) => example.contentMask!.length));
  const tokens = new Float32Array(picked.length * length * dText);
  const tokenMask = new Float32Array(picked.length * length);
  const alignMask = new Float32Array(picked.length * length);
  picked.forEach((example, b) => {
    normalizeInto(tokens, b * length * dText, example.tokens!, norm.text);
    example.contentMask!.forEach((content, t) => {
      tokenMask[b * length + t] = 1;
      alignMask[b * length + t] = content;
    });
  });
  return { ...batch, captions: { length, tokens, tokenMask, alignMask } };
}

/** Bytes the examples' activations take (the folder's footprint in memory). */
export function exampleBytes(examples: readonly TrainExample[]): number {
  let bytes = 0;
  for (const e of examples)
    bytes += e.patches.byteLength + (e.tokens?.byteLength ?? 0) + (e.contentMask?.byteLength ?? 0);
  return bytes;
}
