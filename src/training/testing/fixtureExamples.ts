import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ClipEncoder, decodeImage } from '../../clip/encoder';
import type { RelabelExample } from '../relabel';

/** The explorer's image fixtures (e2e/fixtures/images, with captions in fixtures.json). */
const FIXTURES = fileURLToPath(new URL('../../../e2e/fixtures/images', import.meta.url));

/**
 * Every fixture image encoded as a run's example, with its caption's token activations; the files
 * in `uncaptioned` are left without caption (a folder where only some images have one).
 */
export async function loadFixtureExamples(
  encoder: ClipEncoder,
  uncaptioned: readonly string[] = [],
): Promise<RelabelExample[]> {
  const fixtures = JSON.parse(await readFile(path.join(FIXTURES, 'fixtures.json'), 'utf8')) as Record<
    'singles' | 'scenes',
    { file: string; caption: string }[]
  >;
  const out: RelabelExample[] = [];
  for (const { file, caption } of [...fixtures.singles, ...fixtures.scenes]) {
    const image = await encoder.encodeImage(
      await decodeImage(new Blob([await readFile(path.join(FIXTURES, file))]), file),
    );
    if (uncaptioned.includes(file)) {
      out.push({ path: file, patches: image.patches });
      continue;
    }
    const text = await encoder.encodeText(caption);
    out.push({ path: file, patches: image.patches, tokens: text.hidden, contentMask: text.contentMask, caption });
  }
  return out;
}
