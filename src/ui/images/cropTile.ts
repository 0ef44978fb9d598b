/** Cuts one reference image out of the atlas PNG in the page, as a PNG file for `addImages`. */
import { tileCrop, type ReferenceIndex } from './exampleGallery';

/** The decoded atlas per URL: every example shares one download and one decode. */
const atlases = new Map<string, Promise<HTMLImageElement>>();

function loadAtlas(url: string): Promise<HTMLImageElement> {
  let atlas = atlases.get(url);
  if (atlas === undefined) {
    const image = new Image();
    image.src = url;
    atlas = image.decode().then(() => image);
    // A failed load is not kept, so the next click tries again.
    atlas.catch(() => atlases.delete(url));
    atlases.set(url, atlas);
  }
  return atlas;
}

/** Tile `image` of the atlas at `atlasUrl`, at the atlas's own resolution, as `name` (PNG). */
export async function cropTile(
  atlasUrl: string,
  reference: Pick<ReferenceIndex, 'tile' | 'columns'>,
  image: number,
  name: string,
): Promise<File> {
  const atlas = await loadAtlas(atlasUrl);
  const crop = tileCrop(reference, image, atlas.naturalWidth, atlas.naturalHeight);
  const canvas = document.createElement('canvas');
  canvas.width = crop.size;
  canvas.height = crop.size;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('this browser cannot draw on a canvas');
  context.drawImage(atlas, crop.x, crop.y, crop.size, crop.size, 0, 0, crop.size, crop.size);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (blob === null) throw new Error('could not encode the example as PNG');
  return new File([blob], name, { type: 'image/png' });
}
