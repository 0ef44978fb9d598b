import { describe, expect, it } from 'vitest';
import { bootstrapDistinctShare, bootstrapMean } from './bootstrap';

describe('bootstrap', () => {
  it('brackets the mean with an interval that narrows as items grow', () => {
    const few = bootstrapMean([1, 0, 1, 1, 0, 1, 0, 1]);
    const many = bootstrapMean(Array.from({ length: 800 }, (_, i) => (i % 8 < 5 ? 1 : 0)));
    expect(few.value).toBeCloseTo(0.625);
    expect(few.low).toBeLessThan(few.value);
    expect(few.high).toBeGreaterThan(few.value);
    expect(many.high - many.low).toBeLessThan((few.high - few.low) / 4);
  });

  it('gives the paired difference, and a zero-width interval for identical scores', () => {
    const same = bootstrapMean([1, 0, 1], [1, 0, 1]);
    expect([same.value, same.low, same.high]).toEqual([0, 0, 0]);
    const gap = bootstrapMean([1, 1, 1, 1], [0, 1, 0, 0]);
    expect(gap.value).toBeCloseTo(0.75);
  });

  it('is repeatable for a seed', () => {
    const values = [0.1, 0.5, 0.9, 0.3, 0.7];
    expect(bootstrapMean(values, undefined, 7)).toEqual(bootstrapMean(values, undefined, 7));
  });

  it('counts distinct labels among distinct items, so all-different labels stay at 1', () => {
    const distinct = bootstrapDistinctShare([1, 2, 3, 4, 5, 6]);
    expect([distinct.value, distinct.low, distinct.high]).toEqual([1, 1, 1]);
    const collapsed = bootstrapDistinctShare([7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
    expect(collapsed.value).toBeCloseTo(0.1);
    const mixed = bootstrapDistinctShare(Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 0 : i)));
    expect(mixed.low).toBeLessThanOrEqual(mixed.value);
    expect(mixed.high).toBeGreaterThanOrEqual(mixed.value);
    expect(mixed.high - mixed.low).toBeGreaterThan(0);
  });
});
