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
  /** ONNX Runtime's asyncify build, served by the app itself (browser only; never a CDN). */
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
    // Threads need cross-origin isolation (SharedArrayBuffer); without it ORT would fail to start them.
    if (typeof crossOriginIsolated === 'undefined' || !crossOriginIsolated) onnx.wasm.numThreads = 1;
  }
}
