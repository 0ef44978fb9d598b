import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { encode } from '../encode';
import { disposeLucid } from '../model';
import { gaussianArray, makeGaussian, makeRng } from '../random';
import { encodeSafetensors } from '../safetensors';
import { useBackend } from '../testing/backend';
import { type SingleSae, chooseModality, foldInputBias, lucidFromSingleSae } from './singleSae';
import { parseSparsify } from './sparsify';

const gaussian = makeGaussian(makeRng(3));
const widths = { id: 'two-tower', dImage: 6, dText: 4 };

function sae(dIn: number, dSae: number, k: number, towerHints: string[] = []): SingleSae {
  return {
    dIn,
    dSae,
    wEnc: gaussianArray(dIn * dSae, gaussian),
    bEnc: gaussianArray(dSae, gaussian),
    wDec: gaussianArray(dSae * dIn, gaussian),
    bPre: gaussianArray(dIn, gaussian),
    k,
    towerHints,
    label: 'cfg.json',
  };
}

beforeAll(() => useBackend());

describe('a single SAE as a one-tower LUCID dictionary', () => {
  it('lets a configuration give one tower no latents, but not both', () => {
    expect(() =>
      makeConfig({ dImage: 6, dText: 4 }, { nShared: 0, nImagePrivate: 5, nTextPrivate: 0, k: 3 }),
    ).not.toThrow();
    expect(() => makeConfig({ dImage: 6, dText: 4 }, { nShared: 0, nImagePrivate: 0, nTextPrivate: 0, k: 1 })).toThrow(
      /config has no latents/,
    );
  });

  it('picks the tower by width, or by its hook name where both towers are as wide', () => {
    expect(chooseModality(sae(4, 3, 1), widths)).toBe('text');
    const same = { id: 'emoji-clip', dImage: 4, dText: 4 };
    expect(chooseModality(sae(4, 3, 1, ['vision_model.encoder.layers.3']), same)).toBe('image');
    expect(chooseModality(sae(4, 3, 1, ['text_model.encoder.layers.3']), same)).toBe('text');
    expect(() => chooseModality(sae(4, 3, 1, ['blocks.3.hook_resid_post']), same)).toThrow(/fits both towers/);
    expect(() => chooseModality(sae(5, 3, 1), widths)).toThrow(
      /width 5, but two-tower gives 6 \(image\) and 4 \(text\)/,
    );
  });

  it('encodes the other tower to all-zero codes', async () => {
    const { model } = lucidFromSingleSae(sae(6, 5, 2), 'image', widths);
    const z = encode(model, 'text', tf.tensor2d(gaussianArray(3 * 4, gaussian), [3, 4]));
    expect((await z.data()).every((v) => v === 0)).toBe(true);
    z.dispose();
    disposeLucid(model);
  });

  it('folds a bias applied only after decoding into the encoder bias', () => {
    const [d, m] = [3, 2];
    const wEnc = Float32Array.of(1, 2, 3, 4, 5, 6);
    const bDec = Float32Array.of(1, -1, 2);
    const folded = foldInputBias(wEnc, Float32Array.of(0.5, -0.5), bDec);
    const x = [0.3, 0.7, -0.2];
    for (let j = 0; j < m; j++) {
      let plain = j === 0 ? 0.5 : -0.5;
      let shifted = folded[j];
      for (let i = 0; i < d; i++) {
        plain += x[i] * wEnc[i * m + j];
        shifted += (x[i] - bDec[i]) * wEnc[i * m + j];
      }
      expect(shifted).toBeCloseTo(plain, 5);
    }
  });
});

describe('sparsify configs', () => {
  it('takes num_latents from expansion_factor when num_latents is 0, as SparseCoder does', () => {
    const [dIn, dSae] = [4, 8];
    const weights = encodeSafetensors(
      new Map([
        ['encoder.weight', { shape: [dSae, dIn], data: gaussianArray(dSae * dIn, gaussian) }],
        ['encoder.bias', { shape: [dSae], data: new Float32Array(dSae) }],
        ['W_dec', { shape: [dSae, dIn], data: gaussianArray(dSae * dIn, gaussian) }],
        ['b_dec', { shape: [dIn], data: new Float32Array(dIn) }],
      ]),
    );
    const parsed = parseSparsify(JSON.stringify({ d_in: dIn, num_latents: 0, expansion_factor: 2, k: 3 }), weights);
    expect([parsed.dSae, parsed.k]).toEqual([8, 3]);
  });
});
