import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LucidConfig, type Modality, MODALITIES, inputWidth, latentCount, makeConfig } from '../config';
import { encodeSparse } from '../encode';
import { type LucidArrays, disposeLucid, lucidFromArrays } from '../model';
import { type NormStats, normalizeRows } from '../normalization';
import { gaussianArray, makeGaussian, makeRng } from '../random';
import { decodeSafetensors } from '../safetensors';
import { useBackend } from '../testing/backend';
import { SAELENS_FILES } from './saelens';
import { EXPORT_SIDECAR, exportSaelens, exportedLatents, importSaelensExport } from './saelensExport';

const gaussian = makeGaussian(makeRng(14));

/** A dictionary with every weight, bias and statistic random, so that no fold can hide behind a zero. */
function randomDictionary(config: LucidConfig) {
  const m = latentCount(config);
  const arrays = { dustbinCost: 0.7 } as LucidArrays;
  const norm = {} as Record<Modality, NormStats>;
  for (const modality of MODALITIES) {
    const d = inputWidth(config, modality);
    arrays[modality] = {
      wEnc: gaussianArray(d * m, gaussian),
      bEnc: gaussianArray(m, gaussian).map((v) => 0.1 * v),
      wDec: gaussianArray(m * d, gaussian),
      bPre: gaussianArray(d, gaussian).map((v) => 0.3 * v),
    };
    norm[modality] = { mean: gaussianArray(d, gaussian), scale: modality === 'image' ? 0.37 : 2.9 };
  }
  return { model: lucidFromArrays(config, arrays), norm };
}

/** Export files in memory, read back by relative path. */
async function exportToFiles(dictionary: ReturnType<typeof randomDictionary>) {
  const { sidecar, folders } = await exportSaelens(dictionary.model, dictionary.norm, { encoder: 'test' });
  const files = new Map<string, Uint8Array>();
  files.set(EXPORT_SIDECAR, new TextEncoder().encode(JSON.stringify(sidecar)));
  for (const [modality, folder] of Object.entries(folders)) {
    files.set(`${modality}/${SAELENS_FILES.config}`, new TextEncoder().encode(JSON.stringify(folder.cfg)));
    files.set(`${modality}/${SAELENS_FILES.weights}`, folder.weights);
  }
  return { files, folders, read: async (name: string) => files.get(name) ?? null };
}

async function codesOf(dictionary: ReturnType<typeof randomDictionary>, modality: Modality, raw: Float32Array) {
  const d = inputWidth(dictionary.model.config, modality);
  const x = tf.tensor2d(normalizeRows(raw, dictionary.norm[modality]), [raw.length / d, d]);
  const { values, indices } = encodeSparse(dictionary.model, modality, x);
  const out = { values: (await values.array()) as number[][], ids: (await indices.array()) as number[][] };
  tf.dispose([x, values, indices]);
  return out;
}

const config = makeConfig(
  { dImage: 12, dText: 10 },
  { nShared: 10, nImagePrivate: 6, nTextPrivate: 4, k: 5, kPrivate: 2 },
);
const rawRows = (d: number) => gaussianArray(20 * d, gaussian).map((v) => 3 * v + 1);

beforeAll(() => useBackend());

describe('export to SAELens folders', () => {
  it('writes one topk SAE per tower with the SAELens keys and shapes', async () => {
    const dictionary = randomDictionary(config);
    const { folders } = await exportToFiles(dictionary);
    for (const modality of MODALITIES) {
      const d = inputWidth(config, modality);
      const n = exportedLatents(config, modality).length;
      expect(n).toBe(config.nShared + (modality === 'image' ? 6 : 4));
      const { cfg, weights } = folders[modality]!;
      expect(cfg).toMatchObject({
        architecture: 'topk',
        d_in: d,
        d_sae: n,
        k: 5,
        apply_b_dec_to_input: true,
        normalize_activations: 'none',
      });
      const { tensors } = decodeSafetensors(weights);
      expect(Object.fromEntries([...tensors].map(([name, t]) => [name, t.shape]))).toEqual({
        W_enc: [d, n],
        b_enc: [n],
        W_dec: [n, d],
        b_dec: [d],
      });
    }
    disposeLucid(dictionary.model);
  });

  it('re-imports with identical codes: the same latents, values equal to float32 rounding', async () => {
    const original = randomDictionary(config);
    const { read } = await exportToFiles(original);
    const { model, norm, sidecar } = await importSaelensExport(
      new TextDecoder().decode((await read(EXPORT_SIDECAR))!),
      read,
    );
    const reimported = { model, norm };
    expect(model.config).toEqual(config);
    expect(sidecar.dustbinCost).toBeCloseTo(0.7, 6);
    for (const modality of MODALITIES) {
      const raw = rawRows(inputWidth(config, modality));
      const [before, after] = [await codesOf(original, modality, raw), await codesOf(reimported, modality, raw)];
      expect(after.ids).toEqual(before.ids);
      // The fold and unfold of the normalisation round twice in float32: 1e-7 of the value, measured.
      const expected = before.values.flat();
      after.values
        .flat()
        .forEach((v, j) => expect(Math.abs(v - expected[j])).toBeLessThan(1e-6 * Math.max(1, expected[j])));
    }
    disposeLucid(original.model);
    disposeLucid(model);
  });

  it('gives Python the same codes from raw activations with SAELens’ own topk encode', async () => {
    // Without the private cap SAELens' Top-K is LUCID's; with it, docs/interop.md says where they differ.
    const uncapped = { ...config, kPrivate: config.k };
    const dictionary = randomDictionary(uncapped);
    const { folders } = await exportToFiles(dictionary);
    for (const modality of MODALITIES) {
      const d = inputWidth(uncapped, modality);
      const ids = exportedLatents(uncapped, modality);
      const raw = rawRows(d);
      const ours = await codesOf(dictionary, modality, raw);
      const { tensors } = decodeSafetensors(folders[modality]!.weights);
      const [wEnc, bEnc, bDec] = ['W_enc', 'b_enc', 'b_dec'].map((name) => tensors.get(name)!.data);
      const n = ids.length;
      for (let r = 0; r < 20; r++) {
        // sae_lens TopKSAE.encode: hidden_pre = (x − b_dec) · W_enc + b_enc, Top-K, ReLU.
        const pre = Array.from({ length: n }, (_, j) => {
          let sum = bEnc[j];
          for (let i = 0; i < d; i++) sum += (raw[r * d + i] - bDec[i]) * wEnc[i * n + j];
          return [ids[j], Math.max(sum, 0)];
        }).sort((a, b) => b[1] - a[1]);
        const top = pre.slice(0, uncapped.k).filter(([, v]) => v > 0);
        const lucid = ours.ids[r].map((id, j) => [id, ours.values[r][j]]).filter(([, v]) => v > 0);
        expect(lucid.map(([id]) => id)).toEqual(top.map(([id]) => id));
        lucid.forEach(([, v], j) => expect(v).toBeCloseTo(top[j][1], 4));
      }
    }
    disposeLucid(dictionary.model);
  });

  it('refuses an export whose folder is missing, naming the file', async () => {
    const dictionary = randomDictionary(config);
    const { files, read } = await exportToFiles(dictionary);
    files.delete(`text/${SAELENS_FILES.weights}`);
    const before = tf.memory().numTensors;
    await expect(importSaelensExport(new TextDecoder().decode(files.get(EXPORT_SIDECAR)!), read)).rejects.toThrow(
      /^text\/sae_weights\.safetensors: missing/,
    );
    expect(tf.memory().numTensors).toBe(before);
    disposeLucid(dictionary.model);
  });

  it('refuses a sidecar that is not a LUCID export', async () => {
    await expect(importSaelensExport('{"format": "other"}', async () => null)).rejects.toThrow(
      /^lucid-export\.json: not a LUCID export/,
    );
  });
});
