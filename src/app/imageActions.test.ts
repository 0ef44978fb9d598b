import { beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import type { ImageAnalysis } from '../explain/types';
import { addImages, clearImages, ensureHeatmaps, removeImage } from './imageActions';
import { heatmapKey } from './imagesSlice';
import { selectLatent } from './selectionActions';
import { switchModel } from './sessionActions';
import { useAppStore } from './store';
import { deferred, fakeAnalysis, fakePort, imageFile as file } from './testing/fakePort';

function statuses() {
  return useAppStore.getState().images.map((image) => [image.name, image.status]);
}

describe('image actions', () => {
  beforeEach(async () => {
    await clearImages(fakePort());
    await switchModel(fakePort(), EMBEDDED_MODEL_ID, 'wasm');
    selectLatent(null);
  });

  it('shows a failure next to its own file and analyses the others', async () => {
    await addImages(fakePort(), [file('dog.png'), file('broken.png'), file('cat.png')]);
    const images = useAppStore.getState().images;
    expect(images.map((image) => [image.name, image.status])).toEqual([
      ['dog.png', 'ready'],
      ['broken.png', 'failed'],
      ['cat.png', 'ready'],
    ]);
    expect(images[1].error).toContain('broken.png is not an image');
  });

  it("selects the first image's top concept when nothing is selected", async () => {
    await addImages(fakePort(), [file('dog.png')]);
    expect(useAppStore.getState().explorer.selectedLatent).toBe(7);
  });

  it('fetches each heatmap once per image and latent', async () => {
    const port = fakePort();
    await addImages(port, [file('dog.png'), file('cat.png')]);
    await ensureHeatmaps(port, 3);
    await ensureHeatmaps(port, 3);
    expect(port.heatmap).toHaveBeenCalledTimes(2);
    const imageId = useAppStore.getState().images[0].analysis?.imageId ?? -1;
    expect(useAppStore.getState().heatmaps[heatmapKey(imageId, 3)]).toMatchObject({ status: 'ready' });
  });

  it("forgets a removed image's activations in the worker", async () => {
    const port = fakePort();
    await addImages(port, [file('dog.png')]);
    const [image] = useAppStore.getState().images;
    await removeImage(port, image.key);
    expect(useAppStore.getState().images).toEqual([]);
    expect(port.forgetImage).toHaveBeenCalledWith(image.analysis?.imageId);
  });

  it('keeps images given while the first model loads on waiting cards and analyses them once it is ready', async () => {
    useAppStore.setState({ model: useAppStore.getInitialState().model });
    const port = fakePort();
    const model = deferred<void>();
    const load = port.loadModel.getMockImplementation()!;
    port.loadModel.mockImplementationOnce(async (request) => {
      await model.promise;
      return load(request);
    });
    const switching = switchModel(port, EMBEDDED_MODEL_ID, 'webgpu');
    await addImages(port, [file('dog.png'), file('cat.png')]);
    expect(statuses()).toEqual([
      ['dog.png', 'waiting'],
      ['cat.png', 'waiting'],
    ]);
    expect(port.analyzeImage).not.toHaveBeenCalled();

    model.resolve();
    await switching;
    expect(statuses()).toEqual([
      ['dog.png', 'ready'],
      ['cat.png', 'ready'],
    ]);
    expect(port.analyzeImage).toHaveBeenCalledTimes(2);
  });

  it('analyses every image again with a new model, and forgets the old analyses', async () => {
    const port = fakePort();
    await addImages(port, [file('dog.png')]);
    const before = useAppStore.getState().images[0].analysis!.imageId;
    await switchModel(port, 'Xenova/clip-vit-base-patch32', 'wasm');
    // That hub model has no dictionary: the image waits for one, without its old analysis.
    expect(useAppStore.getState().images[0]).toMatchObject({ status: 'waiting', analysis: null });
    expect(port.forgetImage).toHaveBeenCalledWith(before);

    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    const after = useAppStore.getState().images[0];
    expect(after.status).toBe('ready');
    expect(after.analysis!.imageId).not.toBe(before);
    expect(port.analyzeImage).toHaveBeenCalledTimes(2);
  });

  it('drops an analysis that comes back after the model changed, and analyses the image again', async () => {
    const port = fakePort();
    const slow = deferred<ImageAnalysis>();
    port.analyzeImage.mockImplementationOnce(() => slow.promise);
    const adding = addImages(port, [file('dog.png')]);
    const switching = switchModel(port, EMBEDDED_MODEL_ID, 'webgpu');
    slow.resolve(fakeAnalysis(99, 'dog.png', 7));
    await Promise.all([adding, switching]);
    const [image] = useAppStore.getState().images;
    expect(image.status).toBe('ready');
    expect(image.analysis!.imageId).not.toBe(99);
    expect(port.forgetImage).toHaveBeenCalledWith(99);
  });
});
