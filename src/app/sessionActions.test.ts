import { beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { DownloadError } from '../clip/errors';
import type { DictionarySource } from '../worker/api';
import { addImages, clearImages } from './imageActions';
import {
  PICKED_MODEL_PREFIX,
  dictionaryBase,
  modelDevice,
  openPickedFolder,
  switchDictionary,
  switchModel,
} from './sessionActions';
import { selectLatent } from './selectionActions';
import { modelLabel } from './sessionSlice';
import { useAppStore } from './store';
import { deferred, fakePort, imageFile as file } from './testing/fakePort';

const HUB_MODEL = 'Xenova/clip-vit-base-patch16';

/** What an `<input webkitdirectory>` gives: Files whose webkitRelativePath starts with the folder's name. */
function fileList(entries: [string, string][]): FileList {
  const files = entries.map(([relative, text]) => {
    const file = new File([text], relative.split('/').pop()!);
    Object.defineProperty(file, 'webkitRelativePath', { value: relative });
    return file;
  });
  return Object.assign(files, { item: (i: number) => files[i] }) as unknown as FileList;
}

function analysedIds() {
  return useAppStore.getState().images.map((image) => [image.status, image.analysis?.imageId]);
}

describe('session actions', () => {
  beforeEach(async () => {
    await clearImages(fakePort());
    useAppStore.setState(useAppStore.getInitialState(), true);
  });

  it('loads the embedded model offline with its pretrained dictionary, as one switch', async () => {
    const port = fakePort();
    expect(await switchModel(port, EMBEDDED_MODEL_ID, 'wasm')).toBeNull();
    expect(port.switchSession).toHaveBeenCalledTimes(1);
    expect(port.switchSession.mock.calls[0][0]).toEqual({
      model: { id: EMBEDDED_MODEL_ID, device: 'wasm', hub: { allowRemote: false } },
      dictionary: { kind: 'url', base: dictionaryBase(EMBEDDED_MODEL_ID) },
      ifDictionaryFails: 'use-model-alone',
    });
    const state = useAppStore.getState();
    expect(state.model).toMatchObject({ id: EMBEDDED_MODEL_ID, status: 'ready' });
    expect(state.dictionary).toMatchObject({ status: 'ready', base: dictionaryBase(EMBEDDED_MODEL_ID) });
    expect(state.switching).toBeNull();
  });

  it('opens a picked model folder under an id of its own, with its files, called by the folder’s name', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    const files = fileList([
      ['my-clip/config.json', '{}'],
      ['my-clip/onnx/vision_model.onnx', 'onnx'],
    ]);
    expect(await openPickedFolder(port, 'model', files, 'wasm')).toBeNull();
    const request = port.switchSession.mock.calls[1][0];
    expect(request.model?.id.startsWith(PICKED_MODEL_PREFIX)).toBe(true);
    expect(request.model?.hub).toEqual({ allowRemote: false });
    expect(request.model?.folder?.name).toBe('my-clip');
    expect(Object.keys(request.model?.folder?.files ?? {}).sort()).toEqual(['config.json', 'onnx/vision_model.onnx']);
    expect(request).toMatchObject({ dictionary: null, ifDictionaryFails: 'keep-previous' });
    const { model } = useAppStore.getState();
    expect(modelLabel(model)).toBe('my-clip');
    // A second pick of the same folder is another model (transformers.js keys what it loads by id).
    await openPickedFolder(port, 'model', files, 'wasm');
    expect(port.switchSession.mock.calls[2][0].model?.id).not.toBe(request.model?.id);
  });

  it('refuses an empty folder without asking the worker, and keeps what is in use', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    const failure = await openPickedFolder(port, 'dictionary', fileList([]), 'wasm');
    expect(failure).toMatchObject({ reason: 'not-found' });
    expect(failure?.message).toMatch(/the chosen dictionary folder has no files/);
    expect(port.switchSession).toHaveBeenCalledTimes(1);
    expect(useAppStore.getState().dictionary.status).toBe('ready');
    expect(useAppStore.getState().switching).toMatchObject({ status: 'failed' });
  });

  it('sends a picked dictionary folder as one, with paths relative to it', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    await openPickedFolder(port, 'dictionary', fileList([['pair/image/cfg.json', '{}']]), 'wasm');
    const source = port.switchSession.mock.calls[1][0].dictionary;
    expect(source?.kind).toBe('folder');
    expect(source?.kind === 'folder' && Object.keys(source.folder.files)).toEqual(['image/cfg.json']);
  });

  it('keeps the selected latent for a dictionary of the same layout and drops it for another', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    selectLatent(3);
    await switchDictionary(port, 'fine-tuned', { kind: 'url', base: '/tuned' });
    expect(useAppStore.getState().explorer.selectedLatent).toBe(3);
    const summary = { source: 'sae', nShared: 0, nImagePrivate: 8, nTextPrivate: 0, k: 3, interpretation: null };
    port.loadDictionary.mockResolvedValueOnce(summary);
    await switchDictionary(port, 'sae', { kind: 'url', base: '/sae' });
    expect(useAppStore.getState().explorer.selectedLatent).toBeNull();
    // An id the new dictionary does not have is dropped even at the first load.
    useAppStore.setState(useAppStore.getInitialState(), true);
    selectLatent(9);
    await switchModel(fakePort(), EMBEDDED_MODEL_ID, 'wasm');
    expect(useAppStore.getState().explorer.selectedLatent).toBeNull();
  });

  it('uses a hub model without a pretrained dictionary and marks the dictionary unavailable', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    await switchModel(port, HUB_MODEL, 'webgpu');
    expect(port.switchSession.mock.calls[1][0]).toMatchObject({
      model: { hub: { allowRemote: true } },
      dictionary: null,
      ifDictionaryFails: 'keep-previous',
    });
    expect(useAppStore.getState().model).toMatchObject({ id: HUB_MODEL, status: 'ready' });
    expect(useAppStore.getState().dictionary.status).toBe('unavailable');
  });

  it('keeps the model, the dictionary and the analysed images when a new model fails, and says why', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    await addImages(port, [file('dog.png'), file('cat.png')]);
    const before = analysedIds();
    const dictionary = useAppStore.getState().dictionary;
    port.loadModel.mockRejectedValueOnce(
      new DownloadError('offline', 'https://huggingface.co/x', 'the browser has no network connection'),
    );

    const failure = await switchModel(port, HUB_MODEL, 'wasm');
    expect(failure?.reason).toBe('offline');
    const state = useAppStore.getState();
    expect(state.model).toMatchObject({ id: EMBEDDED_MODEL_ID, status: 'ready' });
    expect(state.dictionary).toBe(dictionary);
    expect(analysedIds()).toEqual(before);
    expect(before.every(([status]) => status === 'ready')).toBe(true);
    expect(port.forgetImage).not.toHaveBeenCalled();
    expect(port.analyzeImage).toHaveBeenCalledTimes(2);
    expect(state.switching).toMatchObject({ status: 'failed', modelId: HUB_MODEL, failure: { reason: 'offline' } });
    expect(state.switching?.failure?.message).toMatch(/^offline: the browser has no network connection/);
  });

  it('keeps the images analysed while the new model loads, and analyses them anew once it is used', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    await addImages(port, [file('dog.png')]);
    const loading = deferred<void>();
    const load = port.loadModel.getMockImplementation()!;
    port.loadModel.mockImplementationOnce(async (model) => {
      await loading.promise;
      return load(model);
    });
    const switching = switchModel(port, EMBEDDED_MODEL_ID, 'webgpu');
    await Promise.resolve();
    expect(useAppStore.getState().switching).toMatchObject({ status: 'loading', modelId: EMBEDDED_MODEL_ID });
    expect(useAppStore.getState().images[0].status).toBe('ready');
    expect(useAppStore.getState().model.info?.device).toBe('wasm');

    loading.resolve();
    await switching;
    expect(useAppStore.getState().model.info?.device).toBe('webgpu');
    expect(port.analyzeImage).toHaveBeenCalledTimes(2);
    expect(useAppStore.getState().images[0].status).toBe('ready');
  });

  it('fails the whole switch when the new model loads but its dictionary does not', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    port.loadDictionary.mockRejectedValueOnce(new Error('no LUCID dictionary at /dictionaries/emoji-clip/'));
    const failure = await switchModel(port, EMBEDDED_MODEL_ID, 'webgpu');
    expect(failure?.reason).toBe('not-found');
    expect(useAppStore.getState().model.info?.device).toBe('wasm');
    expect(useAppStore.getState().dictionary.status).toBe('ready');
  });

  it('uses the first model alone when its dictionary fails, since there is nothing to keep', async () => {
    const port = fakePort();
    port.loadDictionary.mockRejectedValueOnce(new Error('no LUCID dictionary at /dictionaries/emoji-clip/'));
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    expect(useAppStore.getState().model.status).toBe('ready');
    expect(useAppStore.getState().dictionary).toMatchObject({ status: 'failed' });
    expect(useAppStore.getState().dictionary.error).toMatch(/^not found: no LUCID dictionary/);
  });

  it('marks the first model failed when it does not load', async () => {
    const port = fakePort();
    port.loadModel.mockRejectedValueOnce(new Error('bad ONNX file'));
    await switchModel(port, HUB_MODEL, 'wasm');
    expect(useAppStore.getState().model).toMatchObject({ status: 'failed', error: 'not usable: bad ONNX file' });
  });

  it('names a dictionary given as files once it is used, and analyses every image with it', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    await addImages(port, [file('dog.png')]);
    const [before] = analysedIds();
    const source: DictionarySource = {
      kind: 'files',
      source: 'fine-tuned',
      weights: Uint8Array.of(1),
      config: '{}',
      interpretation: null,
    };
    expect(await switchDictionary(port, 'the fine-tuned dictionary', source)).toBeNull();
    expect(port.switchSession.mock.calls[1][0]).toMatchObject({ model: null, ifDictionaryFails: 'keep-previous' });
    const state = useAppStore.getState();
    expect(state.dictionary).toMatchObject({ status: 'ready', base: null, summary: { source: 'fine-tuned' } });
    expect(state.images[0].status).toBe('ready');
    expect(state.images[0].analysis?.imageId).not.toBe(before[1]);
  });

  it('keeps the dictionary and the analyses when a dictionary given as files does not fit', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    await addImages(port, [file('dog.png')]);
    const before = analysedIds();
    port.loadDictionary.mockRejectedValueOnce(new Error('the dictionary was trained for another model'));
    const source: DictionarySource = {
      kind: 'files',
      source: 'other',
      weights: Uint8Array.of(1),
      config: '{}',
      interpretation: null,
    };
    const failure = await switchDictionary(port, 'the fine-tuned dictionary', source);
    expect(failure).toMatchObject({ reason: 'invalid' });
    expect(useAppStore.getState().dictionary.summary?.source).toBe(dictionaryBase(EMBEDDED_MODEL_ID));
    expect(analysedIds()).toEqual(before);
  });

  it('runs the CLIP towers on WebGPU only where the page found a hardware adapter', () => {
    expect(modelDevice('webgpu')).toBe('webgpu');
    expect(modelDevice('webgpu', true)).toBe('wasm');
    expect(modelDevice('cpu')).toBe('wasm');
    expect(modelDevice(null)).toBe('wasm');
  });
});
