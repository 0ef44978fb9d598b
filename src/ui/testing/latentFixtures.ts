/** Small hand-made latents for the unit tests of the pure UI helpers. */
import type { LatentInfo } from '../../explain/types';

export function makeLatent(id: number, overrides: Partial<LatentInfo> = {}): LatentInfo {
  return {
    id,
    kind: 'shared',
    label: `concept ${id}`,
    category: 'object',
    confidence: 0.5,
    cluster: null,
    topTerms: [],
    topPatches: [],
    imageRate: 0.1,
    textRate: 0.1,
    histogram: { edges: [0, 1], image: [1], text: [1] },
    ...overrides,
  };
}
