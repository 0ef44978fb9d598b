/**
 * Plain row-major matrices and their sparse, unit-normalised rows: the representation the term
 * clustering and the latent labelling work on. Sparse because a term's shared code is a Top-K
 * code (a few non-zeros out of hundreds), which makes cosine similarities cheap.
 */
import { check } from '../lucid/errors';

/** A dense row-major matrix: entry (i, j) is `data[i * cols + j]`. */
export type Matrix = {
  data: Float32Array;
  rows: number;
  cols: number;
};

/** Rows in compressed sparse row form, each scaled to unit L2 norm (all-zero rows stay empty). */
export type UnitSparseRows = {
  rows: number;
  cols: number;
  /** [rows + 1]: the entries of row i are `rowStart[i] .. rowStart[i + 1] - 1`. */
  rowStart: Int32Array;
  /** [nnz] column of each entry. */
  column: Int32Array;
  /** [nnz] value of each entry divided by its row's norm. */
  value: Float32Array;
  /** [rows] L2 norm of each original row (0 for an all-zero row). */
  norm: Float32Array;
};

/** A matrix from a flat array and its shape, checked. */
export function matrix(data: Float32Array, rows: number, cols: number): Matrix {
  const m = { data, rows, cols };
  checkMatrix(m, 'matrix');
  return m;
}

/**
 * Throws a LucidInputError unless `m` is a non-empty matrix of finite, non-negative numbers
 * (shared codes and latent activations are ReLU outputs, so a negative entry means the wrong
 * array was passed).
 */
export function checkMatrix(m: Matrix, name: string): void {
  check(
    Number.isInteger(m.rows) && Number.isInteger(m.cols) && m.rows > 0 && m.cols > 0,
    `${name} must have at least one row and one column (got ${m.rows} × ${m.cols}).`,
  );
  check(
    m.data.length === m.rows * m.cols,
    `${name} holds ${m.data.length} numbers, but ${m.rows} × ${m.cols} needs ${m.rows * m.cols}.`,
  );
  for (let i = 0; i < m.data.length; i++) {
    const x = m.data[i];
    check(
      Number.isFinite(x) && x >= 0,
      `${name} must be finite and non-negative; entry ${i} (row ${Math.floor(i / m.cols)}) is ${x}.`,
    );
  }
}

/** The rows of `m` in sparse form, scaled to unit norm. */
export function unitSparseRows(m: Matrix): UnitSparseRows {
  const { data, rows, cols } = m;
  let nnz = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nnz++;
  const rowStart = new Int32Array(rows + 1);
  const column = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  const norm = new Float32Array(rows);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    rowStart[r] = at;
    let sumSq = 0;
    for (let c = 0; c < cols; c++) {
      const x = data[r * cols + c];
      if (x === 0) continue;
      column[at] = c;
      value[at] = x;
      sumSq += x * x;
      at++;
    }
    const length = Math.sqrt(sumSq);
    norm[r] = length;
    for (let e = rowStart[r]; e < at; e++) value[e] /= length;
  }
  rowStart[rows] = at;
  return { rows, cols, rowStart, column, value, norm };
}

/** Dot product of sparse row `row` with a dense vector `dense` [cols]. */
export function sparseDot(rows: UnitSparseRows, row: number, dense: Float32Array): number {
  let sum = 0;
  for (let e = rows.rowStart[row]; e < rows.rowStart[row + 1]; e++) sum += rows.value[e] * dense[rows.column[e]];
  return sum;
}

/** Scales `vector` in place to unit L2 norm; returns the norm it had (an all-zero vector stays 0). */
export function normalizeInPlace(vector: Float32Array): number {
  let sumSq = 0;
  for (let i = 0; i < vector.length; i++) sumSq += vector[i] * vector[i];
  const length = Math.sqrt(sumSq);
  if (length > 0) for (let i = 0; i < vector.length; i++) vector[i] /= length;
  return length;
}
