/**
 * An image SAE and a text SAE opened together (e2e/fixtures/interop/pair, tools/interop/make_fixtures.py):
 * `lucid extract` makes shards of a small folder, `lucid match` writes the pair's matching.json from
 * them, and `lucid encode` / `lucid neurons` then give each latent its matched one (docs/interop.md).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchingFile } from '../lucid/interop/pair';
import { INTEROP_FIXTURES_DIR } from '../lucid/interop/testing/fixtures';

const REPO = path.resolve(__dirname, '../..');
const lucid = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['bin/lucid.mjs', ...args], { cwd: REPO, maxBuffer: 16 << 20 });

/** The exit code and stderr of a command expected to fail. */
async function failure(promise: Promise<unknown>): Promise<{ code: number; stderr: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: number; stderr: string };
  }
  throw new Error('the command succeeded');
}

let scratch: string;
let pair: string;
let shards: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'lucid-pair-'));
  // A copy: the matching.json written here must never land in the fixtures.
  pair = path.join(scratch, 'pair');
  await cp(path.join(INTEROP_FIXTURES_DIR, 'pair/unmatched'), pair, { recursive: true });
  shards = path.join(scratch, 'shards');
  await lucid('extract', '--images', 'e2e/fixtures/train-folder', '--out', shards);
}, 120_000);
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('lucid match → lucid encode / neurons on a pair of SAEs', () => {
  it('opens a pair without matching.json, saying each latent has no match yet', async () => {
    const { stdout } = await lucid('neurons', 'a dog', '--dict', pair, '--json', '--top', '3');
    const result = JSON.parse(stdout) as { neurons: { id: number; kind: string; matched: number | null }[] };
    expect(result.neurons.length).toBeGreaterThan(0);
    for (const neuron of result.neurons) expect(neuron).toMatchObject({ kind: 'text', matched: null });
  }, 60_000);

  it('writes matching.json from the shards and reports each latent’s match', async () => {
    const { stdout } = await lucid('match', '--dict', pair, '--shards', shards, '--json');
    const summary = JSON.parse(stdout) as { pairsSeen: number; matched: number };
    expect(summary).toMatchObject({ pairsSeen: 9, matched: 6 });
    const file = JSON.parse(await readFile(path.join(pair, 'matching.json'), 'utf8')) as MatchingFile;
    expect(file.measure).toMatch(/^centred co-activation/);
    expect(file.pairsSeen).toBe(9);
    expect(file.pairs.map(([, text]) => text)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(file.pairs.map(([image]) => image)).size).toBe(6);
    for (const [image, , score] of file.pairs) {
      expect(image).toBeGreaterThanOrEqual(0);
      expect(image).toBeLessThan(8);
      expect(Math.abs(score)).toBeLessThanOrEqual(1 + 1e-9);
    }

    // Text latent j of the SAE is LUCID id 8 + j (the image SAE's 8 latents come first).
    const imageOf = new Map(file.pairs.map(([image, text]) => [8 + text, image]));
    const neurons = JSON.parse((await lucid('neurons', 'a dog', '--dict', pair, '--json')).stdout) as {
      neurons: { id: number; matched: number | null }[];
    };
    for (const neuron of neurons.neurons) expect(neuron.matched).toBe(imageOf.get(neuron.id));
    const textOf = new Map(file.pairs.map(([image, text]) => [image, 8 + text]));
    const image = path.join(REPO, 'e2e/fixtures/images/cat.png');
    const encoded = JSON.parse((await lucid('encode', image, '--dict', pair, '--json')).stdout) as {
      latents: { id: number; kind: string; matched: number | null }[];
    };
    expect(encoded.latents.length).toBeGreaterThan(0);
    for (const latent of encoded.latents) {
      expect(latent.kind).toBe('image');
      expect(latent.matched).toBe(textOf.get(latent.id) ?? null);
    }
  }, 120_000);

  it('refuses grounding (no shared latents) and matching a folder that is not a pair', async () => {
    const image = path.join(REPO, 'e2e/fixtures/images/cat.png');
    const ground = await failure(lucid('ground', image, 'a cat', '--dict', pair));
    expect(ground.stderr).toMatch(/lucid ground: .* has no shared latents/);
    const single = await failure(
      lucid('match', '--dict', path.join(INTEROP_FIXTURES_DIR, 'saelens/topk-image'), '--shards', shards),
    );
    expect(single.stderr).toMatch(/lucid match pairs an image SAE with a text SAE/);
    const noShards = await failure(lucid('match', '--dict', pair, '--shards', path.join(scratch, 'none')));
    expect(noShards.stderr).toMatch(/none: no index\.json \(make shards with `lucid extract/);
  }, 120_000);
});
