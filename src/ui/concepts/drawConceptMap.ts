/**
 * The dictionary map: one point per latent at its 2-D layout position, coloured by category.
 * Zoom and pan with d3-zoom; the zoom is semantic (positions rescale, points keep their size).
 * One function, keyed `.join()`: redrawing on a new filter or selection keeps the zoom.
 */
import * as d3 from 'd3';
import { categoryColor } from '../palette';
import type { Category } from '../../interpret/categories';

export interface MapPoint {
  id: number;
  x: number;
  y: number;
  /** Written beside the point. */
  label: string;
  /** The point's tooltip. */
  title: string;
  category: Category | null;
}

export interface ConceptMapDrawing {
  points: readonly MapPoint[];
  /** Ids passing the search and category filter; the others are faded. */
  matching: ReadonlySet<number>;
  selected: number | null;
  /** The keyboard's cursor (ringed and labelled, and panned into view), or null. */
  cursor: number | null;
  /** Labels are written next to matching points when there are at most this many. */
  maxLabels: number;
  onSelect: (id: number) => void;
}

const PADDING = 24;

/** The zoom of each map's svg, kept across redraws. */
const zooms = new WeakMap<SVGSVGElement, d3.ZoomTransform>();

/** Each map's zoom behaviour, for the keyboard's zoom (`zoomConceptMap`). */
const behaviours = new WeakMap<SVGSVGElement, d3.ZoomBehavior<SVGSVGElement, unknown>>();

/** Zooms a drawn map by `factor` about its centre (the + and − keys). */
export function zoomConceptMap(svgElement: SVGSVGElement, factor: number): void {
  const zoom = behaviours.get(svgElement);
  if (zoom !== undefined) d3.select(svgElement).call(zoom.scaleBy, factor);
}

export function drawConceptMap(svgElement: SVGSVGElement, drawing: ConceptMapDrawing): void {
  const width = svgElement.clientWidth || 640;
  const height = svgElement.clientHeight || 480;
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${width} ${height}`);
  const x = d3
    .scaleLinear()
    .domain(d3.extent(drawing.points, (p) => p.x) as [number, number])
    .nice()
    .range([PADDING, width - PADDING]);
  const y = d3
    .scaleLinear()
    .domain(d3.extent(drawing.points, (p) => p.y) as [number, number])
    .nice()
    .range([height - PADDING, PADDING]);

  const layer = svg.selectAll<SVGGElement, null>('g.points').data([null]).join('g').attr('class', 'points');
  const labelLayer = svg.selectAll<SVGGElement, null>('g.labels').data([null]).join('g').attr('class', 'labels');
  const shown = drawing.matching.size <= drawing.maxLabels;
  // Matching points are drawn last, so they sit above the faded ones.
  const ordered = [...drawing.points].sort(
    (a, b) =>
      Number(drawing.matching.has(a.id)) - Number(drawing.matching.has(b.id)) ||
      Number(a.id === drawing.selected) - Number(b.id === drawing.selected),
  );

  const circles = layer
    .selectAll<SVGCircleElement, MapPoint>('circle')
    .data(ordered, (p) => p.id)
    .join((enter) => enter.append('circle').call((c) => c.append('title')))
    .order()
    .attr('r', (p) => (p.id === drawing.selected ? 7 : 3.5))
    .attr('fill', (p) => categoryColor(p.category))
    .attr('fill-opacity', (p) => (drawing.matching.has(p.id) ? 0.9 : 0.08))
    .classed('selected', (p) => p.id === drawing.selected)
    .on('click', (_, p) => drawing.onSelect(p.id));
  circles.select('title').text((p) => p.title);

  const cursorLayer = svg.selectAll<SVGGElement, null>('g.cursor').data([null]).join('g').attr('class', 'cursor');
  const cursorPoint = drawing.points.find((p) => p.id === drawing.cursor);
  const ring = cursorLayer
    .selectAll<SVGCircleElement, MapPoint>('circle')
    .data(cursorPoint === undefined ? [] : [cursorPoint], (p) => p.id)
    .join('circle')
    .attr('r', 11);

  const labelled = drawing.points.filter(
    (p) => p.id === drawing.selected || p.id === drawing.cursor || (shown && drawing.matching.has(p.id)),
  );
  const labels = labelLayer
    .selectAll<SVGTextElement, MapPoint>('text')
    .data(labelled, (p) => p.id)
    .join('text')
    .classed('selected', (p) => p.id === drawing.selected)
    .text((p) => p.label);

  const place = (transform: d3.ZoomTransform) => {
    const zx = transform.rescaleX(x);
    const zy = transform.rescaleY(y);
    circles.attr('cx', (p) => zx(p.x)).attr('cy', (p) => zy(p.y));
    ring.attr('cx', (p) => zx(p.x)).attr('cy', (p) => zy(p.y));
    labels.attr('x', (p) => zx(p.x) + 8).attr('y', (p) => zy(p.y) + 4);
  };
  const zoom = d3
    .zoom<SVGSVGElement, unknown>()
    .scaleExtent([1, 40])
    .on('zoom', (event: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
      zooms.set(svgElement, event.transform);
      place(event.transform);
    });
  svg.call(zoom).on('dblclick.zoom', null);
  behaviours.set(svgElement, zoom);
  const transform = zooms.get(svgElement) ?? d3.zoomIdentity;
  place(transform);
  if (cursorPoint !== undefined) {
    // A cursor moved off the zoomed view is brought back to its centre (the zoom event re-places all).
    const [cx, cy] = transform.apply([x(cursorPoint.x), y(cursorPoint.y)]);
    if (cx < 0 || cy < 0 || cx > width || cy > height) svg.call(zoom.translateTo, x(cursorPoint.x), y(cursorPoint.y));
  }
}
