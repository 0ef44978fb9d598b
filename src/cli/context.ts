import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { RawImage } from '@huggingface/transformers';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { type ClipEncoder, decodeImage, loadClipEncoder } from '../clip/encoder';
import { REPO_MODELS_DIR, configureClipForNode } from '../clip/nodeEnvironment';
import { DICTIONARY_FILES, type LoadedDictionary, dictionaryFromFiles } from '../explain/dictionary';
import type { LatentInfo } from '../explain/types';
import { latentKind } from '../lucid/config';

/** The pretrained dictionary shipped for the embedded model. */
export const DEFAULT_DICTIONARY_DIR = path.resolve(REPO_MODELS_DIR, '../dictionaries/emoji-clip');

/** A user-facing failure: the CLI prints `message` on one line and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Context {
  encoder: ClipEncoder;
  dictionary: LoadedDictionary;
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Loads the model (`--model`: a folder holding a transformers.js model, or the embedded one) and the
 * dictionary (`--dict`: a folder with lucid.safetensors + lucid.config.json [+ interpretation.json]).
 */
export async function loadContext(options: { model?: string; dict?: string }): Promise<Context> {
  await tf.setBackend('wasm');
  await tf.ready();
  let modelId = EMBEDDED_MODEL_ID;
  if (options.model) {
    const folder = path.resolve(options.model);
    configureClipForNode({ modelsDir: path.dirname(folder) });
    modelId = path.basename(folder);
  } else {
    configureClipForNode();
  }
  const encoder = await loadClipEncoder(modelId);
  const dictionary = await readDictionary(path.resolve(options.dict ?? DEFAULT_DICTIONARY_DIR), encoder.info);
  return { encoder, dictionary };
}

/**
 * Reads a dictionary folder (lucid.safetensors + lucid.config.json [+ interpretation.json]) for an
 * encoder; a bad file gives a LucidFormatError that starts with the file's name.
 */
export async function readDictionary(
  dir: string,
  encoder: Pick<ClipEncoder['info'], 'id' | 'dImage' | 'dText'>,
): Promise<LoadedDictionary> {
  let weights: Buffer;
  let config: string;
  try {
    weights = await readFile(path.join(dir, DICTIONARY_FILES.weights));
    config = await readFile(path.join(dir, DICTIONARY_FILES.config), 'utf8');
  } catch {
    throw new CliError(
      `no LUCID dictionary in ${dir} (needs ${DICTIONARY_FILES.weights} and ${DICTIONARY_FILES.config}); ` +
        'train one with `lucid train`',
    );
  }
  const interpretation = await readOptional(path.join(dir, DICTIONARY_FILES.interpretation));
  return dictionaryFromFiles(dir, new Uint8Array(weights), config, interpretation, encoder);
}

/** Decodes an image file, with a clear error for a missing or unreadable file. */
export async function readImage(file: string): Promise<RawImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new CliError(`cannot read ${file}: no such file`);
  }
  return decodeImage(new Blob([new Uint8Array(bytes)]), path.basename(file));
}

/** A latent as the CLI reports it. */
export function describeLatent(dictionary: LoadedDictionary, id: number, score: number) {
  const info: LatentInfo | undefined = dictionary.interpretation?.latents[id];
  const kind = latentKind(dictionary.model.config, id);
  return {
    id,
    label: info?.label ?? null,
    category: info?.category ?? null,
    confidence: info?.confidence ?? null,
    kind,
    score: Number(score.toFixed(4)),
  };
}
