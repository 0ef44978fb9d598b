/** Ranking helpers for the lists of neurons. Pure. */
import type { ImageAnalysis, LatentInfo, LatentKind, ScoredLatent } from '../explain/types';

const KIND_ORDER: Record<LatentKind, number> = { shared: 0, image: 1, text: 1 };

/**
 * Shared neurons first (they are the concepts both towers agree on), then private ones, each
 * group by score, highest first; ties by id so the order is stable.
 */
export function rankNeurons(neurons: readonly ScoredLatent[], kindOf: (id: number) => LatentKind): ScoredLatent[] {
  return [...neurons].sort(
    (a, b) => KIND_ORDER[kindOf(a.id)] - KIND_ORDER[kindOf(b.id)] || b.score - a.score || a.id - b.id,
  );
}

/** The active latents of one patch (its Top-K codes), strongest first, zeros left out. */
export function patchConcepts(patchLatents: ImageAnalysis['patchLatents'], patch: number): ScoredLatent[] {
  const { k, ids, values } = patchLatents;
  const concepts: ScoredLatent[] = [];
  for (let j = patch * k; j < (patch + 1) * k && j < ids.length; j++) {
    if (values[j] > 0) concepts.push({ id: ids[j], score: values[j] });
  }
  return concepts.sort((a, b) => b.score - a.score || a.id - b.id);
}

/**
 * Shared latents for the Pairs tab: those matching `query` (`matchesLatent`), the ones that fire on
 * both modalities most evenly first (the smaller of the two firing rates).
 */
export function sharedConcepts(latents: readonly LatentInfo[], query: string, limit: number): LatentInfo[] {
  return latents
    .filter((info) => info.kind === 'shared' && info.label !== null && matchesLatent(info, query))
    .sort((a, b) => Math.min(b.imageRate, b.textRate) - Math.min(a.imageRate, a.textRate) || a.id - b.id)
    .slice(0, limit);
}

/** Where a search matched a latent, the strongest evidence first: its label, a synonym, a top term. */
export type MatchField = 'label' | 'synonym' | 'term';

const FIELD_ORDER: Record<MatchField, number> = { label: 0, synonym: 1, term: 2 };

/** Why a latent matches a search, for ranking and for saying so in the list. */
export interface LatentMatch {
  field: MatchField;
  /** The label, synonym or term that matched, as written. */
  text: string;
  /** The term's position in `topTerms` (0 = strongest); 0 for labels and synonyms. */
  rank: number;
  /** The query is a whole word (or run of words) of `text`, not only a prefix of one. */
  exact: boolean;
}

/**
 * Lowercase words joined by single spaces: anything that is not a letter or a digit separates
 * words, so "T-shirt" is "t shirt" and a search for "shirt" finds it at a word start.
 */
export function normaliseWords(text: string): string {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '')
    .join(' ');
}

/**
 * How normalised `needle` occurs in `text` at a word start: 'word' when it ends at a word end too,
 * 'prefix' when it stops inside a word, null when it only occurs inside words ("cat" in
 * "education") or not at all.
 */
export function wordMatch(text: string, needle: string): 'word' | 'prefix' | null {
  const haystack = normaliseWords(text);
  let found: 'prefix' | null = null;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (at > 0 && haystack[at - 1] !== ' ') continue;
    const end = at + needle.length;
    if (end === haystack.length || haystack[end] === ' ') return 'word';
    found = 'prefix';
  }
  return found;
}

function fieldMatch(field: MatchField, text: string, rank: number, needle: string): LatentMatch | null {
  const how = wordMatch(text, needle);
  return how === null ? null : { field, text, rank, exact: how === 'word' };
}

/** The first match among `texts`, a whole-word one preferred over a prefix. */
function firstMatch(field: MatchField, texts: readonly string[], needle: string, ranked: boolean): LatentMatch | null {
  const matches = texts
    .map((text, index) => fieldMatch(field, text, ranked ? index : 0, needle))
    .filter((match) => match !== null);
  // Terms keep their rank order; among synonyms (unordered) a whole word beats a prefix.
  return ranked ? (matches[0] ?? null) : (matches.find((match) => match.exact) ?? matches[0] ?? null);
}

/**
 * Why `info` matches `query`, or null: the query, case-insensitive, must be a whole word or a word
 * prefix of the label, else of a synonym, else of a top term (the best-ranked one that matches).
 * An empty query matches every latent (as a label match, so nothing is demoted).
 */
export function latentMatch(info: LatentInfo, query: string): LatentMatch | null {
  const needle = normaliseWords(query);
  if (needle === '') return { field: 'label', text: info.label ?? '', rank: 0, exact: true };
  const label = info.label === null ? null : fieldMatch('label', info.label, 0, needle);
  return (
    label ??
    firstMatch('synonym', info.synonyms ?? [], needle, false) ??
    firstMatch(
      'term',
      info.topTerms.map(([term]) => term),
      needle,
      true,
    )
  );
}

/** Whether `query` is a whole word or a word prefix of the latent's label, a synonym or a top term. */
export function matchesLatent(info: LatentInfo, query: string): boolean {
  return latentMatch(info, query) !== null;
}

/**
 * Latents matching `query`, best evidence first: label matches, then synonym matches, then top-term
 * matches by the term's rank; then whole words before prefixes, surer labels (confidence) before
 * less sure ones, and lower ids first so the order is stable.
 */
export function rankMatches(latents: readonly LatentInfo[], query: string): { info: LatentInfo; match: LatentMatch }[] {
  return latents
    .map((info) => ({ info, match: latentMatch(info, query) }))
    .filter((row): row is { info: LatentInfo; match: LatentMatch } => row.match !== null)
    .sort(
      (a, b) =>
        FIELD_ORDER[a.match.field] - FIELD_ORDER[b.match.field] ||
        a.match.rank - b.match.rank ||
        Number(b.match.exact) - Number(a.match.exact) ||
        b.info.confidence - a.info.confidence ||
        a.info.id - b.info.id,
    );
}
