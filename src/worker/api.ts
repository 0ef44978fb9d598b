/**
 * The explorer worker's API (exposed with comlink by `explorer.worker.ts`; the page's typed handle
 * is `client.ts`). Everything heavy — the CLIP towers, the LUCID dictionary, every image's
 * activations and codes — lives in the worker; the page receives plain results.
 */
import type { BackendName } from '../backend';
import type { EncoderInfo, ImageActivations, LoadOptions, TextActivations } from '../clip/encoder';
import type { LoadFailure } from '../clip/errors';
import type { LatentMatch } from '../lucid/interop/pair';
import type { Heatmap, ImageAnalysis, Interpretation, TextAnalysis, TransportView } from '../explain/types';

export interface HubSettings {
  allowRemote: boolean;
  /** Base URL of a Hugging Face-compatible hub (tests serve one locally). */
  remoteHost?: string;
}

export interface DictionarySummary {
  /** Where it came from (URL base or file name). */
  source: string;
  nShared: number;
  nImagePrivate: number;
  nTextPrivate: number;
  k: number;
  /** Null when the dictionary ships without interpretation (e.g. freshly trained). */
  interpretation: Interpretation | null;
  /**
   * For an image SAE and a text SAE opened as a pair: which text latent goes with which image latent
   * (matching.json, `lucid match`), or null when the pair has none; absent for every other dictionary.
   */
  matching?: LatentMatch[] | null;
}

/**
 * A folder the user picked in the page ("Open model folder…", "Open dictionary folder…"): its files by
 * path relative to it ("onnx/vision_model.onnx", "image/cfg.json"). Files are Blobs, read only when needed.
 */
export interface PickedFolder {
  name: string;
  files: Record<string, Blob>;
}

/** A model to load: its id, the ONNX device for its towers, and where hub files come from. */
export interface ModelRequest {
  id: string;
  device: 'webgpu' | 'wasm' | 'cpu';
  hub: HubSettings;
  /** The model's files, when the user picked its folder (`id` is then a name made up for this pick). */
  folder?: PickedFolder;
}

/**
 * Where a dictionary comes from: a URL folder (`loadDictionary`), file contents (`loadDictionaryFiles`),
 * or a folder the user picked, in any layout src/explain/dictionaryFolder.ts opens (LUCID, a LUCID
 * export, SAELens, sparsify).
 */
export type DictionarySource =
  | { kind: 'url'; base: string }
  | { kind: 'files'; source: string; weights: Uint8Array; config: string; interpretation: string | null }
  | { kind: 'folder'; folder: PickedFolder };

/** What a dictionary source is called in messages: its URL folder, file name or picked folder's name. */
export function dictionarySourceName(source: DictionarySource): string {
  if (source.kind === 'url') return source.base;
  return source.kind === 'files' ? source.source : source.folder.name;
}

/** A switch of model, dictionary or both, done as one transaction by `switchSession`. */
export interface SessionRequest {
  /** The model to use; null keeps the one in use (a dictionary-only switch). */
  model: ModelRequest | null;
  /** The dictionary to use with it; null for none (a model without a pretrained one: images then wait). */
  dictionary: DictionarySource | null;
  /**
   * When the model loads but the dictionary does not: 'keep-previous' fails the whole switch, so what
   * was in use stays; 'use-model-alone' uses the new model without a dictionary (the first load, when
   * there is nothing to keep).
   */
  ifDictionaryFails: 'keep-previous' | 'use-model-alone';
}

/** What a switch did. On failure the worker still has its previous model, dictionary and images. */
export type SessionOutcome =
  | {
      ok: true;
      info: EncoderInfo;
      /** Null when the request had no dictionary, or when it failed and the model was used alone. */
      dictionary: DictionarySummary | null;
      /** Why the dictionary was not used ('use-model-alone' only). */
      dictionaryFailure: LoadFailure | null;
    }
  | { ok: false; stage: 'model' | 'dictionary'; failure: LoadFailure };

export interface ExplorerApi {
  /**
   * Replaces the model and/or the dictionary only once the new ones have loaded and been checked
   * against each other; on failure nothing changes and the outcome says why. Switches run one at a
   * time, in the order they were asked for. After a successful switch the kept images are gone
   * (their codes belong to the old pair): analyse them again.
   */
  switchSession(request: SessionRequest, onProgress?: LoadOptions['onProgress']): Promise<SessionOutcome>;
  /** Loads a CLIP-family model; concurrent calls with the same settings share one load. */
  loadModel(
    id: string,
    device: 'webgpu' | 'wasm' | 'cpu',
    hub: HubSettings,
    onProgress?: LoadOptions['onProgress'],
    folder?: PickedFolder,
  ): Promise<EncoderInfo>;
  /** Raw CLIP activations of preprocessed pixel values [3, size, size] (cross-runtime checks). */
  encodePixels(pixels: Float32Array): Promise<ImageActivations>;
  /** Raw CLIP activations of an image file. */
  encodeImageFile(file: Blob, name: string): Promise<ImageActivations>;
  /** Raw CLIP activations of a text. */
  encodeText(text: string): Promise<TextActivations>;
  /**
   * Loads `<base>/lucid.safetensors`, `<base>/lucid.config.json` and, if present,
   * `<base>/interpretation.json`. Throws a clear error when the files are missing or do not fit
   * the loaded model; the previous dictionary stays in place.
   */
  loadDictionary(base: string): Promise<DictionarySummary>;
  /**
   * Uses a dictionary given as file contents (a fine-tuned or imported one); same checks as
   * loadDictionary; the previous dictionary stays in place when these do not fit.
   */
  loadDictionaryFiles(
    source: string,
    weights: Uint8Array,
    config: string,
    interpretation: string | null,
  ): Promise<DictionarySummary>;
  /** Encodes an image file (CLIP → LUCID) and keeps its activations under the returned imageId. */
  analyzeImage(file: Blob, name: string): Promise<ImageAnalysis>;
  /** Heat of one latent over a kept image's patches. */
  heatmap(imageId: number, latent: number): Promise<Heatmap>;
  forgetImage(imageId: number): Promise<void>;
  analyzeText(text: string): Promise<TextAnalysis>;
  /** The GCMT transport plan between a kept image and a caption. */
  transport(imageId: number, caption: string): Promise<TransportView>;
}

/**
 * What the worker itself exposes: the explorer API plus what `client.ts` needs to restart it after
 * a fault (the e2e build adds fault injection, src/testing/explorerWorker.ts).
 */
export interface ExplorerWorkerApi extends ExplorerApi {
  /** The tfjs backend for the dictionary: call first (a restarted worker after a lost GPU asks for WASM). */
  useBackend(preferred?: BackendName): Promise<BackendName>;
  /** The tfjs backend the dictionary runs on. */
  backendInUse(): Promise<string>;
  /**
   * How many images the worker holds and the bytes their arrays take (src/explain/heldImage.ts
   * `heldImageBytes`: CLIP activations and Top-K codes, which is what grows with every image).
   */
  heldMemory(): Promise<{ images: number; bytes: number }>;
}

/** Posted by the worker (outside comlink's replies) when it can no longer compute. */
export interface WorkerFaultMessage {
  lucidFault: 'device-lost';
  message: string;
}

export function isWorkerFaultMessage(data: unknown): data is WorkerFaultMessage {
  return typeof data === 'object' && data !== null && 'lucidFault' in data;
}
