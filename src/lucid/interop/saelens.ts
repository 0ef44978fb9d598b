import { LucidFormatError } from '../errors';
import { decodeSafetensors } from '../safetensors';
import { booleanField, parseJsonObject, positiveInteger, tensorValues } from './files';
import { type FolderContext, type SingleSae, foldInputBias } from './singleSae';

/** File names of one SAELens SAE (sae_lens/constants.py: SAE_CFG_FILENAME, SAE_WEIGHTS_FILENAME). */
export const SAELENS_FILES = { config: 'cfg.json', weights: 'sae_weights.safetensors' } as const;

/** Architectures LUCID's encoder (ReLU, then Top-K) expresses exactly. */
export const SAELENS_ARCHITECTURES = ['standard', 'topk'] as const;

/** SAELens architectures that exist but are refused, with the reason (docs/interop.md). */
const REFUSED: Record<string, string> = {
  jumprelu:
    'a JumpReLU latent passes its pre-activation only above a per-latent threshold, a jump that ReLU then Top-K cannot express',
  gated: 'a gated SAE decides which latents fire with a second encoder path that LUCID does not have',
  batchtopk: 'BatchTopK picks latents across a batch; SAELens saves it for inference as jumprelu',
  matryoshka_batchtopk: 'BatchTopK picks latents across a batch; SAELens saves it for inference as jumprelu',
  transcoder: 'a transcoder predicts another layer’s output, not the activations it reads',
  skip_transcoder: 'a transcoder predicts another layer’s output, not the activations it reads',
  jumprelu_transcoder: 'a transcoder predicts another layer’s output, not the activations it reads',
};

/** normalize_activations values and why only "none" opens (the other three are not in the folder or not affine). */
const NORMALIZATION_REFUSED: Record<string, string> = {
  expected_average_only_in:
    'its scaling factor is not stored in the folder; fold it into the weights with SAELens’ fold_activation_norm_scaling_factor and save again',
  constant_norm_rescale: 'it rescales every row by its own norm, which LUCID’s fixed (x − mean) · scale cannot express',
  layer_norm: 'it layer-normalises every row, which LUCID’s fixed (x − mean) · scale cannot express',
};

/**
 * Reads one SAELens SAE folder (sae_lens/saes/*.py): W_enc [d_in, d_sae], b_enc [d_sae],
 * W_dec [d_sae, d_in], b_dec [d_in]; encode ReLU(x_in · W_enc + b_enc), Top-K for "topk", where
 * x_in = x − b_dec when apply_b_dec_to_input. Configs from before SAELens 6 name the activation in
 * activation_fn_str / activation_fn with activation_fn_kwargs.k, and are read too.
 * @param where the prefix of file names in messages, and names that say which tower it reads
 */
export function parseSaelens(cfgText: string, weights: Uint8Array, where: FolderContext = {}): SingleSae {
  const folder = where.prefix ?? '';
  const label = `${folder}${SAELENS_FILES.config}`;
  const weightsLabel = `${folder}${SAELENS_FILES.weights}`;
  const cfg = parseJsonObject(cfgText, label);
  const fail = (problem: string) => new LucidFormatError(`${label}: ${problem}`);
  const architecture = cfg.architecture ?? 'standard';
  if (typeof architecture !== 'string') throw fail('"architecture" must be a string');
  if (architecture in REFUSED) throw fail(`architecture "${architecture}" is not supported: ${REFUSED[architecture]}`);
  if (!(SAELENS_ARCHITECTURES as readonly string[]).includes(architecture)) {
    throw fail(`unknown architecture "${architecture}" (LUCID opens ${SAELENS_ARCHITECTURES.join(' and ')})`);
  }
  const dIn = positiveInteger(cfg, 'd_in', label);
  const dSae = positiveInteger(cfg, 'd_sae', label);
  const k = activeLatents(cfg, architecture, dSae, label);
  checkNormalization(cfg, label);
  if (cfg.finetuning_scaling_factor === true) {
    throw fail('finetuning_scaling_factor is set: its per-latent scale is not part of a standard SAE');
  }
  const applyBDec = booleanField(cfg, 'apply_b_dec_to_input', label, true);
  const rescale = architecture === 'topk' && booleanField(cfg, 'rescale_acts_by_decoder_norm', label, false);

  const { tensors } = decodeSafetensors(weights, weightsLabel);
  const read = (name: string, shape: number[], layout: string) =>
    tensorValues(tensors, name, shape, layout, weightsLabel);
  const wEnc = read('W_enc', [dIn, dSae], '[d_in, d_sae]');
  let bEnc = read('b_enc', [dSae], '[d_sae]');
  const wDec = read('W_dec', [dSae, dIn], '[d_sae, d_in]');
  const bDec = read('b_dec', [dIn], '[d_in]');
  if (rescale) foldDecoderNorm(wEnc, bEnc, wDec, dIn, dSae);
  if (!applyBDec) bEnc = foldInputBias(wEnc, bEnc, bDec);
  const metadata = (typeof cfg.metadata === 'object' && cfg.metadata !== null ? cfg.metadata : {}) as Record<
    string,
    unknown
  >;
  const towerHints = [metadata.hook_name, cfg.hook_name, cfg.hook_point, ...(where.hints ?? [])].filter(
    (hint): hint is string => typeof hint === 'string' && hint.length > 0,
  );
  return { dIn, dSae, wEnc, bEnc, wDec, bPre: bDec, k, towerHints, label };
}

/** Latents active per row: k for Top-K, all of them (ReLU only) for a standard SAE. */
function activeLatents(cfg: Record<string, unknown>, architecture: string, dSae: number, label: string): number {
  const activation = cfg.activation_fn ?? cfg.activation_fn_str ?? (architecture === 'topk' ? 'topk' : 'relu');
  const kwargs = (typeof cfg.activation_fn_kwargs === 'object' ? cfg.activation_fn_kwargs : null) as Record<
    string,
    unknown
  > | null;
  if (architecture === 'standard' && activation === 'relu') return dSae;
  if (activation !== 'topk') {
    throw new LucidFormatError(`${label}: activation "${String(activation)}" is not supported (relu or topk)`);
  }
  const k = positiveInteger({ k: cfg.k ?? kwargs?.k }, 'k', label);
  if (k > dSae) throw new LucidFormatError(`${label}: k = ${k} is more than d_sae = ${dSae}`);
  return k;
}

function checkNormalization(cfg: Record<string, unknown>, label: string): void {
  // SAELens reads a boolean here as the April 2024 update's switch (handle_config_defaulting).
  const raw = cfg.normalize_activations ?? 'none';
  const mode = raw === false ? 'none' : raw === true ? 'expected_average_only_in' : raw;
  if (mode === 'none') return;
  const why = typeof mode === 'string' ? NORMALIZATION_REFUSED[mode] : undefined;
  throw new LucidFormatError(
    `${label}: normalize_activations "${String(mode)}" is not supported${why ? `: ${why}` : ' (expected "none")'}`,
  );
}

/**
 * SAELens' rescale_acts_by_decoder_norm picks Top-K on pre · ‖W_dec row‖ and decodes acts / ‖row‖;
 * scaling encoder column j and b_enc[j] by ‖row j‖ and the row by 1 / ‖row j‖ gives the same codes
 * and reconstruction with a plain Top-K (SAELens' own _fold_norm_topk). In place.
 */
function foldDecoderNorm(wEnc: Float32Array, bEnc: Float32Array, wDec: Float32Array, d: number, m: number): void {
  for (let j = 0; j < m; j++) {
    let sum = 0;
    for (let i = 0; i < d; i++) sum += wDec[j * d + i] ** 2;
    // A zero row makes SAELens' scaled pre-activation 0, as a zero encoder column does here.
    const norm = Math.sqrt(sum);
    for (let i = 0; i < d; i++) {
      wEnc[i * m + j] *= norm;
      if (norm > 0) wDec[j * d + i] /= norm;
    }
    bEnc[j] *= norm;
  }
}
