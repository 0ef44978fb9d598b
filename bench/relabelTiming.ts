/**
 * How long relabelling an ended run takes (src/training/relabel.ts): encoding the whole vocabulary
 * (6,693 WordNet terms) once, then naming the shipped dictionary's latents on a 2,000-image run (of
 * which 300 are used), in Node on tfjs WASM and onnxruntime-node. Prints wall and CPU seconds.
 * Run: npx tsx bench/relabelTiming.ts
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { EMBEDDED_MODEL_ID } from '../src/clip/catalog';
import { loadClipEncoder } from '../src/clip/encoder';
import { configureClipForNode } from '../src/clip/nodeEnvironment';
import { DICTIONARY_FILES, dictionaryFromFiles } from '../src/explain/dictionary';
import { parseVocabulary } from '../src/interpret/vocabulary';
import { encodeTerms, relabelDictionary } from '../src/training/relabel';
import { loadFixtureExamples } from '../src/training/testing/fixtureExamples';

const DICTIONARY_DIR = 'public/dictionaries/emoji-clip';

await tf.setBackend('wasm');
configureClipForNode();
const encoder = await loadClipEncoder(EMBEDDED_MODEL_ID);
const dictionary = dictionaryFromFiles(
  DICTIONARY_DIR,
  new Uint8Array(await readFile(path.join(DICTIONARY_DIR, DICTIONARY_FILES.weights))),
  await readFile(path.join(DICTIONARY_DIR, DICTIONARY_FILES.config), 'utf8'),
  null,
  encoder.info,
);
const wordnet = parseVocabulary(JSON.parse(await readFile('public/vocab/wordnet-terms.json', 'utf8')));
const examples = await loadFixtureExamples(encoder);
// A run's largest folder (MAX_IMAGES = 2,000 in session.ts), of which 300 are used.
const many = Array.from({ length: 2000 }, (_, i) => examples[i % examples.length]);

async function measure<T>(work: () => Promise<T>): Promise<[T, string]> {
  const [wall, cpu] = [performance.now(), process.cpuUsage()];
  const result = await work();
  const used = process.cpuUsage(cpu);
  const seconds = (value: number) => value.toFixed(1);
  return [
    result,
    `${seconds((performance.now() - wall) / 1000)} s wall, ${seconds((used.user + used.system) / 1e6)} s CPU`,
  ];
}

const [terms, encodeTime] = await measure(() => encodeTerms(encoder, wordnet));
const [result, relabelTime] = await measure(() =>
  relabelDictionary({ dictionary, encoder, termActivations: terms, examples: many, grid: encoder.info.grid }),
);
const rows = terms.offsets[terms.offsets.length - 1];
console.log(
  `encodeTerms: ${terms.terms.length} terms, ${rows} token rows, ${(terms.hidden.byteLength / 2 ** 20).toFixed(0)} MiB: ${encodeTime}`,
);
console.log(`relabelDictionary: ${result.reference.captions.length} of ${many.length} images: ${relabelTime}`);
