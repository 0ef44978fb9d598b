import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, LEXNAMES } from './categories';
import {
  baseFormCandidates,
  countByCategory,
  loadVocabulary,
  mergeCaptionWords,
  parseVocabulary,
  type Term,
  VOCABULARY_FORMAT,
} from './vocabulary';

const VOCABULARY_PATH = 'public/vocab/wordnet-terms.json';
const fileJson = JSON.parse(readFileSync(VOCABULARY_PATH, 'utf8')) as unknown;
const vocabulary = parseVocabulary(fileJson);
const byText = new Map(vocabulary.map((t) => [t.text, t]));

describe('the WordNet vocabulary file', () => {
  it('holds a browser-sized list in under 1 MB', () => {
    expect(vocabulary.length).toBeGreaterThan(3000);
    expect(vocabulary.length).toBeLessThan(8000);
    expect(statSync(VOCABULARY_PATH).size).toBeLessThan(1024 * 1024);
  });

  it('has a reasonable number of terms in every category', () => {
    const counts = countByCategory(vocabulary);
    for (const category of CATEGORIES) expect(counts[category], category).toBeGreaterThan(300);
    expect(counts.unknown).toBe(0);
  });

  it('files well-known words under the right category', () => {
    const expected: Record<string, string> = {
      dog: 'object',
      pizza: 'object',
      car: 'object',
      person: 'object',
      run: 'action',
      walk: 'action',
      swimming: 'action',
      red: 'attribute',
      blue: 'attribute',
      happiness: 'abstract',
      idea: 'abstract',
      beach: 'scene',
      kitchen: 'scene',
      forest: 'scene',
      snow: 'scene',
      city: 'scene',
    };
    for (const [word, category] of Object.entries(expected)) expect(byText.get(word)?.category, word).toBe(category);
    expect(byText.get('dog')).toMatchObject({ pos: 'n', lexname: 'noun.animal' });
    expect(byText.get('run')).toMatchObject({ pos: 'v', lexname: 'verb.motion' });
  });

  it('keeps only lowercase words of one or two words, no digits, no duplicates', () => {
    for (const term of vocabulary) {
      expect(term.text, term.text).toMatch(/^[a-z]+(-[a-z]+)*( [a-z]+(-[a-z]+)*)?$/);
      expect(LEXNAMES as readonly string[]).toContain(term.lexname);
    }
    expect(byText.size).toBe(vocabulary.length);
  });
});

describe('parseVocabulary', () => {
  const file = {
    format: VOCABULARY_FORMAT,
    version: 1,
    source: 'test',
    lexnames: ['noun.animal'],
    categories: ['object'],
    columns: [],
    terms: [['dog', 'n', 0, 0, 42, 7]],
  };

  it('turns rows into terms', () => {
    expect(parseVocabulary(file)).toEqual([
      { text: 'dog', pos: 'n', lexname: 'noun.animal', category: 'object', tagCount: 42 },
    ]);
  });

  it('explains what is wrong with a bad file', () => {
    expect(() => parseVocabulary(null)).toThrow(/Not a vocabulary file/);
    expect(() => parseVocabulary({ ...file, version: 9 })).toThrow(/version 9/);
    expect(() => parseVocabulary({ ...file, categories: ['thing'] })).toThrow(/unknown category "thing"/);
    expect(() => parseVocabulary({ ...file, terms: [['dog', 'x', 0, 0, 1, 1]] })).toThrow(/row 0 is malformed/);
    expect(() => parseVocabulary({ ...file, terms: [['dog', 'n', 5, 0, 1, 1]] })).toThrow(/row 0/);
  });
});

describe('loadVocabulary', () => {
  it('fetches and parses the file', async () => {
    const fetchFile = (async () => new Response(JSON.stringify(fileJson))) as typeof fetch;
    expect(await loadVocabulary('/vocab/wordnet-terms.json', fetchFile)).toHaveLength(vocabulary.length);
  });

  it('reports an HTTP failure', async () => {
    const fetchFile = (async () => new Response('', { status: 404 })) as typeof fetch;
    await expect(loadVocabulary('/missing.json', fetchFile)).rejects.toThrow(/HTTP 404/);
  });
});

describe('baseFormCandidates', () => {
  it('undoes regular inflections, undoubling a final consonant', () => {
    expect(baseFormCandidates('dogs')).toContain('dog');
    expect(baseFormCandidates('boxes')).toContain('box');
    expect(baseFormCandidates('puppies')).toContain('puppy');
    expect(baseFormCandidates('running')).toContain('run');
    expect(baseFormCandidates('riding')).toContain('ride');
    expect(baseFormCandidates('bigger')).toContain('big');
    expect(baseFormCandidates('women')).toContain('woman');
    expect(baseFormCandidates('is')).toEqual([]);
  });
});

describe('mergeCaptionWords', () => {
  const terms: Term[] = [
    { text: 'dog', pos: 'n', lexname: 'noun.animal', category: 'object' },
    { text: 'run', pos: 'v', lexname: 'verb.motion', category: 'action' },
  ];

  it('adds new words after the WordNet terms, by base form or as unknown', () => {
    const merged = mergeCaptionWords(terms, ['Dogs', 'dog', 'running', 'frisbee', '42', 'frisbee', ' ']);
    expect(merged.map((t) => t.text)).toEqual(['dog', 'run', 'dogs', 'running', 'frisbee']);
    expect(merged[2]).toEqual({ text: 'dogs', pos: 'n', lexname: 'noun.animal', category: 'object', lemma: 'dog' });
    expect(merged[3]).toMatchObject({ category: 'action', lemma: 'run' });
    expect(merged[4]).toEqual({ text: 'frisbee', pos: 'n', lexname: '', category: 'unknown' });
  });

  it('finds the category of inflected caption words in the real vocabulary', () => {
    const merged = mergeCaptionWords(vocabulary, ['horses', 'walking', 'zzyzx']);
    const added = merged.slice(vocabulary.length);
    expect(added.map((t) => [t.text, t.category])).toEqual([
      ['horses', 'object'],
      ['walking', 'action'],
      ['zzyzx', 'unknown'],
    ]);
  });
});
