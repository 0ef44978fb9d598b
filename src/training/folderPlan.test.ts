import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FolderFile, activationKey, captionMode, planFolder } from './folderPlan';
import { readFolderFiles } from './testing/folderFiles';

const FIXTURE = path.resolve(__dirname, '../../e2e/fixtures/train-folder');

function file(path: string, content: string | Uint8Array): FolderFile {
  return { path, file: new Blob([content as BlobPart]) };
}

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0);

describe('folder plan', () => {
  it('finds images by signature, pairs captions from sidecars and captions.jsonl, and names what it skips', async () => {
    const plan = await planFolder(await readFolderFiles(FIXTURE), 'emoji-clip');
    const byPath = new Map(plan.images.map((image) => [image.path, image.caption]));
    expect(byPath.get('dog.png')).toBe('a dog face');
    expect(byPath.get('pizza.png')).toBe('a pizza');
    expect(byPath.get('more/car.png')).toBe('a car');
    expect(byPath.get('cat_twemoji.png')).toBeNull();
    // The corrupt PNG has a valid signature: it is planned, and rejected when it fails to decode.
    expect(byPath.has('broken.png')).toBe(true);
    expect(plan.skipped.some((line) => line.startsWith('README.md'))).toBe(true);
  });

  it('recognises an image without an extension and ignores a misnamed text file', async () => {
    const plan = await planFolder([file('photo', PNG), file('fake.png', 'hello')], 'm');
    expect(plan.images.map((image) => image.path)).toEqual(['photo']);
    expect(plan.skipped).toEqual(['fake.png: not an image: it starts like text']);
  });

  it('prefers a sidecar to captions.jsonl, and keeps sidecars in their own folder', async () => {
    const plan = await planFolder(
      [
        file('a/dog.png', PNG),
        file('a/dog.txt', ' a sidecar dog \n'),
        file('b/dog.png', PNG),
        file('captions.jsonl', '{"file": "dog.png", "caption": "a listed dog"}\nnot json\n'),
      ],
      'm',
    );
    expect(plan.images.map((image) => image.caption)).toEqual(['a sidecar dog', 'a listed dog']);
    expect(plan.skipped).toEqual(['captions.jsonl: captions.jsonl line 2: not valid JSON']);
  });

  it('keys activations by encoder, file and caption', () => {
    const image = { path: 'a.png', size: 10, lastModified: 5 };
    expect(activationKey('m', image, 'x')).not.toBe(activationKey('m', image, 'y'));
    expect(activationKey('m', image, null)).not.toBe(activationKey('n', image, null));
    expect(activationKey('m', image, null)).toBe(activationKey('m', { ...image }, null));
  });

  it('says how captions will be used', () => {
    expect(captionMode(0, 5)).toBe('images-only');
    expect(captionMode(1, 5)).toBe('images-only');
    expect(captionMode(3, 5)).toBe('mixed');
    expect(captionMode(5, 5)).toBe('pairs');
  });
});
