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
