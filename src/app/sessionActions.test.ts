import { describe, expect, it } from 'vitest';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { dictionaryBase, modelDevice, switchModel } from './sessionActions';
import { useAppStore } from './store';
import { fakePort } from './testing/fakePort';

describe('session actions', () => {
  it('loads the embedded model offline, then its pretrained dictionary', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    expect(port.loadModel).toHaveBeenCalledWith(
      EMBEDDED_MODEL_ID,
      'wasm',
      { allowRemote: false },
      expect.any(Function),
    );
    expect(port.loadDictionary).toHaveBeenCalledWith(dictionaryBase(EMBEDDED_MODEL_ID));
    expect(useAppStore.getState().dictionary.status).toBe('ready');
  });

  it('marks the dictionary unavailable for a hub model without one', async () => {
    const port = fakePort();
    await switchModel(port, 'Xenova/clip-vit-base-patch16', 'webgpu');
    expect(port.loadModel.mock.calls[0][2]).toEqual({ allowRemote: true });
    expect(port.loadDictionary).not.toHaveBeenCalled();
    expect(useAppStore.getState().dictionary.status).toBe('unavailable');
  });

  it('reports a failed load', async () => {
    const port = fakePort();
    port.loadModel.mockRejectedValueOnce(new Error('offline'));
    await switchModel(port, 'Xenova/clip-vit-base-patch32', 'wasm');
    expect(useAppStore.getState().model).toMatchObject({ status: 'failed', error: 'offline' });
  });

  it('runs the CLIP towers on WebGPU only where the page found a hardware adapter', () => {
    expect(modelDevice('webgpu')).toBe('webgpu');
    expect(modelDevice('webgpu', true)).toBe('wasm');
    expect(modelDevice('cpu')).toBe('wasm');
    expect(modelDevice(null)).toBe('wasm');
  });
});
