/**
 * Names every latent of a dictionary by term clustering and writes the files the app reads:
 * <dict>/interpretation.json and <dict>/reference.png (an atlas of the held-out reference images).
 * Names and evidence come from the validation split (--pairs) and the fit split's words (--fit), never from test.
 * Usage: npx tsx tools/lucid/interpret.ts --dict public/dictionaries/emoji-clip --pairs /tmp/lucid-data/validation
 *        --fit /tmp/lucid-data/fit
 *        [--reference 300]
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { RawImage } from '@huggingface/transformers';
import { EMBEDDED_MODEL_ID } from '../../src/clip/catalog';
import { type TextActivations, encodeTextFitting, loadClipEncoder } from '../../src/clip/encoder';
import { REPO_MODELS_DIR, configureClipForNode } from '../../src/clip/nodeEnvironment';
import { DICTIONARY_FILES, dictionaryFromFiles } from '../../src/explain/dictionary';
import { type Agreement, type NamingRule, interpretDictionary } from '../../src/explain/interpretDictionary';
import { isFunctionWord } from '../../src/clip/functionWords';
import type { EvalPair } from '../../src/eval/harness';
import { mergeCaptionWords, parseVocabulary } from '../../src/interpret/vocabulary';
import { openPairsDataset, toPixelValues } from '../../src/pipeline/pairsDataset';

const { values: args } = parseArgs({
  options: {
    dict: { type: 'string', default: 'public/dictionaries/emoji-clip' },
    pairs: { type: 'string', default: '/tmp/lucid-data/validation' },
    fit: { type: 'string', default: '/tmp/lucid-data/fit' },
    reference: { type: 'string', default: '1000' },
    columns: { type: 'string', default: '20' },
    'no-reference-files': { type: 'boolean', default: false },
    // Naming choices, for comparing them on validation (defaults: src/explain/interpretDictionary.ts).
    'label-rule': { type: 'string' },
    'fit-captions': { type: 'string', default: '4000' },
    'min-term-confidence': { type: 'string' },
    'min-image-confidence': { type: 'string' },
    // Image evidence of names from this many fit images instead of the validation images (0 = off).
    'fit-images': { type: 'string', default: '0' },
    agreement: { type: 'string' },
    'distinct-emoji': { type: 'boolean', default: false },
  },
});
await tf.setBackend('wasm');
configureClipForNode();
const encoder = await loadClipEncoder(EMBEDDED_MODEL_ID);
const dictionary = dictionaryFromFiles(
  args.dict,
  new Uint8Array(await readFile(path.join(args.dict, DICTIONARY_FILES.weights))),
  await readFile(path.join(args.dict, DICTIONARY_FILES.config), 'utf8'),
  null,
  encoder.info,
);

// Vocabulary (docs/interpretation.md): WordNet terms plus the words of the *fit* split's emoji
// labels and tags — never the validation or test emoji's. Only terms the text tower reads as whole
// tokens are kept (a term spelled letter by letter, "a ##nt ##is ##er ##um", is noise to it), and
// no function word.
const wordnet = parseVocabulary(JSON.parse(await readFile('public/vocab/wordnet-terms.json', 'utf8')));
const words = (s: string) => s.toLowerCase().match(/[a-z][a-z'-]*[a-z]|[a-z]/g) ?? [];
/** The words of a pair's objects: labels and tags. */
const pairWords = (pair: EvalPair) => pair.objects.flatMap((o) => [...words(o.label), ...o.tags.flatMap(words)]);
const fitPairs = (JSON.parse(await readFile(`${args.fit}.json`, 'utf8')) as { pairs: EvalPair[] }).pairs;
const captionWords = new Set<string>();
for (const pair of fitPairs) {
  for (const o of pair.objects) [o.label, ...o.tags].forEach((t) => words(t).forEach((w) => captionWords.add(w)));
}
const dataset = await openPairsDataset(args.pairs);
const terms = mergeCaptionWords(wordnet, captionWords).filter((t) => !isFunctionWord(t.text));
const termTexts: TextActivations[] = [];
const kept = [];
let spelled = 0;
for (const term of terms) {
  try {
    const text = await encoder.encodeText(term.text);
    if (text.tokens.some((t) => t.startsWith('##'))) {
      spelled++;
      continue;
    }
    termTexts.push(text);
    kept.push(term);
  } catch {
    // A term the tokenizer cannot read within the length limit is simply left out.
  }
}
console.log(`left out ${spelled} terms the tokenizer spells in pieces`);
console.log(`vocabulary: ${kept.length} terms`);


// Reference images: the first N held-out pairs, with an atlas for the UI's evidence tiles.
const count = Math.min(Number(args.reference), dataset.pairs.length);
const columns = Number(args.columns);
const size = dataset.size;
const rows = Math.ceil(count / columns);
const atlas = new Uint8ClampedArray(rows * size * columns * size * 3).fill(255);
const preprocessor = JSON.parse(
  await readFile(path.join(REPO_MODELS_DIR, EMBEDDED_MODEL_ID, 'preprocessor_config.json'), 'utf8'),
) as { image_mean: number[]; image_std: number[] };
const patches = new Float32Array(count * encoder.info.grid[0] * encoder.info.grid[1] * encoder.info.dImage);
const captions: TextActivations[] = [];
const imageWords: string[][] = [];
for (let i = 0; i < count; i++) {
  const rgb = await dataset.readPixels(i);
  const [row, col] = [Math.floor(i / columns), i % columns];
  for (let y = 0; y < size; y++) {
    atlas.set(rgb.subarray(y * size * 3, (y + 1) * size * 3), ((row * size + y) * columns * size + col * size) * 3);
  }
  const image = await encoder.encodePixels(toPixelValues(rgb, size, preprocessor.image_mean, preprocessor.image_std));
  patches.set(image.patches, i * image.patches.length);
  captions.push(await encodeTextFitting(encoder, dataset.pairs[i].caption));
  imageWords.push(pairWords(dataset.pairs[i]));
}
if (!args['no-reference-files']) {
  // The atlas and the pairs' ground truth: the app's evidence tiles and `lucid eval`'s held-out set.
  await new RawImage(atlas, columns * size, rows * size, 3).save(path.join(args.dict, 'reference.png'));
  await writeFile(
    path.join(args.dict, 'reference.json'),
    JSON.stringify({ tile: size, columns, pairs: dataset.pairs.slice(0, count) }),
  );
}

// Fit captions for the "evidence" naming rule: the words each latent fires on in context.
const fitCaptions: TextActivations[] = [];
for (const pair of fitPairs.slice(0, Number(args['fit-captions']))) fitCaptions.push(await encodeTextFitting(encoder, pair.caption));

// Fit images for the image half of names: the words of the fit images a latent fires on most, so
// that no name reads the validation images it is then measured on.
let fitImages: { patches: Float32Array; imageWords: string[][]; groups?: string[] } | undefined;
const fitImageCount = Number(args['fit-images']);
if (fitImageCount > 0) {
  const fitData = await openPairsDataset(args.fit);
  // Single-emoji fit images only: a scene's words would name a latent after its neighbours too.
  const singles = fitData.pairs.flatMap((p, i) => (p.kind === 'single' ? [i] : [])).slice(0, fitImageCount);
  const n = singles.length;
  const fitPatches = new Float32Array(n * encoder.info.grid[0] * encoder.info.grid[1] * encoder.info.dImage);
  const fitWords: string[][] = [];
  const fitGroups: string[] = [];
  for (const [at, i] of singles.entries()) {
    fitGroups.push(fitData.pairs[i].objects[0].hexcode ?? String(i));
    const rgb = await fitData.readPixels(i);
    const image = await encoder.encodePixels(toPixelValues(rgb, fitData.size, preprocessor.image_mean, preprocessor.image_std));
    fitPatches.set(image.patches, at * image.patches.length);
    fitWords.push(pairWords(fitData.pairs[i]));
  }
  await fitData.close();
  // With --distinct-emoji an emoji's augmented copies count once among a latent's top images.
  fitImages = { patches: fitPatches, imageWords: fitWords, groups: args['distinct-emoji'] ? fitGroups : undefined };
  console.log(`image evidence of names from ${n} fit images`);
}
const interpretation = await interpretDictionary(dictionary, EMBEDDED_MODEL_ID, kept, termTexts, {
  grid: encoder.info.grid,
  patches,
  captions,
  imageWords,
  atlas: 'reference.png',
  tile: size,
  columns,
  captionTexts: dataset.pairs.slice(0, count).map((p) => p.caption),
  fitCaptions,
  fitImages,
}, {
  rule: args['label-rule'] as NamingRule | undefined,
  minTermConfidence: args['min-term-confidence'] ? Number(args['min-term-confidence']) : undefined,
  minImageConfidence: args['min-image-confidence'] ? Number(args['min-image-confidence']) : undefined,
  agreement: args.agreement as Agreement | undefined,
});
await writeFile(path.join(args.dict, DICTIONARY_FILES.interpretation), JSON.stringify(interpretation));
const byCategory = new Map<string, number>();
for (const l of interpretation.latents) byCategory.set(String(l.category), (byCategory.get(String(l.category)) ?? 0) + 1);
console.log('latents by category:', Object.fromEntries(byCategory));
console.log(
  'sample shared labels:',
  interpretation.latents
    .filter((l) => l.kind === 'shared' && l.label)
    .slice(0, 40)
    .map((l) => `${l.id}:${l.label}(${l.category})`)
    .join(' '),
);
await dataset.close();
await encoder.dispose();
