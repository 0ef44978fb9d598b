/**
 * Lets tfjs' WASM backend (tfjs-backend-wasm 4.22) start its threads under the app's Content Security
 * Policy. Its loader creates the pthread workers from a `blob:` URL of a script string and hands
 * them a `blob:` copy of its Emscripten factory; `worker-src 'self'` and `script-src 'self'` refuse
 * both (docs/security.md). This plugin emits the two scripts as files of the build and rewrites the
 * two places in `dist/backend_wasm.js` to use their same-origin URLs instead. The scripts are byte
 * for byte what tfjs would have put in the blobs (the worker string with tfjs' own newline escape;
 * the factory file whose `toString()` tfjs copies), so the threads run the same code, but for one
 * change: the core count tfjs halves is doubled (see LOGICAL_CORES).
 *
 * Build only: the dev server (no cross-origin isolation) and the tests never take the threaded path.
 * A build of another tfjs version whose loader no longer matches fails loudly instead of silently
 * leaving threads off.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The loader that is rewritten, as Vite names the module (its path inside node_modules). */
const LOADER = /@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/;

/** The threaded Emscripten factory, bundled (the loader calls it) and emitted (the threads load it). */
const FACTORY = /@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;

/**
 * The factory's core count. tfjs' backend.cc takes half of it as the most threads it will start (two
 * hyperthreads per core, it assumes), which leaves a 2-core machine one thread whatever
 * `setThreadsCount` asks for. Doubled here, so `setThreadsCount` (src/backend.ts) decides.
 */
const LOGICAL_CORES = 'return navigator["hardwareConcurrency"]}';

/** tfjs' `locateFile` branch that makes the worker a `blob:` URL. */
const WORKER_BLOB =
  /const response = wasmWorkerContents\.replace\(\/\\n\/g, '\\\\n'\);\s*const blob = new Blob\(\[response\], \{ type: 'application\/javascript' \}\);\s*return URL\.createObjectURL\(blob\);/;

/** tfjs' `blob:` copy of the threaded factory, handed to every worker. */
const FACTORY_BLOB =
  /factoryConfig\.mainScriptUrlOrBlob = new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\);/;

interface Emitted {
  fileName: string;
  source: string;
}

function asset(name: string, source: string): Emitted {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 10);
  return { fileName: `assets/${name}-${hash}.js`, source };
}

/** The factory with the core count doubled (see {@link LOGICAL_CORES}). */
export function rewriteFactory(code: string): string {
  if (code.split(LOGICAL_CORES).length !== 2) {
    throw new Error(
      'tfjsWasmThreads: tfjs-backend-wasm-threaded-simd.js no longer reads navigator.hardwareConcurrency once ' +
        '(another tfjs version?); update tools/vite/tfjsWasmThreads.ts',
    );
  }
  return code.replace(LOGICAL_CORES, () => 'return 2 * navigator["hardwareConcurrency"]}');
}

/** The two scripts, as tfjs would have made them (the factory with its core count doubled). */
function threadScripts(): { worker: Emitted; factory: Emitted } {
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
    wasmWorkerContents: string;
  };
  const factoryPath = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  return {
    worker: asset('tfjs-wasm-pthread-worker', wasmWorkerContents.replace(/\n/g, '\\n')),
    factory: asset('tfjs-wasm-threaded-simd', rewriteFactory(readFileSync(factoryPath, 'utf8'))),
  };
}

/**
 * The rewritten loader source. URLs are resolved against the chunk that runs the loader, which Vite
 * puts in `assets/` beside the emitted files, so the build works under any base path.
 */
export function rewriteLoader(code: string, workerFile: string, factoryFile: string): string {
  if (!WORKER_BLOB.test(code) || !FACTORY_BLOB.test(code)) {
    throw new Error(
      'tfjsWasmThreads: @tensorflow/tfjs-backend-wasm/dist/backend_wasm.js no longer has the blob: loader ' +
        'this plugin rewrites (another tfjs version?); update tools/vite/tfjsWasmThreads.ts',
    );
  }
  // Not `new URL('./literal', import.meta.url)`: Vite would try to resolve that beside the loader in node_modules.
  const url = (file: string) =>
    `((name) => new URL(name, import.meta.url).href)(${JSON.stringify(`./${file.split('/').at(-1)}`)})`;
  return code
    .replace(WORKER_BLOB, () => `return ${url(workerFile)};`)
    .replace(FACTORY_BLOB, () => `factoryConfig.mainScriptUrlOrBlob = ${url(factoryFile)};`);
}

/** The plugin; give it to both `plugins` and `worker.plugins` (tfjs runs in the app's workers). */
export function tfjsWasmThreads(): Plugin {
  let scripts: ReturnType<typeof threadScripts> | undefined;
  let rewritten = false;
  return {
    name: 'lucid-tfjs-wasm-threads',
    apply: 'build',
    buildStart() {
      scripts = threadScripts();
      rewritten = false;
    },
    transform(code, id) {
      if (FACTORY.test(id.split('?')[0])) return { code: rewriteFactory(code), map: null };
      if (!LOADER.test(id.split('?')[0])) return null;
      rewritten = true;
      return { code: rewriteLoader(code, scripts!.worker.fileName, scripts!.factory.fileName), map: null };
    },
    generateBundle() {
      // Only a bundle that contains the loader needs the scripts.
      if (!rewritten) return;
      for (const { fileName, source } of [scripts!.worker, scripts!.factory]) {
        this.emitFile({ type: 'asset', fileName, source });
      }
    },
  };
}
