import { computeNormStats, type NormStats } from '../lucid/normalization';
import type { Shard, ShardIndex } from './shards';

/** Normalisation statistics of a shard: all patches, and the real (non-padding) tokens. */
export function normStatsFromShard(index: ShardIndex, shard: Shard): { image: NormStats; text: NormStats } {
  const realTokens: number[] = [];
  for (let i = 0; i < shard.tokenMask.length; i++) if (shard.tokenMask[i]) realTokens.push(i);
  const tokens = new Float32Array(realTokens.length * index.dText);
  realTokens.forEach((row, i) =>
    tokens.set(shard.tokens.subarray(row * index.dText, (row + 1) * index.dText), i * index.dText),
  );
  return { image: computeNormStats(shard.patches, index.dImage), text: computeNormStats(tokens, index.dText) };
}
