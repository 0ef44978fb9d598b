import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { addImages, clearImages, removeImage } from './imageActions';
import {
  clearSession,
  createKeeper,
  followImages,
  KEEP_QUOTA_MESSAGE,
  type Keeper,
  restoreImages,
} from './keptSession';
import { setConceptSearch, setQuery } from './selectionActions';
import { switchModel } from './sessionActions';
import { useAppStore } from './store';
import { fakePort } from './testing/fakePort';
import { memorySessionStorage } from './testing/memorySessionStorage';

function file(name: string, bytes = [1, 2, 3]): File {
  return new File([new Uint8Array(bytes)], name, { type: 'image/png' });
}

describe('kept session', () => {
  let storage: ReturnType<typeof memorySessionStorage>;
  let keeper: Keeper;
  let unfollow: () => void;

  beforeEach(async () => {
    await clearImages(fakePort());
    useAppStore.setState(useAppStore.getInitialState(), true);
    storage = memorySessionStorage();
    keeper = createKeeper(storage);
    unfollow = followImages(keeper);
  });
  afterEach(() => {
    unfollow();
    vi.restoreAllMocks();
  });

  it('keeps each given image with its bytes, and deletes a removed one after it was written', async () => {
    const port = fakePort();
    await addImages(port, [file('dog.png', [7, 8]), file('cat.png')]);
    const [dog, cat] = useAppStore.getState().images;
    await removeImage(port, cat.key);
    await keeper.writes;
    expect([...storage.saved.keys()]).toEqual([dog.savedId]);
    const saved = storage.saved.get(dog.savedId)!;
    expect({ name: saved.name, type: saved.type, bytes: [...new Uint8Array(saved.bytes)] }).toEqual({
      name: 'dog.png',
      type: 'image/png',
      bytes: [7, 8],
    });
  });

  it('brings back the kept images as waiting cards, analyses them once the model is ready, and writes none again', async () => {
    const port = fakePort();
    // Given in one call, so likely in one millisecond, with ids whose order is not the order given.
    vi.spyOn(crypto, 'randomUUID').mockReturnValueOnce('b-b-b-b-b').mockReturnValueOnce('a-a-a-a-a');
    await addImages(port, [file('dog.png'), file('cat.png')]);
    await keeper.writes;
    const ids = useAppStore.getState().images.map((image) => image.savedId);
    // A reload: the page starts empty, with the same storage.
    unfollow();
    await clearImages(port);
    useAppStore.setState(useAppStore.getInitialState(), true);
    const put = vi.spyOn(storage, 'putImage');
    const reloaded = createKeeper(storage);
    unfollow = followImages(reloaded);

    await restoreImages(port, reloaded);
    expect(useAppStore.getState().kept).toMatchObject({ status: 'on', restored: 2 });
    expect(useAppStore.getState().images.map((image) => [image.name, image.status, image.savedId])).toEqual([
      ['dog.png', 'waiting', ids[0]],
      ['cat.png', 'waiting', ids[1]],
    ]);
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    expect(useAppStore.getState().images.map((image) => image.status)).toEqual(['ready', 'ready']);
    await reloaded.writes;
    expect(put).not.toHaveBeenCalled();
    expect(storage.saved.size).toBe(2);
  });

  it('clears the images, the typed texts and the storage, after a write still under way', async () => {
    const port = fakePort();
    setQuery('a dog');
    setConceptSearch('fur');
    await addImages(port, [file('dog.png')]);
    // No wait for the write: Clear session must still leave the storage empty.
    await clearSession(port, keeper);
    expect(storage.saved.size).toBe(0);
    expect(useAppStore.getState().images).toEqual([]);
    expect(useAppStore.getState().explorer).toMatchObject({ query: '', conceptSearch: '' });
  });

  it('says so when the browser storage is full, and the images go on working', async () => {
    const port = fakePort();
    await switchModel(port, EMBEDDED_MODEL_ID, 'wasm');
    vi.spyOn(storage, 'putImage').mockRejectedValueOnce(new DOMException('quota', 'QuotaExceededError'));
    await addImages(port, [file('dog.png')]);
    await keeper.writes;
    expect(useAppStore.getState().kept).toMatchObject({ status: 'failed', error: KEEP_QUOTA_MESSAGE });
    expect(useAppStore.getState().images[0].status).toBe('ready');
  });

  it('says why when the kept images cannot be read', async () => {
    vi.spyOn(storage, 'loadImages').mockRejectedValueOnce(new Error('IndexedDB is disabled'));
    await restoreImages(fakePort(), keeper);
    expect(useAppStore.getState().kept.status).toBe('failed');
    expect(useAppStore.getState().kept.error).toContain('IndexedDB is disabled');
  });
});
