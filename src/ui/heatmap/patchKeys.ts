/**
 * Keyboard moves on the patch grid, as the WAI-ARIA grid pattern defines them: arrows step one
 * cell and stop at the edges, Home / End go to the row's ends, Ctrl+Home / Ctrl+End to the first
 * and last patch. Patches are row-major on a [rows, cols] grid. Pure.
 */

/** The patch focused after `key` on `patch`, or null when the key is not a grid move. */
export function patchAfterKey(patch: number, key: string, grid: [number, number], ctrlKey = false): number | null {
  const [rows, cols] = grid;
  const row = Math.floor(patch / cols);
  const col = patch % cols;
  switch (key) {
    case 'ArrowLeft':
      return row * cols + Math.max(0, col - 1);
    case 'ArrowRight':
      return row * cols + Math.min(cols - 1, col + 1);
    case 'ArrowUp':
      return Math.max(0, row - 1) * cols + col;
    case 'ArrowDown':
      return Math.min(rows - 1, row + 1) * cols + col;
    case 'Home':
      return ctrlKey ? 0 : row * cols;
    case 'End':
      return ctrlKey ? rows * cols - 1 : row * cols + cols - 1;
    default:
      return null;
  }
}

/** "row 2, column 3": 1-based, as the patch's heading under the image says it. */
export function patchPosition(patch: number, grid: [number, number]): string {
  const cols = grid[1];
  return `row ${Math.floor(patch / cols) + 1}, column ${(patch % cols) + 1}`;
}
