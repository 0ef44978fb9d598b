/**
 * Reading a GCMT plan for drawing. The plan is row-major [(patches + 1) · (tokens + 1)]: patch rows
 * then the dustbin row, token columns then the dustbin column. Pure.
 */
import type { TransportView } from '../../explain/types';

export interface PlanLink {
  patch: number;
  token: number;
  mass: number;
}

function planShape(view: TransportView): { patches: number; tokens: number } {
  return { patches: view.grid[0] * view.grid[1], tokens: view.tokens.length };
}

/**
 * The heaviest patch → content-token links (to `token` only, if given), heaviest first: at most
 * `maxLinks`, and none lighter than `minShare` of the heaviest (a plan is dense; drawing every
 * entry hides its structure).
 */
export function planLinks(
  view: TransportView,
  maxLinks = 80,
  minShare = 0.05,
  token: number | null = null,
): PlanLink[] {
  const { patches, tokens } = planShape(view);
  const links: PlanLink[] = [];
  for (let patch = 0; patch < patches; patch++) {
    for (let j = 0; j < tokens; j++) {
      if (view.contentMask[j] !== 1 || (token !== null && j !== token)) continue;
      const mass = view.plan[patch * (tokens + 1) + j];
      if (mass > 0) links.push({ patch, token: j, mass });
    }
  }
  links.sort((a, b) => b.mass - a.mass || a.patch - b.patch || a.token - b.token);
  const heaviest = links[0]?.mass ?? 0;
  return links.filter((link) => link.mass >= minShare * heaviest).slice(0, maxLinks);
}

/** Per token: mass matched to patches, and mass sent to the dustbin. */
export function tokenMasses(view: TransportView): { matched: number[]; dustbin: number[] } {
  const { patches, tokens } = planShape(view);
  const matched = new Array<number>(tokens).fill(0);
  const dustbin = new Array<number>(tokens).fill(0);
  for (let token = 0; token < tokens; token++) {
    for (let patch = 0; patch < patches; patch++) matched[token] += view.plan[patch * (tokens + 1) + token];
    dustbin[token] = view.plan[patches * (tokens + 1) + token];
  }
  return { matched, dustbin };
}

/** Per patch, the mass it sends to `token` (or to all content tokens when `token` is null). */
export function patchMasses(view: TransportView, token: number | null): Float32Array {
  const { patches, tokens } = planShape(view);
  const masses = new Float32Array(patches);
  for (let patch = 0; patch < patches; patch++) {
    for (let j = 0; j < tokens; j++) {
      if ((token === null && view.contentMask[j] === 1) || j === token)
        masses[patch] += view.plan[patch * (tokens + 1) + j];
    }
  }
  return masses;
}

/** Whether `token` takes part in the alignment (a content word: not a function word, special token or punctuation). */
export function isAligned(view: TransportView, token: number): boolean {
  return view.contentMask[token] === 1;
}

/**
 * Where `token`'s mass went on the image: its plan column over the patches (plan[p·(T+1) + token]),
 * divided by the column's largest entry so the word's own hottest patch is 1 however little mass
 * it has; all zeros when it sent nothing to patches. [patches], row-major like the grid.
 */
export function tokenHeat(view: TransportView, token: number): Float32Array {
  const { patches, tokens } = planShape(view);
  const heat = new Float32Array(patches);
  let max = 0;
  for (let patch = 0; patch < patches; patch++) {
    heat[patch] = view.plan[patch * (tokens + 1) + token];
    max = Math.max(max, heat[patch]);
  }
  if (max > 0) for (let patch = 0; patch < patches; patch++) heat[patch] /= max;
  return heat;
}

/** Share of `token`'s mass (its whole column, dustbin row included) sent to the dustbin; 0 without mass. */
export function tokenDustbinShare(view: TransportView, token: number): number {
  const { matched, dustbin } = tokenMasses(view);
  const total = matched[token] + dustbin[token];
  return total > 0 ? dustbin[token] / total : 0;
}
