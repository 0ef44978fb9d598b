import { describe, expect, it } from 'vitest';
import { LucidInputError } from '../lucid/errors';
import { makeRng } from '../lucid/random';
import { clusterTerms } from './clustering';
import { matrix } from './matrix';
import { PLANTED_TOPICS, plantedWorld } from './testing/plantedTerms';

/** Random sparse non-negative codes: `topics` planted groups of latents, `nnz` non-zeros a row. */
function sparseCodes(rows: number, cols: number, nnz: number, topics: number, seed: number) {
  const random = makeRng(seed);
  const blocks = Array.from({ length: topics }, () => Array.from({ length: 48 }, () => Math.floor(random() * cols)));
  const data = new Float32Array(rows * cols);
  for (let t = 0; t < rows; t++) {
    const block = blocks[t % topics];
    for (let e = 0; e < nnz; e++) {
      const j = random() < 0.8 ? block[Math.floor(random() * block.length)] : Math.floor(random() * cols);
      data[t * cols + j] = random() + 0.1;
    }
  }
  return matrix(data, rows, cols);
}

describe('clusterTerms', () => {
  it('recovers planted topics exactly, whatever the row order and the seed', () => {
    for (const [shuffle, seed] of [false, true].flatMap((s) => Array.from({ length: 20 }, (_, i) => [s, i] as const))) {
      const world = plantedWorld(shuffle);
      const { clusters, assignment } = clusterTerms(world.vectors, { k: PLANTED_TOPICS.length, seed });
      expect(clusters).toHaveLength(PLANTED_TOPICS.length);
      for (const cluster of clusters) {
        const topics = new Set(cluster.members.map((t) => world.topicOf[t]));
        expect(topics.size).toBe(1);
        expect(cluster.members).toHaveLength(8);
      }
      for (let t = 0; t < world.terms.length; t++) {
        expect(clusters[assignment[t]].members).toContain(t);
      }
    }
  });

  it("names each cluster by its most central term, the topic's evenly firing word", () => {
    const world = plantedWorld(true);
    const { clusters } = clusterTerms(world.vectors, { k: PLANTED_TOPICS.length, seed: 1 });
    const centralWords = clusters.map((c) => world.terms[c.centralTerm].text).sort();
    expect(centralWords).toEqual(['animal', 'colour', 'move', 'place']);
    for (const cluster of clusters) {
      const best = Math.max(...cluster.centrality);
      expect(cluster.centrality[cluster.members.indexOf(cluster.centralTerm)]).toBe(best);
      expect(cluster.cohesion).toBeGreaterThan(0.8);
      expect(cluster.cohesion).toBeLessThanOrEqual(1 + 1e-6);
    }
  });

  it('gives the same clusters for the same seed', () => {
    const codes = sparseCodes(600, 64, 8, 12, 5);
    const a = clusterTerms(codes, { k: 20, seed: 42 });
    const b = clusterTerms(codes, { k: 20, seed: 42 });
    expect(Array.from(a.assignment)).toEqual(Array.from(b.assignment));
    expect(a.clusters.map((c) => c.centralTerm)).toEqual(b.clusters.map((c) => c.centralTerm));
  });

  it('converges and keeps every requested cluster non-empty on noisy codes', () => {
    const codes = sparseCodes(800, 96, 10, 16, 9);
    const result = clusterTerms(codes, { k: 40, seed: 0 });
    expect(result.converged).toBe(true);
    expect(result.clusters).toHaveLength(40);
    expect(result.clusters.reduce((n, c) => n + c.members.length, 0)).toBe(800);
    for (let i = 1; i < result.clusters.length; i++) {
      expect(result.clusters[i - 1].members.length).toBeGreaterThanOrEqual(result.clusters[i].members.length);
    }
  });

  it('leaves all-zero terms out of every cluster', () => {
    const world = plantedWorld();
    const data = new Float32Array(world.vectors.data.length + world.vectors.cols);
    data.set(world.vectors.data);
    const codes = matrix(data, world.vectors.rows + 1, world.vectors.cols);
    const result = clusterTerms(codes, { k: 4 });
    expect(result.silentTerms).toEqual([world.vectors.rows]);
    expect(result.assignment[world.vectors.rows]).toBe(-1);
  });

  it('returns fewer clusters than asked when there are fewer distinct directions', () => {
    const codes = matrix(new Float32Array([1, 0, 2, 0, 0, 1, 0, 3]), 4, 2);
    const result = clusterTerms(codes, { k: 3 });
    expect(result.clusters.map((c) => c.members)).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('defaults to about √n clusters', () => {
    const codes = sparseCodes(400, 64, 8, 10, 2);
    expect(clusterTerms(codes).clusters).toHaveLength(20);
  });

  it('clusters 5,000 sparse 256-dimensional codes in a few seconds', () => {
    const codes = sparseCodes(5000, 256, 32, 60, 1);
    const start = performance.now();
    const result = clusterTerms(codes, { seed: 0 });
    expect(performance.now() - start).toBeLessThan(5000);
    expect(result.clusters.length).toBe(71);
  }, 30_000);

  it('explains bad input', () => {
    expect(() => clusterTerms({ data: new Float32Array(0), rows: 0, cols: 4 })).toThrow(/at least one row/);
    expect(() => clusterTerms({ data: new Float32Array(5), rows: 2, cols: 3 })).toThrow(/needs 6/);
    expect(() => clusterTerms(matrix(new Float32Array(6), 2, 3))).toThrow(/all zero/);
    expect(() => clusterTerms({ data: new Float32Array([1, -1]), rows: 1, cols: 2 })).toThrow(/non-negative/);
    expect(() => clusterTerms({ data: new Float32Array([1, NaN]), rows: 1, cols: 2 })).toThrow(LucidInputError);
    expect(() => clusterTerms(matrix(new Float32Array([1, 1]), 1, 2), { k: 0 })).toThrow(/number of clusters/);
    expect(() => clusterTerms(matrix(new Float32Array([1, 1]), 1, 2), { k: 2.5 })).toThrow(/number of clusters/);
  });
});
