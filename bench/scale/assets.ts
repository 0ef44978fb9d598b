/**
 * What `npm run bench:scale` measures with, made at bench time in a temporary folder (never
 * committed): the seeded ViT-B/16-sized CLIP and its 16,384-latent dictionary
 * (tools/bench-model/make_model.py), activation shards of it (tools/bench-model/extract.ts, the
 * loader of tools/lucid/extract.ts), and training batches cut from those shards. `serveAssets`
 * links them into the built app's folder, where `vite preview` serves them to the page.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { LucidConfig } from '../../src/lucid/config';
import { computeNormStats } from '../../src/lucid/normalization';
import { encodeSafetensors } from '../../src/lucid/safetensors';
import { batchFromShard, readShard, readShardIndex } from '../../src/pipeline/shards';

export const MODEL_ID = 'bench-vit-b16';
/** Under the served folder: the shard and the batches (the model and dictionary go where the app looks). */
export const SERVED_DATA = 'bench-scale';

export interface ScaleAssets {
  /** The temporary folder: models/<id>/, dictionaries/<id>/, shards/, batches/. */
  root: string;
  config: LucidConfig;
  shardFile: string;
  batchFiles: string[];
  /** Seconds the model, the shards and the batches took to make (0 for what was already there). */
  seconds: { model: number; shards: number; batches: number };
  /** Pairs in the shards and the extraction's time per pair. */
  shardPairs: number;
  extractMsPerPair: number | null;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
  return result.stdout;
}

const timed = <T>(make: () => T): [T, number] => {
  const started = Date.now();
  const value = make();
  return [value, (Date.now() - started) / 1000];
};

/**
 * Makes what is missing in `root`: the model and dictionary, `shardPairs` pairs of shards, and
 * `batches` batches of `pairs` pairs (pairs 0 … batches·pairs − 1 of the first shard, normalised
 * with the shard's own statistics).
 */
export async function makeAssets(root: string, shardPairs: number, batches: number, pairs: number) {
  const seconds = { model: 0, shards: 0, batches: 0 };
  if (!existsSync(join(root, 'models', MODEL_ID, 'onnx', 'vision_model.onnx'))) {
    console.error(`bench:scale: building the ${MODEL_ID} model and dictionary in ${root}`);
    [, seconds.model] = timed(() =>
      run('/usr/bin/python3', ['tools/bench-model/make_model.py', '--out', root, '--size', 'base']),
    );
  }
  const shards = join(root, 'shards');
  let extractMsPerPair: number | null = null;
  if (!existsSync(join(shards, 'index.json'))) {
    console.error(`bench:scale: extracting ${shardPairs} pairs of activations (tools/bench-model/extract.ts)`);
    const [output, took] = timed(() =>
      run(process.execPath, [
        'node_modules/tsx/dist/cli.mjs',
        'tools/bench-model/extract.ts',
        join(root, 'models'),
        MODEL_ID,
        shards,
        String(shardPairs),
      ]),
    );
    seconds.shards = took;
    extractMsPerPair =
      1000 * (JSON.parse(output.trim().split('\n').at(-1)!) as { secondsPerPair: number }).secondsPerPair;
  }
  const config = (
    JSON.parse(readFileSync(join(root, 'dictionaries', MODEL_ID, 'lucid.config.json'), 'utf8')) as {
      config: LucidConfig;
    }
  ).config;
  const index = await readShardIndex(shards);
  const first = index.shards[0];
  const shard = await readShard(shards, first.file);
  if (shard.count < batches * pairs) throw new Error(`the shards have ${shard.count} pairs; ${batches * pairs} needed`);
  const started = Date.now();
  const real: number[] = [];
  shard.tokenMask.forEach((value, i) => value && real.push(i));
  const tokenRows = new Float32Array(real.length * index.dText);
  real.forEach((t, i) => tokenRows.set(shard.tokens.subarray(t * index.dText, (t + 1) * index.dText), i * index.dText));
  const norm = { image: computeNormStats(shard.patches, index.dImage), text: computeNormStats(tokenRows, index.dText) };
  const batchDir = join(root, 'batches');
  rmSync(batchDir, { recursive: true, force: true });
  mkdirSync(batchDir, { recursive: true });
  const batchFiles: string[] = [];
  for (let b = 0; b < batches; b++) {
    const rows = Array.from({ length: pairs }, (_, i) => b * pairs + i);
    const batch = batchFromShard(index, shard, rows, norm);
    const captions = batch.captions!;
    const np = batch.grid[0] * batch.grid[1];
    const file = join(batchDir, `batch-${b}.safetensors`);
    const tensors = new Map([
      ['patches', { shape: [pairs, np, index.dImage], data: batch.patches }],
      ['tokens', { shape: [pairs, captions.length, index.dText], data: captions.tokens }],
      ['tokenMask', { shape: [pairs, captions.length], data: captions.tokenMask }],
      ['alignMask', { shape: [pairs, captions.length], data: captions.alignMask }],
    ]);
    writeFileSync(file, encodeSafetensors(tensors, { grid: JSON.stringify(batch.grid) }));
    batchFiles.push(file);
  }
  writeFileSync(join(batchDir, 'config.json'), JSON.stringify(config));
  seconds.batches = (Date.now() - started) / 1000;
  return {
    root,
    config,
    shardFile: join(shards, first.file),
    batchFiles,
    seconds,
    shardPairs: shard.count,
    extractMsPerPair,
  } satisfies ScaleAssets;
}

/** A hard link of `source` at `target` (a copy across file systems): the model is 0.5 GB. */
function linkFile(source: string, target: string): void {
  rmSync(target, { force: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) linkTree(source, target);
    else linkFile(source, target);
  }
}

/** Puts the model, dictionary, shard, batches and image fixtures where `vite preview` serves `dist`. */
export function serveAssets(assets: ScaleAssets, dist: string, fixtures: string): void {
  linkTree(join(assets.root, 'models', MODEL_ID), join(dist, 'models', MODEL_ID));
  linkTree(join(assets.root, 'dictionaries', MODEL_ID), join(dist, 'dictionaries', MODEL_ID));
  const data = join(dist, SERVED_DATA);
  rmSync(data, { recursive: true, force: true });
  mkdirSync(join(data, 'fixtures'), { recursive: true });
  linkFile(assets.shardFile, join(data, 'shard.safetensors'));
  assets.batchFiles.forEach((file, i) => linkFile(file, join(data, `batch-${i}.safetensors`)));
  for (const name of readdirSync(fixtures).filter((file) => file.endsWith('.png')))
    copyFileSync(join(fixtures, name), join(data, 'fixtures', name));
}

/** Removes what `serveAssets` put into `dist`. */
export function unserveAssets(dist: string): void {
  for (const path of [join(dist, 'models', MODEL_ID), join(dist, 'dictionaries', MODEL_ID), join(dist, SERVED_DATA)])
    rmSync(path, { recursive: true, force: true });
}
