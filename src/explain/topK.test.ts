import { describe, expect, it } from 'vitest';
import { gaussianArray, makeGaussian, makeRng } from '../lucid/random';
import { sortDescending, topKPicker, topKRow } from './topK';

describe('the sampled Top-K picker', () => {
  const gaussian = makeGaussian(makeRng(5));
  const cases = [
    {
      name: 'ReLU rows (half zeros)',
      width: 4096,
      k: 64,
      row: () => gaussianArray(4096, gaussian).map((v) => Math.max(0, v)),
    },
    {
      name: 'rows with ties',
      width: 1000,
      k: 40,
      row: () => gaussianArray(1000, gaussian).map((v) => Math.round(Math.max(0, v) * 4) / 4),
    },
    {
      name: 'rows with fewer positives than k',
      width: 800,
      k: 50,
      row: () => gaussianArray(800, gaussian).map((v) => (v > 2 ? v : 0)),
    },
    { name: 'all-zero rows', width: 600, k: 30, row: () => new Float32Array(600) },
    { name: 'k close to the width', width: 100, k: 60, row: () => gaussianArray(100, gaussian).map(Math.abs) },
    // Above SORT_ABOVE_K with a row shorter than 4k: sorted whole.
    {
      name: 'a short row for a large k',
      width: 500,
      k: 200,
      row: () => gaussianArray(500, gaussian).map((v) => Math.max(0, v)),
    },
    { name: 'a row shorter than a large k', width: 150, k: 200, row: () => gaussianArray(150, gaussian).map(Math.abs) },
  ];
  for (const { name, width, k, row } of cases) {
    it(`gives topKRow's ids and values, in its order: ${name}`, () => {
      const rows = 20;
      const source = new Float32Array(rows * width + 7);
      for (let r = 0; r < rows; r++) source.set(row(), 7 + r * width);
      const pick = topKPicker(width + 50, k);
      const [ids, values] = [new Int32Array(rows * k + 3), new Float32Array(rows * k + 3)];
      const [refIds, refValues] = [new Int32Array(rows * k + 3), new Float32Array(rows * k + 3)];
      for (let r = 0; r < rows; r++) {
        pick(source, 7 + r * width, width, ids, values, 3 + r * k);
        topKRow(source, 7 + r * width, width, k, refIds, refValues, 3 + r * k);
      }
      expect(Array.from(ids)).toEqual(Array.from(refIds));
      expect(Array.from(values)).toEqual(Array.from(refValues));
    });
  }
});

describe('sortDescending', () => {
  it('orders as a comparator sort does: largest first, lower position first among equals (−0 equals +0)', () => {
    const gaussian = makeGaussian(makeRng(9));
    const values = gaussianArray(3000, gaussian).map((v, i) => (i % 5 === 0 ? Math.round(v * 2) / 2 : v));
    values.set([0, -0, 0, -0, -1.5, -1.5, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, -1e-45], 100);
    const order = new Int32Array(values.length);
    sortDescending(values, values.length, new Float64Array(values.length), order);
    const expected = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b);
    expect(Array.from(order)).toEqual(expected);
  });

  it('sorts only the first count entries', () => {
    const values = Float32Array.from([1, 5, 3, 9, 7]);
    const order = new Int32Array(5).fill(-1);
    sortDescending(values, 3, new Float64Array(5), order);
    expect(Array.from(order)).toEqual([1, 2, 0, -1, -1]);
  });
});
