/** The run's read-backs, kept short enough to store in every checkpoint and draw quickly. */

/** Most points kept; beyond it every other point is dropped (the chart keeps its shape). */
export const MAX_HISTORY_POINTS = 1000;

/** Appends a point; when the list is full, thins it to every other point (the newest is kept). */
export function appendCapped<T>(history: T[], point: T, max = MAX_HISTORY_POINTS): T[] {
  const next = [...history, point];
  if (next.length <= max) return next;
  return next.filter((_, i) => (next.length - 1 - i) % 2 === 0);
}

/** Points up to and including `step` (after a rejected stretch or a resume). */
export function historyUpTo<T extends { step: number }>(history: readonly T[], step: number): T[] {
  return history.filter((point) => point.step <= step);
}
