/**
 * `lucid extract --images <folder> --out <dir>`: the encoder's activations of a folder of images (with
 * optional captions) as activation shards (src/pipeline/shards.ts), the input of
 * `tools/train/lucid_train.py --shards <dir>` (docs/training.md, "Pretraining at scale").
 *
 * Captions follow `lucid train` and the Train tab (readImageFolder): a sidecar `name.txt`, or a line of
 * `captions.jsonl` / `captions.csv`. An image without a caption is a pair with an empty caption
 * (tokenMask all 0): it trains image reconstruction only.
 *
 * Resumable: `<out>/extract.json` lists each complete shard with the images in it (and the images that
 * could not be read); a re-run keeps those shards, skips those images and encodes the rest, so an
 * interrupted run continues and images added to the folder later are appended in new shards.
 */
import { open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RawImage } from '@huggingface/transformers';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { type ClipEncoder, decodeImage, encodeTextFitting, loadClipEncoder } from '../clip/encoder';
import { configureClipForNode } from '../clip/nodeEnvironment';
import { type ShardIndex, createShardWriter } from '../pipeline/shards';
import { CliError } from './context';
import { type FolderItem, readImageFolder } from './train';

export const EXTRACT_PROGRESS_FILE = 'extract.json';
const PROGRESS_FORMAT = 'lucid-extract';
export const DEFAULT_SHARD_PAIRS = 1000;
export const DEFAULT_EXTRACT_BATCH = 16;

/** `<out>/extract.json`: what is already extracted, so that a re-run skips it. */
export interface ExtractProgress {
  format: typeof PROGRESS_FORMAT;
  version: 1;
  /** The images folder, absolute. */
  folder: string;
  encoder: string;
  pairsPerShard: number;
  /** Complete shards, each with its images (relative to `folder`) in row order. */
  shards: { file: string; count: number; images: string[] }[];
  /** Images that could not be decoded, with the reason. */
  unreadable: { image: string; problem: string }[];
  /** True once every image of the folder is in a shard or in `unreadable`. */
  complete: boolean;
}

export interface ExtractOptions {
  images: string;
  out: string;
  pairsPerShard?: number;
  /** Images decoded together (file reads and decoding overlap; the towers run one input at a time). */
  batchSize?: number;
}

export interface ExtractResult {
  out: string;
  shards: number;
  pairs: number;
  captioned: number;
  /** Pairs found in shards of an earlier run and kept. */
  kept: number;
  skipped: string[];
}

/** The CLIP encoder alone (no dictionary): `--model <folder>` or the embedded one, as loadContext. */
export async function loadEncoderOnly(model?: string): Promise<ClipEncoder> {
  if (!model) {
    configureClipForNode();
    return loadClipEncoder(EMBEDDED_MODEL_ID);
  }
  const folder = path.resolve(model);
  configureClipForNode({ modelsDir: path.dirname(folder) });
  return loadClipEncoder(path.basename(folder));
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(value, null, 1) + '\n');
  await rename(`${file}.tmp`, file);
}

/**
 * Whether a shard file is whole: its safetensors header parses, holds `count` pairs, and the file is as
 * long as the header says (a run killed while writing leaves a short file).
 */
async function shardIsComplete(file: string, count: number): Promise<boolean> {
  try {
    const handle = await open(file);
    try {
      const head = new Uint8Array(8);
      await handle.read(head, 0, 8, 0);
      const length = Number(new DataView(head.buffer).getBigUint64(0, true));
      const text = new Uint8Array(length);
      await handle.read(text, 0, length, 8);
      const header = JSON.parse(new TextDecoder().decode(text)) as Record<
        string,
        { shape?: number[]; data_offsets?: [number, number] }
      >;
      const end = Math.max(...Object.values(header).map((t) => t.data_offsets?.[1] ?? 0));
      return header.patches?.shape?.[0] === count && (await stat(file)).size === 8 + length + end;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/**
 * The earlier run's progress in `out`, with only the shards still whole on disk (later ones are
 * dropped, so the writer numbers new shards after the last good one); null when there is none.
 * Refuses an `out` that holds another folder's, encoder's or shard size's shards.
 */
async function readProgress(out: string, expected: Omit<ExtractProgress, 'shards' | 'unreadable' | 'complete'>) {
  const file = path.join(out, EXTRACT_PROGRESS_FILE);
  let progress: ExtractProgress;
  try {
    progress = JSON.parse(await readFile(file, 'utf8')) as ExtractProgress;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`${file}: not valid JSON; remove it to extract again from the start`);
  }
  if (progress.format !== PROGRESS_FORMAT) throw new CliError(`${file}: not a lucid extract progress file`);
  for (const key of ['folder', 'encoder', 'pairsPerShard'] as const) {
    if (progress[key] !== expected[key]) {
      throw new CliError(
        `${out} holds shards of ${key} ${String(progress[key])}, not ${String(expected[key])}: ` +
          'choose another --out, or remove it to start again',
      );
    }
  }
  const whole: ExtractProgress['shards'] = [];
  for (const shard of progress.shards) {
    if (!(await shardIsComplete(path.join(out, shard.file), shard.count))) break;
    whole.push(shard);
  }
  return { ...progress, shards: whole };
}

/** One image's decoded pixels, or the problem (naming the file) that stopped it. */
async function decodeItem(item: FolderItem, name: string): Promise<RawImage | Error> {
  try {
    return await decodeImage(new Blob([new Uint8Array(await readFile(item.file))]), name);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export async function extractCommand(
  encoder: ClipEncoder,
  options: ExtractOptions,
  log: (line: string) => void,
): Promise<ExtractResult> {
  const pairsPerShard = options.pairsPerShard ?? DEFAULT_SHARD_PAIRS;
  const batchSize = options.batchSize ?? DEFAULT_EXTRACT_BATCH;
  if (!(pairsPerShard >= 1) || !(batchSize >= 1)) throw new CliError('--shard-pairs and --batch-size must be ≥ 1', 2);
  const folder = path.resolve(options.images);
  const { items, skipped } = await readImageFolder(options.images);
  for (const line of skipped) log(`skipped ${line}`);
  if (items.length === 0)
    throw new CliError(`${options.images}: no images in the folder (see the skipped files above)`);

  const expected = { format: PROGRESS_FORMAT, version: 1, folder, encoder: encoder.info.id, pairsPerShard } as const;
  const earlier = await readProgress(options.out, expected);
  const progress: ExtractProgress = {
    ...expected,
    shards: earlier?.shards ?? [],
    unreadable: earlier?.unreadable ?? [],
    complete: false,
  };
  const done = new Set([...progress.shards.flatMap((s) => s.images), ...progress.unreadable.map((u) => u.image)]);
  const relative = (item: FolderItem) => path.relative(folder, path.resolve(item.file));
  const todo = items.filter((item) => !done.has(relative(item)));
  const kept = progress.shards.reduce((n, s) => n + s.count, 0);
  if (earlier) log(`${options.out}: ${progress.shards.length} shard(s) (${kept} pairs) already complete, kept`);
  const inShards = new Set(progress.shards.flatMap((s) => s.images));
  const captionedBefore = items.filter((item) => item.caption && inShards.has(relative(item))).length;

  // Images added since the last shard, in row order; a shard takes its first `count` when written.
  let pendingImages: string[] = [];
  const writer = createShardWriter(
    options.out,
    {
      encoder: encoder.info.id,
      grid: encoder.info.grid,
      dImage: encoder.info.dImage,
      dText: encoder.info.dText,
      length: encoder.info.maxTextTokens,
    },
    pairsPerShard,
    {
      existing: progress.shards.map(({ file, count }) => ({ file, count })),
      async afterShard(index: ShardIndex) {
        const shard = index.shards[index.shards.length - 1];
        progress.shards.push({ ...shard, images: pendingImages.slice(0, shard.count) });
        pendingImages = pendingImages.slice(shard.count);
        // index.json first: a run stopped now leaves shards the trainer can already read.
        await writeJsonAtomically(path.join(options.out, 'index.json'), index);
        await writeJsonAtomically(path.join(options.out, EXTRACT_PROGRESS_FILE), progress);
      },
    },
  );

  const start = Date.now();
  let encoded = 0;
  let captioned = 0;
  for (let first = 0; first < todo.length; first += batchSize) {
    const batch = todo.slice(first, first + batchSize);
    const decoded = await Promise.all(batch.map((item) => decodeItem(item, relative(item))));
    for (const [i, item] of batch.entries()) {
      const name = relative(item);
      try {
        const image = decoded[i];
        if (image instanceof Error) throw image;
        const activations = await encoder.encodeImage(image);
        const text = item.caption ? await encodeTextFitting(encoder, item.caption) : null;
        pendingImages.push(name);
        await writer.add(
          activations.patches,
          text?.hidden ?? new Float32Array(0),
          text?.contentMask ?? new Uint8Array(0),
        );
        encoded++;
        if (text) captioned++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // decodeImage's messages start with the file's name already.
        const problem = message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
        log(`skipped ${name}: ${problem}`);
        progress.unreadable.push({ image: name, problem });
      }
    }
    const seconds = (Date.now() - start) / 1000;
    log(
      `extract: ${Math.min(first + batchSize, todo.length)}/${todo.length} images, ` +
        `${(encoded / Math.max(seconds, 1e-3)).toFixed(1)} images/s, ${progress.shards.length} shards written`,
    );
  }
  const total = kept + encoded;
  if (total === 0)
    throw new CliError(`${options.images}: none of the images could be read (see the skipped files above)`);
  const index = await writer.finish();
  progress.complete = true;
  await writeJsonAtomically(path.join(options.out, EXTRACT_PROGRESS_FILE), progress);
  if (captioned + captionedBefore === 0) {
    log('note: no image has a caption; lucid_train.py needs captions for the text tower statistics');
  }
  return {
    out: options.out,
    shards: index.shards.length,
    pairs: total,
    captioned: captioned + captionedBefore,
    kept,
    skipped: [...skipped, ...progress.unreadable.map((u) => `${u.image}: ${u.problem}`)],
  };
}
