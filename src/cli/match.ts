/**
 * `lucid match --dict <pair folder> --shards <dir> [--pairs N]`: the post-hoc matching of an image SAE and
 * a text SAE opened as a pair (docs/interop.md), computed from activation shards (`lucid extract`) and
 * written as the folder's matching.json, which `lucid --dict` and the app then read.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeRows } from '../explain/analyze';
import type { LoadedDictionary } from '../explain/dictionary';
import { CoActivation, type CoActivationMeasure, MEASURE_NAMES, hungarianMatching, maxCodes } from '../explain/match';
import { MATCHING_FILE, type MatchingFile } from '../lucid/interop/pair';
import { readShard, readShardIndex } from '../pipeline/shards';
import { CliError } from './context';

/**
 * Per-pair max codes of the image-private and text-private latents over the first `maxPairs` pairs of
 * the shards in `dir` (text latents over the caption's aligned tokens only).
 */
export async function coActivationFromShards(
  dictionary: LoadedDictionary,
  dir: string,
  maxPairs: number,
): Promise<CoActivation> {
  const { nShared, nImagePrivate, nTextPrivate, k, dImage, dText } = dictionary.model.config;
  const index = await readShardIndex(dir).catch(() => {
    throw new CliError(`${dir}: no index.json (make shards with \`lucid extract --images <folder> --out ${dir}\`)`);
  });
  if (index.dImage !== dImage || index.dText !== dText) {
    throw new CliError(
      `${dir}: the shards hold activations of width ${index.dImage} (image) and ${index.dText} (text), ` +
        `but the dictionary reads ${dImage} and ${dText}`,
    );
  }
  const co = new CoActivation(nImagePrivate, nTextPrivate);
  const np = index.grid[0] * index.grid[1];
  const textStart = nShared + nImagePrivate;
  for (const { file } of index.shards) {
    if (co.seen >= maxPairs) break;
    const shard = await readShard(dir, file);
    for (let r = 0; r < shard.count && co.seen < maxPairs; r++) {
      const image = await encodeRows(
        dictionary,
        'image',
        shard.patches.subarray(r * np * dImage, (r + 1) * np * dImage),
      );
      const length = shard.tokenMask.subarray(r * index.length, (r + 1) * index.length).reduce((a, b) => a + b, 0);
      const text = await encodeRows(
        dictionary,
        'text',
        shard.tokens.subarray(r * index.length * dText, (r * index.length + length) * dText),
      );
      const aligned = shard.alignMask.subarray(r * index.length, r * index.length + length);
      co.add(maxCodes(image, k, nShared, nImagePrivate), maxCodes(text, k, textStart, nTextPrivate, aligned));
    }
  }
  return co;
}

/** Computes the pair's matching and writes it as `<dir>/matching.json`. */
export async function matchCommand(
  dictionary: LoadedDictionary,
  dir: string,
  shards: string,
  maxPairs: number,
  measure: CoActivationMeasure = 'centred',
) {
  const { nShared, nImagePrivate, nTextPrivate } = dictionary.model.config;
  if (nShared > 0 || nImagePrivate === 0 || nTextPrivate === 0) {
    throw new CliError(
      `lucid match pairs an image SAE with a text SAE (a folder with image/ and text/); ${dir} has ` +
        `${nShared} shared, ${nImagePrivate} image and ${nTextPrivate} text latents`,
    );
  }
  const co = await coActivationFromShards(dictionary, shards, maxPairs);
  if (co.seen < 2) throw new CliError(`${shards}: ${co.seen} pair(s); a matching needs at least 2`);
  const file: MatchingFile = {
    measure: MEASURE_NAMES[measure],
    pairsSeen: co.seen,
    pairs: hungarianMatching(co, measure),
  };
  await writeFile(path.join(dir, MATCHING_FILE), `${JSON.stringify(file)}\n`);
  const scores = file.pairs.map(([, , score]) => score);
  return {
    file: path.join(dir, MATCHING_FILE),
    pairsSeen: co.seen,
    matched: file.pairs.length,
    meanScore: scores.reduce((a, b) => a + b, 0) / Math.max(scores.length, 1),
  };
}
