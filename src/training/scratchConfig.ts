import { type LucidConfig, makeConfig } from '../lucid/config';

/**
 * The configuration of a dictionary trained from scratch, sized to the encoder's widths: twice as
 * many shared latents as the image width, half as many private latents per modality, k = 16 and
 * AuxK with d/2 latents (Gao et al. 2024). For Emoji-CLIP (d = 128) that is 256 + 64 + 64 latents.
 */
export function scratchConfig(dImage: number, dText: number): LucidConfig {
  const d = Math.max(dImage, dText);
  return makeConfig(
    { dImage, dText },
    {
      nShared: 2 * d,
      nImagePrivate: Math.max(8, Math.round(d / 2)),
      nTextPrivate: Math.max(8, Math.round(d / 2)),
      k: Math.min(16, 2 * d),
      kAux: Math.max(8, Math.round(d / 2)),
    },
  );
}
