import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODALITIES } from '../config';
import { encodeSparse } from '../encode';
import { disposeLucid } from '../model';
import { useBackend } from '../testing/backend';
import { openForeignDictionary } from './openFolder';
import { lucidFromPair, parseMatching } from './pair';
import { EMOJI_CLIP_WIDTHS, INTEROP_FIXTURES_DIR, folderReader, interopManifest } from './testing/fixtures';

const open = (relative: string) => {
  const dir = path.join(INTEROP_FIXTURES_DIR, relative);
  return openForeignDictionary(folderReader(dir), path.basename(dir), EMOJI_CLIP_WIDTHS);
};

beforeAll(() => useBackend());

describe('an image SAE and a text SAE opened together as a pair', () => {
  for (const c of interopManifest.pairs) {
    it(`${c.path}: one dictionary, each tower giving its own library's codes at its own ids`, async () => {
      const opened = (await open(c.path))!;
      const { model } = opened;
      try {
        expect(opened.format).toBe('pair');
        expect(model.config).toMatchObject({
          nShared: 0,
          nImagePrivate: c.imageLatents,
          nTextPrivate: c.textLatents,
          k: c.k,
        });
        const x = tf.tensor2d(interopManifest.input.flat(), [2, interopManifest.dIn]);
        for (const modality of MODALITIES) {
          // Both SAEs read raw activations: the normalisation is the identity.
          const { values, indices } = encodeSparse(model, modality, x);
          const [v, i] = [(await values.array()) as number[][], (await indices.array()) as number[][]];
          tf.dispose([values, indices]);
          const offset = modality === 'image' ? 0 : c.imageLatents;
          const expected = modality === 'image' ? c.codesImage : c.codesText;
          expected.forEach((row, r) => {
            const ours = i[r].map((id, j) => [id, v[r][j]]).filter(([, value]) => value > 0);
            expect(ours.map(([id]) => id)).toEqual(row.map(([id]) => id + offset));
            ours.forEach(([, value], j) => expect(value).toBeCloseTo(row[j][1], 4));
          });
        }
        x.dispose();
        if (c.matching === null) expect(opened.matching).toBeNull();
        else
          expect(opened.matching).toEqual(
            c.matching.map(([image, text, score]) => ({ image, text: c.imageLatents + text, score })),
          );
      } finally {
        disposeLucid(model);
      }
    });
  }

  it('takes one k for both towers, a ReLU SAE’s being its width', () => {
    const sae = (label: string, dSae: number, k: number) => ({
      dIn: 128,
      dSae,
      k,
      wEnc: new Float32Array(128 * dSae),
      bEnc: new Float32Array(dSae),
      wDec: new Float32Array(dSae * 128),
      bPre: new Float32Array(128),
      towerHints: [label.split('/')[0]],
      label,
    });
    const k = (image: ReturnType<typeof sae>, text: ReturnType<typeof sae>) => {
      const { model } = lucidFromPair({ image, text }, EMOJI_CLIP_WIDTHS);
      disposeLucid(model);
      return model.config.k;
    };
    expect(k(sae('image/cfg.json', 6, 6), sae('text/cfg.json', 9, 6))).toBe(6);
    expect(() => k(sae('image/cfg.json', 8, 8), sae('text/cfg.json', 6, 3))).toThrow(
      /^text\/cfg\.json: k = 3, but image\/cfg\.json has k = 8 \(a ReLU SAE keeps all 8\); a pair needs one k/,
    );
  });

  it('reads matching.json in each SAE’s own indices and refuses what is not a matching', () => {
    expect(parseMatching('{"pairs": [[1, 0, 0.5]]}', 2, 3)).toEqual([{ image: 1, text: 2, score: 0.5 }]);
    expect(() => parseMatching('{"pairs": [[2, 0, 0.5]]}', 2, 3)).toThrow(
      /^matching\.json: pairs\[0\] names image latent 2, but the image SAE has 2/,
    );
    expect(() => parseMatching('{"pairs": [[0, 1, 0.5], [1, 1, 0.2]]}', 2, 3)).toThrow(
      /^matching\.json: text latent 1 is matched twice/,
    );
    expect(() => parseMatching('{"pairs": [[0, 1]]}', 2, 3)).toThrow(/must be \[image latent, text latent, score\]/);
    expect(() => parseMatching('{"pairs": [[0, 1, null]]}', 2, 3)).toThrow(/must be \[image latent/);
    expect(() => parseMatching('{}', 2, 3)).toThrow(/^matching\.json: no "pairs" array/);
    expect(() => parseMatching('[', 2, 3)).toThrow(/^matching\.json: not valid JSON/);
  });
});
