import { env } from '@huggingface/transformers';

/** Where transformers.js finds model files and ONNX Runtime's WASM binaries. */
export interface ClipEnvironment {
  /** Folder (browser: a URL path such as '/models/'; Node: a file-system path) holding local models. */
  localModelPath: string;
  /** Whether ids are first looked up under `localModelPath` (default true). */
  allowLocal?: boolean;
  /** Whether hub ids may be fetched from `remoteHost`. */
  allowRemote: boolean;
  /** Hub base URL; defaults to huggingface.co. Tests point it at a local server. */
  remoteHost?: string;
  /** ONNX Runtime's asyncify build, loader and binary, served by the app itself (browser only; never a CDN). */
  wasmPaths?: { mjs?: string; wasm: string };
}

/** Applies an environment to transformers.js' global settings (call before loading a model). */
export function configureClipEnvironment(settings: ClipEnvironment): void {
  env.allowLocalModels = settings.allowLocal ?? true;
  env.localModelPath = settings.localModelPath.endsWith('/') ? settings.localModelPath : `${settings.localModelPath}/`;
  env.allowRemoteModels = settings.allowRemote;
  if (settings.remoteHost)
    env.remoteHost = settings.remoteHost.endsWith('/') ? settings.remoteHost : `${settings.remoteHost}/`;
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number } };
  if (settings.wasmPaths && onnx.wasm) {
    onnx.wasm.wasmPaths = { ...settings.wasmPaths };
    onnx.wasm.numThreads = wasmThreadsFor(
      typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated,
      typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency,
    );
  }
}

/** The WASM thread count ONNX Runtime was given (its own default where `configureClipEnvironment` set none). */
export function onnxWasmThreadCount(): number | undefined {
  return (env.backends.onnx as { wasm?: { numThreads?: number } }).wasm?.numThreads;
}

/** At most this many ONNX Runtime WASM threads: the model work shares the cores with tfjs and the page. */
export const MAX_WASM_THREADS = 4;

/**
 * ONNX Runtime's WASM thread count: threads share memory through `SharedArrayBuffer`, which a browser
 * gives only a cross-origin isolated page (COOP + COEP headers, vite.config.ts); without it, one.
 * `cores` is `navigator.hardwareConcurrency` (undefined or 0 where a browser hides it).
 */
export function wasmThreadsFor(crossOriginIsolated: boolean, cores: number | undefined): number {
  if (!crossOriginIsolated) return 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores || 1));
}
