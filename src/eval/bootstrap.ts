/**
 * Bootstrap 95 % intervals (percentile method, Efron & Tibshirani 1993, ch. 13) for the measures of
 * `lucid eval`. Seeded, so a rerun prints the same interval. Pure.
 */
import { makeRng } from '../lucid/random';

/** A measured value with its 95 % interval and the number of items it is the mean of. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
  n: number;
}

export const BOOTSTRAP_RESAMPLES = 1000;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[at];
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);

/**
 * The mean of per-item scores and its interval; with `paired`, the mean of `values − paired`
 * resampling the same items for both (a difference against a control on the same items).
 */
export function bootstrapMean(
  values: readonly number[],
  paired?: readonly number[],
  seed = 1,
  resamples = BOOTSTRAP_RESAMPLES,
): Estimate {
  const n = values.length;
  const item = paired ? values.map((v, i) => v - paired[i]) : [...values];
  if (n === 0) return { value: NaN, low: NaN, high: NaN, n };
  const random = makeRng(seed);
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += item[Math.floor(random() * n)];
    means.push(sum / n);
  }
  means.sort((a, b) => a - b);
  return { value: mean(item), low: percentile(means, 0.025), high: percentile(means, 0.975), n };
}

/**
 * Share of distinct labels among items (the "distinct first concepts" measure) and its interval.
 * The share is not a mean of per-item scores, and it falls as items are added (labels repeat), so
 * a plain percentile interval would be shifted: a resample with replacement repeats items. Each
 * resample counts distinct labels among the distinct items it drew; the interval is that
 * distribution's spread around its own mean, placed around the full-set value.
 */
export function bootstrapDistinctShare(labels: readonly number[], seed = 1, resamples = BOOTSTRAP_RESAMPLES): Estimate {
  const n = labels.length;
  if (n === 0) return { value: NaN, low: NaN, high: NaN, n };
  const share = (items: Iterable<number>) => {
    const seen = new Set<number>();
    let count = 0;
    for (const i of items) {
      seen.add(labels[i]);
      count++;
    }
    return seen.size / Math.max(count, 1);
  };
  const random = makeRng(seed);
  const shares: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const drawn = new Set<number>();
    for (let i = 0; i < n; i++) drawn.add(Math.floor(random() * n));
    shares.push(share(drawn));
  }
  shares.sort((a, b) => a - b);
  const centre = mean(shares);
  const value = share(labels.keys());
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return {
    value,
    low: clamp(value - (centre - percentile(shares, 0.025))),
    high: clamp(value + (percentile(shares, 0.975) - centre)),
    n,
  };
}
