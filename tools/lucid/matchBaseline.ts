/**
 * Post-hoc matching for the per-modality baseline (two separate SAEs in one file, nShared = 0):
 * pairs each text latent with an image latent by the Hungarian algorithm on their co-activation
 * over training pairs (METHOD.md, "Baselines"). Writes <dict>/matching.json: [[textLatent, imageLatent], …]
 * in LUCID ids (the evaluation's own format; a pair of SAEs has its own matching.json, docs/interop.md).
 * Usage: npx tsx tools/lucid/matchBaseline.ts --dict <dir> --train <shards> [--pairs 2000]
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { coActivationFromShards } from '../../src/cli/match';
import { latentCountOf } from '../../src/explain/analyze';
import { DICTIONARY_FILES } from '../../src/explain/dictionary';
import { hungarianMatching } from '../../src/explain/match';
import { loadLucid } from '../../src/lucid/weightsIO';

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
const { nShared, nImagePrivate } = model.config;
// The committed baseline numbers came from the uncentred cosine; `lucid match` (pairs of SAEs) uses
// the centred measure METHOD.md names. The shard loop and the Hungarian step are shared (src/cli/match.ts).
const co = await coActivationFromShards(dictionary, args.train, Number(args.pairs));
const pairs = hungarianMatching(co, 'cosine').map(([image, text]) => [nShared + nImagePrivate + text, nShared + image]);
await writeFile(path.join(args.dict, 'matching.json'), JSON.stringify(pairs));
console.log(`matched ${pairs.length} text latents to image latents over ${co.seen} pairs (m = ${latentCountOf(dictionary)})`);
