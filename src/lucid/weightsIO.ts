import {
  type LucidConfig,
  type Modality,
  MODALITIES,
  inputWidth,
  latentCount,
  validateConfig,
  withLegacyDefaults,
} from './config';
import { LucidFormatError, LucidInputError } from './errors';
import { type LucidArrays, type LucidModel, type ModalityParams, lucidFromArrays } from './model';
import type { NormStats } from './normalization';
import { type NamedArray, decodeSafetensors, encodeSafetensors } from './safetensors';

/** Identifies our files; bumped when the tensor layout changes. */
export const WEIGHTS_FORMAT = 'lucid-sae';
export const WEIGHTS_VERSION = 1;

/** The JSON file saved beside the weights. */
export interface LucidConfigFile {
  format: typeof WEIGHTS_FORMAT;
  version: number;
  config: LucidConfig;
  /** Free-form provenance (encoder model id, layer, training steps…). */
  about?: Record<string, string | number>;
}

/**
 * Tensor names in the weights file (SAELens-style W_enc / b_enc / W_dec, prefixed by modality):
 * see docs/lucid-core.md for the full table.
 */
const FIELD_NAMES: Record<keyof ModalityParams, string> = {
  wEnc: 'W_enc',
  bEnc: 'b_enc',
  wDec: 'W_dec',
  bPre: 'b_pre',
};

/** Expected shape of every tensor in the file for a configuration. */
export function expectedShapes(config: LucidConfig): Map<string, number[]> {
  const m = latentCount(config);
  const shapes = new Map<string, number[]>();
  for (const modality of MODALITIES) {
    const d = inputWidth(config, modality);
    shapes.set(`${modality}.W_enc`, [d, m]);
    shapes.set(`${modality}.b_enc`, [m]);
    shapes.set(`${modality}.W_dec`, [m, d]);
    shapes.set(`${modality}.b_pre`, [d]);
    shapes.set(`norm.${modality}.mean`, [d]);
    shapes.set(`norm.${modality}.scale`, []);
  }
  shapes.set('gcmt.dustbin_cost', []);
  return shapes;
}

/** A dictionary as the two files it is stored in. */
export interface SavedLucid {
  /** safetensors bytes. */
  weights: Uint8Array;
  config: LucidConfigFile;
}

/** Reads every tensor back from the device and packs the files. */
export async function saveLucid(
  model: LucidModel,
  norm: Record<Modality, NormStats>,
  about?: LucidConfigFile['about'],
): Promise<SavedLucid> {
  const tensors = new Map<string, NamedArray>();
  for (const modality of MODALITIES) {
    for (const field of Object.keys(FIELD_NAMES) as (keyof ModalityParams)[]) {
      const variable = model[modality][field];
      tensors.set(`${modality}.${FIELD_NAMES[field]}`, {
        shape: variable.shape,
        data: (await variable.data()) as Float32Array,
      });
    }
    tensors.set(`norm.${modality}.mean`, { shape: [norm[modality].mean.length], data: norm[modality].mean });
    tensors.set(`norm.${modality}.scale`, { shape: [], data: Float32Array.of(norm[modality].scale) });
  }
  tensors.set('gcmt.dustbin_cost', { shape: [], data: (await model.dustbinCost.data()) as Float32Array });
  const config: LucidConfigFile = { format: WEIGHTS_FORMAT, version: WEIGHTS_VERSION, config: { ...model.config } };
  if (about) config.about = about;
  const weights = encodeSafetensors(tensors, {
    format: WEIGHTS_FORMAT,
    version: String(WEIGHTS_VERSION),
    config: JSON.stringify(model.config),
  });
  return { weights, config };
}

/** Names the two files in messages: "weights file: …", or the file names where the caller knows them. */
export interface FileLabels {
  weights: string;
  config: string;
}

const DEFAULT_LABELS: FileLabels = { weights: 'weights file', config: 'config file' };

/** Parses and checks a config file's JSON text (or already-parsed value); errors start with `label`. */
export function parseConfigFile(input: string | unknown, label = DEFAULT_LABELS.config): LucidConfigFile {
  const fail = (problem: string) => new LucidFormatError(`${label}: ${problem}`);
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw fail('not valid JSON');
    }
  }
  const file = value as Partial<LucidConfigFile> | null;
  if (!file || typeof file !== 'object' || file.format !== WEIGHTS_FORMAT) {
    throw fail(`not a LUCID config (expected "format": "${WEIGHTS_FORMAT}")`);
  }
  if (file.version !== WEIGHTS_VERSION) {
    throw fail(`version ${String(file.version)}; this app reads version ${WEIGHTS_VERSION}`);
  }
  if (!file.config || typeof file.config !== 'object') throw fail('no "config" object');
  try {
    file.config = withLegacyDefaults(file.config) as LucidConfig;
    validateConfig(file.config);
  } catch (error) {
    if (error instanceof LucidInputError) throw fail(error.message);
    throw error;
  }
  return file as LucidConfigFile;
}

/**
 * Builds a model from its two files, checking that every tensor is present, has the shape the
 * configuration implies and holds only finite numbers. Every LucidFormatError starts with the label of
 * the file at fault (`labels`, "weights file" / "config file" by default).
 */
export function loadLucid(
  weights: Uint8Array,
  configFile: string | unknown,
  labels: FileLabels = DEFAULT_LABELS,
): { model: LucidModel; norm: Record<Modality, NormStats>; file: LucidConfigFile } {
  const file = parseConfigFile(configFile, labels.config);
  const { config } = file;
  const { tensors } = decodeSafetensors(weights, labels.weights);
  const fail = (problem: string) => new LucidFormatError(`${labels.weights}: ${problem}`);
  const get = (name: string, shape: number[]): Float32Array => {
    const tensor = tensors.get(name);
    if (!tensor) throw fail(`no tensor ${name}: it does not belong to this config`);
    if (tensor.shape.length !== shape.length || tensor.shape.some((s, i) => s !== shape[i])) {
      throw fail(
        `tensor ${name} has shape [${tensor.shape}] but the config needs [${shape}]: weights and config do not match`,
      );
    }
    const bad = tensor.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw fail(`tensor ${name} holds ${tensor.data[bad]} at index ${bad}: the weights are broken`);
    return tensor.data;
  };
  const shapes = expectedShapes(config);
  const arrays = { dustbinCost: get('gcmt.dustbin_cost', [])[0] } as LucidArrays;
  const norm = {} as Record<Modality, NormStats>;
  for (const modality of MODALITIES) {
    const read = (field: keyof ModalityParams) => {
      const name = `${modality}.${FIELD_NAMES[field]}`;
      return get(name, shapes.get(name)!);
    };
    arrays[modality] = { wEnc: read('wEnc'), bEnc: read('bEnc'), wDec: read('wDec'), bPre: read('bPre') };
    const scale = get(`norm.${modality}.scale`, [])[0];
    if (!(scale > 0)) throw fail(`norm.${modality}.scale must be > 0, got ${scale}`);
    norm[modality] = { mean: get(`norm.${modality}.mean`, shapes.get(`norm.${modality}.mean`)!), scale };
  }
  return { model: lucidFromArrays(config, arrays), norm, file };
}
