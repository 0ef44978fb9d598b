import { describe, expect, it } from 'vitest';
import { createRateTracker, estimateSecondsLeft, formatSecondsLeft } from './timeLeft';

describe('rate tracker', () => {
  it('starts unknown and takes the first observation as is', () => {
    const rate = createRateTracker(0.5);
    expect(rate.secondsPerUnit).toBeNull();
    rate.observe(10, 5);
    expect(rate.secondsPerUnit).toBeCloseTo(0.5);
  });

  it('moves part of the way toward each new observation', () => {
    const rate = createRateTracker(0.5);
    rate.observe(1, 1);
    rate.observe(1, 3);
    expect(rate.secondsPerUnit).toBeCloseTo(2);
  });

  it('ignores empty and broken observations', () => {
    const rate = createRateTracker();
    rate.observe(0, 1);
    rate.observe(3, NaN);
    rate.observe(3, -1);
    expect(rate.secondsPerUnit).toBeNull();
  });
});

describe('time left', () => {
  const progress = { imagesEncoded: 50, imagesTotal: 200, step: 100, totalSteps: 400 };

  it('adds the remaining encoding and the remaining steps', () => {
    expect(estimateSecondsLeft(progress, 0.2, 0.1)).toBeCloseTo(150 * 0.2 + 300 * 0.1);
  });

  it('is unknown while a needed rate is unknown', () => {
    expect(estimateSecondsLeft(progress, null, 0.1)).toBeNull();
    expect(estimateSecondsLeft(progress, 0.2, null)).toBeNull();
  });

  it('needs no encoding rate once every image is encoded', () => {
    expect(estimateSecondsLeft({ ...progress, imagesEncoded: 200 }, null, 0.1)).toBeCloseTo(30);
  });

  it('is zero at the end', () => {
    expect(estimateSecondsLeft({ imagesEncoded: 5, imagesTotal: 5, step: 9, totalSteps: 9 }, null, null)).toBe(0);
  });

  it('reads as words', () => {
    expect(formatSecondsLeft(null)).toMatch(/estimating/);
    expect(formatSecondsLeft(2)).toBe('less than 5 s left');
    expect(formatSecondsLeft(42)).toBe('about 40 s left');
    expect(formatSecondsLeft(600)).toBe('about 10 min left');
    expect(formatSecondsLeft(3 * 3600)).toBe('about 3.0 h left');
  });
});
