/**
 * The example gallery: a few of the dictionary's held-out reference images (`reference.json`
 * beside the atlas, one entry per tile) to try at once, and where each lies in the atlas. Pure.
 */
import { tileOrigin } from '../atlas/atlasGeometry';

/** One reference image as `reference.json` describes it (fields the gallery reads). */
export interface ReferencePair {
  caption: string;
  /** One emoji on the tile, or a scene of several. */
  kind: 'single' | 'scene';
  /** The emoji on the tile; `group` is its Unicode emoji group (faces, people, animals, …). */
  objects: { label: string; group: number }[];
}

export interface ReferenceIndex {
  /** Side of a tile in atlas pixels. */
  tile: number;
  /** Tiles per atlas row. */
  columns: number;
  /** One per tile, in atlas order. */
  pairs: ReferencePair[];
}

export interface Example {
  /** Tile index in the atlas. */
  image: number;
  /** File name of the added image, as its card shows it. */
  name: string;
  caption: string;
  kind: ReferencePair['kind'];
}

/** Square region of the atlas, in atlas pixels. */
export interface TileCrop {
  x: number;
  y: number;
  size: number;
}

/**
 * `singles` single-emoji tiles, each from a different emoji group (the first tile of each group in
 * atlas order), then the first `scenes` scenes of two objects, which are the easiest to read.
 */
export function pickExamples(reference: ReferenceIndex, singles = 8, scenes = 2): Example[] {
  const groups = new Set<number>();
  const picked: Example[] = [];
  reference.pairs.forEach((pair, image) => {
    const first = pair.objects[0];
    if (pair.kind !== 'single' || first === undefined || groups.has(first.group) || groups.size >= singles) return;
    groups.add(first.group);
    picked.push({ image, name: `${first.label}.png`, caption: pair.caption, kind: 'single' });
  });
  const twoObjectScenes = reference.pairs
    .map((pair, image) => ({ pair, image }))
    .filter(({ pair }) => pair.kind === 'scene' && pair.objects.length === 2)
    .slice(0, scenes);
  for (const { pair, image } of twoObjectScenes) {
    const labels = pair.objects.map((object) => object.label).join(' and ');
    picked.push({ image, name: `scene of ${labels}.png`, caption: pair.caption, kind: 'scene' });
  }
  return picked;
}

/**
 * Where tile `image` lies in an atlas of `atlasWidth` × `atlasHeight` px; throws when it lies
 * (even partly) outside, since a crop there would silently add a blank or cut image.
 */
export function tileCrop(
  reference: Pick<ReferenceIndex, 'tile' | 'columns'>,
  image: number,
  atlasWidth: number,
  atlasHeight: number,
): TileCrop {
  const { x, y } = tileOrigin({ ...reference, grid: [1, 1] }, image);
  if (!Number.isInteger(image) || image < 0 || x + reference.tile > atlasWidth || y + reference.tile > atlasHeight) {
    throw new Error(`reference image ${image} lies outside the ${atlasWidth}×${atlasHeight} atlas`);
  }
  return { x, y, size: reference.tile };
}

/** `reference.json` as the gallery needs it, or null when it has another shape. */
export function parseReferenceIndex(json: unknown): ReferenceIndex | null {
  if (typeof json !== 'object' || json === null) return null;
  const { tile, columns, pairs } = json as Partial<ReferenceIndex>;
  const positive = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0;
  if (!positive(tile) || !positive(columns) || !Array.isArray(pairs)) return null;
  const valid = pairs.every(
    (pair) =>
      typeof pair?.caption === 'string' &&
      (pair.kind === 'single' || pair.kind === 'scene') &&
      Array.isArray(pair.objects) &&
      pair.objects.every((object) => typeof object?.label === 'string' && typeof object.group === 'number'),
  );
  return valid ? (json as ReferenceIndex) : null;
}
