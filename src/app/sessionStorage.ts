/**
 * Where the images the user gave are kept between visits: IndexedDB (with `idb`, as the training
 * checkpoints are, src/training/checkpointStore.ts) in the app, an in-memory map in unit tests.
 * Only this browser holds them; nothing is uploaded.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

/** One image as kept for the next visit. */
export interface SavedImage {
  /** `ImageEntry.savedId`. */
  id: string;
  name: string;
  /** MIME type of the file, so the restored `File` decodes as the original did. */
  type: string;
  bytes: ArrayBuffer;
  /** When it was given (ms since the epoch): restored in this order. */
  addedAt: number;
}

export interface SessionStorage {
  /** Every kept image, oldest first. */
  loadImages(): Promise<SavedImage[]>;
  /** Keeps an image (over one with the same id); rejects with the browser's error, e.g. QuotaExceededError. */
  putImage(image: SavedImage): Promise<void>;
  deleteImage(id: string): Promise<void>;
  /** Forgets every kept image. */
  clear(): Promise<void>;
}

const DB_NAME = 'lucid-session';
const DB_VERSION = 1;

interface SessionDb extends DBSchema {
  images: { key: string; value: SavedImage };
}

/** The app's storage: one IndexedDB database, opened on first use. */
export function indexedDbSessionStorage(): SessionStorage {
  let database: Promise<IDBPDatabase<SessionDb>> | undefined;
  const db = () =>
    (database ??= openDB<SessionDb>(DB_NAME, DB_VERSION, {
      upgrade(upgradeDb) {
        upgradeDb.createObjectStore('images', { keyPath: 'id' });
      },
    }));
  return {
    async loadImages() {
      const all = await (await db()).getAll('images');
      return all.sort((a, b) => a.addedAt - b.addedAt);
    },
    async putImage(image) {
      await (await db()).put('images', image);
    },
    async deleteImage(id) {
      await (await db()).delete('images', id);
    },
    async clear() {
      await (await db()).clear('images');
    },
  };
}
