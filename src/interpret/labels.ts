/**
 * Latent labelling by term clustering (METHOD.md, "Interpretation by term clustering"): each
 * latent is labelled by the term cluster that dominates its term profile. Pure typed-array code,
 * no tfjs, no DOM. The rules and why are in docs/interpretation.md.
 */
import { check } from '../lucid/errors';
import { CATEGORIES, type Category } from './categories';
import type { TermClustering } from './clustering';
import { type Matrix, checkMatrix, normalizeInPlace, sparseDot, unitSparseRows } from './matrix';
import type { Term } from './vocabulary';

/** Shown in place of a label for a latent that fires on no term. */
export const SILENT_LABEL = '(silent)';

/**
 * Which member of the dominant cluster names a latent: `central`, the member closest to the
 * activation-weighted centre of the members it fires on (METHOD.md's rule); `strongest`, the member
 * it fires on most. Chosen on validation (docs/interpretation.md).
 */
export type LabelRule = 'central' | 'strongest';

export type LabelOptions = {
  /** How many of the latent's highest-activating terms to list. Default 10. */
  topTerms?: number;
  /** Default `central`. */
  rule?: LabelRule;
};

/** A term and how strongly a latent fires on it. */
export type TermActivation = { term: number; text: string; activation: number };

/** What the pipeline says about one latent. */
export type LatentLabel = {
  latent: number;
  /** The label term's text; null for a silent latent. */
  label: string | null;
  /** Index of the label term; -1 for a silent latent. */
  labelTerm: number;
  /** Index of the dominant cluster in `clustering.clusters`; -1 when there is none. */
  cluster: number;
  /** Majority category of the dominant cluster's terms, 'unknown' ignored; 'unknown' if none. */
  category: Category;
  /** The latent's highest activations over the whole vocabulary, highest first. */
  topTerms: TermActivation[];
  /**
   * Share of the latent's activation mass (its summed activation over all terms) that falls on
   * the dominant cluster, in [0, 1]; 0 for a silent latent.
   */
  confidence: number;
  /**
   * z-score of the dominant cluster's summed activation against random term sets of the same
   * size: (S_C − |C|·μ) / (σ·√|C|), μ and σ the latent's mean and standard deviation over terms.
   */
  enrichment: number;
  /** Summed activation of the latent over all terms. */
  mass: number;
  /** How many terms the latent fires on (activation > 0). */
  firingTerms: number;
};

/** The label to show: the term, or SILENT_LABEL. */
export function displayLabel(label: Pick<LatentLabel, 'label'>): string {
  return label.label ?? SILENT_LABEL;
}

/**
 * The majority category of each cluster's terms, ignoring 'unknown' (ties go to the earlier
 * category in CATEGORIES; a cluster of unknown words only is 'unknown').
 */
export function clusterCategories(clustering: TermClustering, terms: readonly Pick<Term, 'category'>[]): Category[] {
  return clustering.clusters.map(({ members }) => {
    const votes = new Map<Category, number>();
    for (const t of members) {
      const category = terms[t].category;
      if (category !== 'unknown') votes.set(category, (votes.get(category) ?? 0) + 1);
    }
    let best: Category = 'unknown';
    let bestVotes = 0;
    for (const category of CATEGORIES) {
      const count = votes.get(category) ?? 0;
      if (count > bestVotes) [best, bestVotes] = [category, count];
    }
    return best;
  });
}

/**
 * Labels every latent.
 * @param profiles [nTerms, nLatents] activation of each latent on each term (its term profile).
 * @param termVectors [nTerms, dim] the codes the terms were clustered by (may be `profiles`).
 * @param clustering `clusterTerms(termVectors)`.
 * @param terms [nTerms] the vocabulary, in the same order as the rows.
 */
export function labelLatents(
  profiles: Matrix,
  termVectors: Matrix,
  clustering: TermClustering,
  terms: readonly Pick<Term, 'text' | 'category'>[],
  options: LabelOptions = {},
): LatentLabel[] {
  checkMatrix(profiles, 'Term profiles');
  checkMatrix(termVectors, 'Term vectors');
  const nTerms = profiles.rows;
  const nLatents = profiles.cols;
  check(termVectors.rows === nTerms, `Term vectors have ${termVectors.rows} rows, profiles ${nTerms}.`);
  check(terms.length === nTerms, `The vocabulary has ${terms.length} terms, profiles ${nTerms} rows.`);
  check(
    clustering.assignment.length === nTerms,
    `The clustering covers ${clustering.assignment.length} terms, not ${nTerms}.`,
  );
  const topK = options.topTerms ?? 10;
  check(Number.isInteger(topK) && topK >= 0, `topTerms must be a whole number ≥ 0 (got ${topK}).`);

  const nClusters = clustering.clusters.length;
  const categories = clusterCategories(clustering, terms);
  const units = unitSparseRows(termVectors);

  // One pass over the profiles: per latent its mass per cluster, sum, sum of squares, count.
  const clusterMass = new Float64Array(nLatents * nClusters);
  const sum = new Float64Array(nLatents);
  const sumSq = new Float64Array(nLatents);
  const firing = new Int32Array(nLatents);
  for (let t = 0; t < nTerms; t++) {
    const c = clustering.assignment[t];
    const row = t * nLatents;
    for (let j = 0; j < nLatents; j++) {
      const a = profiles.data[row + j];
      if (a === 0) continue;
      sum[j] += a;
      sumSq[j] += a * a;
      firing[j]++;
      if (c >= 0) clusterMass[j * nClusters + c] += a;
    }
  }

  const labels: LatentLabel[] = [];
  for (let j = 0; j < nLatents; j++) {
    const topTerms = topActivations(profiles, j, topK, terms);
    const silent: LatentLabel = {
      latent: j,
      label: null,
      labelTerm: -1,
      cluster: -1,
      category: 'unknown',
      topTerms,
      confidence: 0,
      enrichment: 0,
      mass: sum[j],
      firingTerms: firing[j],
    };
    if (firing[j] === 0) {
      labels.push(silent);
      continue;
    }
    const mean = sum[j] / nTerms;
    const std = Math.sqrt(Math.max(0, sumSq[j] / nTerms - mean * mean));
    const { cluster, enrichment } = dominantCluster(clusterMass, j, nClusters, clustering, mean, std);
    // Fires only on silent (unclustered) terms: nothing to label it by.
    if (cluster < 0) {
      labels.push(silent);
      continue;
    }
    const members = clustering.clusters[cluster].members;
    const labelTerm =
      options.rule === 'strongest'
        ? strongestMember(profiles, j, members)
        : centralFiringMember(profiles, j, members, units);
    labels.push({
      ...silent,
      label: terms[labelTerm].text,
      labelTerm,
      cluster,
      category: categories[cluster],
      confidence: clusterMass[j * nClusters + cluster] / sum[j],
      enrichment,
    });
  }
  return labels;
}

/**
 * The cluster whose summed activation is most above what a random set of as many terms would
 * get (largest z-score), so that a large cluster does not win by size alone and a single
 * strongly firing term does not beat a cluster that collects most of the latent's mass. Ties
 * (e.g. a latent equally active on every term, σ = 0) go to the larger mass, then lower index.
 */
function dominantCluster(
  clusterMass: Float64Array,
  latent: number,
  nClusters: number,
  clustering: TermClustering,
  mean: number,
  std: number,
): { cluster: number; enrichment: number } {
  let cluster = -1;
  let bestZ = -Infinity;
  let bestMass = 0;
  for (let c = 0; c < nClusters; c++) {
    const mass = clusterMass[latent * nClusters + c];
    if (mass <= 0) continue;
    const size = clustering.clusters[c].members.length;
    const z = std > 0 ? (mass - size * mean) / (std * Math.sqrt(size)) : 0;
    if (z > bestZ || (z === bestZ && mass > bestMass)) [cluster, bestZ, bestMass] = [c, z, mass];
  }
  return { cluster, enrichment: cluster < 0 ? 0 : bestZ };
}

/**
 * The label term: among the cluster's members that fire the latent, the one closest (cosine)
 * to the activation-weighted mean of their unit codes, i.e. the most central term of the part
 * of the cluster this latent sees. Two latents dominated by one cluster thus get different
 * labels when they fire on different parts of it. Ties go to the higher activation.
 */
function centralFiringMember(
  profiles: Matrix,
  latent: number,
  members: number[],
  units: ReturnType<typeof unitSparseRows>,
): number {
  const nLatents = profiles.cols;
  const firingMembers = members.filter((t) => profiles.data[t * nLatents + latent] > 0);
  const centre = new Float32Array(units.cols);
  for (const t of firingMembers) {
    const a = profiles.data[t * nLatents + latent];
    for (let e = units.rowStart[t]; e < units.rowStart[t + 1]; e++) centre[units.column[e]] += a * units.value[e];
  }
  normalizeInPlace(centre);
  let best = firingMembers[0];
  let bestCos = -Infinity;
  for (const t of firingMembers) {
    const cos = sparseDot(units, t, centre);
    const a = profiles.data[t * nLatents + latent];
    if (cos > bestCos || (cos === bestCos && a > profiles.data[best * nLatents + latent])) [best, bestCos] = [t, cos];
  }
  return best;
}

/** The cluster member with the highest activation of `latent` (ties: the earlier member). */
function strongestMember(profiles: Matrix, latent: number, members: number[]): number {
  let best = members[0];
  for (const t of members) {
    if (profiles.data[t * profiles.cols + latent] > profiles.data[best * profiles.cols + latent]) best = t;
  }
  return best;
}

/** The `k` terms with the highest positive activation of `latent`, highest first (ties: lower index). */
function topActivations(
  profiles: Matrix,
  latent: number,
  k: number,
  terms: readonly Pick<Term, 'text'>[],
): TermActivation[] {
  const found: TermActivation[] = [];
  for (let t = 0; t < profiles.rows; t++) {
    const activation = profiles.data[t * profiles.cols + latent];
    if (activation <= 0) continue;
    if (found.length === k && activation <= found[k - 1].activation) continue;
    let at = found.length;
    while (at > 0 && found[at - 1].activation < activation) at--;
    found.splice(at, 0, { term: t, text: terms[t].text, activation });
    if (found.length > k) found.pop();
  }
  return found;
}

/** Label diversity among the top-N latents (METHOD.md: "label collapse"). */
export type LabelCollapse = {
  /** Latents considered: the top N non-silent ones (fewer if fewer are labelled). */
  latents: number;
  /** Distinct labels among them. */
  distinctLabels: number;
  /** distinctLabels / latents, in (0, 1]: 1 = every latent has its own label, low = collapse. 0 when none. */
  distinctShare: number;
};

/**
 * Share of distinct labels among the top-N labelled latents. Latents are ranked by `score`
 * (indexed by latent, e.g. firing frequency on held-out data) when given, else by their
 * activation mass on the vocabulary; ties go to the lower latent index. Silent latents are left
 * out.
 */
export function labelCollapse(labels: readonly LatentLabel[], topN: number, score?: ArrayLike<number>): LabelCollapse {
  check(Number.isInteger(topN) && topN >= 1, `topN must be a whole number ≥ 1 (got ${topN}).`);
  check(
    score === undefined || labels.every((l) => l.latent < score.length),
    `score has ${score?.length} entries, fewer than there are latents.`,
  );
  const rankOf = (l: LatentLabel) => (score ? score[l.latent] : l.mass);
  const ranked = labels
    .filter((l) => l.label !== null)
    .sort((a, b) => rankOf(b) - rankOf(a) || a.latent - b.latent)
    .slice(0, topN);
  const distinctLabels = new Set(ranked.map((l) => l.label)).size;
  return {
    latents: ranked.length,
    distinctLabels,
    distinctShare: ranked.length === 0 ? 0 : distinctLabels / ranked.length,
  };
}
