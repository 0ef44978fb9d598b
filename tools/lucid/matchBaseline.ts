/**
 * Post-hoc matching for the per-modality baseline (two separate SAEs in one file, nShared = 0):
 * pairs each text latent with an image latent by the Hungarian algorithm on their co-activation
 * over training pairs (METHOD.md, "Baselines"). Writes <dict>/matching.json: [[textLatent, imageLatent], …].
 * Usage: npx tsx tools/lucid/matchBaseline.ts --dict <dir> --train <shards> [--pairs 2000]
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { munkres } from 'munkres';
import { encodeRows, latentCountOf } from '../../src/explain/analyze';
import { DICTIONARY_FILES } from '../../src/explain/dictionary';
import { loadLucid } from '../../src/lucid/weightsIO';
import { readShard, readShardIndex } from '../../src/pipeline/shards';

const { values: args } = parseArgs({
  options: { dict: { type: 'string' }, train: { type: 'string' }, pairs: { type: 'string', default: '2000' } },
});
if (!args.dict || !args.train) throw new Error('--dict and --train are required');
await tf.setBackend('wasm');
const { model, norm } = loadLucid(
  new Uint8Array(await readFile(path.join(args.dict, DICTIONARY_FILES.weights))),
  await readFile(path.join(args.dict, DICTIONARY_FILES.config), 'utf8'),
);
const dictionary = { source: args.dict, model, norm, interpretation: null };
const { nShared, nImagePrivate, nTextPrivate, k } = model.config;
const m = latentCountOf(dictionary);
const imageStart = nShared;
const textStart = nShared + nImagePrivate;
const index = await readShardIndex(args.train);
const np = index.grid[0] * index.grid[1];
// co[i][j]: Σ over pairs of (image latent i's max code) · (text latent j's max code), then cosine-normalised.
const co = new Float64Array(nImagePrivate * nTextPrivate);
const imageSq = new Float64Array(nImagePrivate);
const textSq = new Float64Array(nTextPrivate);
let seen = 0;
for (const { file } of index.shards) {
  if (seen >= Number(args.pairs)) break;
  const shard = await readShard(args.train, file);
  for (let r = 0; r < shard.count && seen < Number(args.pairs); r++, seen++) {
    const image = await encodeRows(dictionary, 'image', shard.patches.subarray(r * np * index.dImage, (r + 1) * np * index.dImage));
    const length = shard.tokenMask.subarray(r * index.length, (r + 1) * index.length).reduce((a, b) => a + b, 0);
    const text = await encodeRows(
      dictionary,
      'text',
      shard.tokens.subarray(r * index.length * index.dText, (r * index.length + length) * index.dText),
    );
    const maxCodes = (codes: typeof image, start: number, size: number, rows?: Float32Array) => {
      const out = new Float64Array(size);
      for (let row = 0; row < codes.rows; row++) {
        if (rows && !rows[row]) continue;
        for (let j = 0; j < k; j++) {
          const id = codes.ids[row * k + j] - start;
          if (id >= 0 && id < size) out[id] = Math.max(out[id], codes.values[row * k + j]);
        }
      }
      return out;
    };
    const a = maxCodes(image, imageStart, nImagePrivate);
    const b = maxCodes(text, textStart, nTextPrivate, shard.alignMask.subarray(r * index.length, r * index.length + length));
    for (let i = 0; i < nImagePrivate; i++) {
      if (!a[i]) continue;
      imageSq[i] += a[i] * a[i];
      for (let j = 0; j < nTextPrivate; j++) if (b[j]) co[i * nTextPrivate + j] += a[i] * b[j];
    }
    for (let j = 0; j < nTextPrivate; j++) textSq[j] += b[j] * b[j];
  }
}
// Hungarian minimises cost: use negative cosine co-activation; rows = text latents.
const cost = Array.from({ length: nTextPrivate }, (_, j) =>
  Array.from({ length: nImagePrivate }, (_, i) => -co[i * nTextPrivate + j] / Math.sqrt(imageSq[i] * textSq[j] + 1e-12)),
);
const pairs = munkres(cost).map(([j, i]) => [textStart + j, imageStart + i]);
await writeFile(path.join(args.dict, 'matching.json'), JSON.stringify(pairs));
console.log(`matched ${pairs.length} text latents to image latents over ${seen} pairs (m = ${m})`);
