/**
 * The explorer's worker: CLIP, the LUCID dictionary and every image's codes live here, so the page
 * never freezes. Implements ExplorerApi (api.ts) over comlink; large arrays are transferred.
 */
import { expose, transfer } from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { activeBackend, type BackendChoice, type BackendName, initBackend } from '../backend';
import { configureClipForBrowser } from '../clip/browserEnvironment';
import { type ClipEncoder, decodeImage, loadClipEncoder } from '../clip/encoder';
import {
  type Codes,
  analyzeImageActivations,
  analyzeTextActivations,
  latentColumn,
  latentCountOf,
  transportBetween,
} from '../explain/analyze';
import { DICTIONARY_FILES, type LoadedDictionary, dictionaryFromFiles, disposeDictionary } from '../explain/dictionary';
import { warmUpDictionary, warmUpEncoder } from '../explain/warmUp';
import { explorerWorkerWithHooks } from '../testing/explorerWorker';
import type { ExplorerWorkerApi, WorkerFaultMessage } from './api';

let encoder: Promise<ClipEncoder> | undefined;
let encoderKey = '';
let dictionary: LoadedDictionary | undefined;
const images = new Map<number, { codes: Codes; grid: [number, number] }>();
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

async function fetchOptional(url: string): Promise<Response | null> {
  const response = await fetch(url);
  // A single-page-app server answers unknown paths with index.html: that is "missing" too.
  if (response.status === 404 || response.headers.get('content-type')?.includes('text/html')) return null;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
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

  async loadModel(id, device, hub, onProgress) {
    const key = JSON.stringify([id, device, hub]);
    if (encoder && key === encoderKey) return (await encoder).info;
    configureClipForBrowser(hub);
    const previous = encoder;
    const next = loadClipEncoder(id, { device, onProgress });
    const ready = await next; // a failed load throws here and leaves the previous model in place
    await warmUpEncoder(ready).catch(() => undefined); // compiles shaders now, not on the first image
    encoder = next;
    encoderKey = key;
    if (previous) await (await previous).dispose();
    images.clear();
    return ready.info;
  },

  async loadDictionary(base) {
    const root = base.endsWith('/') ? base : `${base}/`;
    const [weights, config, interpretation] = await Promise.all(
      Object.values(DICTIONARY_FILES).map((file) => fetchOptional(root + file)),
    );
    if (!weights || !config) {
      throw new Error(`no LUCID dictionary at ${root} (missing ${DICTIONARY_FILES.weights} or config)`);
    }
    return api.loadDictionaryFiles(
      root,
      new Uint8Array(await weights.arrayBuffer()),
      await config.text(),
      interpretation ? await interpretation.text() : null,
    );
  },

  async loadDictionaryFiles(source, weights, config, interpretation) {
    await ensureBackend();
    const info = (await requireEncoder()).info;
    const loaded = dictionaryFromFiles(source, weights, config, interpretation, info);
    if (dictionary) disposeDictionary(dictionary);
    dictionary = loaded;
    images.clear();
    await warmUpDictionary(loaded, info.grid).catch(() => undefined);
    const c = loaded.model.config;
    return {
      source,
      nShared: c.nShared,
      nImagePrivate: c.nImagePrivate,
      nTextPrivate: c.nTextPrivate,
      k: c.k,
      interpretation: loaded.interpretation,
    };
  },

  async analyzeImage(file, name) {
    const model = await requireEncoder();
    const dict = requireDictionary();
    const decoded = await decodeImage(file, name);
    const activations = await model.encodeImage(decoded);
    const { codes, analysis } = await analyzeImageActivations(dict, activations);
    const imageId = nextImageId++;
    images.set(imageId, { codes, grid: activations.grid });
    // Copies go to the page; the worker keeps its own codes for heatmaps and transport.
    const ids = analysis.patchLatents.ids.slice();
    const values = analysis.patchLatents.values.slice();
    const result = {
      ...analysis,
      patchLatents: { k: analysis.patchLatents.k, ids, values },
      imageId,
      name,
      width: decoded.width,
      height: decoded.height,
    };
    return transfer(result, [ids.buffer, values.buffer]);
  },

  async heatmap(imageId, latent) {
    const dict = requireDictionary();
    const image = requireImage(imageId);
    const m = latentCountOf(dict);
    if (!Number.isInteger(latent) || latent < 0 || latent >= m) throw new Error(`latent ${latent} does not exist`);
    const values = latentColumn(image.codes, m, latent);
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
    const view = await transportBetween(dict, image.codes, image.grid, text);
    return transfer(view, [view.plan.buffer]);
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
