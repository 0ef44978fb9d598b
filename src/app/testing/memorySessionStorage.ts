/** Session storage in memory, for unit tests: `SessionStorage`'s contract, and what it holds to check. */
import type { SavedImage, SessionStorage } from '../sessionStorage';

export function memorySessionStorage(): SessionStorage & { saved: Map<string, SavedImage> } {
  const saved = new Map<string, SavedImage>();
  return {
    saved,
    async loadImages() {
      // As IndexedDB's getAll: in key order, then by when they were given.
      const byKey = [...saved.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
      return byKey.sort((a, b) => a.addedAt - b.addedAt);
    },
    async putImage(image) {
      saved.set(image.id, image);
    },
    async deleteImage(id) {
      saved.delete(id);
    },
    async clear() {
      saved.clear();
    },
  };
}
