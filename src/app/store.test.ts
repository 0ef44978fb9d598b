import { describe, expect, it } from 'vitest';
import { setCompute, useAppStore } from './store';

describe('app store', () => {
  it('starts by choosing a backend', () => {
    expect(useAppStore.getState().compute).toMatchObject({ status: 'initialising', backend: null });
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
