/** Looking latents up in an interpretation, and naming them for display. */
import type { Interpretation, LatentInfo } from '../explain/types';

/** Latents by id (the interpretation lists them in id order, but do not rely on it). */
export function latentIndex(interpretation: Interpretation | null): Map<number, LatentInfo> {
  return new Map(interpretation?.latents.map((info) => [info.id, info]) ?? []);
}

/**
 * The label of a latent, or a name that says why there is none: a latent without enough evidence
 * is "unnamed", with its confidence, never given a guessed name.
 */
export function latentName(info: LatentInfo | undefined, id: number): string {
  if (info === undefined) return `neuron ${id}`;
  return info.label ?? `unnamed #${id} (${Math.round(info.confidence * 100)}% confidence)`;
}

/** Scores and activations, with three significant digits. */
export function formatScore(value: number): string {
  return value.toPrecision(3);
}

export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}
