/**
 * The interop fixtures (e2e/fixtures/interop/, made by tools/interop/make_fixtures.py) as the tests
 * read them, and a reader of a folder on disk for `openForeignDictionary`. Node only.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Modality } from '../../config';
import type { ReadFile } from '../saelensExport';

export const INTEROP_FIXTURES_DIR = fileURLToPath(new URL('../../../../e2e/fixtures/interop', import.meta.url));

export interface InteropCase {
  /** Relative to INTEROP_FIXTURES_DIR. */
  path: string;
  about: string;
  /** A regular expression the message must match, or "ok" when the folder must open. */
  expect: string;
  format?: 'saelens' | 'sparsify';
  modality?: Modality;
  k?: number;
  latents?: number;
  /** Per input row, the codes > 0 the library's own encode gives: [latent, value], largest first. */
  codes?: [number, number][][];
}

/** A good image SAE + text SAE pair (image/ and text/ under `path`). */
export interface InteropPair {
  path: string;
  about: string;
  k: number;
  imageLatents: number;
  textLatents: number;
  /** matching.json's pairs ([image, text, score] in each SAE's own indices), or null without the file. */
  matching: [number, number, number][] | null;
  /** The libraries' own codes of the input rows, each SAE on its tower, in its own indices. */
  codesImage: [number, number][][];
  codesText: [number, number][][];
}

export const interopManifest = JSON.parse(readFileSync(path.join(INTEROP_FIXTURES_DIR, 'manifest.json'), 'utf8')) as {
  dIn: number;
  /** Raw activation rows [2, dIn] the good cases' codes were computed for. */
  input: number[][];
  cases: InteropCase[];
  pairs: InteropPair[];
};

/** Reads `relativePath` ('/'-separated) under `dir`; null when it is missing. */
export function folderReader(dir: string): ReadFile {
  return async (relativePath) => {
    try {
      return new Uint8Array(await readFile(path.join(dir, ...relativePath.split('/'))));
    } catch {
      return null;
    }
  };
}

/** The widths of the embedded Emoji-CLIP, which the fixtures are made for. */
export const EMOJI_CLIP_WIDTHS = { id: 'emoji-clip', dImage: 128, dText: 128 } as const;
