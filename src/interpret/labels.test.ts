import { describe, expect, it } from 'vitest';
import { clusterTerms } from './clustering';
import { clusterCategories, displayLabel, labelCollapse, labelLatents, type LatentLabel } from './labels';
import { type Matrix, matrix } from './matrix';
import { BLOCK_SIZE, PLANTED_TOPICS, plantedWorld } from './testing/plantedTerms';

const world = plantedWorld(true);
const clustering = clusterTerms(world.vectors, { k: PLANTED_TOPICS.length, seed: 0 });
const indexOf = (word: string) => world.terms.findIndex((t) => t.text === word);

/** A [nTerms, latents.length] profile matrix: latent j fires `latents[j][word]` on `word`. */
function profiles(latents: Record<string, number>[]): Matrix {
  const data = new Float32Array(world.terms.length * latents.length);
  latents.forEach((activations, j) => {
    for (const [word, a] of Object.entries(activations)) data[indexOf(word) * latents.length + j] = a;
  });
  return matrix(data, world.terms.length, latents.length);
}

describe('labelLatents', () => {
  it('gives a latent that fires on animal words an animal label and the category object', () => {
    const [label] = labelLatents(
      profiles([{ dog: 2, cat: 1.5, horse: 1, red: 0.2 }]),
      world.vectors,
      clustering,
      world.terms,
    );
    expect(['dog', 'cat', 'horse']).toContain(label.label);
    expect(label.category).toBe('object');
    expect(clustering.clusters[label.cluster].members).toContain(indexOf('dog'));
    expect(label.confidence).toBeCloseTo(4.5 / 4.7, 5);
    expect(label.topTerms.map((t) => t.text)).toEqual(['dog', 'cat', 'horse', 'red']);
  });

  it('gives a latent on motion verbs the category action, and on colours attribute', () => {
    const labels = labelLatents(
      profiles([
        { run: 1, walk: 1, jump: 0.5 },
        { red: 1, blue: 1, green: 1 },
        { beach: 1, river: 0.8 },
      ]),
      world.vectors,
      clustering,
      world.terms,
    );
    expect(labels.map((l) => l.category)).toEqual(['action', 'attribute', 'scene']);
  });

  it('labels every latent of the planted codes themselves by its own topic', () => {
    const labels = labelLatents(world.vectors, world.vectors, clustering, world.terms);
    labels.forEach((label, latent) => {
      const topic = PLANTED_TOPICS[Math.floor(latent / BLOCK_SIZE)];
      expect(topic.words).toContain(label.label);
      expect(label.category).toBe(topic.category);
      expect(label.confidence).toBeCloseTo(1, 6);
    });
  });

  it('picks the label among the terms that fire the latent, central to what it sees', () => {
    // Silent on the cluster's central term "animal": the label must be a term the latent fires on.
    const [label] = labelLatents(profiles([{ cat: 1, cow: 1, goat: 0.1 }]), world.vectors, clustering, world.terms);
    expect(['cat', 'cow', 'goat']).toContain(label.label);
    expect(label.label).not.toBe('animal');
  });

  it("names a latent by its dominant cluster's strongest term under the 'strongest' rule", () => {
    const fires = profiles([{ goat: 3, cat: 1, cow: 1, dog: 1, red: 0.5 }]);
    const [strongest] = labelLatents(fires, world.vectors, clustering, world.terms, { rule: 'strongest' });
    expect(strongest.label).toBe('goat');
    // Same cluster and confidence as the central rule: only the member that names it differs.
    const [central] = labelLatents(fires, world.vectors, clustering, world.terms);
    expect(strongest.cluster).toBe(central.cluster);
    expect(strongest.confidence).toBeCloseTo(central.confidence, 6);
  });

  it('does not let a large cluster win by size alone', () => {
    // A big "background" cluster of 24 terms gets weak activation everywhere; 3 animal words fire strongly.
    const activations: Record<string, number> = { dog: 3, cat: 3, horse: 3 };
    for (const topic of PLANTED_TOPICS.slice(1)) for (const word of topic.words) activations[word] = 0.5;
    const merged = clusterTerms(world.vectors, { k: 2, seed: 0 });
    const [label] = labelLatents(profiles([activations]), world.vectors, merged, world.terms);
    expect(['dog', 'cat', 'horse']).toContain(label.label);
    expect(label.confidence).toBeLessThan(0.5);
  });

  it('marks a latent that fires on no term as silent', () => {
    const [label] = labelLatents(profiles([{}]), world.vectors, clustering, world.terms);
    expect(label.label).toBeNull();
    expect(displayLabel(label)).toBe('(silent)');
    expect(label).toMatchObject({ labelTerm: -1, cluster: -1, category: 'unknown', confidence: 0, topTerms: [] });
  });

  it('lists at most topTerms terms, highest activation first', () => {
    const [label] = labelLatents(
      profiles([{ dog: 1, cat: 3, run: 2, red: 4 }]),
      world.vectors,
      clustering,
      world.terms,
      { topTerms: 2 },
    );
    expect(label.topTerms).toEqual([
      { term: indexOf('red'), text: 'red', activation: 4 },
      { term: indexOf('cat'), text: 'cat', activation: 3 },
    ]);
  });

  it('explains mismatched inputs', () => {
    const good = profiles([{ dog: 1 }]);
    expect(() => labelLatents(good, world.vectors, clustering, world.terms.slice(1))).toThrow(/vocabulary has 31/);
    const short = matrix(world.vectors.data.slice(0, 31 * world.vectors.cols), 31, world.vectors.cols);
    expect(() => labelLatents(good, short, clustering, world.terms)).toThrow(/Term vectors have 31 rows/);
    expect(() => labelLatents(good, world.vectors, clustering, world.terms, { topTerms: -1 })).toThrow(/topTerms/);
  });
});

describe('clusterCategories', () => {
  it('takes the majority category and ignores unknown words', () => {
    const terms = world.terms.map((t) =>
      t.text === 'dog' || t.text === 'cat' ? t : { ...t, category: 'unknown' as const },
    );
    const categories = clusterCategories(clustering, terms);
    const animalCluster = clustering.assignment[indexOf('dog')];
    expect(categories[animalCluster]).toBe('object');
    expect(categories.filter((c) => c === 'unknown')).toHaveLength(3);
  });
});

describe('labelCollapse', () => {
  const make = (latent: number, label: string | null, mass: number) => ({ latent, label, mass }) as LatentLabel;
  const labels = [make(0, 'dog', 5), make(1, 'dog', 4), make(2, 'cat', 3), make(3, null, 9), make(4, 'red', 1)];

  it('counts distinct labels among the top-N latents by mass, silent ones left out', () => {
    expect(labelCollapse(labels, 2)).toEqual({ latents: 2, distinctLabels: 1, distinctShare: 0.5 });
    expect(labelCollapse(labels, 10)).toEqual({ latents: 4, distinctLabels: 3, distinctShare: 0.75 });
  });

  it('ranks by a given score instead of mass', () => {
    expect(labelCollapse(labels, 2, [0, 1, 5, 0, 4])).toEqual({ latents: 2, distinctLabels: 2, distinctShare: 1 });
  });

  it('is 0 with no labelled latent, and rejects a bad N', () => {
    expect(labelCollapse([make(0, null, 0)], 5).distinctShare).toBe(0);
    expect(() => labelCollapse(labels, 0)).toThrow(/topN/);
  });
});
