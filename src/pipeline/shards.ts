import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostPairBatch } from '../lucid/batch';
import type { NormStats } from '../lucid/normalization';
import { decodeSafetensors, encodeSafetensors, type NamedArray } from '../lucid/safetensors';

/**
 * Activation shards: the encoder's patch and token activations of image–caption pairs, in
 * safetensors files of `pairsPerShard` pairs each (so no step ever holds the whole set):
 * `patches` [n, Np, dImage], `tokens` [n, T, dText], `tokenMask` [n, T], `alignMask` [n, T].
 */
export interface ShardIndex {
  encoder: string;
  grid: [number, number];
  dImage: number;
  dText: number;
  /** Tokens per caption in the shards (captions padded to it). */
  length: number;
  shards: { file: string; count: number }[];
}

export interface Shard {
  count: number;
  patches: Float32Array;
  tokens: Float32Array;
  tokenMask: Float32Array;
  alignMask: Float32Array;
}

/** How a writer continues an earlier extraction (`lucid extract`, src/cli/extract.ts). */
export interface ShardWriterResume {
  /** Shards already complete in `dir`: new shards are numbered after them and listed with them. */
  existing?: ShardIndex['shards'];
  /** Called after each shard is on disk, with the index so far (to record progress). */
  afterShard?: (index: ShardIndex) => Promise<void>;
}

/** Collects pairs and writes a shard every `pairsPerShard` pairs. */
export function createShardWriter(
  dir: string,
  header: Omit<ShardIndex, 'shards'>,
  pairsPerShard: number,
  resume: ShardWriterResume = {},
) {
  const patchSize = header.grid[0] * header.grid[1] * header.dImage;
  const tokenSize = header.length * header.dText;
  const index: ShardIndex = { ...header, shards: [...(resume.existing ?? [])] };
  let pending: { patches: Float32Array; tokens: Float32Array; tokenMask: Float32Array; alignMask: Float32Array }[] = [];

  async function flush() {
    if (pending.length === 0) return;
    const n = pending.length;
    const join = (pick: (p: (typeof pending)[number]) => Float32Array, width: number) => {
      const out = new Float32Array(n * width);
      pending.forEach((p, i) => out.set(pick(p), i * width));
      return out;
    };
    const tensors = new Map<string, NamedArray>([
      [
        'patches',
        { shape: [n, header.grid[0] * header.grid[1], header.dImage], data: join((p) => p.patches, patchSize) },
      ],
      ['tokens', { shape: [n, header.length, header.dText], data: join((p) => p.tokens, tokenSize) }],
      ['tokenMask', { shape: [n, header.length], data: join((p) => p.tokenMask, header.length) }],
      ['alignMask', { shape: [n, header.length], data: join((p) => p.alignMask, header.length) }],
    ]);
    const file = `shard-${String(index.shards.length).padStart(5, '0')}.safetensors`;
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, file), encodeSafetensors(tensors));
    index.shards.push({ file, count: n });
    pending = [];
    await resume.afterShard?.(index);
  }

  return {
    /** Adds one pair; token arrays are padded to `length` here. */
    async add(patches: Float32Array, tokens: Float32Array, contentMask: Uint8Array) {
      const t = contentMask.length;
      const padded = new Float32Array(tokenSize);
      padded.set(tokens.subarray(0, Math.min(t, header.length) * header.dText));
      const tokenMask = new Float32Array(header.length);
      const alignMask = new Float32Array(header.length);
      for (let i = 0; i < Math.min(t, header.length); i++) {
        tokenMask[i] = 1;
        alignMask[i] = contentMask[i];
      }
      pending.push({ patches, tokens: padded, tokenMask, alignMask });
      if (pending.length >= pairsPerShard) await flush();
    },
    async finish(): Promise<ShardIndex> {
      await flush();
      await writeFile(path.join(dir, 'index.json'), JSON.stringify(index, null, 1));
      return index;
    },
  };
}

export async function readShardIndex(dir: string): Promise<ShardIndex> {
  return JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as ShardIndex;
}

export async function readShard(dir: string, file: string): Promise<Shard> {
  const { tensors } = decodeSafetensors(new Uint8Array(await readFile(path.join(dir, file))));
  const get = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`${file} has no tensor ${name}`);
    return t;
  };
  return {
    count: get('patches').shape[0],
    patches: get('patches').data,
    tokens: get('tokens').data,
    tokenMask: get('tokenMask').data,
    alignMask: get('alignMask').data,
  };
}

/**
 * A normalised training batch from pairs `rows` of a shard. Captions are cut to the longest real
 * caption of the batch, so Sinkhorn never works on padding columns that every caption has.
 */
export function batchFromShard(
  index: ShardIndex,
  shard: Shard,
  rows: number[],
  norm: { image: NormStats; text: NormStats },
): HostPairBatch {
  const np = index.grid[0] * index.grid[1];
  const { dImage, dText, length } = index;
  let used = 1;
  for (const r of rows)
    for (let t = 0; t < length; t++) if (shard.tokenMask[r * length + t]) used = Math.max(used, t + 1);
  const patches = new Float32Array(rows.length * np * dImage);
  const tokens = new Float32Array(rows.length * used * dText);
  const tokenMask = new Float32Array(rows.length * used);
  const alignMask = new Float32Array(rows.length * used);
  rows.forEach((r, b) => {
    for (let i = 0; i < np * dImage; i++) {
      patches[b * np * dImage + i] =
        (shard.patches[r * np * dImage + i] - norm.image.mean[i % dImage]) * norm.image.scale;
    }
    for (let t = 0; t < used; t++) {
      const real = shard.tokenMask[r * length + t];
      tokenMask[b * used + t] = real;
      alignMask[b * used + t] = shard.alignMask[r * length + t];
      if (!real) continue;
      for (let j = 0; j < dText; j++) {
        tokens[(b * used + t) * dText + j] =
          (shard.tokens[(r * length + t) * dText + j] - norm.text.mean[j]) * norm.text.scale;
      }
    }
  });
  return { pairs: rows.length, grid: index.grid, patches, captions: { length: used, tokens, tokenMask, alignMask } };
}
