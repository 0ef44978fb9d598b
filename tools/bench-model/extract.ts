/**
 * Activation shards of a benchmark model (tools/bench-model/make_model.py) for `npm run bench:scale`:
 * the same loader and shard writer as tools/lucid/extract.ts (src/clip on onnxruntime-node,
 * src/pipeline/shards.ts), on `pairs` synthetic image–caption pairs: seeded random pixels
 * (uniform RGB bytes, normalised with the model's preprocessor statistics) and captions of 6–14
 * words drawn from the tokenizer's whole-word vocabulary. The weights are random, so real images
 * would not make the activations any more realistic; they only have the model's shapes and cost.
 *
 * Usage: npx tsx tools/bench-model/extract.ts <models dir> <model id> <out dir> [pairs (200)] [pairs per shard (1000)]
 * Prints one JSON line: { pairs, seconds, secondsPerPair }.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeTextFitting, loadClipEncoder } from '../../src/clip/encoder';
import { configureClipForNode } from '../../src/clip/nodeEnvironment';
import { makeRng } from '../../src/lucid/random';
import { toPixelValues } from '../../src/pipeline/pairsDataset';
import { createShardWriter } from '../../src/pipeline/shards';

const [modelsDir, id, outDir, pairsArg, perShardArg] = process.argv.slice(2);
if (!modelsDir || !id || !outDir) {
  console.error('usage: extract.ts <models dir> <model id> <out dir> [pairs] [pairs per shard]');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 200);
configureClipForNode({ modelsDir: path.resolve(modelsDir) });
const encoder = await loadClipEncoder(id);
const folder = path.join(modelsDir, id);
const preprocessor = JSON.parse(await readFile(path.join(folder, 'preprocessor_config.json'), 'utf8')) as {
  image_mean: number[];
  image_std: number[];
};
const tokenizer = JSON.parse(await readFile(path.join(folder, 'tokenizer.json'), 'utf8')) as {
  model: { vocab: Record<string, number> };
};
// Whole words only (no "##" continuation pieces, no [SPECIAL] tokens, letters only).
const words = Object.keys(tokenizer.model.vocab).filter((word) => /^[a-z]+$/.test(word));
const random = makeRng(7);
const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
const size = encoder.info.imageSize;
const writer = createShardWriter(
  outDir,
  {
    encoder: id,
    grid: encoder.info.grid,
    dImage: encoder.info.dImage,
    dText: encoder.info.dText,
    length: encoder.info.maxTextTokens,
  },
  Number(perShardArg ?? 1000),
);
const started = Date.now();
for (let i = 0; i < pairs; i++) {
  const rgb = Uint8Array.from({ length: size * size * 3 }, () => Math.floor(random() * 256));
  const image = await encoder.encodePixels(toPixelValues(rgb, size, preprocessor.image_mean, preprocessor.image_std));
  const caption = Array.from({ length: 6 + Math.floor(random() * 9) }, () => pick(words)).join(' ');
  const text = await encodeTextFitting(encoder, caption);
  await writer.add(image.patches, text.hidden, text.contentMask);
  if ((i + 1) % 50 === 0) console.error(`${i + 1}/${pairs} pairs, ${((Date.now() - started) / (i + 1)).toFixed(0)} ms a pair`);
}
await writer.finish();
await encoder.dispose();
const seconds = (Date.now() - started) / 1000;
console.log(JSON.stringify({ pairs, seconds, secondsPerPair: seconds / pairs }));
