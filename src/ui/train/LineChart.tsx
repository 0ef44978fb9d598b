import { useEffect, useRef } from 'react';
import { type ChartOptions, type ChartSeries, drawLineChart } from './drawLineChart';

/** A titled d3 line chart with a legend; redrawn when the series change. */
export function LineChart({ title, series, ...options }: { title: string; series: ChartSeries[] } & ChartOptions) {
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (svg.current) drawLineChart(svg.current, series, options);
  }, [series, options]);
  const latest = series.map((s) => ({ ...s, last: s.points.at(-1)?.[1] }));
  return (
    <figure className="train-chart">
      <figcaption>{title}</figcaption>
      <svg ref={svg} role="img" aria-label={title} width="100%" />
      <ul className="train-legend">
        {latest.map((s) => (
          <li key={s.name}>
            <span className="train-swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.name}
            {s.last !== undefined && Number.isFinite(s.last) ? ` ${s.last.toPrecision(3)}` : ''}
          </li>
        ))}
      </ul>
    </figure>
  );
}
