/**
 * The explorer's worker: CLIP, the LUCID dictionary and every image's codes live here, so the page
 * never freezes. Implements ExplorerApi (api.ts) over comlink; large arrays are transferred.
 */
import { expose, transfer } from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { activeBackend, type BackendChoice, type BackendName, initBackend } from '../backend';
import { configureClipForBrowser } from '../clip/browserEnvironment';
import { type ClipEncoder, type EncoderInfo, decodeImage, loadClipEncoder, type LoadOptions } from '../clip/encoder';
import { type DownloadError, describeLoadFailure } from '../clip/errors';
import { checkModelFolder } from '../clip/modelFolder';
import { analyzeImageActivations, analyzeTextActivations, latentCountOf } from '../explain/analyze';
import { DICTIONARY_FILES, type LoadedDictionary, dictionaryFromFiles, disposeDictionary } from '../explain/dictionary';
import { openDictionaryFolder } from '../explain/dictionaryFolder';
import { type HeldImage, heldHeatmap, heldImageBytes, holdImage } from '../explain/heldImage';
import { transportBetween } from '../explain/transport';
import { warmUpDictionary, warmUpEncoder } from '../explain/warmUp';
import { explorerWorkerWithHooks } from '../testing/explorerWorker';
import type {
  DictionarySource,
  ExplorerWorkerApi,
  ModelRequest,
  SessionOutcome,
  SessionRequest,
  WorkerFaultMessage,
} from './api';
import { fetchOptional } from './fetchOptional';
import { guardedFetch } from './guardedFetch';
import { readPicked, servePicked } from './pickedFolder';

let encoder: Promise<ClipEncoder> | undefined;
let encoderKey = '';
let dictionary: LoadedDictionary | undefined;
// Per image its CLIP activations and Top-K codes, not the dense [patches, m] pre-activations:
// heatmaps and transport compute those columns on demand (src/explain/heldImage.ts).
const images = new Map<number, HeldImage>();
let nextImageId = 1;
// The tfjs backend for the LUCID core (WebGPU → WASM → cpu; without a preference, WASM where WebGPU
// is a software fallback), chosen once per worker: by `useBackend`, which the page calls first (with
// the page's `?backend=`, or WASM after a lost GPU device), else on first use.
let backend: Promise<BackendChoice> | undefined;

function ensureBackend(preferred?: BackendName): Promise<BackendChoice> {
  backend ??= initBackend(preferred).then((choice) => {
    if (choice.backend === 'webgpu') watchDevice((tf.backend() as WebGPUBackend).device);
    return choice;
  });
  return backend;
}

/** A lost device takes the dictionary's tensors with it: the page restarts this worker on WASM. */
function watchDevice(device: GPUDevice): void {
  void device.lost.then((info) => {
    const fault: WorkerFaultMessage = { lucidFault: 'device-lost', message: info.message || info.reason || 'lost' };
    self.postMessage(fault);
  });
}

async function requireEncoder(): Promise<ClipEncoder> {
  if (!encoder) throw new Error('no model is loaded yet');
  return encoder;
}

function requireDictionary(): LoadedDictionary {
  if (!dictionary) throw new Error('no dictionary is loaded for this model; train one in the Train tab');
  return dictionary;
}

function requireImage(imageId: number) {
  const image = images.get(imageId);
  if (!image) throw new Error(`image ${imageId} is not loaded`);
  return image;
}

/** Fetches and checks a dictionary for a model, without using it yet (the caller commits it). */
async function readDictionary(
  source: DictionarySource,
  info: EncoderInfo,
  download: typeof fetch = guardedFetch(),
): Promise<LoadedDictionary> {
  await ensureBackend();
  if (source.kind === 'folder') {
    const { folder } = source;
    return openDictionaryFolder(readPicked(folder), folder.name, folder.name, info);
  }
  if (source.kind === 'files') {
    return dictionaryFromFiles(source.source, source.weights, source.config, source.interpretation, info);
  }
  const root = source.base.endsWith('/') ? source.base : `${source.base}/`;
  const [weights, config, interpretation] = await Promise.all(
    Object.values(DICTIONARY_FILES).map((file) => fetchOptional(root + file, download)),
  );
  if (!weights || !config) {
    throw new Error(`no LUCID dictionary at ${root} (missing ${DICTIONARY_FILES.weights} or config)`);
  }
  return dictionaryFromFiles(
    root,
    new Uint8Array(await weights.arrayBuffer()),
    await config.text(),
    interpretation ? await interpretation.text() : null,
    info,
  );
}

/** Uses `loaded` from now on: the old dictionary's tensors and every kept image's codes go. */
async function commitDictionary(loaded: LoadedDictionary | undefined, info: EncoderInfo): Promise<void> {
  if (dictionary) disposeDictionary(dictionary);
  dictionary = loaded;
  images.clear();
  if (loaded) await warmUpDictionary(loaded, info.grid).catch(() => undefined);
}

function summaryOf(loaded: LoadedDictionary) {
  const c = loaded.model.config;
  return {
    source: loaded.source,
    nShared: c.nShared,
    nImagePrivate: c.nImagePrivate,
    nTextPrivate: c.nTextPrivate,
    k: c.k,
    interpretation: loaded.interpretation,
    ...(loaded.matching === undefined ? {} : { matching: loaded.matching }),
  };
}

function modelKey(model: ModelRequest): string {
  return JSON.stringify([model.id, model.device, model.hub]);
}

/** Loads a model without using it yet; failed downloads are collected in `downloads`, to say why. */
async function readModel(
  model: ModelRequest,
  onProgress: LoadOptions['onProgress'],
  downloads: DownloadError[],
): Promise<ClipEncoder> {
  const guarded = guardedFetch();
  let download: typeof fetch = async (input, init) => {
    try {
      return await guarded(input, init);
    } catch (error) {
      downloads.push(error as DownloadError);
      throw error;
    }
  };
  const { folder } = model;
  if (folder) {
    // The picked folder's files are named before anything loads, as `lucid --model` does.
    checkModelFolder(folder.name, (file) => file in folder.files);
    download = servePicked(
      new URL(`${import.meta.env.BASE_URL}models/${model.id}/`, location.href).href,
      folder,
      download,
    );
  }
  configureClipForBrowser(
    { ...model.hub, allowRemote: model.hub.allowRemote && !folder, browserCache: !folder },
    download,
  );
  const ready = await loadClipEncoder(model.id, { device: model.device, onProgress });
  await warmUpEncoder(ready).catch(() => undefined); // compiles shaders now, not on the first image
  return ready;
}

/** One switch at a time: a later one starts from what the earlier one left. */
let switching: Promise<unknown> = Promise.resolve();

async function switchSession(request: SessionRequest, onProgress: LoadOptions['onProgress']): Promise<SessionOutcome> {
  const downloads: DownloadError[] = [];
  const current = encoder && (await encoder.catch(() => undefined));
  let next: ClipEncoder;
  let fresh = false;
  if (request.model === null || (current && modelKey(request.model) === encoderKey)) {
    if (!current) {
      return { ok: false, stage: 'model', failure: describeLoadFailure(new Error('no model is loaded yet')) };
    }
    next = current;
  } else {
    try {
      next = await readModel(request.model, onProgress, downloads);
      fresh = true;
    } catch (error) {
      return { ok: false, stage: 'model', failure: describeLoadFailure(error, downloads) };
    }
  }
  let loaded: LoadedDictionary | undefined;
  let dictionaryFailure = null;
  if (request.dictionary) {
    try {
      loaded = await readDictionary(request.dictionary, next.info);
    } catch (error) {
      dictionaryFailure = describeLoadFailure(error, downloads);
      if (request.ifDictionaryFails === 'keep-previous') {
        if (fresh) await next.dispose();
        return { ok: false, stage: 'dictionary', failure: dictionaryFailure };
      }
    }
  }
  // Both loaded and checked: only now does anything in use change.
  if (fresh && request.model) {
    encoder = Promise.resolve(next);
    encoderKey = modelKey(request.model);
    if (current) await current.dispose();
  }
  await commitDictionary(loaded, next.info);
  return { ok: true, info: next.info, dictionary: loaded ? summaryOf(loaded) : null, dictionaryFailure };
}

const api: ExplorerWorkerApi = {
  async encodePixels(pixels) {
    const result = await (await requireEncoder()).encodePixels(pixels);
    return transfer(result, [result.patches.buffer, result.embedding.buffer]);
  },

  async encodeText(text) {
    const result = await (await requireEncoder()).encodeText(text);
    return transfer(result, [result.hidden.buffer, result.embedding.buffer]);
  },

  async encodeImageFile(file, name) {
    const result = await (await requireEncoder()).encodeImage(await decodeImage(file, name));
    return transfer(result, [result.patches.buffer, result.embedding.buffer]);
  },

  switchSession(request, onProgress) {
    const outcome = switching.then(() => switchSession(request, onProgress));
    switching = outcome.catch(() => undefined);
    return outcome;
  },

  async loadModel(id, device, hub, onProgress, folder) {
    const model = { id, device, hub, folder };
    if (encoder && modelKey(model) === encoderKey) return (await encoder).info;
    const previous = encoder;
    const ready = await readModel(model, onProgress, []); // a failed load throws and leaves the previous model
    encoder = Promise.resolve(ready);
    encoderKey = modelKey(model);
    if (previous) await (await previous).dispose();
    images.clear();
    return ready.info;
  },

  async loadDictionary(base) {
    const info = (await requireEncoder()).info;
    const loaded = await readDictionary({ kind: 'url', base }, info);
    await commitDictionary(loaded, info);
    return summaryOf(loaded);
  },

  async loadDictionaryFiles(source, weights, config, interpretation) {
    const info = (await requireEncoder()).info;
    const loaded = await readDictionary({ kind: 'files', source, weights, config, interpretation }, info);
    await commitDictionary(loaded, info);
    return summaryOf(loaded);
  },

  async analyzeImage(file, name) {
    const model = await requireEncoder();
    const dict = requireDictionary();
    const decoded = await decodeImage(file, name);
    const activations = await model.encodeImage(decoded);
    const { codes, analysis } = await analyzeImageActivations(dict, activations);
    const imageId = nextImageId++;
    images.set(imageId, holdImage(dict, activations, codes));
    // The worker keeps its own compact copy of the codes (holdImage), so these go to the page.
    const { ids, values } = analysis.patchLatents;
    const result = { ...analysis, imageId, name, width: decoded.width, height: decoded.height };
    return transfer(result, [ids.buffer, values.buffer]);
  },

  async heatmap(imageId, latent) {
    const dict = requireDictionary();
    const image = requireImage(imageId);
    const m = latentCountOf(dict);
    if (!Number.isInteger(latent) || latent < 0 || latent >= m) throw new Error(`latent ${latent} does not exist`);
    const values = await heldHeatmap(dict, image, latent);
    return transfer({ imageId, latent, grid: image.grid, values }, [values.buffer]);
  },

  async forgetImage(imageId) {
    images.delete(imageId);
  },

  async analyzeText(text) {
    const model = await requireEncoder();
    const { analysis } = await analyzeTextActivations(requireDictionary(), await model.encodeText(text));
    return analysis;
  },

  async transport(imageId, caption) {
    const model = await requireEncoder();
    const dict = requireDictionary();
    const image = requireImage(imageId);
    const text = await analyzeTextActivations(dict, await model.encodeText(caption));
    const view = await transportBetween(dict, image, text);
    return transfer(view, [view.plan.buffer]);
  },

  async heldMemory() {
    let bytes = 0;
    for (const image of images.values()) bytes += heldImageBytes(image);
    return { images: images.size, bytes };
  },

  async useBackend(preferred) {
    return (await ensureBackend(preferred)).backend;
  },

  async backendInUse() {
    await ensureBackend();
    return activeBackend();
  },
};

// The e2e build (`vite build --mode e2e`) adds fault injection; `MODE` is replaced at build time,
// so the production bundle has neither the branch nor src/testing.
expose(import.meta.env.MODE === 'e2e' ? explorerWorkerWithHooks(api) : api);
