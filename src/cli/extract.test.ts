/**
 * Pretraining at scale, end to end on the command line (docs/training.md): `lucid extract` on a small
 * folder, `torchrun` with 2 processes on CPU training from its shards, `lucid encode --dict` on the
 * result; tools/train/test_ddp.py, which checks that 2 processes train the weights of one; and
 * tools/train/test_word.py, the word supervision's loss and targets; and tools/emoji-clip/test_styles.py, the
 * encoder trainer's style restriction (--extra-style).
 * Needs Debian's python3-torch (+ libopenblas0-pthread), as .ci/run installs.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShardIndex } from '../pipeline/shards';
import type { ExtractProgress, ExtractResult } from './extract';

const REPO = path.resolve(__dirname, '../..');
const FOLDER = path.join(REPO, 'e2e/fixtures/train-folder');
const IMAGE = path.join(REPO, 'e2e/fixtures/images/cat.png');
// One torch thread per process: the machine's cores are shared with the other test files.
const ENV = { ...process.env, OMP_NUM_THREADS: '1' };
const run = (file: string, args: string[]) =>
  promisify(execFile)(file, args, { cwd: REPO, env: ENV, maxBuffer: 16 << 20 });
const lucid = (...args: string[]) => run(process.execPath, ['bin/lucid.mjs', ...args]);

/** The exit code and stderr of a command expected to fail. */
async function failure(promise: Promise<unknown>): Promise<{ code: number; stderr: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
  throw new Error('the command succeeded');
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'lucid-extract-'));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('lucid extract → torchrun lucid_train.py → lucid encode', () => {
  it('extracts a folder into shards, resumes without redoing them, trains on 2 processes and opens the result', async () => {
    const shards = path.join(scratch, 'shards');
    const first = await lucid('extract', '--images', FOLDER, '--out', shards, '--shard-pairs', '4', '--json');
    const result = JSON.parse(first.stdout) as ExtractResult;
    // 10 images, one truncated; cat, dog, more/car (sidecars) and 3 of captions.jsonl have captions.
    expect(result).toMatchObject({ shards: 3, pairs: 9, captioned: 6, kept: 0 });
    expect(first.stderr).toMatch(/skipped broken\.png: truncated PNG/);
    expect(first.stderr).toMatch(/^extract: 10\/10 images, [\d.]+ images\/s, \d+ shards written$/m);
    const index = JSON.parse(await readFile(path.join(shards, 'index.json'), 'utf8')) as ShardIndex;
    expect(index.shards.map((s) => s.count)).toEqual([4, 4, 1]);
    expect(index).toMatchObject({ encoder: 'emoji-clip', grid: [12, 12], dImage: 128, dText: 128 });

    const written = (await stat(path.join(shards, 'shard-00000.safetensors'))).mtimeMs;
    const again = await lucid('extract', '--images', FOLDER, '--out', shards, '--shard-pairs', '4', '--json');
    expect(again.stderr).toMatch(/3 shard\(s\) \(9 pairs\) already complete, kept/);
    expect(JSON.parse(again.stdout)).toMatchObject({ shards: 3, pairs: 9, kept: 9 });
    expect((await stat(path.join(shards, 'shard-00000.safetensors'))).mtimeMs).toBe(written);
    const progress = JSON.parse(await readFile(path.join(shards, 'extract.json'), 'utf8')) as ExtractProgress;
    expect(progress.complete).toBe(true);
    expect(progress.unreadable.map((u) => u.image)).toEqual(['broken.png']);

    const dict = path.join(scratch, 'dict');
    // --redirects/--tee: Debian's torchrun (PyTorch 1.13 on Python 3.11) fails on their default (docs/training.md).
    const torchrun = ['--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1'];
    const train = await run('torchrun', [
      ...torchrun,
      '--log_dir',
      path.join(scratch, 'torchrun-logs'),
      'tools/train/lucid_train.py',
      '--shards',
      shards,
      '--out',
      dict,
      '--steps',
      '4',
      '--pairs',
      '8',
      '--contrast-group',
      '4',
      '--shared',
      '64',
      '--image-private',
      '16',
      '--text-private',
      '16',
      '--k',
      '8',
      '--align-k',
      '8',
      '--threads',
      '1',
    ]);
    expect(train.stdout).toContain(`wrote ${dict}/lucid.safetensors`);
    const config = JSON.parse(await readFile(path.join(dict, 'lucid.config.json'), 'utf8')) as {
      about: { processes: number; steps: number };
    };
    expect(config.about).toMatchObject({ processes: 2, steps: 4 });

    const { stdout } = await lucid('encode', IMAGE, '--dict', dict, '--json', '--top', '3');
    const encoded = JSON.parse(stdout) as { latents: { id: number }[] };
    expect(encoded.latents).toHaveLength(3);
    expect(encoded.latents.every((l) => l.id < 96)).toBe(true);
  }, 150_000);

  it('names the folder when it is empty and refuses an --out that holds another folder’s shards', async () => {
    const empty = path.join(scratch, 'empty');
    await mkdir(empty);
    const none = await failure(lucid('extract', '--images', empty, '--out', path.join(scratch, 'none')));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`lucid: ${empty}: the folder is empty`);

    const shards = path.join(scratch, 'other');
    await lucid('extract', '--images', path.join(REPO, 'e2e/fixtures/images'), '--out', shards);
    const mixed = await failure(lucid('extract', '--images', FOLDER, '--out', shards));
    expect(mixed.stderr).toMatch(/holds shards of folder .*fixtures\/images, not .*train-folder/);
  }, 60_000);

  it('tools/train/test_ddp.py: streamed = in memory bit for bit, 2 processes = 1 within tolerance, resume', async () => {
    const { stdout } = await run('/usr/bin/python3', ['tools/train/test_ddp.py']);
    expect(stdout).toContain('all passed');
  }, 150_000);

  it('tools/train/test_word.py: word supervision pools by the max, reaches latents below zero, skips unmarked tokens', async () => {
    const { stdout } = await run('/usr/bin/python3', ['tools/train/test_word.py']);
    expect(stdout).toContain('all passed');
  }, 60_000);

  it('tools/emoji-clip/test_styles.py: a training style limited to the fit emoji is never drawn for the others', async () => {
    const { stdout } = await run('/usr/bin/python3', ['tools/emoji-clip/test_styles.py']);
    expect(stdout).toMatch(/^ok: /m);
  }, 60_000);
});
