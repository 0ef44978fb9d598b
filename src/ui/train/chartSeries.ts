/** The Train tab's chart series from the worker's read-backs (pure, so it is tested in Node). */
import type { MetricsPoint } from '../../training/api';
import type { ChartSeries } from './drawLineChart';

/**
 * Terms a read-back leaves at exactly 0 when its step trained an image-only batch (no captions:
 * src/lucid/losses.ts), where 0 means "not measured", not a perfect score.
 */
const ZERO_WHEN_NOT_MEASURED: ReadonlySet<keyof MetricsPoint> = new Set(['fvuText', 'gcmt', 'contrast']);

/** Chart series from read-backs; a value not measured at a step is NaN there (left out of line and legend). */
export function toSeries(metrics: MetricsPoint[], spec: [keyof MetricsPoint, string, string][]): ChartSeries[] {
  return spec.map(([key, name, color]) => ({
    name,
    color,
    points: metrics.map((p) => [p.step, p[key] === 0 && ZERO_WHEN_NOT_MEASURED.has(key) ? NaN : p[key]]),
  }));
}
