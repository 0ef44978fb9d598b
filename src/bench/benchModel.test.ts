/**
 * The benchmark model's code path at a tiny size (`npm run bench:scale` builds the ViT-B/16-sized
 * one; tests never do): tools/bench-model/make_model.py --size tiny writes a 2-layer, width-64
 * CLIP and a 256-latent dictionary that the app's own loaders read in Node, and
 * tools/bench-model/extract.ts writes activation shards of it.
 * Needs Debian's python3-torch and python3-onnx, as .ci/run installs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClipEncoder, loadClipEncoder } from '../clip/encoder';
import { configureClipForNode } from '../clip/nodeEnvironment';
import { analyzeImageActivations } from '../explain/analyze';
import { DICTIONARY_FILES, dictionaryFromFiles, disposeDictionary } from '../explain/dictionary';
import { latentCount } from '../lucid/config';
import type { ShardIndex } from '../pipeline/shards';

const REPO = path.resolve(__dirname, '../..');
const ID = 'bench-tiny';
const run = (file: string, args: string[]) =>
  promisify(execFile)(file, args, { cwd: REPO, env: { ...process.env, OMP_NUM_THREADS: '1' } });

let scratch: string;
let encoder: ClipEncoder;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'lucid-bench-model-'));
  await run('/usr/bin/python3', ['tools/bench-model/make_model.py', '--out', scratch, '--size', 'tiny']);
  configureClipForNode({ modelsDir: path.join(scratch, 'models') });
  encoder = await loadClipEncoder(ID);
}, 60_000);
afterAll(async () => {
  await encoder?.dispose();
  await rm(scratch, { recursive: true, force: true });
});

describe('the benchmark model at tiny size', () => {
  it('loads in transformers.js with the shapes it was built with', async () => {
    expect(encoder.info).toMatchObject({ grid: [4, 4], imageSize: 64, dImage: 64, dText: 64, maxTextTokens: 77 });
    const image = await encoder.encodePixels(new Float32Array(3 * 64 * 64).fill(0.25));
    expect(image.patches).toHaveLength(16 * 64);
    expect(image.embedding).toHaveLength(32);
    expect(image.patchEmbeds).toHaveLength(16 * 32);
    const text = await encoder.encodeText('a dog on a red car');
    expect(text.hidden).toHaveLength(text.tokens.length * 64);
    expect([...image.patches, ...text.hidden].every(Number.isFinite)).toBe(true);
  });

  it('comes with a dictionary the app loads and encodes with', async () => {
    const folder = path.join(scratch, 'dictionaries', ID);
    const dictionary = dictionaryFromFiles(
      folder,
      new Uint8Array(await readFile(path.join(folder, DICTIONARY_FILES.weights))),
      await readFile(path.join(folder, DICTIONARY_FILES.config), 'utf8'),
      null,
      encoder.info,
    );
    try {
      expect(latentCount(dictionary.model.config)).toBe(256);
      const image = await encoder.encodePixels(new Float32Array(3 * 64 * 64).fill(-0.5));
      const { codes } = await analyzeImageActivations(dictionary, image);
      expect(codes.rows).toBe(16);
      expect(codes.ids).toHaveLength(16 * dictionary.model.config.k);
    } finally {
      disposeDictionary(dictionary);
    }
  });

  it('has activation shards written by the extraction loader', async () => {
    const shards = path.join(scratch, 'shards');
    await run(process.execPath, [
      'node_modules/tsx/dist/cli.mjs',
      'tools/bench-model/extract.ts',
      path.join(scratch, 'models'),
      ID,
      shards,
      '4',
    ]);
    const index = JSON.parse(await readFile(path.join(shards, 'index.json'), 'utf8')) as ShardIndex;
    expect(index).toMatchObject({ encoder: ID, grid: [4, 4], dImage: 64, dText: 64, length: 77 });
    expect(index.shards).toEqual([{ file: 'shard-00000.safetensors', count: 4 }]);
  }, 30_000);
});
