import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { selectLatent } from '../../app/selectionActions';
import type { Interpretation, LatentInfo } from '../../explain/types';
import { formatPercent } from '../latents';
import { conceptName } from './conceptFilter';
import { drawConceptMap, zoomConceptMap, type MapPoint } from './drawConceptMap';
import { mapDirection, nearestInDirection, startPoint } from './mapKeys';

/** Labels are written beside matching points when a search leaves at most this many. */
const MAX_LABELS = 40;

/** One press of + or − zooms by this factor. */
const KEY_ZOOM_FACTOR = 1.5;

interface ConceptMapProps {
  interpretation: Interpretation;
  matching: ReadonlySet<number>;
  selected: number | null;
}

/**
 * The zoomable map of the dictionary (drawn by `drawConceptMap`). From the keyboard it is one Tab
 * stop: the arrows move a cursor to the nearest matching point that way, Enter opens it, + and −
 * zoom; the cursor's concept is written under the map (a polite live region).
 */
export function ConceptMap({ interpretation, matching, selected }: ConceptMapProps) {
  const svg = useRef<SVGSVGElement>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const points = useMemo<MapPoint[]>(
    () =>
      interpretation.latents.map((info) => {
        const [x, y] = interpretation.layout[info.id] ?? [0, 0];
        return { id: info.id, x, y, label: conceptName(info), title: pointTitle(info), category: info.category };
      }),
    [interpretation],
  );
  // Only matching points can hold the cursor: the faded ones are filtered out.
  const reachable = useMemo(() => points.filter((point) => matching.has(point.id)), [points, matching]);
  const shownCursor = cursor !== null && matching.has(cursor) ? cursor : null;
  useEffect(() => {
    if (svg.current === null) return;
    drawConceptMap(svg.current, {
      points,
      matching,
      selected,
      cursor: shownCursor,
      maxLabels: MAX_LABELS,
      onSelect: selectLatent,
    });
  }, [points, matching, selected, shownCursor]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.key === '+' || event.key === '=' || event.key === '-') && svg.current !== null) {
      event.preventDefault();
      zoomConceptMap(svg.current, event.key === '-' ? 1 / KEY_ZOOM_FACTOR : KEY_ZOOM_FACTOR);
      return;
    }
    if ((event.key === 'Enter' || event.key === ' ') && shownCursor !== null) {
      event.preventDefault();
      selectLatent(shownCursor);
      return;
    }
    const direction = mapDirection(event.key);
    if (direction === null) return;
    event.preventDefault();
    const from = reachable.find((point) => point.id === shownCursor);
    // The first arrow puts the cursor on the open concept, or near the middle of the map.
    const next = from === undefined ? startPoint(reachable, selected) : nearestInDirection(reachable, from, direction);
    if (next !== null) setCursor(next);
  };

  const cursorInfo = shownCursor === null ? undefined : points.find((point) => point.id === shownCursor);
  return (
    <div className="concept-map-frame">
      <div
        className="concept-map-keys"
        role="application"
        aria-roledescription="concept map"
        tabIndex={0}
        aria-label={`concept map, ${matching.size} matching concepts: arrow keys move to the nearest concept, Enter opens it, + and − zoom`}
        aria-describedby="concept-map-cursor"
        onKeyDown={onKeyDown}
      >
        <svg
          ref={svg}
          className="concept-map"
          role="img"
          aria-label={`map of ${points.length} concepts, ${matching.size} matching; scroll to zoom, drag to pan`}
        />
      </div>
      <p id="concept-map-cursor" className="concept-map-cursor muted" aria-live="polite">
        {cursorInfo === undefined
          ? 'Keyboard: focus the map, then the arrow keys move between concepts and Enter opens one.'
          : `${cursorInfo.title}. Enter opens it.`}
      </p>
    </div>
  );
}

/** "dog (#3), label confidence 62%"; an unnamed latent's name already carries its id. */
function pointTitle(info: LatentInfo): string {
  const name = info.label === null ? conceptName(info) : `${info.label} (#${info.id})`;
  return `${name}, label confidence ${formatPercent(info.confidence)}`;
}
