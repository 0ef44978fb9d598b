import { env } from '@huggingface/transformers';
// ONNX Runtime's asyncify build (WebGPU and WASM in one), binary and loader, emitted by Vite under
// /assets/ as files of their own. ONNX Runtime's bundle embeds the same loader, but a WASM thread is
// a module worker started from the loader's own URL (`new Worker(import.meta.url)`): embedded, that
// is the worker chunk holding it, which would load and run the whole explorer worker in every thread.
import ortWasmLoaderUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { configureClipEnvironment } from './environment';

/**
 * Browser: the embedded model from the app's own `/models/`, ONNX Runtime's binary from `/assets/`;
 * the hub only when the user picks a hub model (`remoteHost` lets tests serve a fake hub locally).
 * A model folder the user picked is served at `/models/<id>/` by `download` (src/worker/pickedFolder.ts).
 * `download` replaces the `fetch` transformers.js downloads every model file with (the explorer
 * worker's adds a deadline and says why a request failed).
 */
export function configureClipForBrowser(
  options: { allowRemote: boolean; remoteHost?: string; browserCache?: boolean },
  download: typeof fetch = (input, init) => fetch(input, init),
): void {
  const origin = typeof location === 'undefined' ? '' : location.origin;
  configureClipEnvironment({
    localModelPath: `${import.meta.env.BASE_URL}models/`,
    // A hub model is never among the app's own files, and the app's server answers a missing file
    // with index.html (single-page app), which transformers.js would try to parse as the model's JSON.
    allowLocal: !options.allowRemote,
    allowRemote: options.allowRemote,
    remoteHost: options.remoteHost,
    wasmPaths: {
      mjs: new URL(ortWasmLoaderUrl, origin || undefined).href,
      wasm: new URL(ortWasmUrl, origin || undefined).href,
    },
  });
  // transformers.js would copy ONNX Runtime's files into the Cache API and import() the loader from a
  // blob: URL, which the Content Security Policy refuses (script-src 'self', docs/security.md); the
  // browser's HTTP cache keeps them instead.
  env.useWasmCache = false;
  // A folder the user picked is read from disk where it is; copying it into the Cache API would only
  // duplicate it (`browserCache: false`). Downloaded and embedded models are cached, as before.
  env.useBrowserCache = options.browserCache ?? true;
  // A wrapper, never `fetch` itself: transformers.js calls it as `env.fetch(…)`, and the browser
  // refuses a `fetch` whose receiver is not the global scope ("Illegal invocation").
  env.fetch = download;
}
