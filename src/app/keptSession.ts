/**
 * Keeps the session across reloads: every image the user gives is written to `SessionStorage` as it
 * is added and deleted as it is removed; on the next visit the kept images come back as waiting
 * cards and are analysed once the model and dictionary are ready. The text query and the Concepts
 * search are in the URL (urlState.ts). "Clear session" forgets all of it.
 */
import { isQuotaExceeded } from '../training/storageErrors';
import { errorMessage, type ExplorerPort } from './explorerApi';
import { addImages, clearImages, imageFile } from './imageActions';
import type { KeptSessionState } from './imagesSlice';
import { setConceptSearch, setQuery } from './selectionActions';
import type { SessionStorage } from './sessionStorage';
import { useAppStore } from './store';

export const KEEP_QUOTA_MESSAGE =
  'Browser storage is full, so the images added since are not kept for your next visit (they work ' +
  "until you leave the page). Free space in the browser's site data, or clear the session.";

function setKept(update: Partial<KeptSessionState>): void {
  useAppStore.setState((state) => ({ kept: { ...state.kept, ...update } }));
}

function keepFailed(error: unknown): void {
  setKept({
    status: 'failed',
    error: isQuotaExceeded(error)
      ? KEEP_QUOTA_MESSAGE
      : `Your images are not kept for your next visit: ${errorMessage(error)}`,
  });
}

/** A binding of the store's images to a storage: what is in it, and the writes still under way. */
export interface Keeper {
  storage: SessionStorage;
  /** Ids in storage (or being written): the restored images, and those given since. */
  known: Set<string>;
  /** Every write, one after the other, so an image removed right after it was given is deleted after it was written. */
  writes: Promise<void>;
}

/** The last `addedAt` given: strictly increasing, so files given in one millisecond keep their order. */
let lastAddedAt = 0;

function nextAddedAt(): number {
  lastAddedAt = Math.max(Date.now(), lastAddedAt + 1);
  return lastAddedAt;
}

export function createKeeper(storage: SessionStorage): Keeper {
  return { storage, known: new Set(), writes: Promise.resolve() };
}

function queue(keeper: Keeper, write: () => Promise<void>): Promise<void> {
  keeper.writes = keeper.writes.then(write).catch(keepFailed);
  return keeper.writes;
}

/** Follows the store's images into the keeper's storage until the returned function is called. */
export function followImages(keeper: Keeper): () => void {
  return useAppStore.subscribe((state, before) => {
    if (state.images === before.images) return;
    const present = new Set(state.images.map((image) => image.savedId));
    for (const image of state.images) {
      if (keeper.known.has(image.savedId)) continue;
      keeper.known.add(image.savedId);
      const file = imageFile(image.key);
      if (file === undefined) continue;
      const addedAt = nextAddedAt();
      void queue(keeper, async () =>
        keeper.storage.putImage({
          id: image.savedId,
          name: image.name,
          type: file.type,
          bytes: await file.arrayBuffer(),
          addedAt,
        }),
      );
    }
    for (const id of [...keeper.known]) {
      if (present.has(id)) continue;
      keeper.known.delete(id);
      void queue(keeper, () => keeper.storage.deleteImage(id));
    }
  });
}

/**
 * Brings back the images kept by the last visit, as waiting cards (analysed once a model and a
 * dictionary are ready); their ids are known before they are added, so they are not written again.
 */
export async function restoreImages(api: ExplorerPort, keeper: Keeper): Promise<void> {
  setKept({ status: 'restoring', error: null });
  let saved;
  try {
    saved = await keeper.storage.loadImages();
  } catch (error) {
    keepFailed(error);
    return;
  }
  for (const image of saved) keeper.known.add(image.id);
  setKept({ status: 'on', restored: saved.length });
  await addImages(
    api,
    saved.map((image) => new File([image.bytes], image.name, { type: image.type })),
    saved.map((image) => image.id),
  );
}

let bound: Keeper | null = null;

/**
 * Keeps the session in `storage` from now on: restores the last visit's images once per page (a
 * second call, as React's strict mode makes, only follows again), then follows the store.
 */
export function keepSession(api: ExplorerPort, storage: SessionStorage): () => void {
  if (bound === null || bound.storage !== storage) {
    bound = createKeeper(storage);
    void restoreImages(api, bound);
  }
  return followImages(bound);
}

/**
 * "Clear session": removes every image (from the page and the worker) and the typed texts, and
 * forgets what is kept, after any write still under way.
 */
export async function clearSession(api: ExplorerPort, keeper: Keeper | null = bound): Promise<void> {
  await clearImages(api);
  setQuery('');
  setConceptSearch('');
  setKept({ restored: 0 });
  if (keeper === null) return;
  keeper.known.clear();
  await queue(keeper, async () => {
    await keeper.storage.clear();
    setKept({ status: 'on', error: null });
  });
}
