import { transpose } from '../model';
import { LucidFormatError } from '../errors';
import { decodeSafetensors } from '../safetensors';
import { parseJsonObject, positiveInteger, tensorValues } from './files';
import type { FolderContext, SingleSae } from './singleSae';

/** File names of one sparsify sparse coder (sparsify/sparse_coder.py `save_to_disk`). */
export const SPARSIFY_FILES = { config: 'cfg.json', weights: 'sae.safetensors' } as const;

/** Defaults of sparsify's SparseCoderConfig, used where cfg.json leaves a field out. */
const DEFAULTS = { expansion_factor: 32, k: 32 } as const;

/** Options that change what the coder computes, and why each is refused (docs/interop.md). */
const REFUSED_OPTIONS: [field: string, why: string][] = [
  ['transcode', 'a transcoder predicts another layer’s output, not the activations it reads'],
  ['skip_connection', 'its linear skip connection (W_skip) adds to the output outside the latents'],
  ['embed_skip', 'its skip connection reads the embedding layer, which LUCID does not see'],
  ['gram_lookup', 'it subtracts an n-gram table that is not in the folder'],
];

/**
 * Reads one sparsify folder: cfg.json (d_in, num_latents or expansion_factor, k, activation) and
 * sae.safetensors with encoder.weight [num_latents, d_in] (an nn.Linear), encoder.bias
 * [num_latents], W_dec [num_latents, d_in], b_dec [d_in]. sparsify encodes
 * Top-K(ReLU((x − b_dec) · encoder.weightᵀ + encoder.bias)) and decodes codes · W_dec + b_dec:
 * LUCID's encoder with wEnc = encoder.weightᵀ.
 * @param where the prefix of file names in messages, and names that say which tower it reads
 */
export function parseSparsify(cfgText: string, weights: Uint8Array, where: FolderContext = {}): SingleSae {
  const folder = where.prefix ?? '';
  const label = `${folder}${SPARSIFY_FILES.config}`;
  const weightsLabel = `${folder}${SPARSIFY_FILES.weights}`;
  const cfg = parseJsonObject(cfgText, label);
  const fail = (problem: string) => new LucidFormatError(`${label}: ${problem}`);
  for (const [field, why] of REFUSED_OPTIONS) {
    if (cfg[field] === true) throw fail(`"${field}" is set, which LUCID does not support: ${why}`);
  }
  const activation = cfg.activation ?? 'topk';
  if (activation !== 'topk') {
    throw fail(`activation "${String(activation)}" is not supported (LUCID opens topk sparse coders)`);
  }
  const dIn = positiveInteger(cfg, 'd_in', label);
  // num_latents = 0 means "use expansion_factor", as in SparseCoder.__init__.
  const dSae = cfg.num_latents
    ? positiveInteger(cfg, 'num_latents', label)
    : dIn * positiveInteger(cfg, 'expansion_factor', label, DEFAULTS.expansion_factor);
  const k = positiveInteger(cfg, 'k', label, DEFAULTS.k);
  if (k > dSae) throw fail(`k = ${k} is more than the ${dSae} latents`);

  const { tensors } = decodeSafetensors(weights, weightsLabel);
  if (tensors.has('W_skip')) throw fail('the weights hold W_skip, a skip connection LUCID does not support');
  const read = (name: string, shape: number[], layout: string) =>
    tensorValues(tensors, name, shape, layout, weightsLabel);
  const encoderWeight = read('encoder.weight', [dSae, dIn], '[num_latents, d_in]');
  const bEnc = read('encoder.bias', [dSae], '[num_latents]');
  const wDec = read('W_dec', [dSae, dIn], '[num_latents, d_in]');
  const bPre = read('b_dec', [dIn], '[d_in]');
  const towerHints = [cfg.hookpoint, ...(where.hints ?? [])].filter(
    (hint): hint is string => typeof hint === 'string' && hint.length > 0,
  );
  return { dIn, dSae, wEnc: transpose(encoderWeight, dSae, dIn), bEnc, wDec, bPre, k, towerHints, label };
}
