/**
 * The interpretation vocabulary: WordNet terms (built by `tools/vocab/buildVocab.ts` into
 * `public/vocab/wordnet-terms.json`) plus the words of the captions that the WordNet list lacks.
 * Pure apart from `loadVocabulary`, which fetches the file; no DOM.
 */
import { LucidFormatError } from '../lucid/errors';
import { CATEGORIES, type Category } from './categories';

/** WordNet part of speech: noun, verb, adjective (satellites included), adverb. */
export type Pos = 'n' | 'v' | 'a' | 'r';

/** One vocabulary term. */
export type Term = {
  /** Lowercase; a two-word WordNet lemma has a space ("ice cream"). */
  text: string;
  /** Part of speech of the term's most frequent sense; 'n' for a word WordNet does not know. */
  pos: Pos;
  /** Lexicographer file of that sense ('noun.animal'); '' for a word WordNet does not know. */
  lexname: string;
  category: Category;
  /** SemCor tag count summed over the lemma's senses (WordNet terms only): a frequency. */
  tagCount?: number;
  /** For a caption word found by its base form ("dogs" → "dog"): that WordNet term. */
  lemma?: string;
};

/** Identifies the vocabulary file; the version changes when the row layout does. */
export const VOCABULARY_FORMAT = 'lucid-vocabulary';
export const VOCABULARY_VERSION = 1;

/** One row of the file: [text, pos, lexname index, category index, tagCount, glossCount]. */
export type VocabularyRow = [
  text: string,
  pos: Pos,
  lexname: number,
  category: number,
  tagCount: number,
  glossCount: number,
];

/** `public/vocab/wordnet-terms.json`: arrays of indices rather than objects, to stay small. */
export type VocabularyFile = {
  format: typeof VOCABULARY_FORMAT;
  version: number;
  /** Where the terms come from and which tool built the file. */
  source: string;
  /** Index → lexicographer file name (`LEXNAMES`). */
  lexnames: string[];
  /** Index → category (`CATEGORIES`). */
  categories: string[];
  /** Names of the row columns, for a reader of the raw file. */
  columns: string[];
  /** Most common first (see docs/interpretation.md for the score). */
  terms: VocabularyRow[];
};

/** The file's address in the built app (Vite serves `public/` at the base URL). */
export function defaultVocabularyUrl(): string {
  const base = import.meta.env?.BASE_URL ?? '/';
  return `${base}vocab/wordnet-terms.json`;
}

const POS_VALUES: readonly string[] = ['n', 'v', 'a', 'r'];

/** Checks the parsed JSON of the vocabulary file and turns its rows into terms. */
export function parseVocabulary(json: unknown): Term[] {
  const file = json as Partial<VocabularyFile> | null;
  if (file === null || typeof file !== 'object' || file.format !== VOCABULARY_FORMAT) {
    throw new LucidFormatError(`Not a vocabulary file: expected format "${VOCABULARY_FORMAT}".`);
  }
  if (file.version !== VOCABULARY_VERSION) {
    throw new LucidFormatError(
      `Vocabulary file version ${String(file.version)} is not supported (expected ${VOCABULARY_VERSION}); rebuild it with npx tsx tools/vocab/buildVocab.ts.`,
    );
  }
  const lexnames = file.lexnames;
  const categories = file.categories;
  if (!Array.isArray(lexnames) || !Array.isArray(categories) || !Array.isArray(file.terms)) {
    throw new LucidFormatError('Vocabulary file lacks its lexnames, categories or terms.');
  }
  for (const category of categories) {
    if (!(CATEGORIES as readonly string[]).includes(category)) {
      throw new LucidFormatError(`Vocabulary file has an unknown category "${String(category)}".`);
    }
  }
  return file.terms.map((row, index) => {
    const [text, pos, lexIndex, categoryIndex, tagCount] = Array.isArray(row) ? row : [];
    if (
      typeof text !== 'string' ||
      text.length === 0 ||
      !POS_VALUES.includes(pos as string) ||
      typeof lexnames[lexIndex as number] !== 'string' ||
      typeof categories[categoryIndex as number] !== 'string' ||
      typeof tagCount !== 'number'
    ) {
      throw new LucidFormatError(`Vocabulary file row ${index} is malformed: ${JSON.stringify(row)}.`);
    }
    return {
      text,
      pos: pos as Pos,
      lexname: lexnames[lexIndex as number],
      category: categories[categoryIndex as number] as Category,
      tagCount,
    };
  });
}

/** Fetches and parses the vocabulary file. */
export async function loadVocabulary(url = defaultVocabularyUrl(), fetchFile: typeof fetch = fetch): Promise<Term[]> {
  const response = await fetchFile(url);
  if (!response.ok) throw new LucidFormatError(`Could not load the vocabulary ${url}: HTTP ${response.status}.`);
  return parseVocabulary(await response.json());
}

/**
 * Suffix rules of WordNet's morphy (morph.c), most specific first, as [suffix, replacement].
 * Without WordNet's exception lists, so irregular forms ("mice") stay unknown.
 */
const DETACHMENT_RULES: readonly (readonly [string, string])[] = [
  ['ies', 'y'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['men', 'man'],
  ['ing', 'e'],
  ['ing', ''],
  ['est', 'e'],
  ['est', ''],
  ['ed', 'e'],
  ['ed', ''],
  ['er', 'e'],
  ['er', ''],
  ['es', 'e'],
  ['es', ''],
  ['s', ''],
];

/**
 * Possible base forms of an inflected word, most likely first ("dogs" → "dog", "running" →
 * "runne", "runn", "run"; a doubled final consonant left by -ing/-ed/-er/-est is undoubled).
 */
export function baseFormCandidates(word: string): string[] {
  const candidates: string[] = [];
  for (const [suffix, replacement] of DETACHMENT_RULES) {
    if (word.length <= suffix.length + 1 || !word.endsWith(suffix)) continue;
    const stem = word.slice(0, -suffix.length);
    candidates.push(stem + replacement);
    const last = stem[stem.length - 1];
    if (replacement === '' && stem.length >= 3 && last === stem[stem.length - 2] && !'aeiou'.includes(last)) {
      candidates.push(stem.slice(0, -1));
    }
  }
  return [...new Set(candidates)];
}

/**
 * The vocabulary with the caption words added: each new word (lowercased; words without a
 * letter are skipped) takes the part of speech, lexicographer file and category of its base
 * form when that is a term ("dogs" → like "dog"), and is 'unknown' otherwise. WordNet terms
 * come first, in their order, then the new words in the order first seen.
 */
export function mergeCaptionWords(terms: readonly Term[], captionWords: Iterable<string>): Term[] {
  const byText = new Map<string, Term>();
  for (const term of terms) if (!byText.has(term.text)) byText.set(term.text, term);
  const merged = [...terms];
  for (const raw of captionWords) {
    const word = raw.trim().toLowerCase();
    if (!/[a-z]/.test(word) || byText.has(word)) continue;
    const base = baseFormCandidates(word)
      .map((candidate) => byText.get(candidate))
      .find((term) => term !== undefined && term.category !== 'unknown');
    const term: Term = base
      ? { text: word, pos: base.pos, lexname: base.lexname, category: base.category, lemma: base.text }
      : { text: word, pos: 'n', lexname: '', category: 'unknown' };
    byText.set(word, term);
    merged.push(term);
  }
  return merged;
}

/** How many terms each category has ('unknown' included). */
export function countByCategory(terms: readonly Term[]): Record<Category, number> {
  const counts: Record<Category, number> = {
    object: 0,
    scene: 0,
    action: 0,
    attribute: 0,
    abstract: 0,
    unknown: 0,
  };
  for (const term of terms) counts[term.category]++;
  return counts;
}
