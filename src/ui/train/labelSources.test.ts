import { describe, expect, it } from 'vitest';
import { labelDisagreements } from './labelSources';

describe('label sources', () => {
  it('lists the latents whose shipped label differs from their label on the user’s images', () => {
    const moved = [
      { id: 4, change: 0.9, oldLabel: 'dog' },
      { id: 7, change: 0.5, oldLabel: 'pizza' },
      { id: 9, change: 0.4, oldLabel: null },
    ];
    const renamed = [
      { id: 7, before: 'pizza', after: 'cake' },
      { id: 4, before: 'cat', after: 'horse' },
      { id: 9, before: 'tree', after: 'leaf' },
      { id: 12, before: 'car', after: null },
    ];
    expect(labelDisagreements(moved, renamed)).toEqual([{ id: 4, shipped: 'dog', onYourImages: 'cat' }]);
  });

  it('counts an unnamed latent on the user’s images as a disagreement with a shipped label', () => {
    expect(
      labelDisagreements([{ id: 2, change: 1, oldLabel: 'sun' }], [{ id: 2, before: null, after: 'moon' }]),
    ).toEqual([{ id: 2, shipped: 'sun', onYourImages: null }]);
  });
});
