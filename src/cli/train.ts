import { open, readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeRng } from '../lucid/random';
import { createTrainer } from '../lucid/trainer';
import { saveLucid } from '../lucid/weightsIO';
import { type TrainExample, assembleBatch, hasCaption } from '../training/batching';
import { parseCaptionsCsv, parseCaptionsJsonl, stem } from '../pipeline/folderContents';
import { HEADER_PROBE_BYTES, checkImageBytes } from '../pipeline/imageHeader';
import { decodeImage } from '../clip/encoder';
import { DICTIONARY_FILES } from '../explain/dictionary';
import { type Context, CliError } from './context';

/** An image file of a folder and its caption, if any. */
export interface FolderItem {
  file: string;
  caption: string | null;
}

/**
 * The images of a folder, recursively, recognised by content (not extension), with captions from a
 * sidecar `name.txt`, `captions.jsonl` or `captions.csv`. Non-images and caption-file problems are
 * returned as messages; they never stop the rest.
 */
export async function readImageFolder(root: string): Promise<{ items: FolderItem[]; skipped: string[] }> {
  const files: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      throw new CliError(`cannot read folder ${dir}`);
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push(full);
    }
  }
  await walk(root);
  if (files.length === 0) throw new CliError(`${root}: the folder is empty`);
  const skipped: string[] = [];
  const captions = new Map<string, string>();
  for (const file of files) {
    const name = path.basename(file).toLowerCase();
    if (name === 'captions.jsonl' || name === 'captions.csv') {
      const parsed = (name.endsWith('jsonl') ? parseCaptionsJsonl : parseCaptionsCsv)(await readFile(file, 'utf8'));
      parsed.captions.forEach((caption, key) => captions.set(key, caption));
      skipped.push(...parsed.problems);
    }
  }
  const sidecars = new Map(files.filter((f) => f.toLowerCase().endsWith('.txt')).map((f) => [stem(f), f]));
  const items: FolderItem[] = [];
  for (const file of files.sort()) {
    if (/\.(txt|jsonl|csv)$/i.test(file)) continue;
    // The header only, as the Train tab does (src/training/folderPlan.ts); decoding finds the rest.
    const check = checkImageBytes(await readHead(file), false);
    if (!check.ok) {
      skipped.push(`${path.relative(root, file)}: ${check.problem}`);
      continue;
    }
    const sidecar = sidecars.get(stem(file));
    const caption = captions.get(path.basename(file)) ?? (sidecar ? (await readFile(sidecar, 'utf8')).trim() : null);
    items.push({ file, caption: caption || null });
  }
  return { items, skipped };
}

/** The first HEADER_PROBE_BYTES of a file (all of it when shorter). */
async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file);
  try {
    const buffer = new Uint8Array(HEADER_PROBE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_PROBE_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * `lucid train --images <folder> [--steps N] --out <folder>`: fine-tunes the loaded dictionary on a
 * folder (captioned pairs align through GCMT; images without captions train reconstruction only).
 */
export async function trainCommand(
  context: Context,
  options: { images: string; steps: number; out: string; batch?: number },
  log: (line: string) => void,
) {
  const { items, skipped } = await readImageFolder(options.images);
  for (const line of skipped) log(`skipped ${line}`);
  if (items.length === 0)
    throw new CliError(`${options.images}: no images in the folder (see the skipped files above)`);
  const { dictionary, encoder } = context;
  const { norm, model } = dictionary;
  const examples: TrainExample[] = [];
  for (const item of items) {
    const relative = path.relative(options.images, item.file);
    try {
      const image = await encoder.encodeImage(
        await decodeImage(new Blob([new Uint8Array(await readFile(item.file))]), path.basename(item.file)),
      );
      const text = item.caption ? await encoder.encodeText(item.caption) : undefined;
      examples.push({ path: relative, patches: image.patches, tokens: text?.hidden, contentMask: text?.contentMask });
    } catch (error) {
      log(`skipped ${relative}: ${(error as Error).message}`);
    }
    if (examples.length > 0 && examples.length % 50 === 0) log(`encoded ${examples.length}/${items.length} images`);
  }
  if (examples.length === 0) throw new CliError('no image in the folder could be read');
  const captioned = examples.filter(hasCaption);
  log(`${examples.length} images, ${captioned.length} with captions`);
  const trainer = createTrainer(model);
  const rng = makeRng(1);
  const batchSize = options.batch ?? 16;
  const grid = encoder.info.grid;
  for (let step = 0; step < options.steps; step++) {
    // Captioned pairs when there are at least two (the contrast needs mismatched pairs), else images only.
    const pool = captioned.length >= 2 ? captioned : examples;
    const indices = Array.from({ length: Math.min(batchSize, pool.length) }, () => Math.floor(rng() * pool.length));
    trainer.step(assembleBatch(pool, { indices, withCaptions: captioned.length >= 2 }, grid, norm));
    if (step % 20 === 0 || step === options.steps - 1) {
      const losses = await trainer.readLosses();
      log(`step ${step + 1}/${options.steps} loss ${losses.total.toFixed(4)} fvu image ${losses.fvuImage.toFixed(4)}`);
    }
  }
  trainer.dispose();
  const saved = await saveLucid(model, norm, { encoder: encoder.info.id, fineTunedOn: path.basename(options.images) });
  await mkdir(options.out, { recursive: true });
  await writeFile(path.join(options.out, DICTIONARY_FILES.weights), saved.weights);
  await writeFile(path.join(options.out, DICTIONARY_FILES.config), JSON.stringify(saved.config, null, 2) + '\n');
  return { out: options.out, images: examples.length, captioned: captioned.length, steps: options.steps };
}
