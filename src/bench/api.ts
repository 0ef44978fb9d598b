/**
 * The benchmark's measurement API: the bench worker (`bench.worker.ts`, the explorer worker's code
 * paths with a stopwatch between stages) and the page hooks (`hooks.ts`, `window.__lucidBench`)
 * that bench/run.ts drives from Playwright. All times in milliseconds (performance.now()).
 */

import type { LucidConfig } from '../lucid/config';
import type { BenchmarkResult } from '../training/api';

export type BenchBackend = 'webgpu' | 'wasm';

/** Where the bench worker loads its model and dictionary from (default: the embedded Emoji-CLIP). */
export interface BenchSource {
  /** transformers.js model id: a folder under the app's `models/`. */
  modelId: string;
  /** URL of the dictionary folder (lucid.safetensors, lucid.config.json, maybe interpretation.json). */
  dictionaryBase: string;
  /** Whether the folder has an interpretation.json (a randomly initialised benchmark dictionary has none). */
  interpretation: boolean;
}

/** Images the bench worker holds, as the explorer worker holds dropped images. */
export interface HeldImages {
  /** Images held after this call. */
  images: number;
  /** Bytes of every typed array the worker keeps for them. */
  keptBytes: number;
  /** Time this call took to analyse and store its images. */
  totalMs: number;
}

export interface BenchLoad {
  /** tfjs backend the LUCID dictionary runs on, and the ONNX device of the CLIP towers. */
  tfjsBackend: string;
  onnxDevice: BenchBackend;
  /** WebGPU adapter in use (null on WASM). */
  adapter: string | null;
  /** Whether the worker is cross-origin isolated, and the WASM threads ONNX Runtime and tfjs were given. */
  crossOriginIsolated: boolean;
  onnxThreads: number | null;
  tfjsThreads: number | null;
  modelMs: number;
  /** Dictionary fetch, parse, upload (and warm-up, where the explorer worker does one). */
  dictionaryMs: number;
}

/** One dropped image, stage by stage, as the explorer worker runs it. */
export interface ImageStages {
  /** File bytes → RawImage. */
  decodeMs: number;
  /** Preprocess and vision tower (ONNX Runtime). */
  encoderMs: number;
  /** LUCID: normalise, pre-activations, Top-K, read-back (analyzeImageActivations). */
  saeMs: number;
  /** The selected latent's column (the worker side of a heatmap request). */
  columnMs: number;
}

export interface ImageToHeatmap extends ImageStages {
  /** Drawing the heatmap on a canvas in the page (heatmapMax + drawHeatmap). */
  renderMs: number;
  /** From handing the file to the worker until the heatmap is drawn, round trips included. */
  totalMs: number;
}

export interface TextToNeurons {
  /** Tokenizer and text tower. */
  encoderMs: number;
  /** analyzeTextActivations. */
  saeMs: number;
  totalMs: number;
}

/** One timed SAE encode of `rows` random activation rows, three ways. */
export interface SaeThroughputRun {
  /** encodeRows: what the app runs (normalise, pre-activations, Top-K, read-back). */
  encodeMs: number;
  /** tf.matMul of the same [rows, d] · [d, m] and its read-back: the unavoidable product. */
  matMulMs: number;
  /** The same encode as a plain-JavaScript loop over Float32Arrays. */
  plainJsMs: number;
}

export interface FolderMemory {
  images: number;
  failed: number;
  totalMs: number;
  /** Largest tfjs tensor bytes seen between images (`tf.memory().numBytes`). */
  tensorBytesPeak: number;
  /** WebGPU only: largest bytes of live tfjs GPU buffers, and of all buffers tfjs has allocated (pool included). */
  gpuBytesInUsePeak: number | null;
  gpuBytesAllocatedPeak: number | null;
  /** Bytes the worker keeps for the folder's codes after it is done (Codes arrays). */
  keptCodesBytes: number;
}

/** One timed training run of a given configuration on given batches (bench:scale). */
export interface TrainThroughputRequest {
  backend: BenchBackend;
  config: LucidConfig;
  /** URLs of batch files (safetensors: patches [B, Np, dImage], tokens [B, T, dText], tokenMask and alignMask [B, T], grid in the metadata), used in turn. */
  batchUrls: string[];
  warmupSteps: number;
  steps: number;
  /** Whether Adam may use its WebAssembly SIMD kernel on WASM (default true; false times the JavaScript pass). */
  adamKernel?: boolean;
  /** False: the host passes run on the training worker alone, without helper threads (src/lucid/hostThreads.ts). */
  hostHelpers?: boolean;
  /** Also profile one more step with tf.profile and return where its time went (default false). */
  profile?: boolean;
}

/** One profiled training step: kernel time by kernel name, the slowest kernels, and the step's wall time. */
export interface TrainStepProfile {
  wallMs: number;
  kernelMs: number;
  byName: [string, number][];
  slowest: { name: string; ms: number; inputShapes: number[][]; outputShapes: number[][] }[];
}

export interface BenchWorkerApi {
  /** tfjs on `backend`; the CLIP towers on `clipDevice` (default: the same); Emoji-CLIP unless `source` says. */
  load(backend: BenchBackend, clipDevice?: BenchBackend, source?: BenchSource): Promise<BenchLoad>;
  imageToColumn(
    image: Blob,
    name: string,
  ): Promise<ImageStages & { grid: [number, number]; latent: number; values: Float32Array }>;
  textToNeurons(text: string): Promise<Omit<TextToNeurons, 'totalMs'>>;
  /** The plain-JavaScript encode and the comparison run on the first `plainJsRows` rows only (default: all). */
  saeThroughput(rows: number, plainJsRows?: number): Promise<SaeThroughputRun & { maxAbsDifference: number }>;
  encodeFolder(images: Blob[]): Promise<FolderMemory>;
  /**
   * Analyses `count` more images from recorded activations (the `patches` tensor of an activation
   * shard at `shardUrl`, taken in turn) instead of running the vision tower, and keeps what the
   * explorer worker keeps per image.
   */
  holdRecorded(shardUrl: string, count: number): Promise<HeldImages>;
  releaseHeld(): Promise<void>;
  trainThroughput(request: TrainThroughputRequest): Promise<BenchmarkResult & { profile?: TrainStepProfile }>;
}

/** `window.__lucidBench`: each call starts from what the previous ones left (one worker per page). */
export interface LucidBenchApi {
  load(backend: BenchBackend, clipDevice?: BenchBackend, source?: BenchSource): Promise<BenchLoad>;
  imageToHeatmap(url: string): Promise<ImageToHeatmap>;
  textToNeurons(text: string): Promise<TextToNeurons>;
  saeThroughput(rows: number, plainJsRows?: number): Promise<SaeThroughputRun & { maxAbsDifference: number }>;
  encodeFolder(urls: string[]): Promise<FolderMemory>;
  holdRecorded(shardUrl: string, count: number): Promise<HeldImages>;
  releaseHeld(): Promise<void>;
  trainThroughput(request: TrainThroughputRequest): Promise<BenchmarkResult & { profile?: TrainStepProfile }>;
}

declare global {
  interface Window {
    __lucidBench?: LucidBenchApi;
  }
}
