/**
 * The guard against a diverging run (pure state machine, no tensors).
 *
 * Losses are read back only every few steps (never `dataSync` in the loop), so the guard sees the
 * latest step's loss terms at each read-back. Finite terms: the weights are good, take a copy.
 * Any NaN or ±Infinity: the steps since the last good copy are rejected, the weights restored from
 * it and the learning rate halved. After `maxConsecutiveRejections` rejections in a row (or when the
 * rate would fall below `minLearningRate`) the run stops: something other than the step size is wrong.
 */

export interface GuardState {
  learningRate: number;
  /** Step of the last weights copy known to be finite. */
  lastGoodStep: number;
  /** Rejections since the last accepted read-back. */
  consecutiveRejections: number;
  /** Rejections over the whole run. */
  totalRejections: number;
}

export interface GuardLimits {
  maxConsecutiveRejections: number;
  minLearningRate: number;
}

export const DEFAULT_GUARD_LIMITS: GuardLimits = { maxConsecutiveRejections: 6, minLearningRate: 1e-7 };

/** What the training loop must do after a read-back. */
export type GuardDecision =
  /** Keep going; copy the weights as the new last good state. */
  | { action: 'accept'; state: GuardState }
  /** Restore the copy taken at `state.lastGoodStep`, rebuild the optimiser at `state.learningRate`. */
  | { action: 'reject'; state: GuardState; badTerms: string[] }
  /** Give up: restore the last good copy and stop the run. */
  | { action: 'abort'; state: GuardState; badTerms: string[] };

export function initialGuardState(learningRate: number, step = 0): GuardState {
  return { learningRate, lastGoodStep: step, consecutiveRejections: 0, totalRejections: 0 };
}

/** Names of the terms that are NaN or infinite. */
export function nonFiniteTerms(terms: Record<string, number>): string[] {
  return Object.entries(terms)
    .filter(([, value]) => !Number.isFinite(value))
    .map(([name]) => name);
}

/** The guard's decision on the loss terms read back at `step`. */
export function observeLosses(
  state: GuardState,
  step: number,
  terms: Record<string, number>,
  limits: GuardLimits = DEFAULT_GUARD_LIMITS,
): GuardDecision {
  const badTerms = nonFiniteTerms(terms);
  if (badTerms.length === 0) {
    return { action: 'accept', state: { ...state, lastGoodStep: step, consecutiveRejections: 0 } };
  }
  const next: GuardState = {
    ...state,
    learningRate: state.learningRate / 2,
    consecutiveRejections: state.consecutiveRejections + 1,
    totalRejections: state.totalRejections + 1,
  };
  const giveUp =
    next.consecutiveRejections > limits.maxConsecutiveRejections || next.learningRate < limits.minLearningRate;
  return { action: giveUp ? 'abort' : 'reject', state: next, badTerms };
}
