/**
 * The pointing game and mIoU (METHOD.md, "Measures") on a patch grid: a box is in image pixels
 * [x0, y0, x1, y1]; a patch belongs to the box when its centre lies inside it.
 */

/** 1 for each patch whose centre lies in the box, row-major [rows · cols]. */
export function boxMask(box: readonly number[], grid: [number, number], imageSize: number): Uint8Array {
  const [rows, cols] = grid;
  const out = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = ((c + 0.5) * imageSize) / cols;
      const y = ((r + 0.5) * imageSize) / rows;
      out[r * cols + c] = x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3] ? 1 : 0;
    }
  }
  return out;
}

/** Whether the hottest patch lies in the box (ties: the first hottest). */
export function pointingHit(heat: ArrayLike<number>, mask: Uint8Array): boolean {
  let best = 0;
  for (let p = 1; p < heat.length; p++) if (heat[p] > heat[best]) best = p;
  return mask[best] === 1 && heat[best] > 0;
}

/** IoU of the heat thresholded at `fraction` of its maximum with the box's patches. */
export function thresholdIoU(heat: ArrayLike<number>, mask: Uint8Array, fraction = 0.5): number {
  let max = 0;
  for (let p = 0; p < heat.length; p++) max = Math.max(max, heat[p]);
  if (max <= 0) return 0;
  let intersection = 0;
  let union = 0;
  for (let p = 0; p < heat.length; p++) {
    const on = heat[p] >= fraction * max ? 1 : 0;
    intersection += on & mask[p];
    union += on | mask[p];
  }
  return union === 0 ? 0 : intersection / union;
}
