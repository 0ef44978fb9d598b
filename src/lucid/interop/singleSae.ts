import { type LucidConfig, type Modality, MODALITIES, inputWidth, makeConfig } from '../config';
import { LucidFormatError } from '../errors';
import { type LucidArrays, type LucidModel, lucidFromArrays } from '../model';
import { type NormStats, identityNorm } from '../normalization';

/**
 * One tower's SAE from another library, already rewritten into LUCID's encoder:
 * pre = (x − bPre) · wEnc + bEnc, codes = Top-K(ReLU(pre)), x̂ = codes · wDec + bPre.
 * A plain ReLU SAE is Top-K with k = dSae: keeping every latent keeps every positive one.
 */
export interface SingleSae {
  /** Input width d. */
  dIn: number;
  /** Latent count m. */
  dSae: number;
  /** Encoder [d, m]. */
  wEnc: Float32Array;
  /** Encoder bias [m]. */
  bEnc: Float32Array;
  /** Decoder [m, d]. */
  wDec: Float32Array;
  /** Bias subtracted before encoding and added after decoding [d]. */
  bPre: Float32Array;
  /** Active latents per row. */
  k: number;
  /** Names that may say which tower the SAE reads: hook names, the folder's name. */
  towerHints: string[];
  /** The config file, named in messages. */
  label: string;
}

/** Where an SAE's files lie: `prefix` starts their names in messages ("image/"); `hints` may name its tower. */
export interface FolderContext {
  prefix?: string;
  hints?: string[];
}

/** The encoder's tower widths, as an imported SAE must match them. */
export interface TowerWidths {
  id: string;
  dImage: number;
  dText: number;
}

const IMAGE_HINT = /(^|[^a-z])(vision|visual|image|images|img|vit|patch|patches)([^a-z]|$)/;
const TEXT_HINT = /(^|[^a-z])(text|token|tokens|caption|captions)([^a-z]|$)/;

/**
 * Which tower an SAE reads: the one whose width is d_in, or, where both towers have that width (as
 * Emoji-CLIP's do), the one its hook name or folder name says ("vision_model…", "text_model…").
 */
export function chooseModality(sae: Pick<SingleSae, 'dIn' | 'towerHints' | 'label'>, encoder: TowerWidths): Modality {
  const fits = MODALITIES.filter((modality) => (modality === 'image' ? encoder.dImage : encoder.dText) === sae.dIn);
  if (fits.length === 0) {
    throw new LucidFormatError(
      `${sae.label}: the SAE reads activations of width ${sae.dIn}, but ${encoder.id} gives ${encoder.dImage} (image) ` +
        `and ${encoder.dText} (text): it was trained on another model`,
    );
  }
  if (fits.length === 1) return fits[0];
  const hints = sae.towerHints.map((hint) => hint.toLowerCase());
  const image = hints.some((hint) => IMAGE_HINT.test(hint));
  const text = hints.some((hint) => TEXT_HINT.test(hint));
  if (image !== text) return image ? 'image' : 'text';
  throw new LucidFormatError(
    `${sae.label}: width ${sae.dIn} fits both towers of ${encoder.id}, and nothing says which one the SAE reads ` +
      `(${hints.length ? `hints: ${hints.join(', ')}` : 'no hook name'}); name the folder image/ or text/, ` +
      'or give a hook name such as "vision_model…" or "text_model…"',
  );
}

/**
 * A LUCID dictionary holding one SAE as the private latents of its tower: no shared latents, and no
 * latent at all for the other tower (its codes are all zero). Normalisation is the identity, since
 * the SAE reads raw activations.
 */
export function lucidFromSingleSae(
  sae: SingleSae,
  modality: Modality,
  encoder: TowerWidths,
): { model: LucidModel; norm: Record<Modality, NormStats>; config: LucidConfig } {
  const dims = { dImage: encoder.dImage, dText: encoder.dText };
  const config = makeConfig(dims, {
    nShared: 0,
    nImagePrivate: modality === 'image' ? sae.dSae : 0,
    nTextPrivate: modality === 'text' ? sae.dSae : 0,
    k: sae.k,
    kPrivate: sae.k,
    alignK: 0,
  });
  const arrays = { dustbinCost: config.dustbinCostInit } as LucidArrays;
  for (const side of MODALITIES) {
    const d = inputWidth(config, side);
    arrays[side] =
      side === modality
        ? { wEnc: sae.wEnc, bEnc: sae.bEnc, wDec: sae.wDec, bPre: sae.bPre }
        : {
            wEnc: new Float32Array(d * sae.dSae),
            bEnc: new Float32Array(sae.dSae),
            wDec: new Float32Array(sae.dSae * d),
            bPre: new Float32Array(d),
          };
  }
  const model = lucidFromArrays(config, arrays);
  return { model, norm: { image: identityNorm(dims.dImage), text: identityNorm(dims.dText) }, config };
}

/**
 * Moves a bias applied only after decoding into LUCID's form, which also subtracts it before encoding:
 * x · W + b = (x − bDec) · W + (b + bDec · W). Returns the new encoder bias [m].
 * @param wEnc [d, m]
 */
export function foldInputBias(wEnc: Float32Array, bEnc: Float32Array, bDec: Float32Array): Float32Array {
  const m = bEnc.length;
  const out = Float64Array.from(bEnc);
  for (let i = 0; i < bDec.length; i++) for (let j = 0; j < m; j++) out[j] += bDec[i] * wEnc[i * m + j];
  return Float32Array.from(out);
}
