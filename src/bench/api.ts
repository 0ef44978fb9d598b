/**
 * The benchmark's measurement API: the bench worker (`bench.worker.ts`, the explorer worker's code
 * paths with a stopwatch between stages) and the page hooks (`hooks.ts`, `window.__lucidBench`)
 * that bench/run.ts drives from Playwright. All times in milliseconds (performance.now()).
 */

export type BenchBackend = 'webgpu' | 'wasm';

export interface BenchLoad {
  /** tfjs backend the LUCID dictionary runs on, and the ONNX device of the CLIP towers. */
  tfjsBackend: string;
  onnxDevice: BenchBackend;
  /** WebGPU adapter in use (null on WASM). */
  adapter: string | null;
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

export interface BenchWorkerApi {
  /** tfjs on `backend`; the CLIP towers on `clipDevice` (default: the same). */
  load(backend: BenchBackend, clipDevice?: BenchBackend): Promise<BenchLoad>;
  imageToColumn(
    image: Blob,
    name: string,
  ): Promise<ImageStages & { grid: [number, number]; latent: number; values: Float32Array }>;
  textToNeurons(text: string): Promise<Omit<TextToNeurons, 'totalMs'>>;
  saeThroughput(rows: number): Promise<SaeThroughputRun & { maxAbsDifference: number }>;
  encodeFolder(images: Blob[]): Promise<FolderMemory>;
}

/** `window.__lucidBench`: each call starts from what the previous ones left (one worker per page). */
export interface LucidBenchApi {
  load(backend: BenchBackend, clipDevice?: BenchBackend): Promise<BenchLoad>;
  imageToHeatmap(url: string): Promise<ImageToHeatmap>;
  textToNeurons(text: string): Promise<TextToNeurons>;
  saeThroughput(rows: number): Promise<SaeThroughputRun & { maxAbsDifference: number }>;
  encodeFolder(urls: string[]): Promise<FolderMemory>;
}

declare global {
  interface Window {
    __lucidBench?: LucidBenchApi;
  }
}
