import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_SIDE, checkImageBytes, crc32 } from './imageHeader';
import { tinyPng } from './testing/badCorpus';

/** A JPEG's first bytes: SOI, an APP1 segment of `padding` bytes, then a baseline frame header of w×h. */
function jpegHead(width: number, height: number, padding: number): Uint8Array {
  const app1 = [0xff, 0xe1, (padding + 2) >> 8, (padding + 2) & 0xff, ...new Array<number>(padding).fill(0)];
  const sof = [0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3];
  return Uint8Array.from([0xff, 0xd8, ...app1, ...sof, ...new Array<number>(9).fill(0)]);
}

describe('image header checks', () => {
  it('computes the CRC-32 PNG uses', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('reads a PNG’s size and accepts it whole', () => {
    const check = checkImageBytes(tinyPng(3, 2, [1, 2, 3]), true);
    expect(check).toEqual({ ok: true, header: { type: 'png', width: 3, height: 2, orientation: 1, components: null } });
  });

  it('judges truncation only when it has the whole file', () => {
    const png = tinyPng(3, 2, [1, 2, 3]);
    const cut = png.subarray(0, png.length - 3);
    expect(checkImageBytes(cut, true)).toEqual({
      ok: false,
      problem: 'truncated PNG: the file ends inside its IEND chunk',
    });
    expect(checkImageBytes(cut, false).ok).toBe(true);
  });

  it('refuses a JPEG over the size limit from its frame header, and leaves one whose header lies beyond the probe', () => {
    expect(checkImageBytes(jpegHead(MAX_IMAGE_SIDE + 1, 10, 100), false)).toEqual({
      ok: false,
      problem: `${MAX_IMAGE_SIDE + 1}×10 is larger than the ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE} limit`,
    });
    const longExif = jpegHead(100, 100, 60_000).subarray(0, 1000);
    expect(checkImageBytes(longExif, false).ok).toBe(true);
    expect(checkImageBytes(longExif, true)).toEqual({
      ok: false,
      problem: 'truncated JPEG: the file ends inside its headers',
    });
  });

  it('tells text, SVG and a BMP-looking text apart', () => {
    const text = (s: string) => checkImageBytes(new TextEncoder().encode(s), true);
    expect(text('BMW service notes, not a bitmap')).toEqual({
      ok: false,
      problem: 'not an image: it starts like text',
    });
    expect(text('\uFEFF  <svg xmlns="http://www.w3.org/2000/svg"/>')).toMatchObject({
      problem: /^SVG is not supported/,
    });
    expect(text('<!doctype html><p>hi')).toEqual({ ok: false, problem: 'not an image: an HTML page' });
  });
});
