import { describe, expect, it } from 'vitest';
import { adamKernelFor, adamModuleBytes } from './adamKernel';

/** Adam's update of n floats in plain JavaScript (double precision), the reference. */
function reference(value: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, c: number[]) {
  const [beta1, beta2, omb1, omb2, step, inverse2, epsilon] = c;
  const updated = new Float32Array(value.length);
  const mOut = new Float32Array(m.length);
  const vOut = new Float32Array(v.length);
  for (let i = 0; i < value.length; i++) {
    mOut[i] = m[i] * beta1 + g[i] * omb1;
    vOut[i] = v[i] * beta2 + g[i] * g[i] * omb2;
    updated[i] = value[i] + (step * mOut[i]) / (Math.sqrt(vOut[i] * inverse2) + epsilon);
  }
  return { updated, m: mOut, v: vOut };
}

/** Largest difference relative to the larger of 1 and the expected value (float32 rounding of the inputs). */
function maxRelative(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

describe('the WebAssembly SIMD Adam kernel', () => {
  for (const shared of [false, true]) {
    it(`updates moments and weights as Adam does, on ${shared ? 'a shared' : 'an unshared'} memory`, () => {
      expect(WebAssembly.validate(adamModuleBytes(shared))).toBe(true);
      const memory = new WebAssembly.Memory(shared ? { initial: 2, maximum: 16, shared: true } : { initial: 2 });
      const kernel = adamKernelFor(memory);
      expect(kernel).not.toBeNull();
      const n = 4 * 301;
      const floats = new Float32Array(memory.buffer);
      // Five arrays at unaligned-to-16 offsets (8 bytes), as malloc may give.
      const offsets = [0, 1, 2, 3, 4].map((j) => 8 + j * (n + 4) * 4);
      const [value, updated, m, v, g] = offsets.map((offset) => floats.subarray(offset / 4, offset / 4 + n));
      for (let i = 0; i < n; i++) {
        value[i] = Math.sin(i);
        m[i] = 0.1 * Math.cos(i);
        v[i] = 0.01 * (1 + Math.sin(3 * i));
        g[i] = Math.sin(7 * i) * (i % 5 === 0 ? 0 : 1);
      }
      const constants = [0.9, 0.999, 0.1, 0.001, -1e-3 / 0.19, 1 / 0.002, 1e-7].map(Math.fround);
      const expected = reference(value.slice(), m.slice(), v.slice(), g.slice(), constants);
      const before = value.slice();
      kernel!(
        offsets[0],
        offsets[1],
        offsets[2],
        offsets[3],
        offsets[4],
        n * 4,
        ...(constants as [number, number, number, number, number, number, number]),
      );
      expect(maxRelative(m, expected.m)).toBeLessThan(5e-7);
      expect(maxRelative(v, expected.v)).toBeLessThan(5e-7);
      expect(maxRelative(updated, expected.updated)).toBeLessThan(5e-7);
      expect(Array.from(value)).toEqual(Array.from(before));
      // The float after the last one is untouched.
      expect(floats[offsets[1] / 4 + n]).toBe(0);
    });
  }
});
