/** Top-K of one row on the host, for codes whose pre-activations are read back anyway. Pure. */

/**
 * Writes the k largest entries of `source[start .. start + m)` (values and their indices relative to
 * `start`, largest first, lower index first among equals) into `ids`/`values` at `out`.
 * A sorted insertion into k slots: O(m · k) worst case, O(m) for typical rows.
 */
export function topKRow(
  source: Float32Array,
  start: number,
  m: number,
  k: number,
  ids: Int32Array,
  values: Float32Array,
  out: number,
): void {
  let filled = 0;
  for (let j = 0; j < m; j++) {
    const value = source[start + j];
    if (filled === k && value <= values[out + k - 1]) continue;
    let slot = filled < k ? filled++ : k - 1;
    while (slot > 0 && values[out + slot - 1] < value) {
      values[out + slot] = values[out + slot - 1];
      ids[out + slot] = ids[out + slot - 1];
      slot--;
    }
    values[out + slot] = value;
    ids[out + slot] = j;
  }
}

/**
 * Zeroes all but the `keep` largest entries of `source[from .. to)` in place (the private cap of
 * src/lucid/encode.ts `capPrivate`, on the host): then Top-K takes at most `keep` of them.
 */
export function capPrivateRow(source: Float32Array, from: number, to: number, keep: number): void {
  const width = to - from;
  if (keep >= width) return;
  if (keep <= 0) {
    source.fill(0, from, to);
    return;
  }
  const ids = new Int32Array(keep);
  const values = new Float32Array(keep);
  topKRow(source, from, width, keep, ids, values, 0);
  const threshold = values[keep - 1];
  for (let j = from; j < to; j++) if (source[j] < threshold) source[j] = 0;
}

/** 2^21: a candidate's position fits below it in a sort key (32 bits of value above it, < 2^53 in all). */
const POSITION_RANGE = 2 ** 21;
const keyFloat = new Float32Array(1);
const keyWord = new Uint32Array(keyFloat.buffer);

/**
 * Sorts the first `count` of `candidates` (largest first, lower position first among equals) into
 * `order` (their positions), by one native sort of float64 keys — the float32's bits mapped so that the
 * keys ascend as the values descend, times 2^21, plus the position — instead of a comparator sort
 * (a JavaScript call per comparison: 5–7 times slower for AuxK's ~1,000 candidates of 12,288).
 * `keys` holds at least `count`; a `count` of 2^21 or more sorts by comparator.
 */
export function sortDescending(candidates: Float32Array, count: number, keys: Float64Array, order: Int32Array): void {
  if (count >= POSITION_RANGE) {
    for (let c = 0; c < count; c++) order[c] = c;
    order.subarray(0, count).sort((a, b) => candidates[b] - candidates[a] || a - b);
    return;
  }
  for (let c = 0; c < count; c++) {
    keyFloat[0] = candidates[c] + 0; // −0 → +0: equal values tie
    const bits = keyWord[0];
    // Ascending order of the float32 as an unsigned integer, then reversed.
    const ascending = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
    keys[c] = (0xffffffff - ascending) * POSITION_RANGE + c;
  }
  const sorted = keys.subarray(0, count).sort();
  for (let c = 0; c < count; c++) order[c] = sorted[c] % POSITION_RANGE;
}

/** Above this k, a row shorter than 4k is sorted whole instead of inserted into k slots. */
const SORT_ABOVE_K = 32;

/** Every how many entries {@link topKPicker} samples to estimate a row's k-th largest value. */
export const SAMPLE_STRIDE = 8;

/**
 * Which of a row's `sampled` samples (1 in SAMPLE_STRIDE) sets the threshold for a Top-K of k: the q-th
 * largest, with q = k / 8 + 3·√(k / 8) + 5. The entries at or above it number about 8q, with a spread of
 * about 8·√q (sampling), so fewer than k of them — and a whole-row Top-K instead — is a 3-sigma event.
 * (k / 8 + 4 left 28 % of AuxK's rows, k = 384 of 12,288, and 13 % of k = 64 short: ~3× the time.)
 */
export function sampleQuantile(k: number, sampled: number): number {
  const expected = k / SAMPLE_STRIDE;
  return Math.min(sampled, Math.ceil(expected + 3 * Math.sqrt(expected) + 5));
}

/**
 * A Top-K of up to `maxWidth` entries at a time, as topKRow (largest first, lower index first among equals),
 * that scans most of a row once: the top of a 1-in-8 sample sets a threshold a little below the
 * row's k-th largest value, the entries at or above it (about 8 · sampleQuantile) are collected in index order,
 * and are sorted. Where fewer than k entries reach the threshold, or it is not positive, topKRow runs
 * on the whole row (sorts it, when the row is shorter than 4k and k above SORT_ABOVE_K). The result is the same either way (topK.test.ts); for 392 rows of
 * 12,288 with k = 128 it took 32 ms in Node instead of topKRow's 56.
 */
export function topKPicker(maxWidth: number, k: number) {
  const maxSamples = Math.ceil(maxWidth / SAMPLE_STRIDE);
  const samples = new Float32Array(maxSamples);
  const top = new Float32Array(sampleQuantile(k, maxSamples));
  const topIds = new Int32Array(top.length);
  const candidates = new Float32Array(maxWidth);
  const candidateIds = new Int32Array(maxWidth);
  const positions = new Int32Array(maxWidth);
  const keys = new Float64Array(maxWidth);
  /** The k largest of `source[start .. start + width)` (width ≤ maxWidth) into `ids`/`values` at `out`. */
  return (source: Float32Array, start: number, width: number, ids: Int32Array, values: Float32Array, out: number) => {
    let count = 0;
    if (width >= 4 * k) {
      const sampled = Math.ceil(width / SAMPLE_STRIDE);
      const quantile = sampleQuantile(k, sampled);
      for (let j = 0, s = 0; j < width; j += SAMPLE_STRIDE) samples[s++] = source[start + j];
      topKRow(samples, 0, sampled, quantile, topIds, top, 0);
      const threshold = top[quantile - 1];
      if (threshold > 0) {
        for (let j = 0; j < width; j++) {
          const value = source[start + j];
          if (value >= threshold) {
            candidates[count] = value;
            candidateIds[count++] = j;
          }
        }
      }
    }
    if (count < k && width < 4 * k && k > SORT_ABOVE_K) {
      // A short row for a large k: all of it is sorted (insertion would move about k / 2 slots an entry).
      for (let j = 0; j < width; j++) {
        candidates[j] = source[start + j];
        candidateIds[j] = j;
      }
      count = width;
    } else if (count < k) {
      topKRow(source, start, width, k, ids, values, out);
      return;
    }
    // The candidates all pass the threshold, so most would be inserted: a sort (largest first, lower
    // index first among equals, as topKRow) costs count · log count instead of about count · k / 2.
    sortDescending(candidates, count, keys, positions);
    for (let t = 0; t < Math.min(k, count); t++) {
      ids[out + t] = candidateIds[positions[t]];
      values[out + t] = candidates[positions[t]];
    }
  };
}
