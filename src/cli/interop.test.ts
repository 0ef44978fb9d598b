/**
 * `lucid --dict` on other libraries' SAEs (e2e/fixtures/interop, made by tools/interop/make_fixtures.py)
 * and `lucid export-saelens` → `lucid --dict <export>`: the command line's side of docs/interop.md.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeDictionary } from '../explain/dictionary';
import { INTEROP_FIXTURES_DIR, interopManifest } from '../lucid/interop/testing/fixtures';
import { BAD_CORPUS_DIR } from '../pipeline/testing/badCorpus';
import { encodeCommand, neuronsCommand } from './commands';
import { type Context, DEFAULT_DICTIONARY_DIR, loadContext, readDictionary } from './context';

const REPO = path.resolve(__dirname, '../..');
const IMAGE = path.join(BAD_CORPUS_DIR, 'images/good.png');
const SPARSIFY_IMAGE = path.join(INTEROP_FIXTURES_DIR, 'sparsify/vision_model.encoder.layers.3');
const lucid = (...args: string[]) => promisify(execFile)(process.execPath, ['bin/lucid.mjs', ...args], { cwd: REPO });

let context: Context;
let scratch: string;
beforeAll(async () => {
  context = await loadContext({});
  scratch = await mkdtemp(path.join(os.tmpdir(), 'lucid-interop-'));
}, 120_000);
afterAll(async () => {
  await context?.encoder.dispose();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The context with another dictionary, disposed after `use`. */
async function withDictionary<T>(dir: string, use: (context: Context) => Promise<T>): Promise<T> {
  const dictionary = await readDictionary(dir, context.encoder.info);
  try {
    return await use({ encoder: context.encoder, dictionary });
  } finally {
    disposeDictionary(dictionary);
  }
}

describe('lucid --dict on SAELens and sparsify folders', () => {
  for (const c of interopManifest.cases) {
    it(`${c.path}: ${c.expect === 'ok' ? `opens (${c.modality} tower)` : 'is refused with its message'}`, async () => {
      const load = readDictionary(path.join(INTEROP_FIXTURES_DIR, c.path), context.encoder.info);
      if (c.expect !== 'ok') return void (await expect(load).rejects.toThrow(new RegExp(`^${c.expect}`)));
      const dictionary = await load;
      expect(dictionary.interpretation).toBeNull();
      disposeDictionary(dictionary);
    });
  }

  it('encodes an image with an image SAE and refuses text, which it has no latents for', async () => {
    await withDictionary(SPARSIFY_IMAGE, async (sparsify) => {
      const result = await encodeCommand(sparsify, IMAGE, 3);
      expect(result.latents.length).toBeGreaterThan(0);
      for (const latent of result.latents) expect(latent).toMatchObject({ kind: 'image', label: null });
      await expect(neuronsCommand(sparsify, 'a dog')).rejects.toThrow(/lucid neurons: .* has no text latents/);
    });
  });

  it('runs `lucid encode --dict <sparsify folder>` end to end', async () => {
    const { stdout } = await lucid('encode', IMAGE, '--dict', SPARSIFY_IMAGE, '--json', '--top', '3');
    const result = JSON.parse(stdout) as { latents: { id: number; kind: string }[] };
    expect(result.latents.length).toBeGreaterThan(0);
    expect(result.latents.every((l) => l.kind === 'image' && l.id < 8)).toBe(true);
  }, 120_000);

  it('names what a folder lacks', async () => {
    await expect(readDictionary(scratch, context.encoder.info)).rejects.toThrow(
      /no dictionary in .* \(needs lucid\.safetensors and lucid\.config\.json, or lucid-export\.json/,
    );
    const half = await mkdtemp(path.join(scratch, 'half-'));
    await copyFile(path.join(DEFAULT_DICTIONARY_DIR, 'lucid.config.json'), path.join(half, 'lucid.config.json'));
    await expect(readDictionary(half, context.encoder.info)).rejects.toThrow(/^lucid\.safetensors: missing in/);
  });
});

describe('lucid export-saelens', () => {
  it('writes SAELens folders that `lucid --dict` opens with the shipped dictionary’s codes', async () => {
    const out = path.join(scratch, 'export');
    await lucid('export-saelens', '--out', out);
    expect((await readdir(out)).sort()).toEqual(['image', 'interpretation.json', 'lucid-export.json', 'text']);
    expect((await readdir(path.join(out, 'image'))).sort()).toEqual(['cfg.json', 'sae_weights.safetensors']);
    const before = await encodeCommand(context, IMAGE, 10);
    const after = await withDictionary(out, (exported) => encodeCommand(exported, IMAGE, 10));
    expect(after.latents.map((l) => [l.id, l.label, l.kind])).toEqual(
      before.latents.map((l) => [l.id, l.label, l.kind]),
    );
    after.latents.forEach((l, j) => expect(l.score).toBeCloseTo(before.latents[j].score, 3));
  }, 120_000);
});
