import { describe, expect, it } from 'vitest';
import { initialGuardState, nonFiniteTerms, observeLosses } from './nanGuard';

const good = { total: 1, fvuImage: 0.5 };
const bad = { total: NaN, fvuImage: Infinity };

describe('NaN guard', () => {
  it('accepts finite losses and moves the last good step forward', () => {
    const decision = observeLosses(initialGuardState(1e-3), 10, good);
    expect(decision.action).toBe('accept');
    expect(decision.state.lastGoodStep).toBe(10);
    expect(decision.state.learningRate).toBe(1e-3);
  });

  it('rejects NaN or Infinity, names the terms, halves the rate and keeps the last good step', () => {
    const accepted = observeLosses(initialGuardState(1e-3), 10, good).state;
    const decision = observeLosses(accepted, 20, bad);
    expect(decision.action).toBe('reject');
    expect(decision.state.lastGoodStep).toBe(10);
    expect(decision.state.learningRate).toBeCloseTo(5e-4);
    if (decision.action !== 'accept') expect(decision.badTerms).toEqual(['total', 'fvuImage']);
  });

  it('forgets consecutive rejections after a good read-back but counts all of them', () => {
    let state = initialGuardState(1);
    state = observeLosses(state, 10, bad).state;
    state = observeLosses(state, 10, bad).state;
    state = observeLosses(state, 20, good).state;
    expect(state.consecutiveRejections).toBe(0);
    expect(state.totalRejections).toBe(2);
    expect(state.learningRate).toBeCloseTo(0.25);
  });

  it('gives up after too many rejections in a row', () => {
    let state = initialGuardState(1);
    const actions: string[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = observeLosses(state, 0, bad, { maxConsecutiveRejections: 3, minLearningRate: 0 });
      actions.push(decision.action);
      state = decision.state;
    }
    expect(actions).toEqual(['reject', 'reject', 'reject', 'abort']);
  });

  it('gives up when the rate would become negligible', () => {
    const decision = observeLosses(initialGuardState(1e-7), 0, bad);
    expect(decision.action).toBe('abort');
  });

  it('lists only the non-finite terms', () => {
    expect(nonFiniteTerms({ a: 0, b: -Infinity, c: 2 })).toEqual(['b']);
  });
});
