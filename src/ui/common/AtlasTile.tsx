import type { CSSProperties } from 'react';
import type { Interpretation } from '../../explain/types';
import { atlasTileView } from '../atlas/atlasGeometry';

interface AtlasTileProps {
  atlasUrl: string;
  reference: Interpretation['reference'];
  image: number;
  patch: number;
  /** Side of the shown tile, in CSS px. */
  size: number;
}

/** One reference image cut from the atlas, with the evidence patch outlined. */
export function AtlasTile({ atlasUrl, reference, image, patch, size }: AtlasTileProps) {
  const view = atlasTileView(reference, image, patch, size);
  const caption = reference.captions[image] ?? `reference image ${image}`;
  const style: CSSProperties = {
    width: size,
    height: size,
    backgroundImage: `url("${atlasUrl}")`,
    backgroundPosition: view.backgroundPosition,
    // The atlas's natural width is columns · tile; scaling it scales every tile alike.
    backgroundSize: `${reference.columns * reference.tile * view.scale}px auto`,
  };
  return (
    <span className="atlas-tile" style={style} role="img" aria-label={`${caption}, patch ${patch}`} title={caption}>
      <span
        className="atlas-patch"
        style={{ left: view.patch.x, top: view.patch.y, width: view.patch.width, height: view.patch.height }}
      />
    </span>
  );
}
