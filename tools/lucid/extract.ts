/**
 * Extracts Emoji-CLIP activations of image–caption pairs into shards for LUCID pretraining.
 * Usage: npx tsx tools/lucid/extract.ts <pairs prefix, e.g. /tmp/lucid-data/train> <out dir> [pairs per shard]
 * Uses the app's own loader (src/clip) on onnxruntime-node; the images are already at the model's size.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EMBEDDED_MODEL_ID } from '../../src/clip/catalog';
import { encodeTextFitting, loadClipEncoder } from '../../src/clip/encoder';
import { REPO_MODELS_DIR, configureClipForNode } from '../../src/clip/nodeEnvironment';
import { openPairsDataset, toPixelValues } from '../../src/pipeline/pairsDataset';
import { createShardWriter } from '../../src/pipeline/shards';

const [prefix, outDir, perShardArg] = process.argv.slice(2);
if (!prefix || !outDir) {
  console.error('usage: extract.ts <pairs prefix> <out dir> [pairs per shard]');
  process.exit(2);
}
configureClipForNode();
const encoder = await loadClipEncoder(EMBEDDED_MODEL_ID);
const preprocessor = JSON.parse(
  await readFile(path.join(REPO_MODELS_DIR, EMBEDDED_MODEL_ID, 'preprocessor_config.json'), 'utf8'),
) as { image_mean: number[]; image_std: number[] };
const dataset = await openPairsDataset(prefix);
if (dataset.size !== encoder.info.imageSize) throw new Error(`images are ${dataset.size}px, the model wants ${encoder.info.imageSize}`);
const writer = createShardWriter(
  outDir,
  {
    encoder: EMBEDDED_MODEL_ID,
    grid: encoder.info.grid,
    dImage: encoder.info.dImage,
    dText: encoder.info.dText,
    length: encoder.info.maxTextTokens,
  },
  Number(perShardArg ?? 1000),
);
const start = Date.now();
for (let i = 0; i < dataset.pairs.length; i++) {
  const pixels = toPixelValues(await dataset.readPixels(i), dataset.size, preprocessor.image_mean, preprocessor.image_std);
  const image = await encoder.encodePixels(pixels);
  const text = await encodeTextFitting(encoder, dataset.pairs[i].caption);
  await writer.add(image.patches, text.hidden, text.contentMask);
  if ((i + 1) % 500 === 0) {
    const rate = (i + 1) / ((Date.now() - start) / 1000);
    console.log(`${i + 1}/${dataset.pairs.length} pairs, ${rate.toFixed(0)} pairs/s`);
  }
}
const index = await writer.finish();
await dataset.close();
await encoder.dispose();
console.log(`wrote ${index.shards.length} shards to ${outDir}`);
