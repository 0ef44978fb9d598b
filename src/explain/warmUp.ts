/**
 * Warm-up passes, run while the app loads, so the first image or text a user gives does not pay for
 * shader compiles, WASM start-up and first-run allocation (as the transformers.js WebGPU examples
 * do after loading). Each runs the real code path once on blank input of the shapes the app uses;
 * results are dropped. `npm run bench` (docs/benchmarks.md) measures what they save.
 */
import type { ClipEncoder } from '../clip/encoder';
import { encodeRows } from './analyze';
import type { LoadedDictionary } from './dictionary';
import { heldHeatmap, holdImage } from './heldImage';

/** Tokens of a short query (BOS, a few words, EOS): the text side's typical batch. */
const WARM_UP_TOKENS = 8;

/** One blank image through the vision tower and one short text through the text tower. */
export async function warmUpEncoder(encoder: ClipEncoder): Promise<void> {
  const { imageSize } = encoder.info;
  await encoder.encodePixels(new Float32Array(3 * imageSize * imageSize));
  await encoder.encodeText('a photo');
}

/** One image's worth of patches (and one heatmap of it) and one short text through the dictionary. */
export async function warmUpDictionary(dictionary: LoadedDictionary, grid: [number, number]): Promise<void> {
  const { dImage, dText } = dictionary.model.config;
  const patches = new Float32Array(grid[0] * grid[1] * dImage);
  const codes = await encodeRows(dictionary, 'image', patches);
  await heldHeatmap(dictionary, holdImage(dictionary, { grid, patches }, codes), 0);
  await encodeRows(dictionary, 'text', new Float32Array(WARM_UP_TOKENS * dText));
}
