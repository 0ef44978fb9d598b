/**
 * A chosen folder's files → the images to train on and their captions (browser or Node: only Blob).
 * Mirrors `readImageFolder` of `src/cli/train.ts`: images by content signature, not extension;
 * captions from a sidecar `name.txt` beside the image, or `captions.jsonl` / `captions.csv` anywhere
 * in the folder (a sidecar wins over a caption file, as it is the more specific of the two).
 */
import { parseCaptionsCsv, parseCaptionsJsonl, stem } from '../pipeline/folderContents';
import { HEADER_PROBE_BYTES, checkImageBytes } from '../pipeline/imageHeader';

/** A file of the folder with its path relative to the chosen folder ("pets/dog.png"). */
export interface FolderFile {
  path: string;
  file: Blob & { size: number; lastModified?: number };
}

/** An image to train on. */
export interface PlannedImage {
  path: string;
  file: FolderFile['file'];
  caption: string | null;
  /** Identifies the image's activations in the cache (same file, same caption, same encoder). */
  cacheKey: string;
}

export interface FolderPlan {
  images: PlannedImage[];
  /** One line per file that is not used, and per rejected caption line. */
  skipped: string[];
}

function withoutExtension(path: string): string {
  const slash = path.lastIndexOf('/');
  return path.slice(0, slash + 1) + stem(path);
}

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

/** Cache key of an image's activations. */
export function activationKey(
  encoderId: string,
  image: { path: string; size: number; lastModified?: number },
  caption: string | null,
): string {
  return JSON.stringify([encoderId, image.path, image.size, image.lastModified ?? 0, caption ?? '']);
}

/**
 * Reads headers and caption files (only the first 64 kB of each file are read here; pixels are
 * decoded later, one image at a time, in the training worker). A file that is not an image, or one
 * whose header already shows it cannot be used (empty, SVG, larger than the size limit), is listed
 * in `skipped` with the reason.
 */
export async function planFolder(files: readonly FolderFile[], encoderId: string): Promise<FolderPlan> {
  const skipped: string[] = [];
  const fileCaptions = new Map<string, string>();
  const sidecars = new Map<string, FolderFile>();
  for (const entry of files) {
    const name = baseName(entry.path).toLowerCase();
    if (name === 'captions.jsonl' || name === 'captions.csv') {
      const parsed = (name.endsWith('jsonl') ? parseCaptionsJsonl : parseCaptionsCsv)(await entry.file.text());
      parsed.captions.forEach((caption, key) => fileCaptions.set(key, caption));
      skipped.push(...parsed.problems.map((problem) => `${entry.path}: ${problem}`));
    } else if (name.endsWith('.txt')) {
      sidecars.set(withoutExtension(entry.path), entry);
    }
  }
  const images: PlannedImage[] = [];
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of sorted) {
    if (/\.(txt|jsonl|csv)$/i.test(entry.path)) continue;
    // The header only (truncation and corrupt data are found when the image is decoded, by name too).
    const check = checkImageBytes(new Uint8Array(await entry.file.slice(0, HEADER_PROBE_BYTES).arrayBuffer()), false);
    if (!check.ok) {
      skipped.push(`${entry.path}: ${check.problem}`);
      continue;
    }
    const sidecar = sidecars.get(withoutExtension(entry.path));
    const text = sidecar ? (await sidecar.file.text()).trim() : fileCaptions.get(baseName(entry.path));
    const caption = text ? text : null;
    images.push({
      path: entry.path,
      file: entry.file,
      caption,
      cacheKey: activationKey(
        encoderId,
        { path: entry.path, size: entry.file.size, lastModified: entry.file.lastModified },
        caption,
      ),
    });
  }
  return { images, skipped };
}

/** How the run will use captions, as the UI states it. */
export type CaptionMode = 'pairs' | 'mixed' | 'images-only';

export function captionMode(captioned: number, total: number): CaptionMode {
  if (captioned < 2) return 'images-only';
  return captioned === total ? 'pairs' : 'mixed';
}
