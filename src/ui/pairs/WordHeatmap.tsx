import { useEffect, useMemo, useRef } from 'react';
import { useAppStore } from '../../app/store';
import type { TransportView } from '../../explain/types';
import { clearHeatmap, drawHeatmap } from '../heatmap/drawHeatmap';
import { formatPercent } from '../latents';
import { tokenDustbinShare, tokenHeat } from './planLinks';

interface WordHeatmapProps {
  view: TransportView;
  imageUrl: string;
  imageName: string;
  /** 'cover' crops the centre like CLIP; 'fill' squashes like SigLIP. */
  imageFit: 'cover' | 'fill';
  /** The word whose transport column is shown, or null for none. */
  token: number | null;
}

/**
 * The image with one word's transport column as a heatmap (the Images view's renderer and colour
 * ramp, normalised to the word's own hottest patch), and the share of the word's mass that found
 * no patch and went to the dustbin.
 */
export function WordHeatmap({ view, imageUrl, imageName, imageFit, token }: WordHeatmapProps) {
  const opacity = useAppStore((state) => state.explorer.heatmapOpacity);
  const canvas = useRef<HTMLCanvasElement>(null);
  const heat = useMemo(() => (token === null ? null : tokenHeat(view, token)), [view, token]);
  useEffect(() => {
    if (canvas.current === null) return;
    if (heat === null) clearHeatmap(canvas.current);
    else drawHeatmap(canvas.current, heat, view.grid, 1, opacity);
  }, [heat, view.grid, opacity]);

  const word = token === null ? null : view.tokens[token];
  return (
    <figure className="pairs-word-heat">
      <div className="stage">
        <img src={imageUrl} alt={imageName} style={{ objectFit: imageFit }} draggable={false} />
        <canvas
          ref={canvas}
          role="img"
          aria-label={word === null ? `${imageName}, no word chosen` : `where “${word}” went on ${imageName}`}
        />
      </div>
      <figcaption aria-live="polite">
        {token === null || word === null ? (
          <span className="muted">Hover, focus or click a word to see which patches it went to.</span>
        ) : (
          <>
            <strong>“{word}”</strong>: {formatPercent(tokenDustbinShare(view, token))} of its mass went to the dustbin;
            the brightest patch took the most of the rest.
          </>
        )}
      </figcaption>
    </figure>
  );
}
