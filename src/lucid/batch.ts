import * as tf from '@tensorflow/tfjs';
import type { LucidConfig } from './config';
import { LucidInputError, check } from './errors';

/**
 * A training batch of image–caption pairs as plain arrays (what a worker receives or a shard holds).
 * All activations are already normalised with the dictionary's statistics.
 */
export interface HostPairBatch {
  /** Number of pairs B. */
  pairs: number;
  /** Patch grid [rows, cols]; patches per image Np = rows · cols. */
  grid: [number, number];
  /** Patch activations, row-major [B, Np, dImage]. */
  patches: Float32Array;
  /** Caption tokens; absent for an image-only batch (reconstruction only, no alignment). */
  captions?: {
    /** Tokens per caption T (captions are padded to it). */
    length: number;
    /** Token activations, row-major [B, T, dText]. */
    tokens: Float32Array;
    /** 1 for a real token, 0 for padding [B, T]. */
    tokenMask: Float32Array;
    /** 1 for a content token that takes part in alignment (not BOS/EOS/punctuation/padding) [B, T]. */
    alignMask: Float32Array;
  };
}

/** The same batch as tensors. */
export interface PairBatch {
  grid: [number, number];
  /** [B, Np, dImage] */
  patches: tf.Tensor3D;
  captions?: {
    /** [B, T, dText] */
    tokens: tf.Tensor3D;
    /** [B, T] */
    tokenMask: tf.Tensor2D;
    /** [B, T] */
    alignMask: tf.Tensor2D;
  };
}

/** Index of the first NaN or ±Infinity, or −1. */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

function checkFinite(name: string, values: Float32Array, rowWidth: number): void {
  const at = firstNonFinite(values);
  if (at >= 0) {
    throw new LucidInputError(
      `${name} contains ${values[at]} at row ${Math.floor(at / rowWidth)}, column ${at % rowWidth}; ` +
        'activations must be finite numbers',
    );
  }
}

/** Throws a LucidInputError naming the first thing wrong with a batch for this configuration. */
export function validateBatch(config: LucidConfig, batch: HostPairBatch): void {
  const { pairs, grid } = batch;
  check(Number.isInteger(pairs) && pairs >= 1, `batch.pairs must be a positive integer, got ${pairs}`);
  check(
    Array.isArray(grid) && grid.length === 2 && grid.every((g) => Number.isInteger(g) && g >= 1),
    `batch.grid must be [rows, cols] of positive integers, got ${JSON.stringify(grid)}`,
  );
  const patchCount = grid[0] * grid[1];
  const expected = pairs * patchCount * config.dImage;
  check(
    batch.patches instanceof Float32Array && batch.patches.length === expected,
    `batch.patches must hold pairs × patches × dImage = ${pairs} × ${patchCount} × ${config.dImage} = ` +
      `${expected} floats, got ${batch.patches?.length}`,
  );
  checkFinite('batch.patches', batch.patches, config.dImage);
  if (!batch.captions) return;
  const { length, tokens, tokenMask, alignMask } = batch.captions;
  check(Number.isInteger(length) && length >= 1, `batch.captions.length must be a positive integer, got ${length}`);
  const expectedTokens = pairs * length * config.dText;
  check(
    tokens instanceof Float32Array && tokens.length === expectedTokens,
    `batch.captions.tokens must hold pairs × length × dText = ${pairs} × ${length} × ${config.dText} = ` +
      `${expectedTokens} floats, got ${tokens?.length}`,
  );
  checkFinite('batch.captions.tokens', tokens, config.dText);
  for (const [name, mask] of [
    ['tokenMask', tokenMask],
    ['alignMask', alignMask],
  ] as const) {
    check(
      mask instanceof Float32Array && mask.length === pairs * length,
      `batch.captions.${name} must hold pairs × length = ${pairs * length} values, got ${mask?.length}`,
    );
    check(
      mask.every((v) => v === 0 || v === 1),
      `batch.captions.${name} must contain only 0 and 1`,
    );
  }
  for (let b = 0; b < pairs; b++) {
    let aligned = 0;
    for (let t = 0; t < length; t++) {
      const i = b * length + t;
      check(
        alignMask[i] <= tokenMask[i],
        `batch.captions.alignMask marks padding token ${t} of caption ${b} for alignment`,
      );
      aligned += alignMask[i];
    }
    check(aligned > 0, `caption ${b} has no content token to align (alignMask is all 0)`);
  }
}

/** Validates a host batch and uploads it; the caller disposes the result with {@link disposeBatch}. */
export function toBatchTensors(config: LucidConfig, batch: HostPairBatch): PairBatch {
  validateBatch(config, batch);
  const patchCount = batch.grid[0] * batch.grid[1];
  const out: PairBatch = {
    grid: [batch.grid[0], batch.grid[1]],
    patches: tf.tensor3d(batch.patches, [batch.pairs, patchCount, config.dImage]),
  };
  if (batch.captions) {
    const { length, tokens, tokenMask, alignMask } = batch.captions;
    out.captions = {
      tokens: tf.tensor3d(tokens, [batch.pairs, length, config.dText]),
      tokenMask: tf.tensor2d(tokenMask, [batch.pairs, length]),
      alignMask: tf.tensor2d(alignMask, [batch.pairs, length]),
    };
  }
  return out;
}

/** Frees a batch's tensors. */
export function disposeBatch(batch: PairBatch): void {
  batch.patches.dispose();
  if (batch.captions) {
    batch.captions.tokens.dispose();
    batch.captions.tokenMask.dispose();
    batch.captions.alignMask.dispose();
  }
}
