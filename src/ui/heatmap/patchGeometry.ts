/** Patch grid ↔ pixels on a displayed image. Grids are [rows, cols], patches row-major. Pure. */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The patch under point (x, y) of a `width` × `height` box, or null outside it. */
export function patchAt(x: number, y: number, width: number, height: number, grid: [number, number]): number | null {
  if (x < 0 || y < 0 || x >= width || y >= height) return null;
  const [rows, cols] = grid;
  const row = Math.min(rows - 1, Math.floor((y / height) * rows));
  const col = Math.min(cols - 1, Math.floor((x / width) * cols));
  return row * cols + col;
}

/** The box a patch covers in a `width` × `height` box. */
export function patchRect(patch: number, grid: [number, number], width: number, height: number): Rect {
  const [rows, cols] = grid;
  const row = Math.floor(patch / cols);
  const col = patch % cols;
  return { x: (col * width) / cols, y: (row * height) / rows, width: width / cols, height: height / rows };
}
