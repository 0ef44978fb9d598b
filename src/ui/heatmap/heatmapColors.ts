/**
 * Heat → colour for the heatmap overlays: d3's Inferno ramp (perceptually uniform, dark for cold so
 * the inactive parts of an image are dimmed and the active ones glow). Pure; no DOM.
 */
import * as d3 from 'd3';

/** Entries in the colour look-up table (one per 8-bit level). */
const RAMP_STEPS = 256;

/** A colour ramp as an RGB look-up table [steps · 3]. */
export function colorRamp(interpolate: (t: number) => string, steps = RAMP_STEPS): Uint8ClampedArray {
  const table = new Uint8ClampedArray(steps * 3);
  for (let i = 0; i < steps; i++) {
    const { r, g, b } = d3.rgb(interpolate(i / (steps - 1)));
    table.set([r, g, b], i * 3);
  }
  return table;
}

export const INFERNO = colorRamp(d3.interpolateInferno);

/** The largest value over all maps (the shared colour scale's top); 0 when every value is ≤ 0. */
export function heatmapMax(maps: readonly Float32Array[]): number {
  let max = 0;
  for (const values of maps) for (const value of values) if (value > max) max = value;
  return max;
}

/**
 * RGBA pixels of a heatmap, one pixel per patch (row-major, like `values`): heat / `max` clamped
 * to [0, 1] picks the ramp colour; every pixel gets `opacity`. A map with `max` ≤ 0 is all cold.
 */
export function heatmapPixels(
  values: Float32Array,
  max: number,
  opacity: number,
  ramp: Uint8ClampedArray = INFERNO,
): Uint8ClampedArray<ArrayBuffer> {
  const steps = ramp.length / 3;
  const alpha = Math.round(Math.min(1, Math.max(0, opacity)) * 255);
  const pixels = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const t = max > 0 ? Math.min(1, Math.max(0, values[i] / max)) : 0;
    const level = Math.round(t * (steps - 1));
    pixels[i * 4] = ramp[level * 3];
    pixels[i * 4 + 1] = ramp[level * 3 + 1];
    pixels[i * 4 + 2] = ramp[level * 3 + 2];
    pixels[i * 4 + 3] = alpha;
  }
  return pixels;
}

/** The ramp as a CSS linear gradient (for the colour key). */
export function rampGradient(ramp: Uint8ClampedArray = INFERNO, stops = 9): string {
  const steps = ramp.length / 3;
  const colors = Array.from({ length: stops }, (_, i) => {
    const level = Math.round((i / (stops - 1)) * (steps - 1));
    return `rgb(${ramp[level * 3]}, ${ramp[level * 3 + 1]}, ${ramp[level * 3 + 2]})`;
  });
  return `linear-gradient(to right, ${colors.join(', ')})`;
}
