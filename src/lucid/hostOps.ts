/**
 * The host passes of a training step that can be split by range across threads (hostThreads.ts): each
 * op does the part [from, to) of one pass over tfjs' WASM memory with the SIMD kernels, on whichever
 * thread calls it, so the training worker and its helpers run the same code on their parts. Every part
 * of a pass writes memory no other part writes, and each element's arithmetic does not depend on the
 * split, so the result is the same bit for bit however the pass is cut.
 */
import type { AdamKernel } from './adamKernel';
import type { GradientKernels } from './gradientKernel';

/** The kernels one thread has bound to tfjs' memory. */
export interface HostKernels {
  adam: AdamKernel | null;
  gradient: GradientKernels | null;
}

/** Tile sides (rows × columns of the source) of the `transpose` op: a tile's rows stay in cache. */
export const TRANSPOSE_TILE = [64, 64] as const;

/**
 * The ops, by name. `args` are byte offsets into the memory and numbers (constants); [from, to) is the
 * part, in the op's own unit (noted for each).
 */
export const HOST_OPS = {
  /**
   * Adam's update (adamKernel.ts) of floats [from, to) (multiples of 4).
   * args: value, updated, m, v, g, then the kernel's seven constants.
   */
  adam(kernels: HostKernels, args: number[], from: number, to: number): void {
    const [value, updated, m, v, g, ...constants] = args;
    const at = from * 4;
    const [b1, b2, c1, c2, step, correction, epsilon] = constants;
    kernels.adam!(
      value + at,
      updated + at,
      m + at,
      v + at,
      g + at,
      (to - from) * 4,
      b1,
      b2,
      c1,
      c2,
      step,
      correction,
      epsilon,
    );
  },

  /**
   * dst [cols, rows] = srcᵀ for source rows [from, to) (a multiple of 4 rows, tile by tile).
   * args: dst, src, rows, cols.
   */
  transpose(kernels: HostKernels, args: number[], from: number, to: number): void {
    const [dst, src, rows, cols] = args;
    const [tileRows, tileCols] = TRANSPOSE_TILE;
    // dst[j][c] = src[c][j]: the kernel's rows are the output's (source columns j), its width the source rows c.
    for (let c0 = from; c0 < to; c0 += tileRows) {
      for (let j0 = 0; j0 < cols; j0 += tileCols) {
        kernels.gradient!.transposeBlock(
          dst + (j0 * rows + c0) * 4,
          src + (c0 * cols + j0) * 4,
          Math.min(tileCols, cols - j0),
          cols * 4,
          rows * 4,
          Math.min(tileRows, to - c0),
        );
      }
    }
  },

  /**
   * g_j ← g_j − (g_j · w_j) w_j for rows [from, to) of [m, d] arrays (the decoder gradient's projection).
   * args: g, w, d.
   */
  projectRows(kernels: HostKernels, args: number[], from: number, to: number): void {
    const [g, w, d] = args;
    const rowBytes = d * 4;
    for (let j = from; j < to; j++) {
      const parallel = kernels.gradient!.dot(g + j * rowBytes, w + j * rowBytes, rowBytes);
      kernels.gradient!.axpy(g + j * rowBytes, w + j * rowBytes, rowBytes, -parallel);
    }
  },

  /**
   * out_j ← w_j / max(‖w_j‖, 10⁻¹²) for rows [from, to) of [m, d] arrays (the decoder's row renorm).
   * args: out, w, d.
   */
  unitRows(kernels: HostKernels, args: number[], from: number, to: number): void {
    const [out, w, d] = args;
    const rowBytes = d * 4;
    for (let j = from; j < to; j++) {
      const norm = Math.sqrt(kernels.gradient!.dot(w + j * rowBytes, w + j * rowBytes, rowBytes));
      kernels.gradient!.scale(out + j * rowBytes, w + j * rowBytes, rowBytes, 1 / Math.max(norm, 1e-12));
    }
  },
};

export type HostOpName = keyof typeof HOST_OPS;

/** The ops' names in a fixed order: an op travels to a helper as its index. */
export const HOST_OP_NAMES = Object.keys(HOST_OPS) as HostOpName[];
