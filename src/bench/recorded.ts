/**
 * Recorded activations for the memory run of `npm run bench:scale`: the patches of an activation
 * shard (src/pipeline/shards.ts, written by tools/bench-model/extract.ts), handed to the SAE path
 * as if the vision tower had just produced them, so that holding 1,000 images does not take 1,000
 * vision-tower runs.
 */
import type { ImageActivations } from '../clip/encoder';
import { decodeSafetensors } from '../lucid/safetensors';

export interface RecordedPatches {
  /** Images in the shard. */
  count: number;
  /** Image `index` modulo `count`, as a fresh copy (the encoder hands out a new array per image). */
  image(index: number): ImageActivations;
}

const loaded = new Map<string, Promise<RecordedPatches>>();

/** The shard at `url`, fetched and parsed once per worker. */
export function recordedPatches(url: string): Promise<RecordedPatches> {
  let shard = loaded.get(url);
  if (shard === undefined) {
    shard = load(url);
    loaded.set(url, shard);
  }
  return shard;
}

async function load(url: string): Promise<RecordedPatches> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const { tensors } = decodeSafetensors(new Uint8Array(await response.arrayBuffer()), url);
  const patches = tensors.get('patches');
  if (patches === undefined || patches.shape.length !== 3) throw new Error(`${url} has no patches [n, Np, d]`);
  const [count, patchCount, width] = patches.shape;
  const side = Math.round(Math.sqrt(patchCount));
  if (side * side !== patchCount) throw new Error(`${url}: ${patchCount} patches are not a square grid`);
  const size = patchCount * width;
  return {
    count,
    image(index) {
      const at = (index % count) * size;
      return {
        grid: [side, side],
        width,
        patches: patches.data.slice(at, at + size),
        // The SAE path reads only the patches; the pooled embedding does not enter the analysis.
        embedding: new Float32Array(0),
      };
    },
  };
}

/** Bytes of every typed array reachable from `value` (objects and arrays walked, each array counted once). */
export function keptBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  let sum = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) sum += keptBytes(item, seen);
  return sum;
}
