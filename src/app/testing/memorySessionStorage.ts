/** Session storage in memory, for unit tests: `SessionStorage`'s contract, and what it holds to check. */
import type { SavedImage, SessionStorage } from '../sessionStorage';

export function memorySessionStorage(): SessionStorage & { saved: Map<string, SavedImage> } {
  const saved = new Map<string, SavedImage>();
  return {
    saved,
    async loadImages() {
      return [...saved.values()].sort((a, b) => a.addedAt - b.addedAt);
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
