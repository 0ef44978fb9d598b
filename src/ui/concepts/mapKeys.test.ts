import { describe, expect, it } from 'vitest';
import { mapDirection, nearestInDirection, startPoint, type MapPosition } from './mapKeys';

const at = (id: number, x: number, y: number): MapPosition => ({ id, x, y });
const origin = at(0, 0, 0);

describe('concept map keys', () => {
  it('maps the arrows to directions and nothing else', () => {
    expect(mapDirection('ArrowUp')).toBe('up');
    expect(mapDirection('ArrowLeft')).toBe('left');
    expect(mapDirection('Enter')).toBeNull();
  });

  it('goes to the nearest point inside the cone of the direction', () => {
    const points = [origin, at(1, 3, 0), at(2, 1, 0.5), at(3, -1, 0), at(4, 0, 2)];
    expect(nearestInDirection(points, origin, 'right')).toBe(2);
    expect(nearestInDirection(points, origin, 'left')).toBe(3);
    // Up is larger y, as the map draws it.
    expect(nearestInDirection(points, origin, 'up')).toBe(4);
  });

  it('prefers a farther point in the cone to a nearer one off to the side', () => {
    // Point 1 is nearer but 63° off the right; point 2 is farther and straight ahead.
    const points = [origin, at(1, 1, 2), at(2, 4, 0)];
    expect(nearestInDirection(points, origin, 'right')).toBe(2);
  });

  it('falls back to the point ahead that strays least when the cone is empty', () => {
    const points = [origin, at(1, 1, 5), at(2, 1, -3)];
    expect(nearestInDirection(points, origin, 'right')).toBe(2);
  });

  it('stays put when nothing lies that way', () => {
    const points = [origin, at(1, -1, 0), at(2, 0, 1)];
    expect(nearestInDirection(points, origin, 'right')).toBeNull();
    expect(nearestInDirection([origin], origin, 'down')).toBeNull();
  });

  it('starts at the preferred point if shown, else nearest the centre', () => {
    const points = [at(1, 0, 0), at(2, 10, 10), at(3, 4, 6)];
    expect(startPoint(points, 2)).toBe(2);
    expect(startPoint(points, 99)).toBe(3);
    expect(startPoint(points, null)).toBe(3);
    expect(startPoint([], 1)).toBeNull();
  });
});
