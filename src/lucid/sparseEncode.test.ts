import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeBatch, toBatchTensors } from './batch';
import { type LucidConfig, makeConfig } from './config';
import { preActivations } from './encode';
import { gradientKernelsFor, gradientModuleBytes } from './gradientKernel';
import { LOSS_TERM_NAMES, lucidLoss } from './losses';
import { createLucid, disposeLucid, type LucidModel, trainableVariables } from './model';
import { makePlantedWorld } from './planted';
import { gaussianArray, makeGaussian, makeRng } from './random';
import { sparseDecode, topKCodes } from './sparseDecode';
import { gradientKernelSwitch, sharedCodeProducts, sparseTopKEncode } from './sparseEncode';
import { useBackend } from './testing/backend';
import { relativeMaxDiff } from './testing/compare';

const gaussian = makeGaussian(makeRng(17));

/** Each row's codes as latent → value (the order within a row is not part of the result). */
function rowMaps(values: Float32Array, ids: Int32Array, n: number, k: number): Map<number, number>[] {
  return Array.from({ length: n }, (_, row) => {
    const map = new Map<number, number>();
    for (let t = 0; t < k; t++) if (values[row * k + t] > 0) map.set(ids[row * k + t], values[row * k + t]);
    return map;
  });
}

// d 18 (not a multiple of 4: the JavaScript pass) for images, 12 (the SIMD kernels) for text; m = 35
// (not a multiple of 4 or of the latent block); the private cap (2 of 6) binds.
const config = makeConfig(
  { dImage: 18, dText: 12 },
  { nShared: 24, nImagePrivate: 6, nTextPrivate: 5, k: 5, kPrivate: 2, alignK: 8 },
);

/** A model with non-zero biases, so that every gradient has something to show. */
function biasedModel(seed: number, options: LucidConfig = config): LucidModel {
  const model = createLucid(options, seed);
  for (const modality of ['image', 'text'] as const) {
    const p = model[modality];
    p.bPre.assign(tf.tensor1d(gaussianArray(p.bPre.size, gaussian)).mul(0.3));
    p.bEnc.assign(tf.tensor1d(gaussianArray(p.bEnc.size, gaussian)).mul(0.1));
  }
  return model;
}

describe('the sparse encoder', () => {
  let model: LucidModel;
  beforeAll(async () => {
    await useBackend();
    model = biasedModel(3);
  });
  afterAll(() => disposeLucid(model));

  for (const modality of ['image', 'text'] as const) {
    it(`keeps the codes of the dense cap and Top-K (${modality})`, () => {
      const d = modality === 'image' ? 18 : 12;
      const n = 41;
      const kMax = 8;
      const x = tf.tensor2d(gaussianArray(n * d, gaussian), [n, d]);
      const sparse = sparseTopKEncode(model, modality, x, kMax);
      const pre = preActivations(model, modality, x);
      const dense = topKCodes(pre, kMax);
      const got = rowMaps(sparse.values.dataSync() as Float32Array, sparse.hostIndices, n, kMax);
      const want = rowMaps(dense.values.dataSync() as Float32Array, Int32Array.from(dense.indices.dataSync()), n, kMax);
      expect(got.some((row) => row.size === kMax)).toBe(true);
      for (let row = 0; row < n; row++) {
        expect([...got[row].keys()].sort()).toEqual([...want[row].keys()].sort());
        for (const [id, value] of want[row]) expect(got[row].get(id)).toBeCloseTo(value, 5);
      }
      // Largest first, as the reconstruction's first k columns assume.
      const values = sparse.values.dataSync();
      for (let i = 0; i < n * kMax; i++) if (i % kMax > 0) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
      tf.dispose([x, pre, sparse.values, sparse.indices, dense.values, dense.indices]);
    });
  }

  it('keeps the same codes where the rows are wide enough for the sampled threshold (both layouts)', async () => {
    // 400 shared latents for kMax 8 and 64 private for a cap of 2: both selections sample.
    const wide = makeConfig(
      { dImage: 16, dText: 12 },
      { nShared: 400, nImagePrivate: 64, nTextPrivate: 40, k: 5, kPrivate: 2, alignK: 8 },
    );
    const local = biasedModel(8, wide);
    const n = 37;
    const kMax = 8;
    try {
      for (const kernels of [true, false]) {
        gradientKernelSwitch.enabled = kernels;
        for (const modality of ['image', 'text'] as const) {
          const d = modality === 'image' ? 16 : 12;
          // A few rows all negative before ReLU (every code 0): the full-scan fallback.
          const data = gaussianArray(n * d, gaussian);
          const x = tf.tensor2d(data, [n, d]);
          const sparse = sparseTopKEncode(local, modality, x, kMax);
          const pre = preActivations(local, modality, x);
          const dense = topKCodes(pre, kMax);
          const got = rowMaps(sparse.values.dataSync() as Float32Array, sparse.hostIndices, n, kMax);
          const want = rowMaps(
            dense.values.dataSync() as Float32Array,
            Int32Array.from(dense.indices.dataSync()),
            n,
            kMax,
          );
          for (let row = 0; row < n; row++) {
            expect([...got[row].keys()].sort(), `row ${row}`).toEqual([...want[row].keys()].sort());
            for (const [id, value] of want[row]) expect(got[row].get(id)).toBeCloseTo(value, 4);
          }
          tf.dispose([x, pre, sparse.values, sparse.indices, dense.values, dense.indices]);
        }
      }
    } finally {
      gradientKernelSwitch.enabled = true;
      disposeLucid(local);
    }
  });

  const variants = [
    { backend: 'wasm', kernels: true },
    { backend: 'wasm', kernels: false },
    { backend: 'cpu', kernels: false },
  ] as const;
  for (const { backend, kernels } of variants) {
    it(`gives the dense path's gradients on ${backend}${kernels ? ' with the SIMD kernels' : ''}`, async () => {
      await useBackend(backend);
      gradientKernelSwitch.enabled = kernels;
      const local = biasedModel(4);
      try {
        for (const modality of ['image', 'text'] as const) {
          const d = modality === 'image' ? 18 : 12;
          const n = 29;
          const kMax = 7;
          const x = tf.tensor2d(gaussianArray(n * d, gaussian), [n, d]);
          const readout = tf.tensor2d(gaussianArray(35 * 3, gaussian), [35, 3]);
          const target = tf.tensor2d(gaussianArray(n * 3, gaussian), [n, 3]);
          const p = local[modality];
          const run = (sparse: boolean) =>
            tf.tidy(() => {
              const { value, grads } = tf.variableGrads(() => {
                const codes = sparse
                  ? sparseTopKEncode(local, modality, x, kMax)
                  : topKCodes(preActivations(local, modality, x), kMax);
                const out = sparseDecode(codes.values, codes.indices, readout);
                return tf.sum(tf.square(tf.sub(out, target))) as tf.Scalar;
              }, [p.wEnc, p.bEnc, p.bPre]);
              return {
                loss: value.dataSync()[0],
                grads: [p.wEnc, p.bEnc, p.bPre].map((v) => grads[v.name].dataSync().slice() as Float32Array),
              };
            });
          const before = tf.memory().numTensors;
          const [dense, sparse] = [run(false), run(true)];
          expect(tf.memory().numTensors).toBe(before);
          expect(Math.abs(sparse.loss - dense.loss) / Math.abs(dense.loss)).toBeLessThan(1e-5);
          sparse.grads.forEach((g, i) => {
            expect(g.some((v) => v !== 0)).toBe(true);
            expect(relativeMaxDiff(g, dense.grads[i]), `${modality} gradient ${i}`).toBeLessThan(1e-5);
          });
          tf.dispose([x, readout, target]);
        }
      } finally {
        gradientKernelSwitch.enabled = true;
        disposeLucid(local);
        await useBackend();
      }
    });
  }

  it('multiplies sparse codes over the shared latents as the dense codes would, with gradients', () => {
    const [na, ka, nb, kb, m, nShared] = [13, 5, 7, 6, 30, 22];
    const distinctIds = (rows: number, k: number) => {
      const ids = new Int32Array(rows * k);
      for (let r = 0; r < rows; r++) {
        const order = Array.from({ length: m }, (_, j) => j).sort(() => gaussian() - gaussian());
        ids.set(order.slice(0, k), r * k);
      }
      return ids;
    };
    const [idsA, idsB] = [distinctIds(na, ka), distinctIds(nb, kb)];
    const a = tf.variable(tf.tensor2d(gaussianArray(na * ka, gaussian), [na, ka]), true, 'scp.a');
    const b = tf.variable(tf.tensor2d(gaussianArray(nb * kb, gaussian), [nb, kb]), true, 'scp.b');
    const weights = tf.tensor2d(gaussianArray(na * nb, gaussian), [na, nb]);
    // Dense: scatter the codes into [rows, m], keep the shared columns.
    const denseOf = (v: tf.Tensor2D, ids: Int32Array, rows: number, k: number) => {
      const oneHot = new Float32Array(rows * k * m);
      ids.forEach((id, e) => (oneHot[e * m + id] = 1));
      const spread = tf.tensor3d(oneHot, [rows, k, m]);
      return tf.sum(tf.mul(spread, v.reshape([rows, k, 1])), 1).slice([0, 0], [-1, nShared]) as tf.Tensor2D;
    };
    const run = (sparse: boolean) =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const product = sparse
            ? sharedCodeProducts(a, idsA, b, idsB, nShared)
            : tf.matMul(denseOf(a, idsA, na, ka), denseOf(b, idsB, nb, kb), false, true);
          return tf.sum(tf.mul(product, weights)) as tf.Scalar;
        }, [a, b]);
        return [value.dataSync()[0], grads[a.name].dataSync().slice(), grads[b.name].dataSync().slice()] as const;
      });
    const [dense, sparse] = [run(false), run(true)];
    expect(sparse[0]).toBeCloseTo(dense[0], 4);
    expect(relativeMaxDiff(sparse[1], dense[1])).toBeLessThan(1e-5);
    expect(relativeMaxDiff(sparse[2], dense[2])).toBeLessThan(1e-5);
    // Codes of private latents take no part.
    idsA.forEach((id, e) => {
      if (id >= nShared) expect(sparse[1][e]).toBe(0);
    });
    tf.dispose([a, b, weights]);
  });
});

describe('the LUCID loss with the sparse encoder', () => {
  beforeAll(() => useBackend());
  // Image width 18 (the JavaScript passes) without AuxK; 16 (the SIMD host decode AuxK needs) with it.
  const worlds = Object.fromEntries(
    [18, 16].map((dImage) => [
      dImage,
      makePlantedWorld({
        dImage,
        dText: 12,
        concepts: 8,
        imageOnly: 3,
        textOnly: 5,
        grid: [3, 3],
        captionLength: 9,
        noise: 0.05,
        seed: 5,
      }),
    ]),
  );

  const wide = makeConfig(
    { dImage: 16, dText: 12 },
    { nShared: 400, nImagePrivate: 64, nTextPrivate: 40, k: 5, kPrivate: 2, alignK: 8, kAux: 12 },
  );
  const cases = [
    { name: 'no dead latent, alignK above k', options: { ...config, alignK: 8 }, deadEvery: 0 },
    { name: 'no dead latent, alignK at most k', options: { ...config, alignK: 3 }, deadEvery: 0 },
    { name: 'AuxK on, wide enough for the sampled selections', options: wide, deadEvery: 2 },
    { name: 'AuxK on, every latent dead', options: { ...config, dImage: 16, kAux: 6 }, deadEvery: 1 },
    // k_aux above every candidate: each positive dead code counts, the capped private ones included.
    { name: 'AuxK on, k_aux above the latent count', options: { ...config, dImage: 16, kAux: 40 }, deadEvery: 1 },
  ];
  // With AuxK, also with the encoder's SIMD kernels off (the row-major selection and the JavaScript gradient).
  const runs = cases.flatMap((c) => (c.deadEvery ? [true, false] : [true]).map((kernels) => ({ ...c, kernels })));
  for (const { name, options, deadEvery, kernels } of runs) {
    it(`gives every term and gradient of the dense path: ${name}${kernels ? '' : ', encoder kernels off'}`, () => {
      gradientKernelSwitch.enabled = kernels;
      const model = biasedModel(6, options);
      const batch = toBatchTensors(model.config, worlds[model.config.dImage].sample(4).batch);
      const m = model.image.bEnc.size;
      const dead = deadEvery ? tf.tensor1d(Array.from({ length: m }, (_, j) => (j % deadEvery === 0 ? 1 : 0))) : null;
      const [dense, sparse] = (['dense', 'sparse'] as const).map((path) =>
        tf.tidy(() => {
          let terms: tf.Tensor[] = [];
          const { grads } = tf.variableGrads(() => {
            const all = lucidLoss(model, batch, dead, path);
            terms = [...LOSS_TERM_NAMES.map((name) => tf.keep(all[name])), tf.keep(all.fired)];
            return all.total;
          }, trainableVariables(model));
          return {
            terms: terms.map((t) => Array.from(t.dataSync())),
            grads: Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, g.dataSync().slice()])),
          };
        }),
      );
      expect(sparse.terms[LOSS_TERM_NAMES.indexOf('gcmt')][0]).toBeGreaterThan(0);
      if (dead) expect(sparse.terms[LOSS_TERM_NAMES.indexOf('auxText')][0]).toBeGreaterThan(0);
      sparse.terms.forEach((values, i) =>
        expect(relativeMaxDiff(values, dense.terms[i]), `term ${i}`).toBeLessThan(1e-5),
      );
      for (const variable of trainableVariables(model)) {
        expect(relativeMaxDiff(sparse.grads[variable.name], dense.grads[variable.name]), variable.name).toBeLessThan(
          1e-5,
        );
      }
      disposeBatch(batch);
      disposeLucid(model);
      dead?.dispose();
      gradientKernelSwitch.enabled = true;
    });
  }
});

describe('the gradient kernels', () => {
  for (const shared of [false, true]) {
    it(`add and transpose as the JavaScript loops do, on ${shared ? 'a shared' : 'an unshared'} memory`, () => {
      expect(WebAssembly.validate(gradientModuleBytes(shared))).toBe(true);
      const memory = new WebAssembly.Memory(shared ? { initial: 2, maximum: 16, shared: true } : { initial: 2 });
      const kernels = gradientKernelsFor(memory)!;
      expect(kernels).not.toBeNull();
      const floats = new Float32Array(memory.buffer);
      // axpy on 4·37 floats at offsets that are not multiples of 16 bytes.
      const [y, x, size] = [2, 400, 4 * 37];
      for (let i = 0; i < size; i++) {
        floats[y + i] = Math.sin(i);
        floats[x + i] = Math.cos(i);
      }
      const expected = Float32Array.from(
        { length: size },
        (_, i) => Math.fround(Math.sin(i)) + 0.75 * Math.fround(Math.cos(i)),
      );
      kernels.axpy(y * 4, x * 4, size * 4, 0.75);
      expect(relativeMaxDiff(floats.subarray(y, y + size), expected)).toBeLessThan(1e-6);
      // transposeBlock: 8 columns of 13 values (source rows of 13) into 13 rows of stride 21.
      const [src, dst, rows, width, stride] = [1001, 3003, 13, 8, 21];
      for (let q = 0; q < width; q++) for (let r = 0; r < rows; r++) floats[src + q * rows + r] = q * 100 + r;
      floats.fill(-1, dst, dst + rows * stride);
      kernels.transposeBlock(dst * 4, src * 4, rows, rows * 4, stride * 4, width);
      for (let r = 0; r < rows; r++) {
        for (let q = 0; q < width; q++) expect(floats[dst + r * stride + q]).toBe(q * 100 + r);
        for (let q = width; q < stride; q++) expect(floats[dst + r * stride + q]).toBe(-1);
      }
    });
  }
});
