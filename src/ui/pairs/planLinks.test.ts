import { describe, expect, it } from 'vitest';
import type { TransportView } from '../../explain/types';
import { isAligned, patchMasses, planLinks, tokenDustbinShare, tokenHeat, tokenMasses } from './planLinks';

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

describe("one word's transport column", () => {
  it('heats each patch by the mass the word sends it, its hottest patch at 1', () => {
    const heat = tokenHeat(view, 1);
    expect(heat[0]).toBeCloseTo(1);
    expect(heat[1]).toBeCloseTo(0.01 / 0.4);
    expect(tokenHeat(view, 2)[0]).toBe(0);
    expect(tokenHeat(view, 2)[1]).toBeCloseTo(1);
  });

  it('reads the column of the word, not its row or the dustbin column', () => {
    expect(Array.from(tokenHeat(view, 0))).toEqual([1, 0]);
  });

  it('is all cold for a word that sent nothing to patches', () => {
    const silent = { ...view, plan: new Float32Array(view.plan.length) };
    expect(Array.from(tokenHeat(silent, 1))).toEqual([0, 0]);
    expect(tokenDustbinShare(silent, 1)).toBe(0);
  });

  it("gives the share of the word's mass that went to the dustbin", () => {
    expect(tokenDustbinShare(view, 1)).toBeCloseTo(0.09 / 0.5);
    expect(tokenDustbinShare(view, 2)).toBe(0);
  });

  it('marks only content words as aligned', () => {
    expect([0, 1, 2].map((token) => isAligned(view, token))).toEqual([false, true, false]);
  });
});
