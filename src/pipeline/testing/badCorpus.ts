/**
 * The bad-input corpus (e2e/fixtures/bad/, made by tools/bad-corpus/make.py) as the tests read it:
 * the manifest's cases, and the folders that are made at test time (an empty folder, 1000 tiny files).
 * Node only; shared by src/cli/badCorpus.test.ts and e2e/badInput.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { crc32 } from '../imageHeader';

export const BAD_CORPUS_DIR = fileURLToPath(new URL('../../../e2e/fixtures/bad', import.meta.url));

export interface BadCase {
  /** Relative to BAD_CORPUS_DIR. */
  path: string;
  kind: 'image' | 'folder' | 'dictionary';
  /** A regular expression the message must match, or "ok" when the input must work. */
  expect: string;
  about: string;
  /** Size of the decoded (upright) image. */
  width?: number;
  height?: number;
  /** An animated image's first frame, as a still file. */
  firstFrame?: string;
  /** Folders: images planned, of them captioned, one pattern per skipped line, captions by file. */
  images?: number;
  captioned?: number;
  skipped?: string[];
  captions?: Record<string, string>;
  /** Folders made by the tests: `files` tiny PNGs (0: an empty folder) named by `name` ("{:04d}" = index). */
  generate?: { files: number; png?: [number, number]; name?: string };
}

export const badCases: BadCase[] = (
  JSON.parse(readFileSync(path.join(BAD_CORPUS_DIR, 'manifest.json'), 'utf8')) as { cases: BadCase[] }
).cases;

export const casesOfKind = (kind: BadCase['kind']) => badCases.filter((c) => c.kind === kind);

export const isBad = (c: BadCase) => c.expect !== 'ok';

/** A minimal RGB PNG of one colour. */
export function tinyPng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const chunk = (name: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(name), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = [0, ...Array.from({ length: width }, () => rgb).flat()];
  const raw = Uint8Array.from(Array.from({ length: height }, () => row).flat());
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', ihdr),
    chunk('IDAT', new Uint8Array(deflateSync(raw))),
    chunk('IEND', new Uint8Array()),
  ];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

/** The folder of a case: the committed one, or one made in `scratch` as the manifest's "generate" says. */
export async function folderOfCase(c: BadCase, scratch: string): Promise<string> {
  if (!c.generate) return path.join(BAD_CORPUS_DIR, c.path);
  const dir = await mkdtemp(path.join(scratch, `${path.basename(c.path)}-`));
  const { files, png = [1, 1], name = 'file-{:04d}.png' } = c.generate;
  for (let i = 0; i < files; i++) {
    const file = name.replace('{:04d}', String(i).padStart(4, '0'));
    await writeFile(path.join(dir, file), tinyPng(png[0], png[1], [i % 256, 128, 255 - (i % 256)]));
  }
  return dir;
}
