/**
 * What an image file's bytes say before any pixel is decoded: its format, size and EXIF orientation,
 * and what is wrong with it (text named `.png`, an SVG, a truncated PNG or JPEG, a 12000×12000 image).
 * Pure byte parsing, shared by the browser (explorer and training workers) and `lucid`, so both refuse
 * the same files with the same words. Decoders are only trusted with files that pass.
 */
import { type ImageType, sniffImageType } from './folderContents';

/**
 * Largest image side accepted. A decoded image costs width × height × 4 bytes (RGBA): 8192² is 256 MiB,
 * which a browser tab can still hold; 12000² (550 MiB) often cannot. Checked from the header, before decoding.
 */
export const MAX_IMAGE_SIDE = 8192;

/** Bytes the folder planner reads per file: enough for every header but a JPEG with a huge EXIF block. */
export const HEADER_PROBE_BYTES = 65_536;

export interface ImageHeader {
  type: ImageType;
  width: number;
  height: number;
  /** EXIF orientation (1 = as stored … 8), 1 when absent. 5–8 swap width and height when shown. */
  orientation: number;
  /** Colour components of a JPEG (4 = CMYK or YCCK), else null. */
  components: number | null;
}

export type ImageCheck = { ok: true; header: ImageHeader } | { ok: false; problem: string };

const TYPE_NAMES: Record<ImageType, string> = { png: 'PNG', jpeg: 'JPEG', gif: 'GIF', webp: 'WebP', bmp: 'BMP' };

export function imageTypeName(type: ImageType): string {
  return TYPE_NAMES[type];
}

/**
 * Checks an image file's bytes. The problem, if any, is phrased to follow "name: ".
 * @param bytes the whole file, or its first bytes when `complete` is false (then truncation is not judged
 *   and a JPEG whose size lies beyond the probe passes with width = height = 0)
 */
export function checkImageBytes(bytes: Uint8Array, complete: boolean): ImageCheck {
  if (bytes.length === 0) return fail('empty file (0 bytes)');
  const type = sniffImageType(bytes);
  if (type === null) return fail(describeNonImage(bytes));
  const parsed = PARSERS[type](bytes, complete);
  if (typeof parsed === 'string') return fail(parsed);
  const { width, height } = parsed;
  // From a probe, a header cut short leaves the size unknown (0×0): the decoder judges it later.
  const known = width > 0 || height > 0 || complete;
  if (known && (width === 0 || height === 0)) return fail(`the header says ${width}×${height} pixels: no image in it`);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    return fail(`${width}×${height} is larger than the ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE} limit`);
  }
  return { ok: true, header: { type, ...parsed } };
}

function fail(problem: string): ImageCheck {
  return { ok: false, problem };
}

/** Why bytes that carry no image signature we read are not an image, in words. */
export function describeNonImage(bytes: Uint8Array): string {
  const starts = (...b: number[]) => b.every((v, i) => bytes[i] === v);
  const ascii = (at: number, text: string) => [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return unsupported('TIFF');
  if (ascii(4, 'ftyp')) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (/^(avif|avis)$/.test(brand)) return unsupported('AVIF');
    if (/^(heic|heix|hevc|hevx|mif1|msf1)$/.test(brand)) return unsupported('HEIC');
    return 'not an image: a video or other ISO media file';
  }
  if (ascii(0, '%PDF')) return 'not an image: a PDF document';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'not an image: a ZIP archive';
  if (looksLikeText(bytes)) {
    const text = new TextDecoder()
      .decode(bytes.subarray(0, 4096))
      .replace(/^\uFEFF/, '')
      .trimStart()
      .toLowerCase();
    if (
      /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg[\s>]/.test(text) ||
      text.includes('<svg')
    ) {
      return 'SVG is not supported (a vector image, which can carry scripts): export it as PNG or JPEG';
    }
    if (/^<!doctype html|^<html[\s>]/.test(text)) return 'not an image: an HTML page';
    return 'not an image: it starts like text';
  }
  return 'not an image: unknown format (PNG, JPEG, GIF, WebP and BMP are read)';
}

function unsupported(format: string): string {
  return `${format} images are not supported: save it as PNG or JPEG`;
}

/** No NUL or other control bytes (tab, line ends and form feed aside) in the first 512 bytes. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 512);
  return head.every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d);
}

type Parsed = Omit<ImageHeader, 'type'> | string;

const UNKNOWN_SIZE: Parsed = { width: 0, height: 0, orientation: 1, components: null };

const PARSERS: Record<ImageType, (bytes: Uint8Array, complete: boolean) => Parsed> = {
  png: parsePng,
  jpeg: parseJpeg,
  gif: parseGif,
  webp: parseWebp,
  bmp: parseBmp,
};

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A chunk's four-letter type; a corrupt one (not four ASCII letters) is shown as hex bytes. */
function chunkName(bytes: Uint8Array, at: number): string {
  const code = bytes.subarray(at, at + 4);
  const letters = code.length === 4 && code.every((c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122));
  return letters
    ? String.fromCharCode(...code)
    : `corrupt (bytes ${Array.from(code, (c) => c.toString(16).padStart(2, '0')).join(' ')})`;
}

/**
 * PNG: IHDR gives the size; when the whole file is there, every chunk is walked up to IEND and its
 * CRC checked, so a truncated or bit-flipped file is named before a decoder half-draws it.
 */
function parsePng(bytes: Uint8Array, complete: boolean): Parsed {
  if (bytes.length < 33) return complete ? 'truncated PNG: the file ends inside its header' : UNKNOWN_SIZE;
  if (chunkName(bytes, 12) !== 'IHDR') return 'corrupt PNG: no IHDR chunk';
  const data = view(bytes);
  const header = { width: data.getUint32(16), height: data.getUint32(20), orientation: 1, components: null };
  if (!complete) return header;
  let at = 8;
  for (;;) {
    if (at + 8 > bytes.length) return 'truncated PNG: the file ends before its IEND chunk';
    const length = data.getUint32(at);
    const name = chunkName(bytes, at + 4);
    if (at + 12 + length > bytes.length) return `truncated PNG: the file ends inside its ${name} chunk`;
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== data.getUint32(at + 8 + length)) {
      return `corrupt PNG: chunk ${name} fails its checksum`;
    }
    if (name === 'IEND') return header;
    at += 12 + length;
  }
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG defines it (ISO 3309, polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * JPEG: markers are walked up to the first scan (SOS): the frame header (SOFn) gives size and
 * components, APP1 Exif the orientation. With the whole file, the end-of-image marker must follow
 * the scan (an 0xFF in entropy-coded data is always stuffed, so FF D9 there is the real marker).
 */
function parseJpeg(bytes: Uint8Array, complete: boolean): Parsed {
  const data = view(bytes);
  const header = { width: 0, height: 0, orientation: 1, components: null as number | null };
  let at = 2;
  for (;;) {
    if (at + 4 > bytes.length) return complete ? 'truncated JPEG: the file ends inside its headers' : header;
    if (bytes[at] !== 0xff) return 'corrupt JPEG: its markers are garbled';
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    at += 2;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (marker === 0xd9) return 'corrupt JPEG: it ends before any image data';
    const length = data.getUint16(at);
    if (length < 2) return 'corrupt JPEG: its markers are garbled';
    if (at + length > bytes.length) return complete ? 'truncated JPEG: the file ends inside its headers' : header;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && length >= 8) {
      header.height = data.getUint16(at + 3);
      header.width = data.getUint16(at + 5);
      header.components = bytes[at + 7];
    }
    if (marker === 0xe1)
      header.orientation = exifOrientation(bytes.subarray(at + 2, at + length)) ?? header.orientation;
    if (marker === 0xda) {
      if (header.components === null) return 'corrupt JPEG: no frame header before its image data';
      if (complete && !hasEndMarker(bytes, at + length)) {
        return 'truncated JPEG: the file ends before its end-of-image marker';
      }
      return header;
    }
    at += length;
  }
}

function hasEndMarker(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= from; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}

/** Orientation tag (0x0112) of an APP1 "Exif\0\0" segment's first IFD, or null. */
function exifOrientation(segment: Uint8Array): number | null {
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0];
  if (segment.length < 14 || !exif.every((b, i) => segment[i] === b)) return null;
  const tiff = segment.subarray(6);
  const data = view(tiff);
  const little = tiff[0] === 0x49;
  if (!little && tiff[0] !== 0x4d) return null;
  const ifd = data.getUint32(4, little);
  if (ifd + 2 > tiff.length) return null;
  const count = data.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (data.getUint16(entry, little) === 0x0112) {
      const value = data.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

function parseGif(bytes: Uint8Array, complete: boolean): Parsed {
  if (bytes.length < 10) return complete ? 'truncated GIF: the file ends inside its header' : UNKNOWN_SIZE;
  const data = view(bytes);
  return { width: data.getUint16(6, true), height: data.getUint16(8, true), orientation: 1, components: null };
}

function parseWebp(bytes: Uint8Array, complete: boolean): Parsed {
  if (bytes.length < 30) return complete ? 'truncated WebP: the file ends inside its header' : UNKNOWN_SIZE;
  const data = view(bytes);
  if (complete && 8 + data.getUint32(4, true) > bytes.length)
    return 'truncated WebP: the file is shorter than its header says';
  const chunk = chunkName(bytes, 12);
  const size = (width: number, height: number) => ({ width, height, orientation: 1, components: null });
  if (chunk === 'VP8 ') return size(data.getUint16(26, true) & 0x3fff, data.getUint16(28, true) & 0x3fff);
  if (chunk === 'VP8L') {
    const bits = data.getUint32(21, true);
    return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    const u24 = (at: number) => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
    return size(u24(24) + 1, u24(27) + 1);
  }
  return 'corrupt WebP: unknown chunk ' + JSON.stringify(chunk);
}

/** BMP: "BM" alone is a weak signature (text can start so), so the DIB header size must be a known one. */
function parseBmp(bytes: Uint8Array, complete: boolean): Parsed {
  const data = view(bytes);
  if (bytes.length < 26) return complete ? describeNonImage(bytes) : UNKNOWN_SIZE;
  const dibSize = data.getUint32(14, true);
  if (![12, 40, 52, 56, 64, 108, 124].includes(dibSize)) return describeNonImage(bytes);
  const declared = data.getUint32(2, true);
  if (complete && declared > bytes.length) return 'truncated BMP: the file is shorter than its header says';
  if (dibSize === 12) {
    return { width: data.getUint16(18, true), height: data.getUint16(20, true), orientation: 1, components: null };
  }
  return {
    width: Math.abs(data.getInt32(18, true)),
    height: Math.abs(data.getInt32(22, true)),
    orientation: 1,
    components: null,
  };
}
