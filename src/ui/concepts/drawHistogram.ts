/**
 * A latent's activation histogram: image and text counts per bin as grouped bars, on a
 * square-root count axis (a few bins hold most activations). One function, keyed `.join()`.
 */
import * as d3 from 'd3';
import type { LatentInfo } from '../../explain/types';

const WIDTH = 320;
const HEIGHT = 140;
const MARGIN = { top: 8, right: 8, bottom: 24, left: 36 };

type Bar = { bin: number; modality: 'image' | 'text'; count: number };

export function drawHistogram(svgElement: SVGSVGElement, histogram: LatentInfo['histogram']): void {
  const bins = histogram.edges.length - 1;
  const bars: Bar[] = d3.range(bins).flatMap((bin) => [
    { bin, modality: 'image' as const, count: histogram.image[bin] ?? 0 },
    { bin, modality: 'text' as const, count: histogram.text[bin] ?? 0 },
  ]);
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  const x = d3
    .scaleBand<number>()
    .domain(d3.range(bins))
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .padding(0.1);
  const half = x.bandwidth() / 2;
  const y = d3
    .scaleSqrt()
    .domain([0, Math.max(1, d3.max(bars, (b) => b.count) ?? 1)])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);

  svg
    .selectAll('rect.bar')
    .data(bars, (d) => `${(d as Bar).bin}-${(d as Bar).modality}`)
    .join('rect')
    .attr('class', (d) => `bar ${d.modality}`)
    .attr('x', (d) => (x(d.bin) ?? 0) + (d.modality === 'text' ? half : 0))
    .attr('width', half)
    .attr('y', (d) => y(d.count))
    .attr('height', (d) => y(0) - y(d.count))
    .selectAll('title')
    .data((d) => [d])
    .join('title')
    .text(
      (d) =>
        `${d.count} ${d.modality === 'image' ? 'patches' : 'tokens'} in [${histogram.edges[d.bin].toPrecision(2)}, ${histogram.edges[d.bin + 1].toPrecision(2)})`,
    );

  const tickEvery = Math.max(1, Math.ceil(bins / 5));
  svg
    .selectAll<SVGGElement, null>('g.x-axis')
    .data([null])
    .join('g')
    .attr('class', 'x-axis')
    .attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`)
    .call(
      d3
        .axisBottom(x)
        .tickValues(d3.range(0, bins, tickEvery))
        .tickFormat((bin) => histogram.edges[bin].toPrecision(2)),
    );
  svg
    .selectAll<SVGGElement, null>('g.y-axis')
    .data([null])
    .join('g')
    .attr('class', 'y-axis')
    .attr('transform', `translate(${MARGIN.left},0)`)
    .call(d3.axisLeft(y).ticks(4, '~s'));
}
