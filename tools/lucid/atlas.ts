/**
 * Packs a split's pairs into an atlas the app and `lucid eval` read: <out>.png (square tiles, row
 * by row) and <out>.json ({ tile, columns, pairs }: captions, objects, labels, tags, boxes).
 * Usage: npx tsx tools/lucid/atlas.ts <pairs prefix, e.g. /tmp/lucid-data/test> <out prefix, e.g. eval/test> [columns]
 */
import { writeFile } from 'node:fs/promises';
import { RawImage } from '@huggingface/transformers';
import { openPairsDataset } from '../../src/pipeline/pairsDataset';

const [prefix, out, columnsArg] = process.argv.slice(2);
if (!prefix || !out) {
  console.error('usage: atlas.ts <pairs prefix> <out prefix> [columns]');
  process.exit(2);
}
const dataset = await openPairsDataset(prefix);
const columns = Number(columnsArg ?? 25);
const size = dataset.size;
const count = dataset.pairs.length;
const rows = Math.ceil(count / columns);
const atlas = new Uint8ClampedArray(rows * size * columns * size * 3).fill(255);
for (let i = 0; i < count; i++) {
  const rgb = await dataset.readPixels(i);
  const [row, col] = [Math.floor(i / columns), i % columns];
  for (let y = 0; y < size; y++) {
    atlas.set(rgb.subarray(y * size * 3, (y + 1) * size * 3), ((row * size + y) * columns * size + col * size) * 3);
  }
}
await new RawImage(atlas, columns * size, rows * size, 3).save(`${out}.png`);
await writeFile(`${out}.json`, JSON.stringify({ tile: size, columns, pairs: dataset.pairs }));
await dataset.close();
console.log(`wrote ${out}.png and ${out}.json: ${count} pairs`);
