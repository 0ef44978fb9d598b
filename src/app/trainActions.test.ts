import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import type { DictionaryFiles } from '../training/api';
import { explorer } from '../worker/client';
import { addImages, clearImages } from './imageActions';
import { switchModel } from './sessionActions';
import type { FakePort } from './testing/fakePort';
import { useAppStore } from './store';
import { exportModel, FINE_TUNED_SOURCE, sendToExplorer, startTraining } from './trainActions';
import { initialTrainState } from './trainSlice';

/** The training worker as the tab sees it: only what these tests call. */
const worker = vi.hoisted(() => ({
  exportFiles: vi.fn<() => Promise<DictionaryFiles>>(),
  start: vi.fn(async () => {}),
}));

/** The explorer worker: the unit tests' stand-in (src/app/testing/fakePort.ts). */
vi.mock('../worker/client', async () => {
  const { fakePort } = await import('./testing/fakePort');
  const port = fakePort();
  return { explorer: () => port };
});

vi.mock('../training/client', () => ({
  trainingWorker: () => worker,
  onTrainingWorkerCrash: () => () => {},
}));

const files: DictionaryFiles = { weights: Uint8Array.of(1, 2), config: '{}', interpretation: null };

describe('train actions', () => {
  beforeEach(() => {
    useAppStore.setState({ train: initialTrainState });
    worker.exportFiles.mockReset();
    vi.stubGlobal('window', { location: { search: '' } });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('replaces a failed export’s error with the next export’s result', async () => {
    worker.exportFiles.mockRejectedValueOnce(new Error('there is no dictionary yet')).mockResolvedValueOnce(files);
    await exportModel();
    expect(useAppStore.getState().train.filesMessage).toMatchObject({ ok: false });
    await exportModel();
    expect(useAppStore.getState().train.filesMessage).toEqual({
      ok: true,
      text: 'Exported: download both files below.',
    });
    expect(useAppStore.getState().train.exportLinks).not.toBeNull();
  });

  it('clears an old export error when a run starts', async () => {
    worker.exportFiles.mockRejectedValueOnce(new Error('there is no dictionary yet'));
    await exportModel();
    useAppStore.setState((state) => ({ train: { ...state.train, folder: { name: 'pets', files: [] } } }));
    await startTraining();
    expect(worker.start).toHaveBeenCalled();
    expect(useAppStore.getState().train.filesMessage).toBeNull();
  });

  it('switches the explorer to the sent dictionary: the header names it and every image is analysed anew', async () => {
    const port = explorer() as unknown as FakePort;
    await clearImages(port);
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    await addImages(port, [new File([Uint8Array.of(1)], 'dog.png', { type: 'image/png' })]);
    const before = useAppStore.getState().images[0].analysis!.imageId;
    worker.exportFiles.mockResolvedValueOnce(files);

    await sendToExplorer();
    const state = useAppStore.getState();
    expect(state.dictionary).toMatchObject({ status: 'ready', summary: { source: FINE_TUNED_SOURCE } });
    expect(state.images[0].status).toBe('ready');
    expect(state.images[0].analysis!.imageId).not.toBe(before);
    expect(useAppStore.getState().train.filesMessage).toEqual({
      ok: true,
      text: 'The explorer now uses the fine-tuned dictionary (4 latents).',
    });
  });

  it('keeps the explorer’s dictionary when the sent one does not fit, and says why', async () => {
    const port = explorer() as unknown as FakePort;
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    const source = useAppStore.getState().dictionary.summary?.source;
    port.loadDictionary.mockRejectedValueOnce(new Error('trained for another model'));
    worker.exportFiles.mockResolvedValueOnce(files);

    await sendToExplorer();
    expect(useAppStore.getState().dictionary.summary?.source).toBe(source);
    expect(useAppStore.getState().train.filesMessage).toEqual({
      ok: false,
      text: 'The explorer kept its dictionary: not usable: trained for another model',
    });
  });
});
