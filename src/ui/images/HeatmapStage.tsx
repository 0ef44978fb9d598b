import { useEffect, useRef, useState } from 'react';
import type { ImageEntry } from '../../app/imagesSlice';
import { heatmapKey } from '../../app/imagesSlice';
import { useAppStore } from '../../app/store';
import type { ModelFamily } from '../../clip/catalog';
import type { ImageAnalysis } from '../../explain/types';
import { clearHeatmap, drawHeatmap } from '../heatmap/drawHeatmap';
import { patchAt, patchRect } from '../heatmap/patchGeometry';
import { useHeatmapMax, useSelectedLatent } from '../hooks';
import { PatchGrid } from './PatchGrid';

/**
 * How the model saw the image: CLIP resizes the short side and crops the centre square (CSS
 * `cover` does the same); SigLIP squashes the whole image to a square (`fill`).
 */
const IMAGE_FIT: Record<ModelFamily, 'cover' | 'fill'> = { clip: 'cover', siglip: 'fill' };

interface HeatmapStageProps {
  image: ImageEntry;
  analysis: ImageAnalysis;
  /** Accessible label of the selected latent. */
  latentName: string | null;
  /** The patch outlined (hovered or pinned), or null. */
  patch: number | null;
  onPatchHover?: (patch: number | null) => void;
  onPatchClick?: (patch: number) => void;
  /** Each patch's accessible name; given with both handlers, the patches form a keyboard grid. */
  cellLabel?: (patch: number) => string;
}

/** An analysed image with the selected latent's heatmap over it, drawn on a canvas. */
export function HeatmapStage({
  image,
  analysis,
  latentName,
  patch,
  onPatchHover,
  onPatchClick,
  cellLabel,
}: HeatmapStageProps) {
  const latent = useSelectedLatent();
  const opacity = useAppStore((state) => state.explorer.heatmapOpacity);
  const family = useAppStore((state) => state.model.info?.family ?? 'clip');
  const max = useHeatmapMax(latent);
  const entry = useAppStore((state) =>
    latent === null ? undefined : state.heatmaps[heatmapKey(analysis.imageId, latent)],
  );
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pointerPatch, setPointerPatch] = useState<number | null>(null);

  useEffect(() => {
    if (canvas.current === null) return;
    if (entry?.status === 'ready') drawHeatmap(canvas.current, entry.heatmap.values, entry.heatmap.grid, max, opacity);
    else clearHeatmap(canvas.current);
  }, [entry, max, opacity]);

  const patchFromEvent = (event: React.MouseEvent<HTMLDivElement>): number | null => {
    const box = event.currentTarget.getBoundingClientRect();
    return patchAt(event.clientX - box.left, event.clientY - box.top, box.width, box.height, analysis.grid);
  };
  const outline = patch ?? pointerPatch;
  const rect = outline === null ? null : patchRect(outline, analysis.grid, 100, 100);
  const label = latentName === null ? `image ${image.name}` : `heatmap of ${latentName} on ${image.name}`;

  return (
    <div
      className="stage"
      onMouseMove={(event) => {
        const next = patchFromEvent(event);
        setPointerPatch(next);
        onPatchHover?.(next);
      }}
      onMouseLeave={() => {
        setPointerPatch(null);
        onPatchHover?.(null);
      }}
      onClick={(event) => {
        const clicked = patchFromEvent(event);
        if (clicked !== null) onPatchClick?.(clicked);
      }}
    >
      <img src={image.url} alt={image.name} style={{ objectFit: IMAGE_FIT[family] }} draggable={false} />
      <canvas ref={canvas} role="img" aria-label={label} className="heatmap" />
      {onPatchHover !== undefined && onPatchClick !== undefined && cellLabel !== undefined && (
        <PatchGrid
          grid={analysis.grid}
          label={`patches of ${image.name}`}
          cellLabel={cellLabel}
          pinned={patch}
          onFocusPatch={onPatchHover}
          onTogglePin={onPatchClick}
        />
      )}
      {entry?.status === 'failed' && <p className="stage-error error">Heatmap failed: {entry.error}</p>}
      {rect !== null && (
        <span
          className="patch-outline"
          style={{ left: `${rect.x}%`, top: `${rect.y}%`, width: `${rect.width}%`, height: `${rect.height}%` }}
        />
      )}
    </div>
  );
}
