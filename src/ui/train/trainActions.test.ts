import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DictionaryFiles } from '../../training/api';
import { exportModel, startTraining } from './trainActions';
import { initialTrainState, useTrainStore } from './trainStore';

/** The training worker as the tab sees it: only what these tests call. */
const worker = vi.hoisted(() => ({
  exportFiles: vi.fn<() => Promise<DictionaryFiles>>(),
  start: vi.fn(async () => {}),
}));

vi.mock('../../training/client', () => ({
  trainingWorker: () => worker,
  onTrainingWorkerCrash: () => () => {},
}));

const files: DictionaryFiles = { weights: Uint8Array.of(1, 2), config: '{}', interpretation: null };

describe('train actions', () => {
  beforeEach(() => {
    useTrainStore.setState(initialTrainState);
    worker.exportFiles.mockReset();
    vi.stubGlobal('window', { location: { search: '' } });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('replaces a failed export’s error with the next export’s result', async () => {
    worker.exportFiles.mockRejectedValueOnce(new Error('there is no dictionary yet')).mockResolvedValueOnce(files);
    await exportModel();
    expect(useTrainStore.getState().filesMessage).toMatchObject({ ok: false });
    await exportModel();
    expect(useTrainStore.getState().filesMessage).toEqual({ ok: true, text: 'Exported: download both files below.' });
    expect(useTrainStore.getState().exportLinks).not.toBeNull();
  });

  it('clears an old export error when a run starts', async () => {
    worker.exportFiles.mockRejectedValueOnce(new Error('there is no dictionary yet'));
    await exportModel();
    useTrainStore.setState({ folder: { name: 'pets', files: [] } });
    await startTraining();
    expect(worker.start).toHaveBeenCalled();
    expect(useTrainStore.getState().filesMessage).toBeNull();
  });
});
