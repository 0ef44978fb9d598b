/**
 * Keyboard travel on the concept map: the arrows move a cursor to the nearest point that way, so
 * the map can be read point by point without a pointer. Coordinates are the layout's (y up, as
 * drawn: ArrowUp goes to larger y). Pure.
 */

export interface MapPosition {
  id: number;
  x: number;
  y: number;
}

export type MapDirection = 'left' | 'right' | 'up' | 'down';

const DIRECTIONS: Record<string, MapDirection> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

/** The direction an arrow key means, or null for any other key. */
export function mapDirection(key: string): MapDirection | null {
  return DIRECTIONS[key] ?? null;
}

/** `point − from` split into the distance along `direction` and the distance across it. */
function offset(from: MapPosition, point: MapPosition, direction: MapDirection): { along: number; across: number } {
  const dx = point.x - from.x;
  const dy = point.y - from.y;
  if (direction === 'left') return { along: -dx, across: Math.abs(dy) };
  if (direction === 'right') return { along: dx, across: Math.abs(dy) };
  if (direction === 'up') return { along: dy, across: Math.abs(dx) };
  return { along: -dy, across: Math.abs(dx) };
}

/**
 * The point nearest to `from` in `direction`: the closest one inside the 90° cone around that
 * direction; if the cone is empty, the one ahead (in the half-plane) that strays least, counting
 * sideways distance double. Null when nothing lies ahead.
 */
export function nearestInDirection(
  points: readonly MapPosition[],
  from: MapPosition,
  direction: MapDirection,
): number | null {
  let cone: { id: number; distance: number } | null = null;
  let ahead: { id: number; cost: number } | null = null;
  for (const point of points) {
    if (point.id === from.id) continue;
    const { along, across } = offset(from, point, direction);
    if (along <= 0) continue;
    if (across <= along) {
      const distance = Math.hypot(along, across);
      if (cone === null || distance < cone.distance) cone = { id: point.id, distance };
    }
    const cost = along + 2 * across;
    if (ahead === null || cost < ahead.cost) ahead = { id: point.id, cost };
  }
  return cone?.id ?? ahead?.id ?? null;
}

/** Where the cursor starts: at `preferred` if it is among `points`, else at the point nearest their centre. */
export function startPoint(points: readonly MapPosition[], preferred: number | null): number | null {
  if (points.length === 0) return null;
  if (preferred !== null && points.some((point) => point.id === preferred)) return preferred;
  const cx = points.reduce((sum, point) => sum + point.x, 0) / points.length;
  const cy = points.reduce((sum, point) => sum + point.y, 0) / points.length;
  let best = points[0];
  for (const point of points) {
    if (Math.hypot(point.x - cx, point.y - cy) < Math.hypot(best.x - cx, best.y - cy)) best = point;
  }
  return best.id;
}
