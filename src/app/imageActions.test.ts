import { beforeEach, describe, expect, it } from 'vitest';
import { addImages, clearImages, ensureHeatmaps, removeImage } from './imageActions';
import { heatmapKey } from './imagesSlice';
import { selectLatent } from './selectionActions';
import { useAppStore } from './store';
import { fakePort } from './testing/fakePort';

function file(name: string): File {
  return new File([new Uint8Array([1, 2, 3])], name, { type: 'image/png' });
}

describe('image actions', () => {
  beforeEach(async () => {
    await clearImages(fakePort());
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
});
