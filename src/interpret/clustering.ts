/**
 * Term clustering by spherical k-means (Dhillon & Modha 2001) on the terms' shared codes:
 * cosine similarity, greedy k-means++ seeding (Arthur & Vassilvitskii 2007) from a fixed seed, plain
 * typed arrays (no tfjs: the codes are sparse, and sparse dot products on the CPU beat dense
 * tensor ops for ~5k × 256 Top-K codes). See docs/interpretation.md.
 */
import { check } from '../lucid/errors';
import { makeRng } from '../lucid/random';
import { type Matrix, type UnitSparseRows, checkMatrix, normalizeInPlace, sparseDot, unitSparseRows } from './matrix';

export type ClusterOptions = {
  /** Number of clusters; default round(√(terms with a non-zero code)). */
  k?: number;
  /** Seed of the k-means++ draws; the same seed and input give the same clusters. Default 0. */
  seed?: number;
  /** Upper bound on assign–update rounds. Default 50. */
  maxIterations?: number;
};

/** One cluster of terms. */
export type TermCluster = {
  /** Term indices (rows of the input), ascending. */
  members: number[];
  /** [dim] unit-norm mean direction of the members' codes. */
  centroid: Float32Array;
  /** [members.length] cosine of each member to the centroid. */
  centrality: Float32Array;
  /**
   * The member with the highest cosine to the centroid. It is also the member with the highest
   * mean cosine to all members, since that mean is the member's dot product with the sum of
   * the unit codes, which points along the centroid.
   */
  centralTerm: number;
  /** Mean cosine of the members to the centroid, in [0, 1]: how tight the cluster is. */
  cohesion: number;
};

export type TermClustering = {
  /** Largest first; ties by smallest member index. */
  clusters: TermCluster[];
  /** [nTerms] index into `clusters`, or -1 for a silent term (an all-zero code). */
  assignment: Int32Array;
  /** Terms whose code is all zero: they have no direction, so they belong to no cluster. */
  silentTerms: number[];
  /** Assign–update rounds run. */
  iterations: number;
  /** True when the last round changed no assignment. */
  converged: boolean;
};

const DEFAULT_MAX_ITERATIONS = 50;

/**
 * Clusters terms by the cosine similarity of their codes.
 * @param vectors [nTerms, dim] non-negative codes of the terms (e.g. shared Top-K codes).
 */
export function clusterTerms(vectors: Matrix, options: ClusterOptions = {}): TermClustering {
  checkMatrix(vectors, 'Term vectors');
  const rows = unitSparseRows(vectors);
  const active: number[] = [];
  const silentTerms: number[] = [];
  for (let t = 0; t < rows.rows; t++) (rows.norm[t] > 0 ? active : silentTerms).push(t);
  check(active.length > 0, 'Cannot cluster terms: every term vector is all zero (no term fires a latent).');

  const k = options.k ?? Math.max(1, Math.round(Math.sqrt(active.length)));
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  check(Number.isInteger(k) && k >= 1, `The number of clusters must be a whole number ≥ 1 (got ${k}).`);
  check(
    Number.isInteger(maxIterations) && maxIterations >= 1,
    `maxIterations must be a whole number ≥ 1 (got ${maxIterations}).`,
  );

  const seeds = seedPlusPlus(rows, active, k, options.seed ?? 0);
  const centroids = seeds.map((term) => denseRow(rows, term));
  const assignment = new Int32Array(rows.rows).fill(-1);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    if (assignToNearest(rows, active, centroids, assignment) === 0) {
      converged = true;
      break;
    }
    refillEmptyClusters(rows, active, centroids, assignment);
    updateCentroids(rows, active, centroids, assignment);
  }
  return collectClusters(rows, active, silentTerms, centroids.length, assignment, iterations, converged);
}

/**
 * Greedy k-means++ seeding with cosine distance 1 − cos: the first seed uniformly, then for each
 * next one 2 + ⌊ln k⌋ candidates drawn with probability proportional to their squared distance
 * to the nearest seed so far, keeping the candidate that lowers the summed squared distance most
 * (as scikit-learn does; plain k-means++ too often puts two seeds in one tight group). Stops
 * early when every term coincides with a seed (fewer distinct directions than k).
 */
function seedPlusPlus(rows: UnitSparseRows, active: number[], k: number, seed: number): number[] {
  const random = makeRng(seed);
  const trials = 2 + Math.floor(Math.log(k));
  const first = active[Math.floor(random() * active.length)];
  const seeds = [first];
  let nearest = squaredDistances(rows, active, first);
  while (seeds.length < Math.min(k, active.length)) {
    let total = 0;
    for (let i = 0; i < active.length; i++) total += nearest[i];
    if (total <= 1e-12) break;
    let best: { term: number; distances: Float64Array; potential: number } | undefined;
    for (let trial = 0; trial < trials; trial++) {
      const term = active[drawByWeight(nearest, total, random())];
      const distances = squaredDistances(rows, active, term);
      let potential = 0;
      for (let i = 0; i < active.length; i++) {
        distances[i] = Math.min(distances[i], nearest[i]);
        potential += distances[i];
      }
      if (best === undefined || potential < best.potential) best = { term, distances, potential };
    }
    seeds.push(best!.term);
    nearest = best!.distances;
  }
  return seeds;
}

/** [active.length] squared cosine distance of every active term to `term`. */
function squaredDistances(rows: UnitSparseRows, active: number[], term: number): Float64Array {
  const centre = denseRow(rows, term);
  const out = new Float64Array(active.length);
  for (let i = 0; i < active.length; i++) {
    const distance = Math.max(0, 1 - sparseDot(rows, active[i], centre));
    out[i] = distance * distance;
  }
  return out;
}

/** Index i drawn with probability weights[i] / total, for a uniform draw u in [0, 1). */
function drawByWeight(weights: Float64Array, total: number, u: number): number {
  let target = u * total;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] <= 0) continue;
    last = i;
    target -= weights[i];
    if (target < 0) return i;
  }
  return last;
}

/** The unit-norm row `term` as a dense vector [cols]. */
function denseRow(rows: UnitSparseRows, term: number): Float32Array {
  const out = new Float32Array(rows.cols);
  for (let e = rows.rowStart[term]; e < rows.rowStart[term + 1]; e++) out[rows.column[e]] = rows.value[e];
  return out;
}

/**
 * Assigns every active term to the centroid of highest cosine (ties to the lower index).
 * Centroids are transposed to [dim, k] so that each non-zero of a sparse code updates k
 * contiguous scores. Returns how many assignments changed.
 */
function assignToNearest(
  rows: UnitSparseRows,
  active: number[],
  centroids: Float32Array[],
  assignment: Int32Array,
): number {
  const k = centroids.length;
  const transposed = new Float32Array(rows.cols * k);
  centroids.forEach((centroid, c) => {
    for (let j = 0; j < rows.cols; j++) transposed[j * k + c] = centroid[j];
  });
  const scores = new Float32Array(k);
  let changed = 0;
  for (const t of active) {
    scores.fill(0);
    for (let e = rows.rowStart[t]; e < rows.rowStart[t + 1]; e++) {
      const base = rows.column[e] * k;
      const x = rows.value[e];
      for (let c = 0; c < k; c++) scores[c] += x * transposed[base + c];
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[c] > scores[best]) best = c;
    if (assignment[t] !== best) {
      assignment[t] = best;
      changed++;
    }
  }
  return changed;
}

/**
 * Gives each empty cluster the term that fits its own cluster worst (lowest cosine), taken
 * from a cluster that keeps at least one member; the usual remedy, and deterministic.
 */
function refillEmptyClusters(
  rows: UnitSparseRows,
  active: number[],
  centroids: Float32Array[],
  assignment: Int32Array,
): void {
  const sizes = new Int32Array(centroids.length);
  for (const t of active) sizes[assignment[t]]++;
  for (let c = 0; c < centroids.length; c++) {
    if (sizes[c] > 0) continue;
    let worst = -1;
    let worstFit = Infinity;
    for (const t of active) {
      if (sizes[assignment[t]] < 2) continue;
      const fit = sparseDot(rows, t, centroids[assignment[t]]);
      if (fit < worstFit) [worst, worstFit] = [t, fit];
    }
    if (worst < 0) return; // Fewer terms than clusters: the empty ones are dropped at the end.
    sizes[assignment[worst]]--;
    assignment[worst] = c;
    sizes[c] = 1;
  }
}

/** Each centroid becomes the unit-norm mean of its members' unit codes. */
function updateCentroids(
  rows: UnitSparseRows,
  active: number[],
  centroids: Float32Array[],
  assignment: Int32Array,
): void {
  for (const centroid of centroids) centroid.fill(0);
  for (const t of active) {
    const centroid = centroids[assignment[t]];
    for (let e = rows.rowStart[t]; e < rows.rowStart[t + 1]; e++) centroid[rows.column[e]] += rows.value[e];
  }
  for (const centroid of centroids) normalizeInPlace(centroid);
}

/** Builds the result: non-empty clusters, largest first, with centrality and central term. */
function collectClusters(
  rows: UnitSparseRows,
  active: number[],
  silentTerms: number[],
  k: number,
  assignment: Int32Array,
  iterations: number,
  converged: boolean,
): TermClustering {
  const memberLists: number[][] = Array.from({ length: k }, () => []);
  for (const t of active) memberLists[assignment[t]].push(t);
  const order = memberLists
    .map((members, c) => ({ members, c }))
    .filter(({ members }) => members.length > 0)
    .sort((a, b) => b.members.length - a.members.length || a.members[0] - b.members[0]);

  const finalAssignment = new Int32Array(rows.rows).fill(-1);
  const clusters = order.map(({ members }, index) => {
    const centroid = new Float32Array(rows.cols);
    for (const t of members) {
      finalAssignment[t] = index;
      for (let e = rows.rowStart[t]; e < rows.rowStart[t + 1]; e++) centroid[rows.column[e]] += rows.value[e];
    }
    normalizeInPlace(centroid);
    const centrality = new Float32Array(members.length);
    let centralAt = 0;
    let sum = 0;
    members.forEach((t, i) => {
      centrality[i] = sparseDot(rows, t, centroid);
      sum += centrality[i];
      if (centrality[i] > centrality[centralAt]) centralAt = i;
    });
    return { members, centroid, centrality, centralTerm: members[centralAt], cohesion: sum / members.length };
  });
  return { clusters, assignment: finalAssignment, silentTerms, iterations, converged };
}
