import {
  type LucidConfig,
  type Modality,
  MODALITIES,
  inputWidth,
  latentCount,
  privateRange,
  validateConfig,
} from '../config';
import { LucidFormatError, LucidInputError } from '../errors';
import { type LucidArrays, type LucidModel, lucidFromArrays } from '../model';
import type { NormStats } from '../normalization';
import { type NamedArray, encodeSafetensors } from '../safetensors';
import { parseJsonObject } from './files';
import { SAELENS_FILES, parseSaelens } from './saelens';

/**
 * A LUCID dictionary as one SAELens "topk" folder per tower plus a sidecar (docs/interop.md).
 * The folders are what Python loads (`SAE.load_from_disk("image")`); the sidecar keeps what SAELens
 * has no field for (the shared/private split, the private cap, the normalisation) so that the
 * export opens here again with the same codes.
 */
export const EXPORT_SIDECAR = 'lucid-export.json';
export const EXPORT_FORMAT = 'lucid-saelens-export';
export const EXPORT_VERSION = 1;

/** The sidecar JSON beside the per-tower folders. */
export interface ExportSidecar {
  format: typeof EXPORT_FORMAT;
  version: number;
  /** The full LUCID configuration; latents are [shared | image-private | text-private]. */
  config: LucidConfig;
  /** Each tower's SAELens folder; its latents are that tower's shared ones, then its private ones. */
  folders: Partial<Record<Modality, string>>;
  /** The statistics folded into the exported weights (mean [d], scale), unfolded again on import. */
  norm: Record<Modality, { mean: number[]; scale: number }>;
  /** The learned dustbin cost of the transport (not part of any SAE). */
  dustbinCost: number;
  about?: Record<string, string | number>;
}

/** One exported tower: SAELens' cfg.json object and sae_weights.safetensors bytes. */
export interface ExportedSae {
  cfg: Record<string, unknown>;
  weights: Uint8Array;
}

/** The LUCID latent ids a tower's SAE holds, in its order: shared, then the tower's private ones. */
export function exportedLatents(config: LucidConfig, modality: Modality): number[] {
  const [start, end] = privateRange(config, modality);
  const ids = Array.from({ length: config.nShared }, (_, j) => j);
  for (let j = start; j < end; j++) ids.push(j);
  return ids;
}

/**
 * Writes a tower as a SAELens SAE that reads raw activations x: with LUCID's normalisation
 * x_n = (x − μ) · s folded in, pre = (x_n − b_pre) · W + b_enc = (x − b_dec) · (s W) + b_enc where
 * b_dec = μ + b_pre / s, and x̂ = (z W_dec + b_pre) / s + μ = z (W_dec / s) + b_dec: SAELens' own
 * encode (apply_b_dec_to_input) and decode, with W_enc = s W and W_dec = W_dec / s.
 */
async function exportTower(model: LucidModel, norm: NormStats, modality: Modality, about: ExportSidecar['about']) {
  const { config } = model;
  const d = inputWidth(config, modality);
  const m = latentCount(config);
  const ids = exportedLatents(config, modality);
  const p = model[modality];
  const [wEnc, bEnc, wDec, bPre] = (await Promise.all([
    p.wEnc.data(),
    p.bEnc.data(),
    p.wDec.data(),
    p.bPre.data(),
  ])) as Float32Array[];
  const n = ids.length;
  const s = norm.scale;
  const outEnc = new Float32Array(d * n);
  const outDec = new Float32Array(n * d);
  ids.forEach((id, j) => {
    for (let i = 0; i < d; i++) {
      outEnc[i * n + j] = s * wEnc[i * m + id];
      outDec[j * d + i] = wDec[id * d + i] / s;
    }
  });
  const bDec = Float32Array.from(bPre, (b, i) => norm.mean[i] + b / s);
  const tensors = new Map<string, NamedArray>([
    ['W_enc', { shape: [d, n], data: outEnc }],
    ['b_enc', { shape: [n], data: Float32Array.from(ids, (id) => bEnc[id]) }],
    ['W_dec', { shape: [n, d], data: outDec }],
    ['b_dec', { shape: [d], data: bDec }],
  ]);
  const cfg = {
    architecture: 'topk',
    d_in: d,
    d_sae: n,
    k: config.k,
    rescale_acts_by_decoder_norm: false,
    dtype: 'float32',
    device: 'cpu',
    apply_b_dec_to_input: true,
    normalize_activations: 'none',
    reshape_activations: 'none',
    metadata: {
      // The cfg layout of SAELens 6 (older versions read it through their pre-6 defaults otherwise).
      sae_lens_version: '6.0.0',
      model_name: about?.encoder ?? null,
      hook_name: `${modality === 'image' ? 'vision_model' : 'text_model'}.last_hidden_state`,
      lucid_private_cap: config.kPrivate < n - config.nShared ? config.kPrivate : null,
    },
  };
  return { cfg, weights: encodeSafetensors(tensors) };
}

/** Reads the dictionary back from the device and packs one SAELens folder per tower and the sidecar. */
export async function exportSaelens(
  model: LucidModel,
  norm: Record<Modality, NormStats>,
  about?: ExportSidecar['about'],
): Promise<{ sidecar: ExportSidecar; folders: Partial<Record<Modality, ExportedSae>> }> {
  const folders: Partial<Record<Modality, ExportedSae>> = {};
  const sidecar: ExportSidecar = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    config: { ...model.config },
    folders: {},
    norm: {
      image: { mean: Array.from(norm.image.mean), scale: norm.image.scale },
      text: { mean: Array.from(norm.text.mean), scale: norm.text.scale },
    },
    dustbinCost: (await model.dustbinCost.data())[0],
  };
  if (about) sidecar.about = about;
  for (const modality of MODALITIES) {
    if (exportedLatents(model.config, modality).length === 0) continue;
    folders[modality] = await exportTower(model, norm[modality], modality, about);
    sidecar.folders[modality] = modality;
  }
  return { sidecar, folders };
}

/** Parses and checks the sidecar; messages start with its file name. */
export function parseSidecar(text: string): ExportSidecar {
  const fail = (problem: string) => new LucidFormatError(`${EXPORT_SIDECAR}: ${problem}`);
  const file = parseJsonObject(text, EXPORT_SIDECAR) as Partial<ExportSidecar>;
  if (file.format !== EXPORT_FORMAT) throw fail(`not a LUCID export (expected "format": "${EXPORT_FORMAT}")`);
  if (file.version !== EXPORT_VERSION)
    throw fail(`version ${String(file.version)}; this app reads version ${EXPORT_VERSION}`);
  try {
    validateConfig(file.config ?? {});
  } catch (error) {
    if (error instanceof LucidInputError) throw fail(error.message);
    throw error;
  }
  const config = file.config as LucidConfig;
  for (const modality of MODALITIES) {
    const stats = file.norm?.[modality];
    const d = inputWidth(config, modality);
    if (!stats || !Array.isArray(stats.mean) || stats.mean.length !== d || !stats.mean.every(Number.isFinite)) {
      throw fail(`norm.${modality}.mean must be ${d} finite numbers`);
    }
    if (!(typeof stats.scale === 'number' && stats.scale > 0 && Number.isFinite(stats.scale))) {
      throw fail(`norm.${modality}.scale must be a number > 0`);
    }
  }
  if (typeof file.dustbinCost !== 'number' || !Number.isFinite(file.dustbinCost)) throw fail('no "dustbinCost" number');
  if (typeof file.folders !== 'object' || file.folders === null) throw fail('no "folders" object');
  return file as ExportSidecar;
}

/** Reads a file of the export folder by its relative path; null when it is missing. */
export type ReadFile = (relativePath: string) => Promise<Uint8Array | null>;

/**
 * Opens an export: each tower's SAELens folder, its normalisation unfolded again (the inverse of
 * the export's fold), its latents put back at their LUCID ids. A latent a tower may not use has
 * zero weights on that tower (the trained values there were never used and are not exported).
 */
export async function importSaelensExport(
  sidecarText: string,
  read: ReadFile,
): Promise<{ model: LucidModel; norm: Record<Modality, NormStats>; sidecar: ExportSidecar }> {
  const sidecar = parseSidecar(sidecarText);
  const { config } = sidecar;
  const m = latentCount(config);
  const arrays = { dustbinCost: sidecar.dustbinCost } as LucidArrays;
  const norm = {} as Record<Modality, NormStats>;
  for (const modality of MODALITIES) {
    const d = inputWidth(config, modality);
    const stats = { mean: Float32Array.from(sidecar.norm[modality].mean), scale: sidecar.norm[modality].scale };
    norm[modality] = stats;
    const tower = {
      wEnc: new Float32Array(d * m),
      bEnc: new Float32Array(m),
      wDec: new Float32Array(m * d),
      bPre: new Float32Array(d),
    };
    arrays[modality] = tower;
    const ids = exportedLatents(config, modality);
    if (ids.length === 0) continue;
    const folder = sidecar.folders[modality];
    if (typeof folder !== 'string')
      throw new LucidFormatError(`${EXPORT_SIDECAR}: no folder for the ${modality} tower`);
    const prefix = `${folder}/`;
    const [cfg, weights] = await Promise.all([
      read(prefix + SAELENS_FILES.config),
      read(prefix + SAELENS_FILES.weights),
    ]);
    for (const [bytes, name] of [
      [cfg, SAELENS_FILES.config],
      [weights, SAELENS_FILES.weights],
    ] as const) {
      if (!bytes)
        throw new LucidFormatError(`${prefix}${name}: missing (${EXPORT_SIDECAR} lists the folder ${folder})`);
    }
    const sae = parseSaelens(new TextDecoder().decode(cfg!), weights!, { prefix });
    if (sae.dIn !== d || sae.dSae !== ids.length) {
      throw new LucidFormatError(
        `${prefix}${SAELENS_FILES.config}: d_in = ${sae.dIn} and d_sae = ${sae.dSae}, but ${EXPORT_SIDECAR} needs ${d} and ${ids.length}`,
      );
    }
    unfoldTower(sae, ids, stats, tower, m);
  }
  return { model: lucidFromArrays(config, arrays), norm, sidecar };
}

/** The inverse of {@link exportTower}: W = W_enc / s, W_dec = W_dec' · s, b_pre = (b_dec − μ) · s. In place. */
function unfoldTower(
  sae: { dIn: number; dSae: number; wEnc: Float32Array; bEnc: Float32Array; wDec: Float32Array; bPre: Float32Array },
  ids: number[],
  norm: NormStats,
  tower: LucidArrays['image'],
  m: number,
): void {
  const { dIn: d, dSae: n } = sae;
  const s = norm.scale;
  ids.forEach((id, j) => {
    for (let i = 0; i < d; i++) {
      tower.wEnc[i * m + id] = sae.wEnc[i * n + j] / s;
      tower.wDec[id * d + i] = sae.wDec[j * d + i] * s;
    }
    tower.bEnc[id] = sae.bEnc[j];
  });
  for (let i = 0; i < d; i++) tower.bPre[i] = (sae.bPre[i] - norm.mean[i]) * s;
}
