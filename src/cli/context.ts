import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { RawImage } from '@huggingface/transformers';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { type ClipEncoder, decodeImage, loadClipEncoder } from '../clip/encoder';
import { checkModelFolder } from '../clip/modelFolder';
import { REPO_MODELS_DIR, configureClipForNode } from '../clip/nodeEnvironment';
import type { LoadedDictionary } from '../explain/dictionary';
import { openDictionaryFolder } from '../explain/dictionaryFolder';
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

/**
 * Loads the model (`--model`: a folder holding a transformers.js model, or the embedded one) and the
 * dictionary (`--dict`: a folder with lucid.safetensors + lucid.config.json [+ interpretation.json], or
 * another library's SAE: see {@link readDictionary}).
 */
export async function loadContext(options: { model?: string; dict?: string }): Promise<Context> {
  await tf.setBackend('wasm');
  await tf.ready();
  let modelId = EMBEDDED_MODEL_ID;
  if (options.model) {
    const folder = path.resolve(options.model);
    checkModelFolder(folder, (file) => existsSync(path.join(folder, ...file.split('/'))));
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
 * Reads a dictionary folder for an encoder (src/explain/dictionaryFolder.ts says what it may hold). A
 * folder with no dictionary at all is a CliError that says how to make one.
 */
export async function readDictionary(
  dir: string,
  encoder: Pick<ClipEncoder['info'], 'id' | 'dImage' | 'dText'>,
): Promise<LoadedDictionary> {
  try {
    return await openDictionaryFolder(
      (name) => readOptionalBytes(path.join(dir, ...name.split('/'))),
      dir,
      path.basename(dir),
      encoder,
    );
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(`no dictionary in ${dir} `)) {
      throw new CliError(`${error.message}; train one with \`lucid train\``);
    }
    throw error;
  }
}

async function readOptionalBytes(file: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    return null;
  }
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
  const described = {
    id,
    label: info?.label ?? null,
    category: info?.category ?? null,
    confidence: info?.confidence ?? null,
    kind,
    score: Number(score.toFixed(4)),
  };
  if (dictionary.matching === undefined) return described;
  // A pair of SAEs: the other tower's latent matched to this one after the fact (null: none, or no matching.json).
  const match = dictionary.matching?.find((pair) => pair.image === id || pair.text === id);
  return { ...described, matched: match === undefined ? null : match.image === id ? match.text : match.image };
}
