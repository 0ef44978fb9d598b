import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { type ClipEncoder, loadClipEncoder } from '../clip/encoder';
import { REPO_MODELS_DIR, configureClipForNode } from '../clip/nodeEnvironment';
import { encodeRows, latentCountOf } from '../explain/analyze';
import { DICTIONARY_FILES, type LoadedDictionary, disposeDictionary, dictionaryFromFiles } from '../explain/dictionary';
import { MIN_IMAGE_CONFIDENCE, MIN_TERM_CONFIDENCE } from '../explain/interpretDictionary';
import type { Interpretation } from '../explain/types';
import { type Term, parseVocabulary } from '../interpret/vocabulary';
import { useBackend } from '../lucid/testing/backend';
import {
  NO_ATLAS,
  type RelabelExample,
  type TermActivations,
  encodeTerms,
  evenlySpaced,
  labelChanges,
  relabelDictionary,
  termActivationsKey,
} from './relabel';
import { captionWords, distinctiveWords } from './captionWords';
import { loadFixtureExamples } from './testing/fixtureExamples';

const ROOT = path.resolve(REPO_MODELS_DIR, '../..');
const DICTIONARY_DIR = path.join(ROOT, 'public/dictionaries/emoji-clip');
/** WordNet terms of the test vocabulary: the first ones (mostly abstract words) and the fixtures' objects. */
const FIRST_TERMS = 300;
const OBJECT_TERMS = ['dog', 'cat', 'pizza', 'automobile', 'car', 'apple', 'red', 'face'];
/** This fixture is left without its caption: an image with no words. */
const UNCAPTIONED = 'car_twemoji.png';

let encoder: ClipEncoder;
let dictionary: LoadedDictionary;
let wordnet: Term[];
let vocabulary: Term[];
let examples: RelabelExample[];
let termActivations: TermActivations;
let interpretation: Interpretation;
let tensors: { before: number; after: number };

/** A term's code computed directly: per latent, its largest Top-K code over the term's content tokens [m]. */
async function directTermCode(text: string): Promise<Float32Array> {
  const activations = await encoder.encodeText(text);
  const codes = await encodeRows(dictionary, 'text', activations.hidden);
  const { k } = dictionary.model.config;
  const out = new Float32Array(latentCountOf(dictionary));
  for (let r = 0; r < codes.rows; r++) {
    if (!activations.contentMask[r]) continue;
    for (let j = 0; j < k; j++)
      out[codes.ids[r * k + j]] = Math.max(out[codes.ids[r * k + j]], codes.values[r * k + j]);
  }
  return out;
}

function withoutTerm(terms: readonly Term[], text: string): Term[] {
  return terms.filter((t) => t.text !== text);
}

beforeAll(async () => {
  await useBackend('wasm');
  configureClipForNode();
  encoder = await loadClipEncoder(EMBEDDED_MODEL_ID);
  dictionary = dictionaryFromFiles(
    DICTIONARY_DIR,
    new Uint8Array(await readFile(path.join(DICTIONARY_DIR, DICTIONARY_FILES.weights))),
    await readFile(path.join(DICTIONARY_DIR, DICTIONARY_FILES.config), 'utf8'),
    null,
    encoder.info,
  );
  wordnet = parseVocabulary(JSON.parse(await readFile(path.join(ROOT, 'public/vocab/wordnet-terms.json'), 'utf8')));
  // 'pizza' is left out on purpose: the captions bring it back (caption words join the vocabulary).
  vocabulary = withoutTerm(
    [...wordnet.slice(0, FIRST_TERMS), ...wordnet.slice(FIRST_TERMS).filter((t) => OBJECT_TERMS.includes(t.text))],
    'pizza',
  );
  examples = await loadFixtureExamples(encoder, [UNCAPTIONED]);
  // Encoding may build per-model tensors once and keep them with the model (analyze.ts caches
  // folded encoders); encode once of each modality first, so the count below sees only leaks.
  await encodeRows(dictionary, 'image', examples[0].patches);
  await encodeRows(dictionary, 'text', examples[0].tokens as Float32Array);
  const before = tf.memory().numTensors;
  termActivations = await encodeTerms(encoder, vocabulary);
  interpretation = await relabelDictionary({
    dictionary,
    encoder,
    termActivations,
    examples,
    grid: encoder.info.grid,
  });
  tensors = { before, after: tf.memory().numTensors };
}, 180_000);

afterAll(async () => {
  if (dictionary) disposeDictionary(dictionary);
  await encoder?.dispose();
});

describe('term activations', () => {
  it('pack the content tokens of every term, in vocabulary order', async () => {
    expect(termActivations.terms.map((t) => t.text)).toEqual(vocabulary.map((t) => t.text));
    const dog = termActivations.terms.findIndex((t) => t.text === 'dog');
    const direct = await encoder.encodeText('dog');
    const rows = direct.tokens.filter((_, i) => direct.contentMask[i]).length;
    const [from, to] = [termActivations.offsets[dog], termActivations.offsets[dog + 1]];
    expect(to - from).toBe(rows);
    const first = direct.contentMask.indexOf(1);
    const width = termActivations.width;
    expect(Array.from(termActivations.hidden.subarray(from * width, (from + 1) * width))).toEqual(
      Array.from(direct.hidden.subarray(first * width, (first + 1) * width)),
    );
    expect(termActivations.offsets[termActivations.offsets.length - 1] * width).toBe(termActivations.hidden.length);
  });

  it('are keyed by encoder and vocabulary, so a cached copy can be checked before use', () => {
    expect(termActivations.key).toBe(termActivationsKey(EMBEDDED_MODEL_ID, vocabulary));
    expect(termActivationsKey(EMBEDDED_MODEL_ID, vocabulary)).not.toBe(termActivationsKey('other', vocabulary));
    expect(termActivationsKey(EMBEDDED_MODEL_ID, vocabulary)).not.toBe(
      termActivationsKey(EMBEDDED_MODEL_ID, vocabulary.slice(1)),
    );
  });
});

describe('relabelling the shipped dictionary on the fixture images', () => {
  it('gives an interpretation the explorer loads for this dictionary', async () => {
    const m = latentCountOf(dictionary);
    const loaded = dictionaryFromFiles(
      'relabelled',
      new Uint8Array(await readFile(path.join(DICTIONARY_DIR, DICTIONARY_FILES.weights))),
      await readFile(path.join(DICTIONARY_DIR, DICTIONARY_FILES.config), 'utf8'),
      JSON.stringify(interpretation),
      encoder.info,
    );
    disposeDictionary(loaded);
    expect(interpretation.encoder).toBe(EMBEDDED_MODEL_ID);
    expect(interpretation.latents.map((l) => l.id)).toEqual(Array.from({ length: m }, (_, i) => i));
    expect(interpretation.layout).toHaveLength(m);
    expect(interpretation.layout.flat().every(Number.isFinite)).toBe(true);
    expect(interpretation.clusters.length).toBeGreaterThan(1);
    const { nShared, nImagePrivate } = dictionary.model.config;
    expect(interpretation.latents[nShared].kind).toBe('image');
    expect(interpretation.latents[nShared + nImagePrivate].kind).toBe('text');
  });

  it('describes the run’s images as reference images without an atlas', () => {
    const { reference } = interpretation;
    expect(reference.atlas).toBe(NO_ATLAS);
    expect(reference.grid).toEqual(encoder.info.grid);
    expect(reference.captions).toHaveLength(examples.length);
    expect(reference.captions).toContain(UNCAPTIONED);
    const patches = encoder.info.grid[0] * encoder.info.grid[1];
    const evidence = interpretation.latents.flatMap((l) => l.topPatches);
    expect(evidence.length).toBeGreaterThan(0);
    expect(evidence.every((p) => p.image >= 0 && p.image < examples.length && p.patch >= 0 && p.patch < patches)).toBe(
      true,
    );
  });

  it('names latents that fire on a term, and leaves unnamed only those without confident evidence', () => {
    const live = interpretation.latents.filter((l) => l.topTerms.length > 0);
    expect(live.length).toBeGreaterThan(100);
    expect(live.filter((l) => l.label).length).toBeGreaterThan(50);
    // An unnamed latent's confidence is below both naming thresholds (src/explain/interpretDictionary.ts).
    const unsure = Math.max(MIN_TERM_CONFIDENCE, MIN_IMAGE_CONFIDENCE);
    expect(live.filter((l) => !l.label && l.confidence >= unsure)).toEqual([]);
  });

  it('lists a term’s own codes as its activation in the top terms of its latents', async () => {
    const code = await directTermCode('dog');
    const listing = interpretation.latents.filter((l) => l.topTerms.some(([term]) => term === 'dog'));
    expect(listing.length).toBeGreaterThan(0);
    for (const latent of listing) {
      const value = latent.topTerms.find(([term]) => term === 'dog')?.[1] ?? 0;
      expect(value).toBeCloseTo(code[latent.id], 3);
    }
    // The shared latent on which "dog" fires most lists it among its top terms.
    const { nShared } = dictionary.model.config;
    let best = 0;
    for (let j = 1; j < nShared; j++) if (code[j] > code[best]) best = j;
    expect(interpretation.latents[best].topTerms.map(([term]) => term)).toContain('dog');
  });

  it('adds caption words the vocabulary lacks to the terms', async () => {
    expect(vocabulary.some((t) => t.text === 'pizza')).toBe(false);
    const code = await directTermCode('pizza');
    const pizzaLatents = interpretation.latents.filter((l) => l.topTerms.some(([term]) => term === 'pizza'));
    expect(pizzaLatents.length).toBeGreaterThan(0);
    for (const latent of pizzaLatents) {
      expect(latent.topTerms.find(([term]) => term === 'pizza')?.[1]).toBeCloseTo(code[latent.id], 3);
    }
  });

  it('names image-private latents by the captions of the images they fire on', () => {
    const dogImages = new Set(examples.flatMap((e, i) => (e.caption?.includes('dog') ? [i] : [])));
    const imageLatents = interpretation.latents.filter((l) => l.kind === 'image' && l.label);
    const dog = imageLatents.filter((l) => l.label === 'dog');
    expect(dog.length).toBeGreaterThan(0);
    for (const latent of dog) {
      expect(latent.topPatches.filter((p) => dogImages.has(p.image)).length).toBeGreaterThanOrEqual(2);
    }
    // "face" is in 8 of the 11 captions: it names nothing in particular.
    expect(imageLatents.filter((l) => l.label === 'face')).toEqual([]);
  });

  it('leaves the tensor count as it was', () => {
    expect(tensors.after).toBe(tensors.before);
  });
});

describe('interrupting', () => {
  it('stops encoding terms when the signal is aborted', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let calls = 0;
    const counting = {
      info: encoder.info,
      encodeText: (text: string) => {
        calls++;
        return encoder.encodeText(text);
      },
    };
    const run = encodeTerms(counting, wordnet, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBeLessThan(wordnet.length / 10);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops relabelling when the signal is aborted', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    // 'pizza' is a caption word the vocabulary lacks: it is encoded first, with progress reported after it.
    const progress: number[] = [];
    const run = relabelDictionary({
      dictionary,
      encoder,
      termActivations,
      examples,
      grid: encoder.info.grid,
      signal: controller.signal,
      onProgress: (done) => {
        progress.push(done);
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(progress).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
    const aborted = AbortSignal.abort();
    await expect(
      relabelDictionary({ dictionary, encoder, termActivations, examples, grid: [12, 12], signal: aborted }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('helpers', () => {
  it('reads caption words without function words', () => {
    expect(captionWords('A cat face, an automobile and a red apple')).toEqual([
      'cat',
      'face',
      'automobile',
      'red',
      'apple',
    ]);
  });

  it('drops words most captions share, once there are enough captions', () => {
    const words = [['dog', 'face'], ['cat', 'face'], ['face', 'pizza'], ['car'], []];
    expect(distinctiveWords(words)).toEqual([['dog'], ['cat'], ['pizza'], ['car'], []]);
    expect(distinctiveWords(words.slice(0, 3))).toEqual(words.slice(0, 3));
  });

  it('lists the latents whose label changed and the labels that are new', () => {
    const named = (labels: (string | null)[]) =>
      ({ latents: labels.map((label, id) => ({ id, label })) }) as unknown as Interpretation;
    expect(labelChanges(named(['dog', 'cat', null, 'car']), named(['dog', 'pizza', 'cat', null]))).toEqual({
      changed: [
        { id: 1, before: 'cat', after: 'pizza' },
        { id: 2, before: null, after: 'cat' },
        { id: 3, before: 'car', after: null },
      ],
      newLabels: ['pizza'],
    });
  });

  it('subsamples images evenly', () => {
    expect(evenlySpaced(3, 5)).toEqual([0, 1, 2]);
    expect(evenlySpaced(10, 4)).toEqual([0, 2, 5, 7]);
  });
});
