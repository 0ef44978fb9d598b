import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasModality } from '../config';
import { encodeSparse } from '../encode';
import { disposeLucid } from '../model';
import { normalizeRows } from '../normalization';
import { useBackend } from '../testing/backend';
import { openForeignDictionary } from './openFolder';
import { EMOJI_CLIP_WIDTHS, INTEROP_FIXTURES_DIR, folderReader, interopManifest } from './testing/fixtures';

const open = (relative: string) => {
  const dir = path.join(INTEROP_FIXTURES_DIR, relative);
  return openForeignDictionary(folderReader(dir), path.basename(dir), EMOJI_CLIP_WIDTHS);
};

beforeAll(() => useBackend());

describe('SAELens and sparsify folders written by tools/interop/make_fixtures.py', () => {
  for (const c of interopManifest.cases.filter((c) => c.expect === 'ok')) {
    it(`${c.path} opens with ${c.modality} latents only, giving the library's own codes`, async () => {
      const opened = (await open(c.path))!;
      const { model, norm } = opened;
      try {
        expect(opened.format).toBe(c.format);
        expect(opened.modality).toBe(c.modality);
        const { config } = model;
        expect(config.nShared).toBe(0);
        expect(c.modality === 'image' ? config.nImagePrivate : config.nTextPrivate).toBe(c.latents);
        expect(hasModality(config, c.modality === 'image' ? 'text' : 'image')).toBe(false);
        expect(config.k).toBe(c.k);
        const x = normalizeRows(Float32Array.from(interopManifest.input.flat()), norm[c.modality!]);
        const { values, indices } = encodeSparse(model, c.modality!, tf.tensor2d(x, [2, interopManifest.dIn]));
        const [v, i] = [(await values.array()) as number[][], (await indices.array()) as number[][]];
        tf.dispose([values, indices]);
        c.codes!.forEach((row, r) => {
          const ours = i[r].map((id, j) => [id, v[r][j]]).filter(([, value]) => value > 0);
          expect(ours.map(([id]) => id)).toEqual(row.map(([id]) => id));
          ours.forEach(([, value], j) => expect(value).toBeCloseTo(row[j][1], 4));
        });
      } finally {
        disposeLucid(model);
      }
    });
  }

  for (const c of interopManifest.cases.filter((c) => c.expect !== 'ok')) {
    it(`${c.path}: ${c.about} — refused, naming the file and the problem`, async () => {
      await expect(open(c.path)).rejects.toThrow(new RegExp(`^${c.expect}`));
    });
  }

  it('leaves no tensors behind when it refuses a folder', async () => {
    const before = tf.memory().numTensors;
    for (const c of interopManifest.cases.filter((c) => c.expect !== 'ok')) await open(c.path).catch(() => null);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns null for a folder that holds none of the formats', async () => {
    expect(await open('.')).toBeNull();
  });
});
