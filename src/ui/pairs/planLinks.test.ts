import { describe, expect, it } from 'vitest';
import type { TransportView } from '../../explain/types';
import { patchMasses, planLinks, tokenMasses } from './planLinks';

/** A 1×2 grid and tokens [BOS, "dog", EOS]: rows patch 0, patch 1, dustbin; columns tokens, dustbin. */
const view: TransportView = {
  tokens: ['<bos>', 'dog', '<eos>'],
  contentMask: Uint8Array.from([0, 1, 0]),
  grid: [1, 2],
  // prettier-ignore
  plan: Float32Array.from([
    0.3, 0.40, 0.0, 0.05,
    0.0, 0.01, 0.2, 0.10,
    0.0, 0.09, 0.0, 0.00,
  ]),
  dustbinShare: { patches: 0.3, tokens: 0.18 },
};

describe('reading a transport plan', () => {
  it('links patches to content tokens only, heaviest first, dropping the light ones', () => {
    expect(planLinks(view, 10, 0.05)).toEqual([{ patch: 0, token: 1, mass: expect.closeTo(0.4, 6) }]);
    expect(planLinks(view, 10, 0).map((l) => l.patch)).toEqual([0, 1]);
    expect(planLinks(view, 1, 0)).toHaveLength(1);
  });

  it("keeps one token's links when asked", () => {
    expect(planLinks(view, 10, 0, 1).map((l) => [l.patch, l.token])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(planLinks(view, 10, 0, 2)).toEqual([]);
  });

  it("sums each token's matched and dustbin mass", () => {
    const { matched, dustbin } = tokenMasses(view);
    expect(matched[1]).toBeCloseTo(0.41);
    expect(dustbin[1]).toBeCloseTo(0.09);
    expect(dustbin[0]).toBe(0);
  });

  it('shades patches by the mass they send to one token or to all content tokens', () => {
    expect([...patchMasses(view, 1)].map((m) => +m.toFixed(2))).toEqual([0.4, 0.01]);
    expect([...patchMasses(view, 2)].map((m) => +m.toFixed(2))).toEqual([0, 0.2]);
    expect([...patchMasses(view, null)].map((m) => +m.toFixed(2))).toEqual([0.4, 0.01]);
  });
});
