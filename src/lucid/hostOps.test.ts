import { describe, expect, it } from 'vitest';
import { adamKernelFor } from './adamKernel';
import { gradientKernelsFor } from './gradientKernel';
import { HOST_OPS, type HostKernels, TRANSPOSE_TILE } from './hostOps';
import { gaussianArray, makeGaussian, makeRng } from './random';

// Each op run as the caller and its helpers would run it (parts that cover [0, total)) must give
// exactly what one run over the whole range gives: the split never changes a result.
describe('host ops split by range', () => {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const kernels: HostKernels = { adam: adamKernelFor(memory), gradient: gradientKernelsFor(memory) };
  const floats = new Float32Array(memory.buffer);
  const gaussian = makeGaussian(makeRng(11));
  /** Fills `count` floats at float index `at` with Gaussians; returns the byte offset. */
  const fill = (at: number, count: number) => {
    floats.set(gaussianArray(count, gaussian), at);
    return at * 4;
  };

  /** Runs `run` once over [0, total) and once in the given parts, from the same inputs; compares `read`. */
  function compare(
    total: number,
    cuts: number[],
    setUp: () => void,
    run: (from: number, to: number) => void,
    read: () => Float32Array,
  ) {
    setUp();
    run(0, total);
    const whole = read().slice();
    setUp();
    const bounds = [0, ...cuts, total];
    for (let i = 0; i + 1 < bounds.length; i++) run(bounds[i], bounds[i + 1]);
    expect(Array.from(read())).toEqual(Array.from(whole));
    return whole;
  }

  it('builds the kernels', () => {
    expect(kernels.adam).not.toBeNull();
    expect(kernels.gradient).not.toBeNull();
  });

  it('adam: four floats at a time, in parts', () => {
    const n = 4096;
    const saved = gaussianArray(5 * n, gaussian);
    const setUp = () => floats.set(saved, 0);
    const args = [0, n * 4, 2 * n * 4, 3 * n * 4, 4 * n * 4, 0.9, 0.999, 0.1, 0.001, -0.01, 1.5, 1e-7];
    // updated, m and v (the op writes all three)
    const whole = compare(
      n,
      [1024, 2052],
      setUp,
      (from, to) => HOST_OPS.adam(kernels, args, from, to),
      () => floats.subarray(n, 4 * n),
    );
    expect(whole.some((value, i) => value !== saved[n + i])).toBe(true);
  });

  it('transpose: parts of source rows give the transpose', () => {
    const [rows, cols] = [3 * TRANSPOSE_TILE[0] + 8, 150];
    const src = fill(0, rows * cols);
    const dst = rows * cols * 4;
    const source = floats.slice(0, rows * cols);
    const whole = compare(
      rows,
      [TRANSPOSE_TILE[0], 3 * TRANSPOSE_TILE[0]],
      () => floats.fill(0, rows * cols, 2 * rows * cols),
      (from, to) => HOST_OPS.transpose(kernels, [dst, src, rows, cols], from, to),
      () => floats.subarray(rows * cols, 2 * rows * cols),
    );
    for (let c = 0; c < rows; c++)
      for (let j = 0; j < cols; j++) expect(whole[j * rows + c]).toBe(source[c * cols + j]);
  });

  it('projectRows and unitRows: parts of rows', () => {
    const [m, d] = [37, 24];
    const w = fill(0, m * d);
    const saved = gaussianArray(m * d, gaussian);
    const g = m * d * 4;
    const projected = compare(
      m,
      [5, 20],
      () => floats.set(saved, m * d),
      (from, to) => HOST_OPS.projectRows(kernels, [g, w, d], from, to),
      () => floats.subarray(m * d, 2 * m * d),
    );
    expect(projected.some((value, i) => value !== saved[i])).toBe(true);
    const out = 2 * m * d * 4;
    const unit = compare(
      m,
      [1, 36],
      () => floats.fill(0, 2 * m * d, 3 * m * d),
      (from, to) => HOST_OPS.unitRows(kernels, [out, w, d], from, to),
      () => floats.subarray(2 * m * d, 3 * m * d),
    );
    for (let j = 0; j < m; j++) {
      let norm = 0;
      for (let c = 0; c < d; c++) norm += unit[j * d + c] ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
    }
  });
});
