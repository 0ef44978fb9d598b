import { useEffect, useMemo, useRef } from 'react';
import { selectLatent } from '../../app/selectionActions';
import type { Interpretation } from '../../explain/types';
import { latentName } from '../latents';
import { drawConceptMap, type MapPoint } from './drawConceptMap';

/** Labels are written beside matching points when a search leaves at most this many. */
const MAX_LABELS = 40;

interface ConceptMapProps {
  interpretation: Interpretation;
  matching: ReadonlySet<number>;
  selected: number | null;
}

/** The zoomable map of the dictionary (drawn by `drawConceptMap`). */
export function ConceptMap({ interpretation, matching, selected }: ConceptMapProps) {
  const svg = useRef<SVGSVGElement>(null);
  const points = useMemo<MapPoint[]>(
    () =>
      interpretation.latents.map((info) => {
        const [x, y] = interpretation.layout[info.id] ?? [0, 0];
        return { id: info.id, x, y, label: latentName(info, info.id), category: info.category };
      }),
    [interpretation],
  );
  useEffect(() => {
    if (svg.current === null) return;
    drawConceptMap(svg.current, { points, matching, selected, maxLabels: MAX_LABELS, onSelect: selectLatent });
  }, [points, matching, selected]);
  return (
    <svg
      ref={svg}
      className="concept-map"
      role="img"
      aria-label={`map of ${points.length} concepts, ${matching.size} matching; scroll to zoom, drag to pan`}
    />
  );
}
