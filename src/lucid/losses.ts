import * as tf from '@tensorflow/tfjs';
import { DUSTBIN_COST_RANGE, type Modality, latentCount, privateRange } from './config';
import type { PairBatch } from './batch';
import { decode, matMul, preActivations, stopGradient, topKDense } from './encode';
import type { LucidModel } from './model';
import { frozenSinkhornPlan } from './sinkhorn';
import {
  type DecodePath,
  type TopKCodes,
  decodesSparsely,
  firedLatents,
  sparseDecode,
  topKCodes,
} from './sparseDecode';
import { hostDecodeRuns, hostSparseDecode } from './hostDecoder';
import { hostFloats } from './hostTensors';
import { leadingColumns, sharedCodeProducts, sparseTopKEncode } from './sparseEncode';

/** Backends whose tensors host code reads without a GPU read-back (sparseEncode.ts). */
const HOST_BACKENDS = new Set(['wasm', 'cpu']);

/** Smallest transport mass; its log stands in for log 0 and keeps every log-sum-exp finite. */
const MIN_MASS = 1e-30;
/** Added to code energies so an all-silent image or caption still gets uniform marginals. */
const ENERGY_FLOOR = 1e-6;

/**
 * Fraction of variance unexplained: Σ w‖x − x̂‖² / Σ w‖x − x̄‖², x̄ the weighted mean row.
 * @param x [n, d]
 * @param xHat [n, d]
 * @param weight [n] row weights (1 = counts, 0 = padding); all ones when omitted
 */
export function fvu(x: tf.Tensor2D, xHat: tf.Tensor2D, weight?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const w = weight ? weight.expandDims(1) : tf.onesLike(x.slice([0, 0], [-1, 1]));
    const mean = tf.sum(tf.mul(x, w), 0).div(tf.sum(w).maximum(1e-12));
    const residual = tf.sum(tf.mul(tf.square(tf.sub(x, xHat)), w));
    const total = tf.sum(tf.mul(tf.square(tf.sub(x, mean)), w));
    return residual.div(total.maximum(1e-12)) as tf.Scalar;
  });
}

/** A Top-K reconstruction of one modality's activations, and what alignment and AuxK read of it. */
interface Reconstruction {
  /** x̂ = z · W_dec + b_pre [n, d]. */
  xHat: tf.Tensor2D;
  /** 1 for every latent that fired on a row of positive weight [m]. */
  fired: tf.Tensor1D;
  /** AuxK's loss [] (0 when no latent is dead or AuxK is skipped). */
  aux: tf.Scalar;
  /** The dense path: each row's top-`count` codes as a dense [n, m] matrix (alignCount 0: the pre-activations). */
  alignCodes?: (count: number) => tf.Tensor2D;
  /** The sparse path: each row's kMax largest codes [n, kMax], largest first, and their ids on the host. */
  sparseCodes?: { values: tf.Tensor2D; ids: Int32Array };
}

/**
 * Dense pre-activations (encode.ts `preActivations`), their k largest decoded as a dense [n, m] · [m, d]
 * product or by gathering the k decoder rows (src/lucid/sparseDecode.ts), and AuxK where `dead` is given.
 * @param weight [n] row weights for `fired` and AuxK; all rows count when omitted
 */
function denseReconstruct(
  model: LucidModel,
  modality: Modality,
  x: tf.Tensor2D,
  path: DecodePath,
  dead: tf.Tensor1D | null,
  weight?: tf.Tensor1D,
): Reconstruction {
  const { k } = model.config;
  const pre = preActivations(model, modality, x);
  const m = pre.shape[1];
  const p = model[modality];
  let xHat: tf.Tensor2D;
  let fired: tf.Tensor1D;
  let z: tf.Tensor2D | undefined;
  if (decodesSparsely(path, k, m, p.wDec.shape[1])) {
    const codes = topKCodes(pre, k);
    xHat = sparseDecode(codes.values, codes.indices, p.wDec).add(p.bPre) as tf.Tensor2D;
    fired = firedLatents(codes, m, weight);
  } else {
    z = topKDense(pre, k);
    const active = weight ? tf.mul(z, weight.expandDims(1)) : z;
    xHat = decode(model, modality, z);
    fired = tf.sum(active, 0).greater(0).toFloat() as tf.Tensor1D;
  }
  const aux = dead ? auxKLoss(model, modality, x, xHat, pre, dead, weight, path) : tf.scalar(0);
  const alignCodes = (count: number) =>
    count <= 0 ? pre : count <= k ? (z ?? topKDense(pre, k)) : topKDense(pre, count);
  return { xHat, fired, aux, alignCodes };
}

/**
 * The sparse encoder (sparseEncode.ts): each row's kMax largest codes, the first k decoded by gathering
 * their decoder rows. No AuxK (the caller takes this path only when no latent is dead).
 */
function sparseReconstruct(
  model: LucidModel,
  modality: Modality,
  x: tf.Tensor2D,
  kMax: number,
  dead: tf.Tensor1D | null,
  weight?: tf.Tensor1D,
): Reconstruction {
  const { k } = model.config;
  const m = latentCount(model.config);
  const p = model[modality];
  const n = x.shape[0];
  const deadMask = dead ? Uint8Array.from(hostFloats(dead), (value) => (value > 0 ? 1 : 0)) : null;
  const kAux = Math.min(model.config.kAux, m);
  const codes = sparseTopKEncode(model, modality, x, kMax, deadMask ? { dead: deadMask, k: kAux } : undefined);
  const kept =
    kMax === k ? codes : { values: codes.values.slice([0, 0], [-1, k]), indices: codes.indices.slice([0, 0], [-1, k]) };
  const decoded =
    hostSparseDecode(kept.values as tf.Tensor2D, leadingColumns(codes.hostIndices, n, kMax, k), p.wDec) ??
    sparseDecode(kept.values as tf.Tensor2D, kept.indices as tf.Tensor2D, p.wDec);
  const xHat = decoded.add(p.bPre) as tf.Tensor2D;
  let aux: tf.Scalar = tf.scalar(0);
  if (codes.aux && deadMask) {
    // AuxK (auxKLoss): the dead latents' top-k_aux codes explain the residual, held fixed; 0 when none
    // of the latents this modality may use is dead.
    const [start, end] = privateRange(model.config, modality);
    const anyDead = deadMask.some((value, j) => value > 0 && (j < model.config.nShared || (j >= start && j < end)));
    if (anyDead) {
      const residualHat = hostSparseDecode(codes.aux.values, codes.aux.hostIndices, p.wDec)!;
      const residual = stopGradient(tf.sub(x, xHat) as tf.Tensor2D) as tf.Tensor2D;
      aux = fvu(residual, residualHat, weight);
    }
  }
  return {
    xHat,
    fired: firedLatents(kept as TopKCodes, m, weight),
    aux,
    sparseCodes: { values: codes.values, ids: codes.hostIndices },
  };
}

/**
 * {@link guidedTransport} on sparse codes: each row's top-`count` codes restricted to the shared latents,
 * their norms and cosines computed from the codes themselves (sparseEncode.ts `sharedCodeProducts`),
 * not from dense [n, nShared] matrices. The same plan, costs and gradients.
 */
function sparseTransport(
  model: LucidModel,
  image: { values: tf.Tensor2D; ids: Int32Array },
  text: { values: tf.Tensor2D; ids: Int32Array },
  count: number,
  alignMask: tf.Tensor2D,
  grid: [number, number],
): Transport {
  return tf.tidy(() => {
    const ms = model.config.nShared;
    const [bt, t] = alignMask.shape;
    const unit = (codes: { values: tf.Tensor2D; ids: Int32Array }) => {
      const [n, width] = codes.values.shape;
      const ids = leadingColumns(codes.ids, n, width, count);
      const shared = tf.tensor2d(
        Float32Array.from(ids, (id) => (id < ms ? 1 : 0)),
        [n, count],
      );
      const values = tf.mul(codes.values.slice([0, 0], [-1, count]), shared) as tf.Tensor2D;
      const norm = tf.sqrt(tf.sum(tf.square(values), 1).add(1e-12)) as tf.Tensor1D;
      return { unit: tf.div(values, norm.expandDims(1)) as tf.Tensor2D, ids, norm };
    };
    const a = unit(image);
    const b = unit(text);
    const cosine = sharedCodeProducts(a.unit, a.ids, b.unit, b.ids, ms);
    const bi = a.norm.shape[0] / (grid[0] * grid[1]);
    return transportFromCosine(
      model,
      cosine,
      a.norm.reshape([bi, grid[0] * grid[1]]),
      b.norm.reshape([bt, t]),
      alignMask,
      grid,
    );
  });
}

/**
 * AuxK loss (Gao et al. 2024, §A.2): the dead latents' top-kAux codes must explain the residual
 * x − x̂ (held fixed). Returns 0 when no latent of the modality is dead.
 * @param pre pre-Top-K ReLU activations [n, m]
 * @param dead 1 for a dead latent [m]
 */
export function auxKLoss(
  model: LucidModel,
  modality: Modality,
  x: tf.Tensor2D,
  xHat: tf.Tensor2D,
  pre: tf.Tensor2D,
  dead: tf.Tensor1D,
  weight?: tf.Tensor1D,
  path: DecodePath = 'auto',
): tf.Scalar {
  return tf.tidy(() => {
    const deadAllowed = tf.mul(dead, model.allowed[modality]);
    const kAux = Math.min(model.config.kAux, pre.shape[1]);
    const deadPre = tf.mul(pre, deadAllowed) as tf.Tensor2D;
    const wDec = model[modality].wDec;
    let residualHat: tf.Tensor2D;
    if (decodesSparsely(path, kAux, pre.shape[1], wDec.shape[1])) {
      const codes = topKCodes(deadPre, kAux);
      residualHat = sparseDecode(codes.values, codes.indices, wDec);
    } else {
      residualHat = matMul(topKDense(deadPre, kAux), wDec);
    }
    const residual = stopGradient(tf.sub(x, xHat) as tf.Tensor2D) as tf.Tensor2D;
    const loss = fvu(residual, residualHat, weight);
    return tf.mul(loss, tf.sum(deadAllowed).greater(0).toFloat()) as tf.Scalar;
  });
}

/**
 * Doubly-stochastic neighbour averaging on a patch grid [Np, Np]: each of a patch's 4-neighbours
 * receives `share / 4` of its mass and the patch keeps the rest. Symmetric, so columns (token
 * marginals) are preserved exactly.
 */
export function gridSmoothingMatrix(rows: number, cols: number, share: number): Float32Array {
  const n = rows * cols;
  const out = new Float32Array(n * n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      let kept = 1;
      for (const [dr, dc] of [
        [-1, 0],
        [1, 0],
        [0, -1],
        [0, 1],
      ]) {
        const rr = r + dr;
        const cc = c + dc;
        if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) continue;
        out[i * n + rr * cols + cc] = share / 4;
        kept -= share / 4;
      }
      out[i * n + i] = kept;
    }
  }
  return out;
}

/** Transport between every image and every caption of a batch (Bi · Bt problems). */
export type Transport = {
  /** Plan with dustbin row and column, after structural smoothing [Bi·Bt, Np+1, T+1]; mass 1 per problem. */
  plan: tf.Tensor3D;
  /** Cost with dustbin row and column [Bi·Bt, Np+1, T+1]: 1 − cos in the patch–token block. */
  cost: tf.Tensor3D;
  /** Cost Σ P_ij C_ij over patch–token entries only [Bi, Bt]. */
  matchedCost: tf.Tensor2D;
  /** Full cost: patch–token entries plus every dustbin entry (corner included) at the learned dustbin cost [Bi, Bt]. */
  totalCost: tf.Tensor2D;
};

/**
 * Guided Cross-Modal Transport between image patches and caption tokens in the shared latents.
 * Cost C_ij = 1 − cos(A_i, B_j) of pre-Top-K shared codes; a dustbin row and column at the learned
 * dustbin cost; contextual guidance: marginals proportional to each patch's / token's shared-code
 * energy (half the mass), the dustbin carrying the other half; structural guidance: the plan is
 * smoothed over the patch grid. The plan is held fixed in the backward pass.
 * @param sharedImage [Bi, Np, m_s]
 * @param sharedText [Bt, T, m_s]
 * @param alignMask 1 for tokens that take part [Bt, T]
 */
export function guidedTransport(
  model: LucidModel,
  sharedImage: tf.Tensor3D,
  sharedText: tf.Tensor3D,
  alignMask: tf.Tensor2D,
  grid: [number, number],
): Transport {
  return tf.tidy(() => {
    const [bi, np, ms] = sharedImage.shape;
    const [bt, t] = sharedText.shape;
    const imageNorm = smoothNorm(sharedImage);
    const textNorm = smoothNorm(sharedText);
    const imageUnit = tf.div(sharedImage, imageNorm.expandDims(2)).reshape([bi * np, ms]);
    const textUnit = tf.div(sharedText, textNorm.expandDims(2)).reshape([bt * t, ms]);
    const cosine = matMul(imageUnit as tf.Tensor2D, textUnit.transpose() as tf.Tensor2D);
    return transportFromCosine(model, cosine, imageNorm, textNorm, alignMask, grid);
  });
}

/**
 * {@link guidedTransport} from the cosines of every patch with every caption token [Bi·Np, Bt·T] and
 * the shared-code norms of the patches [Bi, Np] and tokens [Bt, T] (the energies of its marginals).
 */
export function transportFromCosine(
  model: LucidModel,
  pairCosine: tf.Tensor2D,
  imageNorm: tf.Tensor2D,
  textNorm: tf.Tensor2D,
  alignMask: tf.Tensor2D,
  grid: [number, number],
): Transport {
  return tf.tidy(() => {
    const [bi, np] = imageNorm.shape;
    const [bt, t] = textNorm.shape;
    const problems = bi * bt;
    const { sinkhornEpsilon, sinkhornIterations, structuralSmoothing } = model.config;
    const cosine = pairCosine.reshape([bi, np, bt, t]).transpose([0, 2, 1, 3]).reshape([problems, np, t]);
    const cost = tf.sub(1, cosine) as tf.Tensor3D;

    // Kept inside the range of the cost (1 − cos of non-negative codes ∈ [0, 1]): above it,
    // nothing would ever be left unmatched and the dustbin would be switched off.
    const dust = tf.clipByValue(model.dustbinCost, DUSTBIN_COST_RANGE[0], DUSTBIN_COST_RANGE[1]);
    const withDustColumn = tf.concat([cost, tf.mul(tf.ones([problems, np, 1]), dust)], 2);
    // The dustbin-to-dustbin corner costs the dustbin cost too (as in SuperGlue): then matching a
    // patch to a token pays off exactly when C_ij < dustbin cost. A free corner would raise that
    // threshold to twice the dustbin cost, and nothing would ever stay unmatched.
    const dustRow = tf.mul(tf.ones([problems, 1, t + 1]), dust);
    const costAug = tf.concat([withDustColumn, dustRow], 1) as tf.Tensor3D;

    const patchEnergy = stopGradient(imageNorm).add(ENERGY_FLOOR);
    const patchMass = patchEnergy.div(patchEnergy.sum(1, true)).mul(0.5);
    const tokenEnergy = stopGradient(textNorm).add(ENERGY_FLOOR).mul(alignMask);
    const tokenMass = tokenEnergy.div(tokenEnergy.sum(1, true).maximum(1e-12)).mul(0.5);
    const rowMass = tf.concat(
      [tf.tile(patchMass.expandDims(1), [1, bt, 1]).reshape([problems, np]), tf.fill([problems, 1], 0.5)],
      1,
    );
    const colMass = tf.concat(
      [tf.tile(tokenMass.expandDims(0), [bi, 1, 1]).reshape([problems, t]), tf.fill([problems, 1], 0.5)],
      1,
    );
    const rawPlan = frozenSinkhornPlan(
      costAug,
      tf.log(rowMass.maximum(MIN_MASS)) as tf.Tensor2D,
      tf.log(colMass.maximum(MIN_MASS)) as tf.Tensor2D,
      sinkhornEpsilon,
      sinkhornIterations,
    );
    const plan = smoothOverGrid(rawPlan, grid, structuralSmoothing);

    const matched = tf.sum(tf.mul(plan.slice([0, 0, 0], [-1, np, t]), cost), [1, 2]).reshape([bi, bt]);
    const total = tf.sum(tf.mul(plan, costAug), [1, 2]).reshape([bi, bt]);
    return { plan, cost: costAug, matchedCost: matched as tf.Tensor2D, totalCost: total as tf.Tensor2D };
  });
}

/**
 * √(‖x‖² + 10⁻¹²) along the last axis: the Euclidean norm, but with a finite gradient at x = 0
 * (an all-silent patch would otherwise give 0/0 = NaN in the backward pass).
 */
function smoothNorm(x: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(x), 2).add(1e-12)) as tf.Tensor2D);
}

/** Applies the grid smoothing to the patch rows of a plan [P, Np+1, T+1]; the dustbin row is left alone. */
function smoothOverGrid(plan: tf.Tensor3D, grid: [number, number], share: number): tf.Tensor3D {
  if (share === 0) return plan;
  return tf.tidy(() => {
    const [problems, rowsWithDust, cols] = plan.shape;
    const np = rowsWithDust - 1;
    const smoothing = tf.tensor2d(gridSmoothingMatrix(grid[0], grid[1], share), [np, np]);
    const patchRows = plan
      .slice([0, 0, 0], [-1, np, -1])
      .transpose([1, 0, 2])
      .reshape([np, problems * cols]);
    const smoothed = matMul(smoothing, patchRows as tf.Tensor2D)
      .reshape([np, problems, cols])
      .transpose([1, 0, 2]);
    return tf.concat([smoothed, plan.slice([0, np, 0], [-1, 1, -1])], 1) as tf.Tensor3D;
  });
}

/**
 * Symmetric InfoNCE over a [B, B] matrix of pair costs: matched pairs (the diagonal) must cost
 * less than mismatched ones (logits = −cost / τ, as in CLIP's loss).
 */
export function batchContrastLoss(cost: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logits = tf.div(cost, -temperature);
    const eye = tf.eye(cost.shape[0]);
    const rows = tf.sum(tf.mul(tf.logSoftmax(logits, 1), eye));
    const cols = tf.sum(tf.mul(tf.logSoftmax(logits.transpose(), 1), eye));
    return tf.add(rows, cols).div(-2 * cost.shape[0]) as tf.Scalar;
  });
}

/** Every loss term of one step, as scalars, plus what dead-latent tracking needs. */
export interface LossTerms {
  /** Weighted sum that is minimised. */
  total: tf.Scalar;
  fvuImage: tf.Scalar;
  /** 0 for an image-only batch. */
  fvuText: tf.Scalar;
  auxImage: tf.Scalar;
  auxText: tf.Scalar;
  /** Σ P_ij C_ij of matched pairs, mean over the batch. */
  gcmt: tf.Scalar;
  /** Batch contrast (InfoNCE). */
  contrast: tf.Scalar;
  /** 1 for every latent that fired on at least one real token [m]. */
  fired: tf.Tensor1D;
  /** Real tokens (patches plus caption tokens) in the batch []. */
  tokenCount: tf.Scalar;
}

/** Names of the scalar terms, in the order the trainer reports them. */
export const LOSS_TERM_NAMES = ['total', 'fvuImage', 'fvuText', 'auxImage', 'auxText', 'gcmt', 'contrast'] as const;
export type LossTermName = (typeof LOSS_TERM_NAMES)[number];

/**
 * The LUCID objective on one batch (METHOD.md, "Losses").
 * @param dead 1 for latents currently dead [m] (AuxK targets); null when the caller knows no latent is
 *   dead, which skips AuxK's [n, m] · [m, d] products (the terms are then 0, as AuxK gives with no dead latent)
 * @param path how Top-K codes are decoded; every path gives the same terms and gradients
 */
export function lucidLoss(
  model: LucidModel,
  batch: PairBatch,
  dead: tf.Tensor1D | null,
  path: DecodePath = 'auto',
): LossTerms {
  return tf.tidy(() => {
    const { config } = model;
    const [pairs, np, dImage] = batch.patches.shape;
    const m = latentCount(config);
    const zero = tf.scalar(0);
    const ms = config.nShared;
    const aligned = batch.captions !== undefined && ms > 0 && (config.gcmtWeight > 0 || config.contrastWeight > 0);
    // Alignment reads the sparse codes the views show (top-alignK; top-k where alignK ≤ k), or the dense
    // pre-activations (alignK 0).
    const alignCount = config.alignK <= 0 ? 0 : config.alignK <= config.k ? config.k : Math.min(config.alignK, m);
    // With alignment on sparse codes, the encoder runs sparsely too (sparseEncode.ts) where the decoder
    // does: the same terms and gradients. Host code: on tfjs' WASM and cpu backends only (elsewhere every
    // step would read the GPU back). AuxK's codes come from the same selection where the host decode
    // runs (on WASM with SIMD; elsewhere its k_aux gathered rows would be too large: sparseDecode.ts).
    const widths = [dImage, ...(batch.captions ? [batch.captions.tokens.shape[2]] : [])];
    const sparse =
      (dead === null || widths.every(hostDecodeRuns)) &&
      HOST_BACKENDS.has(tf.getBackend()) &&
      (!aligned || alignCount > 0) &&
      decodesSparsely(path, config.k, m, Math.max(dImage, batch.captions?.tokens.shape[2] ?? 0));
    const kMax = Math.max(config.k, aligned ? alignCount : 0);

    const xImage = batch.patches.reshape([pairs * np, dImage]) as tf.Tensor2D;
    const image = sparse
      ? sparseReconstruct(model, 'image', xImage, kMax, dead)
      : denseReconstruct(model, 'image', xImage, path, dead);
    const fvuImage = fvu(xImage, image.xHat);
    let fired = image.fired;
    let tokenCount: tf.Scalar = tf.scalar(pairs * np);
    let fvuText = zero;
    let auxText = zero;
    let gcmt = zero;
    let contrast = zero;

    if (batch.captions) {
      const [, length, dText] = batch.captions.tokens.shape;
      const xText = batch.captions.tokens.reshape([pairs * length, dText]) as tf.Tensor2D;
      const weight = batch.captions.tokenMask.reshape([pairs * length]) as tf.Tensor1D;
      const text = sparse
        ? sparseReconstruct(model, 'text', xText, kMax, dead, weight)
        : denseReconstruct(model, 'text', xText, path, dead, weight);
      fvuText = fvu(xText, text.xHat, weight);
      auxText = text.aux;
      fired = tf.maximum(fired, text.fired);
      tokenCount = tokenCount.add(tf.sum(weight));

      if (aligned) {
        const transport =
          image.sparseCodes && text.sparseCodes
            ? sparseTransport(
                model,
                image.sparseCodes,
                text.sparseCodes,
                alignCount,
                batch.captions.alignMask,
                batch.grid,
              )
            : guidedTransport(
                model,
                image.alignCodes!(alignCount).slice([0, 0], [-1, ms]).reshape([pairs, np, ms]) as tf.Tensor3D,
                text.alignCodes!(alignCount).slice([0, 0], [-1, ms]).reshape([pairs, length, ms]) as tf.Tensor3D,
                batch.captions.alignMask,
                batch.grid,
              );
        gcmt = tf.mean(transport.matchedCost.mul(tf.eye(pairs)).sum(1));
        contrast = pairs > 1 ? batchContrastLoss(transport.totalCost, config.contrastTemperature) : zero;
      }
    }
    const auxImage = image.aux;

    const total = fvuImage
      .add(fvuText)
      .add(tf.mul(config.auxWeight, auxImage.add(auxText)))
      .add(tf.mul(config.gcmtWeight, gcmt))
      .add(tf.mul(config.contrastWeight, contrast)) as tf.Scalar;
    return {
      total,
      fvuImage,
      fvuText,
      auxImage,
      auxText,
      gcmt: gcmt as tf.Scalar,
      contrast,
      fired,
      tokenCount,
    };
  });
}
