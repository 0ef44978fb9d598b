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
