import { describe, expect, it } from 'vitest';
import { colorRamp, heatmapMax, heatmapPixels, INFERNO } from './heatmapColors';

describe('heatmap colours', () => {
  it('maps zero heat to the ramp start and the maximum to its end', () => {
    const pixels = heatmapPixels(Float32Array.from([0, 2]), 2, 1);
    expect([...pixels.slice(0, 3)]).toEqual([...INFERNO.slice(0, 3)]);
    expect([...pixels.slice(4, 7)]).toEqual([...INFERNO.slice(-3)]);
  });

  it('runs Inferno from near black to pale yellow', () => {
    expect(Math.max(...INFERNO.slice(0, 3))).toBeLessThan(10);
    const [r, g, b] = INFERNO.slice(-3);
    expect(r).toBeGreaterThan(240);
    expect(g).toBeGreaterThan(240);
    expect(b).toBeLessThan(180);
  });

  it('clamps heat outside [0, max] and sets the opacity on every pixel', () => {
    const ramp = colorRamp((t) => `rgb(${t * 255}, 0, 0)`, 2);
    const pixels = heatmapPixels(Float32Array.from([-1, 5, 0.5]), 1, 0.5, ramp);
    expect([...pixels]).toEqual([0, 0, 0, 128, 255, 0, 0, 128, 255, 0, 0, 128]);
  });

  it('draws a map that never fires as all cold', () => {
    const pixels = heatmapPixels(Float32Array.from([0, 0]), 0, 1);
    expect([...pixels.slice(4, 7)]).toEqual([...INFERNO.slice(0, 3)]);
  });

  it('shares one maximum across maps', () => {
    expect(heatmapMax([Float32Array.from([1, 3]), Float32Array.from([2])])).toBe(3);
    expect(heatmapMax([Float32Array.from([-1])])).toBe(0);
  });
});
