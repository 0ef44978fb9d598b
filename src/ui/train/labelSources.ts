/**
 * The Comparison panel shows two "old" labels that come from different places: the label shipped
 * with the starting dictionary (its interpretation.json, named on the reference images at build
 * time) and the label the same naming pipeline gives the starting dictionary on the user's images
 * (relabelOutcome.ts). They can differ for the same latent; the panel names both sources and lists
 * where they disagree, instead of showing two "before" labels that contradict each other.
 */
import type { RelabelSummary } from '../../training/api';
import type { ChangedLatent } from '../../training/comparison';

export interface LabelDisagreement {
  id: number;
  /** Label in the starting dictionary's shipped interpretation. */
  shipped: string;
  /** Label of the starting dictionary named on the user's images ('unnamed' as null). */
  onYourImages: string | null;
}

/** Latents in both tables whose shipped label differs from their label on the user's images, in the second table's order. */
export function labelDisagreements(
  moved: readonly ChangedLatent[],
  renamed: RelabelSummary['changed'],
): LabelDisagreement[] {
  const shipped = new Map(moved.flatMap((latent) => (latent.oldLabel === null ? [] : [[latent.id, latent.oldLabel]])));
  return renamed.flatMap((latent) => {
    const label = shipped.get(latent.id);
    return label === undefined || label === latent.before
      ? []
      : [{ id: latent.id, shipped: label, onYourImages: latent.before }];
  });
}
