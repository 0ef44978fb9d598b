import { open, readFile } from 'node:fs/promises';

/** One emoji in a pair's image, with its box in pixels [x0, y0, x1, y1]. */
export interface PairObject {
  hexcode: string;
  label: string;
  tags: string[];
  group: number;
  box: [number, number, number, number];
}

export interface PairRecord {
  caption: string;
  kind: 'single' | 'scene';
  objects: PairObject[];
}

/**
 * Image–caption pairs written by tools/lucid-data/make_pairs.py: `<split>.u8` (raw RGB, [N, S, S, 3])
 * and `<split>.json`. Images are read one at a time, never the whole file.
 */
export interface PairsDataset {
  size: number;
  pairs: PairRecord[];
  /** RGB bytes of pair i [S, S, 3]. */
  readPixels(i: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function openPairsDataset(prefix: string): Promise<PairsDataset> {
  const index = JSON.parse(await readFile(`${prefix}.json`, 'utf8')) as { size: number; pairs: PairRecord[] };
  const file = await open(`${prefix}.u8`, 'r');
  const bytesPerImage = index.size * index.size * 3;
  const { size: fileBytes } = await file.stat();
  if (fileBytes !== bytesPerImage * index.pairs.length) {
    await file.close();
    throw new Error(`${prefix}.u8 has ${fileBytes} bytes; ${index.pairs.length} images of ${index.size}² need more`);
  }
  return {
    size: index.size,
    pairs: index.pairs,
    async readPixels(i) {
      const out = new Uint8Array(bytesPerImage);
      await file.read(out, 0, bytesPerImage, i * bytesPerImage);
      return out;
    },
    close: () => file.close(),
  };
}

/**
 * CLIP pixel values [3, S, S] from RGB bytes [S, S, 3]: (x / 255 − mean) / std per channel, which is
 * what CLIPImageProcessor does to an image already at the model's size.
 */
export function toPixelValues(rgb: Uint8Array, size: number, mean: number[], std: number[]): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) out[c * plane + p] = (rgb[p * 3 + c] / 255 - mean[c]) / std[c];
  }
  return out;
}
