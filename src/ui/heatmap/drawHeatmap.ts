import { heatmapPixels } from './heatmapColors';

/**
 * Paints a heatmap into a canvas at one pixel per patch; CSS scales the canvas over the image
 * (`image-rendering: pixelated`, so each patch stays a visible square).
 */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  grid: [number, number],
  max: number,
  opacity: number,
): void {
  const [rows, cols] = grid;
  canvas.width = cols;
  canvas.height = rows;
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.putImageData(new ImageData(heatmapPixels(values, max, opacity), cols, rows), 0, 0);
}

/** Empties a canvas (no heatmap yet). */
export function clearHeatmap(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}
