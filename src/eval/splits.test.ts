import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Interpretation } from '../explain/types';
import { contentWords } from './harness';

/**
 * The test split must never leak into what the product shows or into any choice: the shipped
 * evidence atlas holds validation emoji only, the test atlas test emoji only, and no latent's name
 * is a word that only the test emoji's labels and tags contain.
 */
const splits = JSON.parse(readFileSync('tools/lucid-data/emoji-splits.json', 'utf8')) as {
  splits: Record<'fit' | 'validation' | 'test', string[]>;
};
const splitOf = new Map(Object.entries(splits.splits).flatMap(([name, hexes]) => hexes.map((h) => [h, name])));
type Atlas = { pairs: { objects: { hexcode: string; label: string; tags: string[] }[] }[] };
const readAtlas = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Atlas;
const DICT = 'public/dictionaries/emoji-clip';

describe('splits', () => {
  it('keeps fit, validation and test emoji disjoint', () => {
    const seen = new Set<string>();
    for (const hexes of Object.values(splits.splits)) {
      for (const h of hexes) {
        expect(seen.has(h)).toBe(false);
        seen.add(h);
      }
    }
  });

  it('shows evidence tiles from validation emoji only, and evaluates on test emoji only', () => {
    const reference = readAtlas(`${DICT}/reference.json`);
    const test = readAtlas('eval/test.json');
    const referenceSplits = new Set(reference.pairs.flatMap((p) => p.objects.map((o) => splitOf.get(o.hexcode))));
    const testSplits = new Set(test.pairs.flatMap((p) => p.objects.map((o) => splitOf.get(o.hexcode))));
    expect([...referenceSplits]).toEqual(['validation']);
    expect([...testSplits]).toEqual(['test']);
  });

  it('names no latent with a word that only the test emoji have', () => {
    const test = readAtlas('eval/test.json');
    const reference = readAtlas(`${DICT}/reference.json`);
    const wordsOf = (atlas: Atlas) =>
      new Set(atlas.pairs.flatMap((p) => p.objects.flatMap((o) => [o.label, ...o.tags].flatMap(contentWords))));
    const fitWords = JSON.parse(readFileSync('tools/lucid-data/fit-words.json', 'utf8')) as string[];
    const wordnet = new Set(
      readFileSync('public/vocab/wordnet-terms.json', 'utf8')
        .toLowerCase()
        .split(/[^a-z'-]+/),
    );
    const allowed = new Set([...wordsOf(reference), ...wordnet, ...fitWords]);
    const testOnly = [...wordsOf(test)].filter((w) => !allowed.has(w));
    expect(testOnly.length).toBeGreaterThan(0);
    const interpretation = JSON.parse(readFileSync(`${DICT}/interpretation.json`, 'utf8')) as Interpretation;
    const leaked = interpretation.latents.filter(
      (l) => l.label && contentWords(l.label).some((w) => testOnly.includes(w)),
    );
    expect(leaked.map((l) => `${l.id}:${l.label}`)).toEqual([]);
  });
});
