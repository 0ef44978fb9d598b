/**
 * A small multi-series line chart drawn with d3 into an <svg> (one function, keyed joins), for the
 * Train tab's live loss, FVU and dead-fraction curves.
 */
import * as d3 from 'd3';

export interface ChartSeries {
  name: string;
  color: string;
  /** [step, value]; non-finite values (not measured at that step) are left out. */
  points: [number, number][];
}

export interface ChartOptions {
  width: number;
  height: number;
  /** Logarithmic y axis (losses spanning decades). */
  logY?: boolean;
  yLabel: string;
}

const MARGIN = { top: 8, right: 12, bottom: 28, left: 48 };

/** Whether a value is drawn: finite, and above 0 on a log axis. */
export function isPlotted(y: number, logY = false): boolean {
  return Number.isFinite(y) && (!logY || y > 0);
}

/** The legend's figure for a series: its latest drawn value, or "–" while it has none. */
export function legendValue(series: ChartSeries, logY = false): string {
  const latest = series.points.findLast(([, y]) => isPlotted(y, logY));
  return latest === undefined ? '–' : latest[1].toPrecision(3);
}

export function drawLineChart(svgElement: SVGSVGElement, series: ChartSeries[], options: ChartOptions): void {
  const { width, height } = options;
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${width} ${height}`);
  const clean = series.map((s) => ({
    ...s,
    points: s.points.filter(([, y]) => isPlotted(y, options.logY)),
  }));
  const all = clean.flatMap((s) => s.points);
  const xExtent = d3.extent(all, (p) => p[0]) as [number, number] | [undefined, undefined];
  const yExtent = d3.extent(all, (p) => p[1]) as [number, number] | [undefined, undefined];
  const x = d3
    .scaleLinear()
    .domain(xExtent[0] === undefined ? [0, 1] : [xExtent[0], Math.max(xExtent[1]!, xExtent[0] + 1)])
    .range([MARGIN.left, width - MARGIN.right]);
  const yDomain: [number, number] =
    yExtent[0] === undefined
      ? [options.logY ? 0.01 : 0, 1]
      : [yExtent[0], Math.max(yExtent[1]!, yExtent[0] * 1.001 + 1e-9)];
  const y = (options.logY ? d3.scaleLog() : d3.scaleLinear())
    .domain(options.logY ? yDomain : [Math.min(0, yDomain[0]), yDomain[1]])
    .nice()
    .range([height - MARGIN.bottom, MARGIN.top]);

  svg
    .selectAll<SVGGElement, null>('g.x-axis')
    .data([null])
    .join('g')
    .attr('class', 'x-axis')
    .attr('transform', `translate(0,${height - MARGIN.bottom})`)
    .call(d3.axisBottom(x).ticks(5).tickFormat(d3.format('~s')));
  svg
    .selectAll<SVGGElement, null>('g.y-axis')
    .data([null])
    .join('g')
    .attr('class', 'y-axis')
    .attr('transform', `translate(${MARGIN.left},0)`)
    .call(d3.axisLeft(y).ticks(4, options.logY ? '~g' : '.2~f'));
  svg
    .selectAll<SVGTextElement, string>('text.y-label')
    .data([options.yLabel])
    .join('text')
    .attr('class', 'y-label')
    .attr('transform', `translate(12,${height / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('font-size', 11)
    .text((d) => d);
  svg
    .selectAll<SVGTextElement, string>('text.x-label')
    .data(['step'])
    .join('text')
    .attr('class', 'x-label')
    .attr('x', width - MARGIN.right)
    .attr('y', height - 2)
    .attr('text-anchor', 'end')
    .attr('font-size', 11)
    .text((d) => d);

  const line = d3
    .line<[number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  svg
    .selectAll<SVGPathElement, ChartSeries>('path.series')
    .data(clean, (s) => s.name)
    .join('path')
    .attr('class', 'series')
    .attr('fill', 'none')
    .attr('stroke-width', 1.5)
    .attr('stroke', (s) => s.color)
    .attr('d', (s) => (s.points.length ? line(s.points) : null));
}
