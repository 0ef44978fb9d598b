import { useEffect, useMemo, useRef } from 'react';
import { selectLatent } from '../../app/selectionActions';
import type { Interpretation, LatentInfo } from '../../explain/types';
import { formatPercent } from '../latents';
import { conceptName } from './conceptFilter';
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
        return { id: info.id, x, y, label: conceptName(info), title: pointTitle(info), category: info.category };
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

/** "dog (#3), label confidence 62%"; an unnamed latent's name already carries its id. */
function pointTitle(info: LatentInfo): string {
  const name = info.label === null ? conceptName(info) : `${info.label} (#${info.id})`;
  return `${name}, label confidence ${formatPercent(info.confidence)}`;
}
