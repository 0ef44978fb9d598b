import { useEffect, useRef } from 'react';
import { type ChartOptions, type ChartSeries, drawLineChart, legendValue } from './drawLineChart';

/** A titled d3 line chart with a legend; redrawn when the series change. */
export function LineChart({ title, series, ...options }: { title: string; series: ChartSeries[] } & ChartOptions) {
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (svg.current) drawLineChart(svg.current, series, options);
  }, [series, options]);
  return (
    <figure className="train-chart">
      <figcaption>{title}</figcaption>
      <svg ref={svg} role="img" aria-label={title} width="100%" />
      <ul className="train-legend">
        {series.map((s) => (
          <li key={s.name}>
            <span className="train-swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.name} {legendValue(s, options.logY)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
