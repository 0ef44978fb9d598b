/**
 * Walks the bad-input corpus (e2e/fixtures/bad/manifest.json, made by tools/bad-corpus/make.py) through
 * the code `lucid` runs: `encode` on every image in one batch, `--dict` on every dictionary case, the
 * folder reader of `lucid train` and the Train tab's planner on every folder. Each bad input must give
 * its message, and the good inputs beside it must still work. The browser twin is e2e/badInput.spec.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeDictionary } from '../explain/dictionary';
import { BAD_CORPUS_DIR, badCases, casesOfKind, folderOfCase, isBad } from '../pipeline/testing/badCorpus';
import { planFolder } from '../training/folderPlan';
import { encodeCommand, encodeMany } from './commands';
import { type Context, DEFAULT_DICTIONARY_DIR, loadContext, readDictionary, readImage } from './context';
import { readImageFolder, trainCommand } from './train';
import { readFolderFiles } from '../training/testing/folderFiles';

const REPO = path.resolve(__dirname, '../..');
const BAD = BAD_CORPUS_DIR;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function expectEachMatched(lines: string[], patterns: string[] = []): void {
  for (const pattern of patterns)
    expect(
      lines.some((line) => new RegExp(pattern).test(line)),
      pattern,
    ).toBe(true);
}

let context: Context;
let scratch: string;
beforeAll(async () => {
  context = await loadContext({});
  scratch = await mkdtemp(path.join(os.tmpdir(), 'lucid-bad-'));
}, 120_000);
afterAll(async () => {
  await context?.encoder.dispose();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the bad-input corpus', () => {
  it('holds at least 20 cases of every kind the issue lists', () => {
    expect(badCases.length).toBeGreaterThanOrEqual(20);
    expect(casesOfKind('image').filter(isBad).length).toBeGreaterThanOrEqual(8);
    expect(casesOfKind('dictionary').filter(isBad).length).toBeGreaterThanOrEqual(6);
    expect(casesOfKind('folder').length).toBeGreaterThanOrEqual(3);
  });
});

describe('lucid encode on every image of the corpus, in one batch', () => {
  it('names each bad file and its problem, and encodes every good one', async () => {
    const cases = casesOfKind('image');
    const results = await collect(
      encodeMany(
        context,
        cases.map((c) => path.join(BAD, c.path)),
        5,
      ),
    );
    expect(results).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      const result = results[i];
      if (isBad(c)) {
        expect('error' in result ? result.error : 'encoded', c.path).toMatch(new RegExp(c.expect));
      } else {
        expect('latents' in result ? result.latents.length : result.error, c.path).toBe(5);
      }
    });
  }, 120_000);

  it('gives the good image the same concepts alone as among the bad ones', async () => {
    const good = path.join(BAD, 'images/good.png');
    const alone = await encodeCommand(context, good, 5);
    const batch = await collect(encodeMany(context, [path.join(BAD, 'images/truncated.png'), good], 5));
    expect(batch[1]).toEqual(alone);
  });

  it('shows images upright (EXIF), takes an animated GIF’s first frame, converts CMYK', async () => {
    for (const c of casesOfKind('image').filter((c) => c.width !== undefined)) {
      const image = await readImage(path.join(BAD, c.path));
      expect([image.width, image.height], c.path).toEqual([c.width, c.height]);
    }
    // Stored 96×48 with its left half red; orientation 6 turns it 90° clockwise: the red half is on top.
    const upright = (await readImage(path.join(BAD, 'images/exif-rotated.jpg'))).rgb();
    const pixel = (x: number, y: number) => Array.from(upright.data.slice((y * 48 + x) * 3, (y * 48 + x) * 3 + 3));
    expect(pixel(24, 10)[0] - pixel(24, 10)[1]).toBeGreaterThan(100);
    expect(pixel(24, 85)[0] - pixel(24, 85)[1]).toBeLessThan(30);
    const gif = casesOfKind('image').find((c) => c.firstFrame)!;
    const [animated, first] = await Promise.all(
      [gif.path, gif.firstFrame!].map(async (file) => (await readImage(path.join(BAD, file))).rgb().data),
    );
    expect(Array.from(animated)).toEqual(Array.from(first));
    const cmyk = (await readImage(path.join(BAD, 'images/cmyk.jpg'))).rgb();
    const good = (await readImage(path.join(BAD, 'images/good.png'))).rgb();
    const difference =
      Array.from(cmyk.data).reduce((sum, v, i) => sum + Math.abs(v - good.data[i]), 0) / cmyk.data.length;
    expect(difference).toBeLessThan(12);
  });

  it('prints one line per bad file on stderr, the good file’s result on stdout, and exits 1', async () => {
    const files = ['images/good.png', 'images/text.png', 'images/huge-12000x12000.png'].map((f) => path.join(BAD, f));
    const run = promisify(execFile)(process.execPath, ['bin/lucid.mjs', 'encode', ...files, '--json', '--top', '3'], {
      cwd: REPO,
    });
    const failure = (await run.then(
      () => null,
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string } | null;
    expect(failure?.code).toBe(1);
    const lines = failure!.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0].latents).toHaveLength(3);
    expect(failure!.stderr.trim().split('\n')).toEqual([
      'lucid: text.png: not an image: it starts like text',
      'lucid: huge-12000x12000.png: 12000×12000 is larger than the 8192×8192 limit',
    ]);
  }, 120_000);
});

describe('lucid --dict on every dictionary of the corpus', () => {
  for (const c of casesOfKind('dictionary')) {
    it(`${path.basename(c.path)}: ${c.about}`, async () => {
      const load = readDictionary(path.join(BAD, c.path), context.encoder.info);
      if (isBad(c)) {
        await expect(load).rejects.toThrow(new RegExp(c.expect));
      } else {
        const dictionary = await load;
        expect(dictionary.model.config.dImage).toBe(128);
        disposeDictionary(dictionary);
      }
    });
  }

  it('leaves no tensors behind and the loaded dictionary as it was', async () => {
    const good = path.join(BAD, 'images/good.png');
    const before = await encodeCommand(context, good, 10);
    const tensors = tf.memory().numTensors;
    for (const c of casesOfKind('dictionary').filter(isBad)) {
      await readDictionary(path.join(BAD, c.path), context.encoder.info).catch(() => null);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(await encodeCommand(context, good, 10)).toEqual(before);
  });

  it('exits 1 with the message on one line', async () => {
    const dict = path.join(BAD, 'dictionaries/nan-weights');
    const failure = (await promisify(execFile)(
      process.execPath,
      ['bin/lucid.mjs', 'neurons', 'a dog', '--dict', dict],
      { cwd: REPO },
    ).then(
      () => null,
      (error: unknown) => error,
    )) as { code: number; stderr: string } | null;
    expect(failure?.code).toBe(1);
    expect(failure!.stderr.trim()).toMatch(/^lucid: lucid\.safetensors: tensor image\.W_dec holds NaN at index 133/);
    expect(failure!.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);
});

describe('folders: lucid train’s reader and the Train tab’s planner', () => {
  for (const c of casesOfKind('folder')) {
    it(`${path.basename(c.path)}: ${c.about}`, async () => {
      const root = await folderOfCase(c, scratch);
      const started = performance.now();
      if (c.images === 0) {
        await expect(readImageFolder(root)).rejects.toThrow(/the folder is empty/);
        expect((await planFolder(await readFolderFiles(root), 'emoji-clip')).images).toEqual([]);
        return;
      }
      const { items, skipped } = await readImageFolder(root);
      const plan = await planFolder(await readFolderFiles(root), 'emoji-clip');
      expect(performance.now() - started).toBeLessThan(20_000);
      for (const [images, captions, lines] of [
        [items.map((i) => path.relative(root, i.file)), items.map((i) => i.caption), skipped],
        [plan.images.map((i) => i.path), plan.images.map((i) => i.caption), plan.skipped],
      ] as const) {
        expect(images).toHaveLength(c.images!);
        expect(captions.filter(Boolean)).toHaveLength(c.captioned ?? 0);
        expectEachMatched([...lines], c.skipped);
        expect(lines).toHaveLength(c.skipped?.length ?? 0);
        for (const [file, caption] of Object.entries(c.captions ?? {})) {
          // Captions are text: HTML and script are kept as they are, for the tokenizer, never parsed.
          expect(captions[images.indexOf(file)]).toBe(caption);
        }
      }
    }, 60_000);
  }

  it('trains on the good images of the mixed folder and lists the others with their reasons', async () => {
    // A copy of the shipped dictionary: training changes it in place.
    const dictionary = await readDictionary(DEFAULT_DICTIONARY_DIR, context.encoder.info);
    const out = path.join(scratch, 'trained');
    const log: string[] = [];
    try {
      const result = await trainCommand(
        { encoder: context.encoder, dictionary },
        { images: path.join(BAD, 'folders/mixed'), steps: 1, out, batch: 2 },
        (line) => log.push(line),
      );
      expect(result.images).toBe(2);
      const mixed = casesOfKind('folder').find((c) => c.path === 'folders/mixed')!;
      expectEachMatched(log, mixed.skipped);
      expect(await readdir(out)).toContain('lucid.safetensors');
    } finally {
      disposeDictionary(dictionary);
    }
  }, 120_000);
});
