/**
 * Pretrains a LUCID dictionary on activation shards with the app's own trainer (tfjs WASM in Node).
 * Usage: npx tsx tools/lucid/pretrain.ts --train <shards> --heldout <shards> --out <dir> [--steps N]
 *        [--batch B] [--shared M] [--image-private M] [--text-private M] [--k K] [--no-gcmt] [--name lucid]
 * Writes <out>/<name>.safetensors, <out>/<name>.config.json and prints held-out metrics as JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { makeConfig } from '../../src/lucid/config';
import { measureDictionary } from '../../src/lucid/metrics';
import { createLucid } from '../../src/lucid/model';
import { createTrainer } from '../../src/lucid/trainer';
import { saveLucid } from '../../src/lucid/weightsIO';
import { makeRng } from '../../src/lucid/random';
import { normStatsFromShard } from '../../src/pipeline/normStats';
import { batchFromShard, readShard, readShardIndex, type Shard } from '../../src/pipeline/shards';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string' },
    heldout: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string', default: 'lucid' },
    steps: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '16' },
    shared: { type: 'string', default: '512' },
    'image-private': { type: 'string', default: '128' },
    'text-private': { type: 'string', default: '128' },
    k: { type: 'string', default: '16' },
    lr: { type: 'string', default: '1e-3' },
    'aux-weight': { type: 'string', default: String(1 / 32) },
    'no-gcmt': { type: 'boolean', default: false },
    'steps-per-shard': { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
  },
});
if (!args.train || !args.heldout || !args.out) throw new Error('--train, --heldout and --out are required');

await tf.setBackend('wasm');
await tf.ready();
const trainIndex = await readShardIndex(args.train);
const heldIndex = await readShardIndex(args.heldout);
const first = await readShard(args.train, trainIndex.shards[0].file);
const norm = normStatsFromShard(trainIndex, first);
const config = makeConfig(
  { dImage: trainIndex.dImage, dText: trainIndex.dText },
  {
    nShared: Number(args.shared),
    nImagePrivate: Number(args['image-private']),
    nTextPrivate: Number(args['text-private']),
    k: Number(args.k),
    kAux: 2 * Number(args.k),
    learningRate: Number(args.lr),
    auxWeight: Number(args['aux-weight']),
    deadAfterTokens: 200_000,
    ...(args['no-gcmt'] ? { gcmtWeight: 0, contrastWeight: 0 } : {}),
  },
);
const model = createLucid(config, Number(args.seed));
console.log(`config ${JSON.stringify(config)}`);
const trainer = createTrainer(model);
const rng = makeRng(Number(args.seed) + 1);
const steps = Number(args.steps);
const batchSize = Number(args.batch);
let shard: Shard = first;
let shardNumber = 0;
const start = Date.now();
for (let step = 0; step < steps; step++) {
  if (step > 0 && step % Number(args['steps-per-shard']) === 0 && trainIndex.shards.length > 1) {
    shardNumber = (shardNumber + 1) % trainIndex.shards.length;
    shard = await readShard(args.train, trainIndex.shards[shardNumber].file);
  }
  const rows = Array.from({ length: batchSize }, () => Math.floor(rng() * shard.count));
  trainer.step(batchFromShard(trainIndex, shard, [...new Set(rows)], norm));
  if (step % 100 === 0 || step === steps - 1) {
    const losses = await trainer.readLosses();
    const seconds = (Date.now() - start) / 1000;
    console.log(
      `step ${step} ${seconds.toFixed(0)}s ` +
        Object.entries(losses)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(' ') +
        ` dead ${(await trainer.readDeadFraction()).toFixed(3)}`,
    );
  }
}
const heldBatches = [];
for (const { file } of heldIndex.shards) {
  const held = await readShard(args.heldout, file);
  for (let r = 0; r < held.count; r += 32) {
    heldBatches.push(batchFromShard(heldIndex, held, Array.from({ length: Math.min(32, held.count - r) }, (_, i) => r + i), norm));
  }
}
const metrics = await measureDictionary(model, heldBatches);
const saved = await saveLucid(model, norm, {
  encoder: trainIndex.encoder,
  steps,
  batch: batchSize,
  trainSeconds: Math.round((Date.now() - start) / 1000),
});
await mkdir(args.out, { recursive: true });
await writeFile(path.join(args.out, `${args.name}.safetensors`), saved.weights);
await writeFile(path.join(args.out, `${args.name}.config.json`), JSON.stringify(saved.config, null, 2) + '\n');
console.log(JSON.stringify({ name: args.name, config: { shared: config.nShared, k: config.k }, steps, metrics }));
