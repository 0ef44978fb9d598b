import { describe, expect, it } from 'vitest';
import { MAX_WASM_THREADS, wasmThreadsFor } from './environment';

describe('wasmThreadsFor', () => {
  it('runs one thread when the page is not cross-origin isolated', () => {
    expect(wasmThreadsFor(false, 8)).toBe(1);
  });

  it('uses every core of a small machine when isolated', () => {
    expect(wasmThreadsFor(true, 2)).toBe(2);
  });

  it('caps the threads on a machine with many cores', () => {
    expect(wasmThreadsFor(true, 32)).toBe(MAX_WASM_THREADS);
  });

  it('falls back to one thread when the browser hides its core count', () => {
    expect(wasmThreadsFor(true, undefined)).toBe(1);
    expect(wasmThreadsFor(true, 0)).toBe(1);
  });
});
