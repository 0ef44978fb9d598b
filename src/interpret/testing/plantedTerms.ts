/**
 * A synthetic vocabulary whose clusters are known: each topic owns a block of latents, and each
 * of its terms fires that block (plus a term-specific bump, so terms differ). The first word of
 * a topic fires its block evenly, so it is the topic's most central term.
 */
import type { Category } from '../categories';
import type { Matrix } from '../matrix';
import type { Term } from '../vocabulary';

export type PlantedTopic = { name: string; category: Category; words: string[] };

export const PLANTED_TOPICS: readonly PlantedTopic[] = [
  { name: 'animals', category: 'object', words: ['animal', 'dog', 'cat', 'horse', 'cow', 'bird', 'sheep', 'goat'] },
  { name: 'motion', category: 'action', words: ['move', 'run', 'walk', 'jump', 'swim', 'climb', 'throw', 'ride'] },
  {
    name: 'colours',
    category: 'attribute',
    words: ['colour', 'red', 'blue', 'green', 'yellow', 'white', 'black', 'pink'],
  },
  {
    name: 'places',
    category: 'scene',
    words: ['place', 'beach', 'forest', 'kitchen', 'street', 'river', 'park', 'field'],
  },
];

/** Latents per topic block. */
export const BLOCK_SIZE = 6;

export type PlantedWorld = {
  terms: Term[];
  /** [nTerms, nTopics · BLOCK_SIZE] shared codes. */
  vectors: Matrix;
  /** [nTerms] topic index of each term. */
  topicOf: number[];
};

/** The planted vocabulary in topic order, or shuffled by a fixed permutation when `shuffle`. */
export function plantedWorld(shuffle = false): PlantedWorld {
  const dim = PLANTED_TOPICS.length * BLOCK_SIZE;
  const entries = PLANTED_TOPICS.flatMap((topic, topicIndex) =>
    topic.words.map((word, wordIndex) => ({ topic, topicIndex, word, wordIndex })),
  );
  // A fixed permutation (multiplication by 13 modulo 32 visits every index once).
  const order = shuffle ? entries.map((_, i) => (i * 13) % entries.length) : entries.map((_, i) => i);
  const data = new Float32Array(entries.length * dim);
  const terms: Term[] = [];
  const topicOf: number[] = [];
  order.forEach((source, row) => {
    const { topic, topicIndex, word, wordIndex } = entries[source];
    for (let j = 0; j < BLOCK_SIZE; j++) data[row * dim + topicIndex * BLOCK_SIZE + j] = 1;
    if (wordIndex > 0) data[row * dim + topicIndex * BLOCK_SIZE + ((wordIndex - 1) % BLOCK_SIZE)] += 1.5;
    terms.push({ text: word, pos: topic.category === 'action' ? 'v' : 'n', lexname: '', category: topic.category });
    topicOf.push(topicIndex);
  });
  return { terms, vectors: { data, rows: entries.length, cols: dim }, topicOf };
}
