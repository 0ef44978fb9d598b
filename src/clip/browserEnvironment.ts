import { env } from '@huggingface/transformers';
import { configureClipEnvironment } from './environment';

/** ONNX Runtime's asyncify build (WebGPU and WASM in one), copied to `/ort/` by vite.config.ts. */
export const ORT_WASM_PATHS = {
  mjs: `${import.meta.env.BASE_URL}ort/ort-wasm-simd-threaded.asyncify.mjs`,
  wasm: `${import.meta.env.BASE_URL}ort/ort-wasm-simd-threaded.asyncify.wasm`,
};

/**
 * Browser: the embedded model from the app's own `/models/`, ONNX Runtime's binaries from `/ort/`;
 * the hub only when the user picks a hub model (`remoteHost` lets tests serve a fake hub locally).
 */
export function configureClipForBrowser(options: { allowRemote: boolean; remoteHost?: string }): void {
  const origin = typeof location === 'undefined' ? '' : location.origin;
  configureClipEnvironment({
    localModelPath: `${import.meta.env.BASE_URL}models/`,
    // A hub model is never among the app's own files, and the app's server answers a missing file
    // with index.html (single-page app), which transformers.js would try to parse as the model's JSON.
    allowLocal: !options.allowRemote,
    allowRemote: options.allowRemote,
    remoteHost: options.remoteHost,
    wasmPaths: { mjs: origin + ORT_WASM_PATHS.mjs, wasm: origin + ORT_WASM_PATHS.wasm },
  });
  // transformers.js would copy ONNX Runtime's loader into the Cache API and import() it from a blob:
  // URL, which the Content Security Policy refuses (script-src 'self', docs/security.md); imported
  // from /ort/ it is cached by the browser's HTTP cache instead.
  env.useWasmCache = false;
}
