import { describe, expect, it } from 'vitest';
import type { MetricsPoint } from '../../training/api';
import { toSeries } from './chartSeries';
import { legendValue } from './drawLineChart';

function point(step: number, values: Partial<MetricsPoint>): MetricsPoint {
  const zero = { total: 0, fvuImage: 0, fvuText: 0, auxImage: 0, auxText: 0, gcmt: 0, contrast: 0 };
  return { ...zero, deadFraction: 0, learningRate: 1e-3, step, ...values };
}

const SPEC: [keyof MetricsPoint, string, string][] = [
  ['fvuImage', 'FVU image', '#000'],
  ['fvuText', 'FVU text', '#000'],
  ['gcmt', 'GCMT', '#000'],
];

describe('train chart series', () => {
  it('shows "–" in the legend for terms no read-back has measured yet', () => {
    // An image-only folder: every read-back leaves the text terms at 0.
    const series = toSeries([point(10, { fvuImage: 0.41 }), point(20, { fvuImage: 0.3 })], SPEC);
    expect(series.map((s) => `${s.name} ${legendValue(s)}`)).toEqual(['FVU image 0.300', 'FVU text –', 'GCMT –']);
    expect(legendValue({ name: 'empty', color: '#000', points: [] })).toBe('–');
  });

  it('keeps the latest measured value when the last read-back trained an image-only batch', () => {
    const series = toSeries(
      [point(10, { fvuImage: 0.4, fvuText: 0.52, gcmt: 1.25 }), point(20, { fvuImage: 0.3 })],
      SPEC,
    );
    expect(series.map((s) => legendValue(s))).toEqual(['0.300', '0.520', '1.25']);
  });

  it('leaves a value out of a log chart’s legend where the chart cannot draw it', () => {
    expect(
      legendValue(
        {
          name: 'loss',
          color: '#000',
          points: [
            [1, 0.5],
            [2, 0],
          ],
        },
        true,
      ),
    ).toBe('0.500');
  });
});
