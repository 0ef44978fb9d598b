/**
 * The benchmark's image folder: `count` small PNGs made at bench time from the e2e fixtures
 * (8-bit RGB, non-interlaced, as all of them are), each recoloured (channel order, inversion and a
 * brightness shift chosen by its index) and mirrored, so no two files are the same image.
 * Plain Node (zlib): a PNG decoder for exactly that format and an encoder that writes it back.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';

interface RgbImage {
  width: number;
  height: number;
  /** Row-major RGB bytes [height · width · 3]. */
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** Decodes an 8-bit RGB, non-interlaced PNG (throws on anything else). */
export function decodeRgbPng(bytes: Buffer): RgbImage {
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[9] !== 2 || body[12] !== 0) throw new Error('only 8-bit RGB non-interlaced PNGs');
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * 3;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= 3 ? pixels[y * stride + x - 3] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = x >= 3 && y > 0 ? pixels[(y - 1) * stride + x - 3] : 0;
      pixels[y * stride + x] = (value + unfilter(filter, left, up, upLeft)) & 255;
    }
  }
  return { width, height, pixels };
}

/** The predictor PNG filter `filter` adds back (PNG spec §9). */
function unfilter(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const p = left + up - upLeft;
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
      return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }
    default:
      throw new Error(`unknown PNG filter ${filter}`);
  }
}

/** Encodes RGB pixels as a PNG (no filtering). */
export function encodeRgbPng(image: RgbImage): Buffer {
  const stride = image.width * 3;
  const raw = Buffer.alloc(image.height * (stride + 1));
  for (let y = 0; y < image.height; y++)
    raw.set(image.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, body: Buffer): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Variant `index` of an image: channels permuted, maybe inverted, brightness shifted, maybe mirrored. */
export function recolour(image: RgbImage, index: number): RgbImage {
  const orders = [
    [0, 1, 2],
    [1, 2, 0],
    [2, 0, 1],
    [0, 2, 1],
    [2, 1, 0],
    [1, 0, 2],
  ];
  const order = orders[index % orders.length];
  const invert = Math.floor(index / orders.length) % 2 === 1;
  const shift = ((index * 37) % 61) - 30;
  const mirror = index % 4 >= 2;
  const { width, height } = image;
  const pixels = new Uint8Array(image.pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + (mirror ? width - 1 - x : x)) * 3;
      const to = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const value = image.pixels[from + order[c]];
        pixels[to + c] = Math.max(0, Math.min(255, (invert ? 255 - value : value) + shift));
      }
    }
  }
  return { width, height, pixels };
}

/** Writes `count` recoloured fixture PNGs into a new temporary folder; returns it and the file names. */
export function makeImageFolder(count: number, fixtures = 'e2e/fixtures/images'): { dir: string; files: string[] } {
  const sources = readdirSync(fixtures)
    .filter((name) => name.endsWith('.png'))
    .sort()
    .map((name) => decodeRgbPng(readFileSync(join(fixtures, name))));
  const dir = mkdtempSync(join(tmpdir(), 'lucid-bench-'));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `image-${String(i).padStart(3, '0')}.png`;
    writeFileSync(
      join(dir, name),
      encodeRgbPng(recolour(sources[i % sources.length], Math.floor(i / sources.length) + i)),
    );
    files.push(name);
  }
  return { dir, files };
}
