/**
 * The benchmark's worker: the explorer worker's code paths (src/worker/explorer.worker.ts: the same
 * decode, CLIP encoder, dictionary loader and LUCID analysis functions, called in the same order),
 * with a stopwatch between the stages, on a backend chosen per page. The explorer worker itself
 * always prefers WebGPU for tfjs; this one can run the whole pipeline on WASM too.
 */
import * as tf from '@tensorflow/tfjs';
import { expose, transfer } from 'comlink';
import { clipDeviceFor, describeWebGpuAdapter, switchBackend, tfjsWasmThreadCount } from '../backend';
import { configureClipForBrowser } from '../clip/browserEnvironment';
import { onnxWasmThreadCount } from '../clip/environment';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { type ClipEncoder, decodeImage, loadClipEncoder } from '../clip/encoder';
import { analyzeImageActivations, analyzeTextActivations, encodeRows } from '../explain/analyze';
import { type HeldImage, heldHeatmap, heldImageBytes, holdImage } from '../explain/heldImage';
import { warmUpDictionary, warmUpEncoder } from '../explain/warmUp';
import { DICTIONARY_FILES, type LoadedDictionary, dictionaryFromFiles } from '../explain/dictionary';
import { latentCount } from '../lucid/config';
import { gaussianArray, makeGaussian, makeRng } from '../lucid/random';
import type { BenchSource, BenchWorkerApi } from './api';
import { type PlainEncoder, plainEncode } from './plainEncode';
import { keptBytes, recordedPatches } from './recorded';
import { trainThroughput } from './trainThroughput';

const EMBEDDED: BenchSource = {
  modelId: EMBEDDED_MODEL_ID,
  dictionaryBase: `${import.meta.env.BASE_URL}dictionaries/${EMBEDDED_MODEL_ID}/`,
  interpretation: true,
};

let encoder: ClipEncoder | undefined;
let dictionary: LoadedDictionary | undefined;
let plainImageEncoder: PlainEncoder | undefined;
// Kept like the explorer worker keeps every dropped image (src/explain/heldImage.ts).
const kept: HeldImage[] = [];
// What holdRecorded keeps: per image what the explorer worker's `images` map holds.
const held: HeldImage[] = [];

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not loaded (call load first)`);
  return value;
}

async function loadDictionary(source: BenchSource, info: ClipEncoder['info']): Promise<LoadedDictionary> {
  const base = source.dictionaryBase;
  const [weights, config, interpretation] = await Promise.all([
    fetch(base + DICTIONARY_FILES.weights),
    fetch(base + DICTIONARY_FILES.config),
    source.interpretation ? fetch(base + DICTIONARY_FILES.interpretation) : null,
  ]);
  return dictionaryFromFiles(
    base,
    new Uint8Array(await weights.arrayBuffer()),
    await config.text(),
    interpretation === null ? null : await interpretation.text(),
    info,
  );
}

async function plainEncoderOf(loaded: LoadedDictionary): Promise<PlainEncoder> {
  const { model, norm } = loaded;
  const p = model.image;
  const [bPre, wEnc, bEnc, allowed] = await Promise.all([
    p.bPre.data(),
    p.wEnc.data(),
    p.bEnc.data(),
    model.allowed.image.data(),
  ]);
  return {
    d: model.config.dImage,
    m: latentCount(model.config),
    k: model.config.k,
    mean: norm.image.mean,
    scale: norm.image.scale,
    bPre: bPre as Float32Array,
    wEnc: wEnc as Float32Array,
    bEnc: bEnc as Float32Array,
    allowed: allowed as Float32Array,
  };
}

function tensorMemory(): { numBytes: number; numBytesInGPU?: number; numBytesAllocatedInGPU?: number } {
  return tf.memory() as ReturnType<typeof tensorMemory>;
}

const api: BenchWorkerApi = {
  async load(backend, requestedClipDevice, source = EMBEDDED) {
    const choice = await switchBackend(backend);
    const summary = backend === 'webgpu' ? await describeWebGpuAdapter() : null;
    const adapter = summary?.description ?? null;
    // As the app: the towers on WebGPU only with a hardware adapter (clipDeviceFor).
    const clipDevice = requestedClipDevice ?? clipDeviceFor(backend, !!summary?.software);
    configureClipForBrowser({ allowRemote: false });
    let started = performance.now();
    encoder = await loadClipEncoder(source.modelId, { device: clipDevice });
    await warmUpEncoder(encoder);
    const modelMs = performance.now() - started;
    started = performance.now();
    dictionary = await loadDictionary(source, encoder.info);
    await warmUpDictionary(dictionary, encoder.info.grid);
    const dictionaryMs = performance.now() - started;
    plainImageEncoder = await plainEncoderOf(dictionary);
    return {
      tfjsBackend: choice.backend,
      onnxDevice: clipDevice,
      adapter,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      onnxThreads: onnxWasmThreadCount() ?? null,
      tfjsThreads: tfjsWasmThreadCount(),
      modelMs,
      dictionaryMs,
    };
  },

  async imageToColumn(image, name) {
    const model = need(encoder, 'the model');
    const dict = need(dictionary, 'the dictionary');
    let started = performance.now();
    const decoded = await decodeImage(image, name);
    const decodeMs = performance.now() - started;
    started = performance.now();
    const activations = await model.encodeImage(decoded);
    const encoderMs = performance.now() - started;
    started = performance.now();
    const { codes, analysis } = await analyzeImageActivations(dict, activations);
    const saeMs = performance.now() - started;
    // The page then selects the image's top concept and asks for its heatmap.
    const latent = analysis.top[0]?.id ?? 0;
    started = performance.now();
    // As the explorer worker does: keep the image, then compute the column from what is kept.
    const values = await heldHeatmap(dict, holdImage(dict, activations, codes), latent);
    const columnMs = performance.now() - started;
    return transfer({ decodeMs, encoderMs, saeMs, columnMs, grid: activations.grid, latent, values }, [values.buffer]);
  },

  async textToNeurons(text) {
    const model = need(encoder, 'the model');
    const dict = need(dictionary, 'the dictionary');
    let started = performance.now();
    const activations = await model.encodeText(text);
    const encoderMs = performance.now() - started;
    started = performance.now();
    await analyzeTextActivations(dict, activations);
    return { encoderMs, saeMs: performance.now() - started };
  },

  async saeThroughput(rows, plainJsRows = rows) {
    const dict = need(dictionary, 'the dictionary');
    const plain = need(plainImageEncoder, 'the dictionary');
    const { d, m } = plain;
    const activations = gaussianArray(rows * d, makeGaussian(makeRng(rows)));
    let started = performance.now();
    const codes = await encodeRows(dict, 'image', activations);
    const encodeMs = performance.now() - started;
    // The unavoidable product, with the same upload and read-back as the encode.
    started = performance.now();
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(activations, [rows, d]), dict.model.image.wEnc));
    await product.data();
    const matMulMs = performance.now() - started;
    product.dispose();
    // At bench:scale sizes the plain loop would take minutes: it times a slice, scaled to all rows.
    const checked = Math.max(1, Math.min(rows, plainJsRows));
    started = performance.now();
    const reference = plainEncode(plain, activations.subarray(0, checked * d));
    const plainJsMs = ((performance.now() - started) * rows) / checked;
    let maxAbsDifference = 0;
    for (let i = 0; i < checked * m; i++) {
      maxAbsDifference = Math.max(maxAbsDifference, Math.abs(codes.pre[i] - reference.pre[i]));
    }
    return { encodeMs, matMulMs, plainJsMs, maxAbsDifference };
  },

  async encodeFolder(files) {
    const model = need(encoder, 'the model');
    const dict = need(dictionary, 'the dictionary');
    let tensorBytesPeak = 0;
    let gpuBytesInUsePeak: number | null = null;
    let gpuBytesAllocatedPeak: number | null = null;
    const sample = () => {
      const memory = tensorMemory();
      tensorBytesPeak = Math.max(tensorBytesPeak, memory.numBytes);
      if (memory.numBytesInGPU !== undefined)
        gpuBytesInUsePeak = Math.max(gpuBytesInUsePeak ?? 0, memory.numBytesInGPU);
      if (memory.numBytesAllocatedInGPU !== undefined) {
        gpuBytesAllocatedPeak = Math.max(gpuBytesAllocatedPeak ?? 0, memory.numBytesAllocatedInGPU);
      }
    };
    const started = performance.now();
    let failed = 0;
    kept.length = 0;
    for (const [i, file] of files.entries()) {
      try {
        const activations = await model.encodeImage(await decodeImage(file, `image ${i}`));
        sample();
        const { codes } = await analyzeImageActivations(dict, activations);
        kept.push(holdImage(dict, activations, codes));
      } catch {
        failed++;
      }
      sample();
    }
    const keptCodesBytes = kept.reduce((sum, image) => sum + heldImageBytes(image), 0);
    return {
      images: files.length - failed,
      failed,
      totalMs: performance.now() - started,
      tensorBytesPeak,
      gpuBytesInUsePeak,
      gpuBytesAllocatedPeak,
      keptCodesBytes,
    };
  },

  async holdRecorded(shardUrl, count) {
    const dict = need(dictionary, 'the dictionary');
    const recorded = await recordedPatches(shardUrl);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const activations = recorded.image(held.length);
      const { codes } = await analyzeImageActivations(dict, activations);
      held.push(holdImage(dict, activations, codes));
    }
    return { images: held.length, keptBytes: keptBytes(held), totalMs: performance.now() - started };
  },

  async releaseHeld() {
    held.length = 0;
  },

  trainThroughput,
};

expose(api);
