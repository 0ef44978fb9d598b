/**
 * Draws a GCMT plan: the image with its patch grid on the left, the caption's tokens on the right,
 * a link per heavy patch → content-token entry (width ∝ mass), each token's dustbin mass as a grey
 * bar; tokens outside the alignment (contentMask 0) are dimmed, with no links and no bars.
 * One function, keyed `.join()`s, so redrawing with a new hover or plan only updates what changed.
 */
import * as d3 from 'd3';
import type { TransportView } from '../../explain/types';
import { patchRect } from '../heatmap/patchGeometry';
import { patchMasses, planLinks, tokenMasses, type PlanLink } from './planLinks';

export interface TransportDrawing {
  view: TransportView;
  imageUrl: string;
  /** 'slice' crops the centre like CLIP; 'none' stretches like SigLIP. */
  imageFit: 'slice' | 'none';
  /** Token whose links are highlighted, or null for all. */
  hoveredToken: number | null;
  onHoverToken: (token: number | null) => void;
  /** A click on a content token's row (pins it). */
  onSelectToken: (token: number) => void;
}

const IMAGE_SIZE = 280;
const TOKEN_X = IMAGE_SIZE + 200;
const TOKEN_GAP = 26;
const BAR_WIDTH = 80;
const MAX_LINK_WIDTH = 5;
/** Links drawn at most (the heaviest); hovering a word shows its own. */
const MAX_LINKS = 40;

export function drawTransport(svgElement: SVGSVGElement, drawing: TransportDrawing): void {
  const { view, hoveredToken } = drawing;
  const tokens = view.tokens.map((text, index) => ({ text, index, content: view.contentMask[index] === 1 }));
  const height = Math.max(IMAGE_SIZE, tokens.length * TOKEN_GAP + 20);
  const svg = d3.select(svgElement).attr('viewBox', `0 0 ${TOKEN_X + 140 + BAR_WIDTH} ${height}`);
  const tokenY = (index: number) => 20 + index * TOKEN_GAP;

  svg
    .selectAll('image.source')
    .data([drawing.imageUrl])
    .join('image')
    .attr('class', 'source')
    .attr('href', (url) => url)
    .attr('width', IMAGE_SIZE)
    .attr('height', IMAGE_SIZE)
    .attr('preserveAspectRatio', `xMidYMid ${drawing.imageFit}`);

  const shade = patchMasses(view, hoveredToken);
  const shadeMax = d3.max(shade) ?? 0;
  svg
    .selectAll('rect.patch')
    .data(
      Array.from(shade, (mass, patch) => ({ patch, mass, rect: patchRect(patch, view.grid, IMAGE_SIZE, IMAGE_SIZE) })),
    )
    .join('rect')
    .attr('class', 'patch')
    .attr('x', (d) => d.rect.x)
    .attr('y', (d) => d.rect.y)
    .attr('width', (d) => d.rect.width)
    .attr('height', (d) => d.rect.height)
    // Patches that send little mass to the highlighted token(s) are veiled.
    .attr('fill-opacity', (d) => (shadeMax > 0 ? 0.6 * (1 - d.mass / shadeMax) : 0.6));

  const links = planLinks(view, MAX_LINKS, 0.05, hoveredToken);
  const linkMax = links[0]?.mass ?? 1;
  const center = (link: PlanLink) => {
    const rect = patchRect(link.patch, view.grid, IMAGE_SIZE, IMAGE_SIZE);
    return [rect.x + rect.width / 2, rect.y + rect.height / 2];
  };
  svg
    .selectAll('path.link')
    .data(links, (d) => `${(d as PlanLink).patch}-${(d as PlanLink).token}`)
    .join('path')
    .attr('class', 'link')
    .attr('d', (d) => {
      const [x, y] = center(d);
      const ty = tokenY(d.token);
      return `M${x},${y} C${(x + TOKEN_X) / 2},${y} ${(x + TOKEN_X) / 2},${ty} ${TOKEN_X - 8},${ty}`;
    })
    .attr('stroke-width', (d) => 1 + (MAX_LINK_WIDTH * d.mass) / linkMax)
    .attr('stroke-opacity', (d) => 0.15 + (0.55 * d.mass) / linkMax);

  const { matched, dustbin } = tokenMasses(view);
  const barMax = d3.max(tokens, (t) => matched[t.index] + dustbin[t.index]) ?? 1;
  const rows = svg
    .selectAll<SVGGElement, (typeof tokens)[number]>('g.token')
    .data(tokens, (d) => d.index)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'token');
      // A transparent row, so the whole line (not only the glyphs) answers the pointer.
      g.append('rect')
        .attr('class', 'hit')
        .attr('x', -4)
        .attr('y', -TOKEN_GAP / 2)
        .attr('width', 128 + BAR_WIDTH)
        .attr('height', TOKEN_GAP);
      g.append('text').attr('class', 'token-text').attr('dy', '0.35em');
      g.append('rect').attr('class', 'matched-bar');
      g.append('rect').attr('class', 'dustbin-bar');
      g.append('title');
      return g;
    })
    .attr('transform', (d) => `translate(${TOKEN_X},${tokenY(d.index)})`)
    .classed('special', (d) => !d.content)
    .classed('hovered', (d) => d.index === hoveredToken)
    .on('mouseenter', (_, d) => drawing.onHoverToken(d.content ? d.index : null))
    .on('mouseleave', () => drawing.onHoverToken(null))
    .on('click', (_, d) => {
      if (d.content) drawing.onSelectToken(d.index);
    });
  // Token text is set with .text(): captions are user input and never parsed as markup.
  rows.select('text').text((d) => d.text);
  rows
    .select('rect.matched-bar')
    .attr('x', 120)
    .attr('y', -5)
    .attr('height', 10)
    .attr('width', (d) => (d.content ? (BAR_WIDTH * matched[d.index]) / barMax : 0));
  rows
    .select('rect.dustbin-bar')
    .attr('x', (d) => 120 + (d.content ? (BAR_WIDTH * matched[d.index]) / barMax : 0))
    .attr('y', -5)
    .attr('height', 10)
    .attr('width', (d) => (d.content ? (BAR_WIDTH * dustbin[d.index]) / barMax : 0));
  rows
    .select('title')
    .text((d) =>
      d.content
        ? `${d.text}: ${matched[d.index].toPrecision(3)} matched to patches, ${dustbin[d.index].toPrecision(3)} to the dustbin`
        : `${d.text}: not aligned (function words, special tokens and punctuation are not transported)`,
    );
}
