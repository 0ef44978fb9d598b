import * as tf from '@tensorflow/tfjs';
import { type Modality, latentCount, privateRange } from './config';
import { SAMPLE_STRIDE, sampleQuantile, sortDescending, topKPicker, topKRow } from '../explain/topK';
import { gradientKernelsFor, type GradientKernels } from './gradientKernel';
import {
  hostFloats,
  hostOutputs,
  uninitialisedWasmTensors,
  wasmHeapOffset,
  wasmHeapView,
  wasmMemory,
} from './hostTensors';
import { TRANSPOSE_TILE } from './hostOps';
import { runSplit } from './hostThreads';
import type { LucidModel } from './model';
import type { TopKCodes } from './sparseDecode';

/**
 * The trainer's sparse encoder: the Top-K selection and the encoder's gradients computed from the k
 * selected codes of each row instead of from dense [n, m] tensors.
 *
 * A Top-K SAE's encoder gradient is zero everywhere but at the selected codes, yet autodiff through
 * dense pre-activations multiplies a dense [d, n] · [n, m] product for ∂/∂W_enc (at ViT-B/16 size,
 * 392 patches: 9.9 GFLOP, as much as the forward product) and runs a dozen [n, m] element-wise passes
 * (mask, cap, scatter, sum). Here the forward pass is one product (latent-major on WASM); each token's
 * bias, ReLU, private cap, Top-K and AuxK's Top-K are chosen on the host in one pass; and the backward
 * pass accumulates ∂/∂W_enc[:, j] = Σ g_ij (x_i − b_pre) over the n·k selected entries only (n·k·d
 * multiply-adds, k/m of the dense product's), with ∂/∂b_enc and ∂/∂b_pre from the same entries. Host
 * code, written by hand because tfjs has no sparse-gradient kernels; on tfjs' WASM backend it reads and
 * writes its heap, with the SIMD kernels of gradientKernel.ts (docs/lucid-core.md, "The sparse path").
 */

/** Latents whose gradient columns {@link encoderGradients} accumulates before writing them out. */
const LATENT_BLOCK = 64;

/** Where one modality's codes may come from: the shared latents [0, nShared) and its private range, capped. */
interface Ranges {
  nShared: number;
  privateStart: number;
  privateEnd: number;
  kPrivate: number;
}

/**
 * How many codes each token's shared list (at most kMax) and private cap list (kPrivate, all of the
 * range when it is smaller) keep; the cap list is not bounded by kMax because AuxK reads all of it.
 */
function keptCounts(ranges: Ranges, kMax: number): { sharedKeep: number; privateKeep: number } {
  return {
    sharedKeep: Math.min(kMax, ranges.nShared),
    privateKeep: Math.max(0, Math.min(ranges.kPrivate, ranges.privateEnd - ranges.privateStart)),
  };
}

/**
 * Each row's kMax largest entries of `pre` [n, m] among the shared latents and the row's `kPrivate`
 * largest private ones (the cap of encode.ts `capPrivate`), largest first, lower index first among
 * equals; entries of other latents are never read. Rows with fewer than kMax candidates are padded
 * with 0-valued codes of latent 0 (they decode to nothing and take no gradient, as zeros do in Top-K).
 */
export function selectTopKRows(
  pre: Float32Array,
  n: number,
  m: number,
  kMax: number,
  ranges: Ranges,
  ids: Int32Array,
  values: Float32Array,
  aux?: AuxSelection,
): void {
  const { nShared, privateStart, privateEnd } = ranges;
  const { sharedKeep, privateKeep } = keptCounts(ranges, kMax);
  const auxPick = aux ? auxPicker(aux, nShared, privateKeep) : null;
  const sharedIds = new Int32Array(sharedKeep);
  const sharedValues = new Float32Array(sharedKeep);
  const privateIds = new Int32Array(privateKeep);
  const privateValues = new Float32Array(privateKeep);
  const pick = topKPicker(nShared, sharedKeep);
  for (let row = 0; row < n; row++) {
    if (sharedKeep > 0) pick(pre, row * m, nShared, sharedIds, sharedValues, 0);
    if (privateKeep > 0)
      topKRow(pre, row * m + privateStart, privateEnd - privateStart, privateKeep, privateIds, privateValues, 0);
    mergeLists(
      sharedIds,
      sharedValues,
      sharedKeep,
      privateIds,
      privateValues,
      privateKeep,
      privateStart,
      kMax,
      ids,
      values,
      row * kMax,
    );
    if (auxPick) {
      auxPick.start();
      for (const j of auxPick.deadShared) auxPick.add(pre[row * m + j], j);
      for (let t = 0; t < privateKeep; t++) auxPick.add(privateValues[t], privateStart + privateIds[t], true);
      auxPick.finish(row);
    }
  }
}

/**
 * AuxK's selection (Gao et al. 2024, §A.2) alongside the main one: each token's k largest capped
 * pre-activations among the dead latents it may use, as encode.ts `capPrivate` then Top-K of the dead
 * ones would give them (a private latent counts only within the token's kPrivate largest private ones).
 */
export interface AuxSelection {
  /** 1 for a dead latent [m]. */
  dead: Uint8Array;
  k: number;
  /** Out: latent ids and values [n, k], largest first; 0-valued codes of latent 0 where fewer are positive. */
  ids: Int32Array;
  values: Float32Array;
}

/**
 * Collects one token's positive dead candidates (`add`), then writes its aux Top-K (`finish`). The dead
 * shared latents are listed once (`deadShared`); private candidates come from the token's cap list.
 */
function auxPicker(aux: AuxSelection, nShared: number, privateKeep: number) {
  const deadShared: number[] = [];
  for (let j = 0; j < nShared; j++) if (aux.dead[j]) deadShared.push(j);
  const capacity = deadShared.length + privateKeep;
  const candidates = new Float32Array(Math.max(1, capacity));
  const candidateIds = new Int32Array(Math.max(1, capacity));
  const pick = topKPicker(Math.max(1, capacity), aux.k);
  const picked = new Int32Array(aux.k);
  const pickedValues = new Float32Array(aux.k);
  let count = 0;
  return {
    deadShared,
    start() {
      count = 0;
    },
    add(value: number, id: number, checkDead = false) {
      if (value > 0 && (!checkDead || aux.dead[id])) {
        candidates[count] = value;
        candidateIds[count++] = id;
      }
    },
    finish(token: number) {
      const out = token * aux.k;
      aux.values.fill(0, out, out + aux.k);
      aux.ids.fill(0, out, out + aux.k);
      const kept = Math.min(count, aux.k);
      if (kept === 0) return;
      pick(candidates, 0, count, picked, pickedValues, 0);
      for (let t = 0; t < kept; t++) {
        aux.values[out + t] = pickedValues[t];
        aux.ids[out + t] = candidateIds[picked[t]];
      }
    },
  };
}

/**
 * Merges two sorted code lists (shared, then private with ids relative to `privateOffset`) into the
 * kMax slots at `out`, largest first; on equal values the shared (lower) index comes first; slots
 * left over get 0-valued codes of latent 0.
 */
function mergeLists(
  sharedIds: Int32Array,
  sharedValues: Float32Array,
  sharedKeep: number,
  privateIds: Int32Array,
  privateValues: Float32Array,
  privateKeep: number,
  privateOffset: number,
  kMax: number,
  ids: Int32Array,
  values: Float32Array,
  out: number,
): void {
  let s = 0;
  let p = 0;
  for (let slot = 0; slot < kMax; slot++) {
    const takeShared = s < sharedKeep && (p >= privateKeep || sharedValues[s] >= privateValues[p]);
    if (takeShared) {
      values[out + slot] = sharedValues[s];
      ids[out + slot] = sharedIds[s++];
    } else if (p < privateKeep) {
      values[out + slot] = privateValues[p];
      ids[out + slot] = privateOffset + privateIds[p++];
    } else {
      values[out + slot] = 0;
      ids[out + slot] = 0;
    }
  }
}

/**
 * Each token's k largest of ReLU(preT[j, i] + bias[j]) over latents j ∈ [from, to), from pre-activations
 * laid out latent-major ([m, n], the product W_encᵀ · xᵀ): ids (absolute) and values into row i of
 * [n, k] arrays, largest first, lower index first among equals. As topK.ts `topKPicker`, a 1-in-8
 * sample of latents sets each token's threshold, one contiguous pass collects the entries at or above
 * it, and Top-K runs on those; a token whose threshold is not positive, or that collects fewer than k
 * or more than its buffer holds, is scanned in full.
 */
function columnTopK(
  preT: Float32Array,
  bias: Float32Array,
  n: number,
  from: number,
  to: number,
  k: number,
  ids: Int32Array,
  values: Float32Array,
): void {
  if (k <= 0) return;
  const width = to - from;
  const full = new Uint8Array(n).fill(1);
  // Twice the candidates a token's threshold lets through on average (SAMPLE_STRIDE · its quantile), and more.
  const capacity = 2 * SAMPLE_STRIDE * sampleQuantile(k, Math.ceil(width / SAMPLE_STRIDE)) + 64;
  const candidates = new Float32Array(n * capacity);
  const candidateIds = new Int32Array(n * capacity);
  const counts = new Int32Array(n);
  if (width >= 4 * k) {
    const sampled = Math.ceil(width / SAMPLE_STRIDE);
    const quantile = sampleQuantile(k, sampled);
    const samples = new Float32Array(n * sampled);
    for (let s = 0; s < sampled; s++) {
      const j = from + s * SAMPLE_STRIDE;
      const b = bias[j];
      const base = j * n;
      for (let i = 0; i < n; i++) samples[i * sampled + s] = preT[base + i] + b;
    }
    const sampleTop = new Float32Array(quantile);
    const topIds = new Int32Array(quantile);
    const thresholds = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      topKRow(samples, i * sampled, sampled, quantile, topIds, sampleTop, 0);
      thresholds[i] = sampleTop[quantile - 1] > 0 ? sampleTop[quantile - 1] : Infinity;
    }
    for (let j = from; j < to; j++) {
      const b = bias[j];
      const base = j * n;
      for (let i = 0; i < n; i++) {
        const value = preT[base + i] + b;
        if (value >= thresholds[i]) {
          const c = counts[i]++;
          if (c < capacity) {
            candidates[i * capacity + c] = value;
            candidateIds[i * capacity + c] = j;
          }
        }
      }
    }
    const keys = new Float64Array(capacity);
    const order = new Int32Array(capacity);
    for (let i = 0; i < n; i++) {
      if (counts[i] < k || counts[i] > capacity) continue;
      full[i] = 0;
      // Every candidate passed the threshold: a sort beats inserting most of them into k slots.
      sortDescending(candidates.subarray(i * capacity, (i + 1) * capacity), counts[i], keys, order);
      for (let t = 0; t < k; t++) {
        values[i * k + t] = candidates[i * capacity + order[t]];
        ids[i * k + t] = candidateIds[i * capacity + order[t]];
      }
    }
  }
  // Tokens scanned in full: their column, ReLU applied, into the candidate buffer, then Top-K.
  const column = new Float32Array(width);
  const kept = Math.min(k, width);
  const picked = new Int32Array(kept);
  const top = new Float32Array(kept);
  for (let i = 0; i < n; i++) {
    if (!full[i]) continue;
    for (let j = from; j < to; j++) column[j - from] = Math.max(0, preT[j * n + i] + bias[j]);
    topKRow(column, 0, width, kept, picked, top, 0);
    for (let t = 0; t < kept; t++) {
      values[i * k + t] = top[t];
      ids[i * k + t] = from + picked[t];
    }
  }
}

/**
 * {@link selectTopKRows} on latent-major pre-activations before bias and ReLU ([m, n]: preT[j, i] is
 * latent j of token i, less b_enc[j]).
 */
export function selectTopKColumns(
  preT: Float32Array,
  bias: Float32Array,
  n: number,
  kMax: number,
  ranges: Ranges,
  ids: Int32Array,
  values: Float32Array,
  aux?: AuxSelection,
): void {
  const { nShared, privateStart, privateEnd } = ranges;
  const { sharedKeep, privateKeep } = keptCounts(ranges, kMax);
  const shared = { ids: new Int32Array(n * sharedKeep), values: new Float32Array(n * sharedKeep) };
  const own = { ids: new Int32Array(n * privateKeep), values: new Float32Array(n * privateKeep) };
  columnTopK(preT, bias, n, 0, nShared, sharedKeep, shared.ids, shared.values);
  columnTopK(preT, bias, n, privateStart, privateEnd, privateKeep, own.ids, own.values);
  for (let i = 0; i < n; i++) {
    mergeLists(
      shared.ids.subarray(i * sharedKeep, (i + 1) * sharedKeep),
      shared.values.subarray(i * sharedKeep, (i + 1) * sharedKeep),
      sharedKeep,
      own.ids.subarray(i * privateKeep, (i + 1) * privateKeep),
      own.values.subarray(i * privateKeep, (i + 1) * privateKeep),
      privateKeep,
      0,
      kMax,
      ids,
      values,
      i * kMax,
    );
  }
  if (!aux) return;
  // Dead shared latents latent-major into per-token buffers (positive values only), then each token's
  // private cap list, then Top-K.
  const auxPick = auxPicker(aux, nShared, privateKeep);
  const dead = auxPick.deadShared;
  const width = dead.length;
  const buffer = new Float32Array(n * width);
  for (let s = 0; s < width; s++) {
    const j = dead[s];
    const b = bias[j];
    const base = j * n;
    for (let i = 0; i < n; i++) buffer[i * width + s] = preT[base + i] + b;
  }
  for (let i = 0; i < n; i++) {
    auxPick.start();
    for (let s = 0; s < width; s++) auxPick.add(buffer[i * width + s], dead[s]);
    for (let t = 0; t < privateKeep; t++)
      auxPick.add(own.values[i * privateKeep + t], own.ids[i * privateKeep + t], true);
    auxPick.finish(i);
  }
}

/**
 * Heap buffers and kernels for {@link encoderGradients} on tfjs' WASM memory: byte offsets of the
 * centred rows, of a [LATENT_BLOCK, d] scratch block and of dW, and the SIMD kernels (gradientKernel.ts).
 */
export interface GradientHeap {
  kernels: GradientKernels;
  /** A view of the whole memory (taken after the last allocation). */
  floats: Float32Array;
  centred: number;
  block: number;
  dW: number;
}

/**
 * The encoder's weight and bias gradients from the gradient `g` [n, kMax] of the selected codes
 * (`values`, `ids`): where a code is 0 (ReLU off, or padding) it takes none. With x_c = x − b_pre [n, d]:
 * dW[:, j] = Σ g_ij x_c,i [d, m] and dBias[j] = Σ g_ij [m]; every value of both is written. Entries are
 * grouped by latent (a counting sort) and accumulated a block of latents at a time, each block then
 * written to dW a row segment at a time (a column at a time touched a different page for every value).
 * With `heap`, `centred` and `dW` are read and written at its offsets instead, and its SIMD kernels do
 * the accumulation and the block's transpose where d and the block are multiples of 4.
 */
export function encoderGradients(
  g: Float32Array,
  values: Float32Array,
  ids: Int32Array,
  centred: Float32Array | null,
  n: number,
  kMax: number,
  d: number,
  m: number,
  dW: Float32Array | null,
  dBias: Float32Array,
  heap?: GradientHeap,
): void {
  const entries = n * kMax;
  const start = new Int32Array(m + 1);
  for (let e = 0; e < entries; e++) if (values[e] > 0 && g[e] !== 0) start[ids[e] + 1]++;
  for (let j = 0; j < m; j++) start[j + 1] += start[j];
  const order = new Int32Array(start[m]);
  const next = start.slice(0, m);
  for (let e = 0; e < entries; e++) if (values[e] > 0 && g[e] !== 0) order[next[ids[e]]++] = e;

  const simd = heap !== undefined && d % 4 === 0 ? heap : undefined;
  const x = heap ? heap.floats.subarray(heap.centred / 4, heap.centred / 4 + n * d) : centred!;
  const out = heap ? heap.floats.subarray(heap.dW / 4, heap.dW / 4 + d * m) : dW!;
  const block = heap
    ? heap.floats.subarray(heap.block / 4, heap.block / 4 + LATENT_BLOCK * d)
    : new Float32Array(LATENT_BLOCK * d);
  for (let j0 = 0; j0 < m; j0 += LATENT_BLOCK) {
    const width = Math.min(LATENT_BLOCK, m - j0);
    block.fill(0);
    for (let jj = 0; jj < width; jj++) {
      const j = j0 + jj;
      let bias = 0;
      const column = jj * d;
      for (let o = start[j]; o < start[j + 1]; o++) {
        const e = order[o];
        const gradient = g[e];
        const row = ((e / kMax) | 0) * d;
        bias += gradient;
        if (simd) simd.kernels.axpy(simd.block + column * 4, simd.centred + row * 4, d * 4, gradient);
        else for (let c = 0; c < d; c++) block[column + c] += gradient * x[row + c];
      }
      dBias[j] = bias;
    }
    const grouped = simd ? width - (width % 4) : 0;
    if (grouped > 0) simd!.kernels.transposeBlock(simd!.dW + j0 * 4, simd!.block, d, d * 4, m * 4, grouped);
    for (let c = 0; c < d; c++) {
      const rowStart = c * m + j0;
      for (let jj = grouped; jj < width; jj++) out[rowStart + jj] = block[jj * d + c];
    }
  }
}

/** Whether {@link sparseTopKEncode} may use the SIMD kernels (tests turn them off to compare with the JavaScript pass). */
export const gradientKernelSwitch = { enabled: true };

/**
 * dW [d, m] and dBias [m] of {@link encoderGradients} as tensors: on tfjs' WASM backend written in its
 * heap (with the SIMD kernels where they can be built), elsewhere computed on the host and uploaded.
 */
function encoderGradientTensors(
  dy: tf.Tensor,
  values: Float32Array,
  ids: Int32Array,
  centred: tf.Tensor2D,
  kMax: number,
  m: number,
): [tf.Tensor, tf.Tensor] {
  const [n, d] = centred.shape;
  const memory = wasmMemory();
  const kernels = memory && gradientKernelSwitch.enabled ? gradientKernelsFor(memory) : null;
  if (!kernels) {
    const [dW, dBias] = hostOutputs([[d, m], [m]], ([w, b]) =>
      encoderGradients(hostFloats(dy), values, ids, hostFloats(centred), n, kMax, d, m, w, b),
    );
    return [dW, dBias];
  }
  const [dW, dBias, block] = uninitialisedWasmTensors([[d, m], [m], [LATENT_BLOCK * d]]);
  // Views and offsets after the last allocation (an allocation may grow the heap and move its buffer).
  const offset = (tensor: tf.Tensor) => wasmHeapOffset(tensor, false)!;
  const heap = {
    kernels,
    floats: wasmHeapView(0, memory!.buffer.byteLength / 4),
    centred: offset(centred),
    block: offset(block),
    dW: offset(dW),
  };
  encoderGradients(hostFloats(dy), values, ids, null, n, kMax, d, m, null, hostFloats(dBias), heap);
  block.dispose();
  return [dW, dBias];
}

/**
 * The transpose of a [rows, cols] float32 tensor on tfjs' WASM heap, by the SIMD kernel a tile at a
 * time (~2.5× faster than untiled, and than tfjs' Transpose, at [768, 16,384] in Node), split across
 * the host helper threads where there are any (hostThreads.ts). `rows` must be a multiple of 4.
 */
function heapTranspose(kernels: GradientKernels, source: tf.Tensor2D): tf.Tensor2D {
  const [rows, cols] = source.shape;
  const [out] = uninitialisedWasmTensors([[cols, rows]]);
  const [dst, src] = [wasmHeapOffset(out, false)!, wasmHeapOffset(source, false)!];
  runSplit(
    wasmMemory()!,
    { adam: null, gradient: kernels },
    'transpose',
    [dst, src, rows, cols],
    rows,
    TRANSPOSE_TILE[0],
    cols,
  );
  return out as tf.Tensor2D;
}

/** Sparse Top-K codes with their ids on the host as well. */
export interface HostTopKCodes extends TopKCodes {
  hostIndices: Int32Array;
}

/**
 * The kMax largest capped ReLU pre-activations of each row, as encode.ts `preActivations` followed by
 * Top-K (`topKCodes`) would give them, with gradients to the modality's W_enc, b_enc and b_pre (x is
 * data: it gets none). The values are differentiable; the indices are constants. With `aux`, also each
 * row's `aux.k` largest among the dead latents (AuxK's codes, as losses.ts `auxKLoss` chooses them),
 * whose gradients reach the encoder through the same pass.
 * @param x normalised activations [n, d]
 * @param aux.dead 1 for a dead latent [m]
 * @returns values [n, kMax] largest first and their latent ids (int32); `aux`: [n, aux.k]
 */
export function sparseTopKEncode(
  model: LucidModel,
  modality: Modality,
  x: tf.Tensor2D,
  kMax: number,
  aux?: { dead: Uint8Array; k: number },
): HostTopKCodes & { aux?: HostTopKCodes } {
  const p = model[modality];
  const [n, d] = x.shape;
  const m = latentCount(model.config);
  const [privateStart, privateEnd] = privateRange(model.config, modality);
  const ranges = { nShared: model.config.nShared, privateStart, privateEnd, kPrivate: model.config.kPrivate };
  const ids = new Int32Array(n * kMax);
  const values = new Float32Array(n * kMax);
  const kAux = aux?.k ?? 0;
  const auxSelection = aux && {
    dead: aux.dead,
    k: kAux,
    ids: new Int32Array(n * kAux),
    values: new Float32Array(n * kAux),
  };
  const memory = wasmMemory();
  const kernels = memory && gradientKernelSwitch.enabled ? gradientKernelsFor(memory) : null;
  // One differentiable output for both selections, [n, kMax + kAux]: the encoder's gradient is one pass.
  const width = kMax + kAux;
  // The product and the selection run inside the custom gradient's forward function, which tfjs runs
  // as one kernel, off the tape: as taped ops, the product's gradient would save (clone) its inputs —
  // W_enc or its transpose, 50 MB at ViT-B/16 size — for a gradient that is never taken.
  const select = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [wEnc, bEnc, bPre, input, save] = args as [
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    const shifted = tf.sub(input, bPre) as tf.Tensor2D;
    if (kernels && d % 4 === 0) {
      // Latent-major, W_encᵀ · xᵀ [m, n]: tfjs' WASM matMul repacks its right operand on every call
      // (XNNPACK's packed weights are cached per tensor, and W_enc changes every step); here that is
      // the small xᵀ, and W_enc is transposed by the SIMD kernel instead (browser, ViT-B/16 size:
      // docs/benchmarks.md). Bias and ReLU are applied by the selection.
      const preT = tf.tidy(() => tf.matMul(heapTranspose(kernels, wEnc), tf.transpose(shifted)));
      selectTopKColumns(hostFloats(preT), hostFloats(bEnc), n, kMax, ranges, ids, values, auxSelection);
      preT.dispose();
    } else {
      // A plain product, then bias and ReLU: tfjs' WASM fused matMul + bias + ReLU took ~1.5× the
      // plain product's time at ViT-B/16 size (370 vs 245 ms in the browser for [392, 768] · [768, 16,384]).
      const pre = tf.tidy(() => tf.relu(tf.add(tf.matMul(shifted, wEnc), bEnc)));
      selectTopKRows(hostFloats(pre), n, m, kMax, ranges, ids, values, auxSelection);
      pre.dispose();
    }
    save([shifted]);
    const allIds = auxSelection ? interleave(ids, auxSelection.ids, n, kMax, kAux) : ids;
    const allValues = auxSelection ? interleave(values, auxSelection.values, n, kMax, kAux) : values;
    return {
      value: tf.tensor2d(allValues, [n, width]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const xc = saved[0] as tf.Tensor2D;
        const [dW, dBias] = encoderGradientTensors(dy, allValues, allIds, xc, width, m);
        // b_pre's gradient through x − b_pre: −W_enc · dBias (a product that streams W_enc once).
        const dShift = tf.neg(tf.matMul(wEnc, dBias.reshape([m, 1]))).reshape([d]);
        return [dW, dBias, dShift, tf.zerosLike(xc)];
      },
    };
  });
  const selected = select(p.wEnc, p.bEnc, p.bPre, x) as tf.Tensor2D;
  if (!auxSelection) return { values: selected, indices: tf.tensor2d(ids, [n, kMax], 'int32'), hostIndices: ids };
  const out = {
    values: selected.slice([0, 0], [-1, kMax]),
    indices: tf.tensor2d(ids, [n, kMax], 'int32'),
    hostIndices: ids,
    aux: {
      values: selected.slice([0, kMax], [-1, kAux]),
      indices: tf.tensor2d(auxSelection.ids, [n, kAux], 'int32'),
      hostIndices: auxSelection.ids,
    },
  };
  selected.dispose();
  return out;
}

/** Rows of [n, a] and [n, b] side by side, [n, a + b]. */
function interleave<T extends Int32Array | Float32Array>(left: T, right: T, n: number, a: number, b: number): T {
  const out = new (left.constructor as new (size: number) => T)(n * (a + b));
  for (let row = 0; row < n; row++) {
    out.set(left.subarray(row * a, (row + 1) * a), row * (a + b));
    out.set(right.subarray(row * b, (row + 1) * b), row * (a + b) + a);
  }
  return out;
}

/** The first `count` columns of a row-major [n, width] array. */
export function leadingColumns(ids: Int32Array, n: number, width: number, count: number): Int32Array {
  if (count === width) return ids;
  const out = new Int32Array(n * count);
  for (let row = 0; row < n; row++) out.set(ids.subarray(row * width, row * width + count), row * count);
  return out;
}

/**
 * Cosine-style products of sparse codes over the shared latents: out[i, j] = Σ a[i, s] · b[j, t] over
 * the pairs with idsA[i, s] = idsB[j, t] < nShared (entries of private latents count as 0). With unit
 * rows this is the transport's cosine between patch and token codes, without the dense [n, nShared]
 * codes the dense path builds. Host code (a scatter of b into a [nShared, nb] table, then one gather per
 * code of a); gradients to a and b.
 * @param a [na, ka]
 * @param idsA [na, ka] latent ids of a's codes
 * @param b [nb, kb]
 * @param idsB [nb, kb]
 * @returns [na, nb]
 */
export function sharedCodeProducts(
  a: tf.Tensor2D,
  idsA: Int32Array,
  b: tf.Tensor2D,
  idsB: Int32Array,
  nShared: number,
): tf.Tensor2D {
  const [na, ka] = a.shape;
  const [nb, kb] = b.shape;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [ta, tb, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([]);
    const av = hostFloats(ta).slice();
    const bv = hostFloats(tb).slice();
    // table[l, j] = b's code of latent l on row j.
    const table = new Float32Array(nShared * nb);
    for (let j = 0; j < nb; j++)
      for (let t = 0; t < kb; t++) {
        const l = idsB[j * kb + t];
        if (l < nShared) table[l * nb + j] += bv[j * kb + t];
      }
    const out = new Float32Array(na * nb);
    for (let i = 0; i < na; i++)
      for (let s = 0; s < ka; s++) {
        const l = idsA[i * ka + s];
        const value = av[i * ka + s];
        if (l >= nShared || value === 0) continue;
        for (let j = 0; j < nb; j++) out[i * nb + j] += value * table[l * nb + j];
      }
    return {
      value: tf.tensor2d(out, [na, nb]),
      gradFunc: (dy: tf.Tensor) =>
        hostOutputs(
          [
            [na, ka],
            [nb, kb],
          ],
          ([da, db]) => {
            const g = hostFloats(dy);
            const dTable = new Float32Array(nShared * nb);
            for (let i = 0; i < na; i++)
              for (let s = 0; s < ka; s++) {
                const l = idsA[i * ka + s];
                let sum = 0;
                if (l < nShared) {
                  const value = av[i * ka + s];
                  for (let j = 0; j < nb; j++) {
                    sum += g[i * nb + j] * table[l * nb + j];
                    dTable[l * nb + j] += g[i * nb + j] * value;
                  }
                }
                da[i * ka + s] = sum;
              }
            for (let j = 0; j < nb; j++)
              for (let t = 0; t < kb; t++) {
                const l = idsB[j * kb + t];
                db[j * kb + t] = l < nShared ? dTable[l * nb + j] : 0;
              }
          },
        ),
    };
  });
  return op(a, b) as tf.Tensor2D;
}
