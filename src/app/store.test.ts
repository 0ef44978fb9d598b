import { describe, expect, it } from 'vitest';
import { setCompute, useAppStore } from './store';

describe('app store', () => {
  it('starts by choosing a backend', () => {
    expect(useAppStore.getState().compute).toMatchObject({ status: 'initialising', backend: null });
  });

  it('holds the Train tab’s state as one of its slices, idle until a run starts', () => {
    expect(useAppStore.getState().train).toMatchObject({ phase: 'idle', metrics: [], folder: null, busy: false });
  });

  it('merges compute updates without dropping the other fields', () => {
    setCompute({ status: 'ready', backend: 'wasm', reason: 'webgpu unavailable: test' });
    setCompute({ adapter: null });
    expect(useAppStore.getState().compute).toEqual({
      status: 'ready',
      backend: 'wasm',
      reason: 'webgpu unavailable: test',
      adapter: null,
      softwareAdapter: false,
    });
  });
});
