/**
 * Chooses the tfjs compute backend in the browser: WebGPU, else WASM, else plain JS (cpu).
 * The LUCID core never chooses a backend itself; it runs on whatever tfjs has selected.
 */
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// The .wasm binaries are emitted by Vite with the app, so the WASM backend needs no CDN.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export type BackendName = 'webgpu' | 'wasm' | 'cpu';

/** The backend tfjs runs on, and why it is that one. */
export interface BackendChoice {
  backend: BackendName;
  /** Human-readable: why this backend, including why any preferred one was skipped. */
  reason: string;
}

/** Fastest first; each later entry is the fallback for the one before. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'cpu'];

/** Reads an optional `?backend=webgpu|wasm|cpu` override from the page URL. */
export function backendFromUrl(search: string): BackendName | undefined {
  const requested = new URLSearchParams(search).get('backend');
  return BACKEND_ORDER.find((name) => name === requested);
}

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
});

// tfjs 4.22 starts its WASM threads from `blob:` workers running a `blob:` copy of its loader, both of
// which the Content Security Policy refuses (docs/security.md); the backend would then never finish
// starting. A build rewrites that loader to use same-origin script files (tools/vite/tfjsWasmThreads.ts):
// there tfjs picks its threaded build by itself on a cross-origin isolated page. Anywhere else (the dev
// server, Node) it stays single-threaded.
declare const __LUCID_TFJS_WASM_THREADS__: boolean | undefined;
const TFJS_WASM_THREADS_ALLOWED = typeof __LUCID_TFJS_WASM_THREADS__ !== 'undefined' && __LUCID_TFJS_WASM_THREADS__;
if (!TFJS_WASM_THREADS_ALLOWED) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
/** At most this many tfjs WASM threads: its loader starts a pool of 8 workers. */
const MAX_TFJS_WASM_THREADS = 8;
// tfjs' own default leaves a 2-core machine with one thread: use every core the browser reports.
setThreadsCount(Math.max(1, Math.min(MAX_TFJS_WASM_THREADS, globalThis.navigator?.hardwareConcurrency || 1)));

/**
 * Replaces tfjs's own WebGPU factory (registered on import) with one that uses
 * `requestBestAdapter`; it asks for tfjs 4.22's features and the adapter's full compute limits.
 */
if (tf.findBackendFactory('webgpu') !== null) {
  tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = await requestBestAdapter();
      if (adapter === null) throw new Error('no WebGPU adapter');
      const limits = adapter.limits;
      const device = await adapter.requestDevice({
        requiredFeatures: (['timestamp-query', 'bgra8unorm-storage'] as const).filter((f) => adapter.features.has(f)),
        // Without these, a compatibility-mode device keeps its low defaults (e.g. 128
        // invocations per workgroup) and tfjs's larger workgroups silently compute garbage.
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
          maxComputeWorkgroupSizeZ: limits.maxComputeWorkgroupSizeZ,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
          maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
        },
      });
      return new WebGPUBackend(device, adapter.info);
    },
    3,
  );
}

/**
 * The adapter tfjs computes on: the default (core) adapter, unless that is a software
 * fallback and a compatibility-mode adapter exists that is not. This picks GPUs that only
 * support OpenGL ES, and lavapipe (a faster CPU Vulkan than SwiftShader) in headless CI.
 */
export async function requestBestAdapter(): Promise<GPUAdapter | null> {
  if (!('gpu' in navigator)) return null;
  const core = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (core !== null && !core.info.isFallbackAdapter) return core;
  const compatibility = await navigator.gpu.requestAdapter({ featureLevel: 'compatibility' });
  if (compatibility !== null && !compatibility.info.isFallbackAdapter) return compatibility;
  return core ?? compatibility;
}

/**
 * Selects `preferred` or the first backend after it in `BACKEND_ORDER` that initialises. Without a
 * preference: WebGPU on a hardware adapter, WASM where WebGPU is only a software fallback
 * (SwiftShader: a CPU emulating a GPU, where WASM runs the LUCID encode ~15× and a training step
 * ~100× faster; docs/benchmarks.md). Never throws: cpu always works.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendChoice> {
  const skipped: string[] = [];
  if (preferred === undefined && (await describeWebGpuAdapter())?.software) {
    skipped.push('webgpu skipped: its adapter is a software fallback, slower than WASM (?backend=webgpu forces it)');
    preferred = 'wasm';
  }
  const candidates = BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(preferred ?? 'webgpu'));
  for (const name of candidates) {
    const failure = await trySetBackend(name);
    if (failure === null) {
      const reason = skipped.length === 0 ? `${name} was requested and is available` : skipped.join('; ');
      return { backend: name, reason };
    }
    skipped.push(`${name} unavailable: ${failure}`);
  }
  throw new Error(`no tfjs backend initialised: ${skipped.join('; ')}`);
}

/** Switches tfjs to exactly `name`, throwing if it cannot initialise (no fallback). */
export async function switchBackend(name: BackendName): Promise<BackendChoice> {
  const failure = await trySetBackend(name);
  if (failure !== null) throw new Error(`cannot switch to ${name}: ${failure}`);
  return { backend: name, reason: `switched to ${name} on request` };
}

/** Threads of tfjs' WASM backend when it is the active one (1 unless threads could start), else null. */
export function tfjsWasmThreadCount(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  const wasm = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm;
  return wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

/** The backend tfjs is running on now. */
export function activeBackend(): string {
  return tf.getBackend();
}

/** Returns null on success, otherwise why `name` could not be selected. */
async function trySetBackend(name: BackendName): Promise<string | null> {
  if (name === 'webgpu') {
    const missing = await whyNoWebGpu();
    if (missing !== null) return missing;
  }
  try {
    // setBackend resolves false (after logging) when the backend's factory fails.
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok ? null : `tf.setBackend('${name}') failed (see console)`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function whyNoWebGpu(): Promise<string | null> {
  if (!('gpu' in navigator)) return 'this browser has no WebGPU (navigator.gpu is undefined)';
  const adapter = await requestBestAdapter();
  return adapter === null ? 'navigator.gpu.requestAdapter() returned no adapter' : null;
}

/**
 * The ONNX device for the CLIP towers: WebGPU where tfjs found a hardware adapter, else WASM. On a
 * software adapter (SwiftShader) ONNX Runtime's WebGPU runs Emoji-CLIP's vision tower ~50× slower
 * than its WASM build (docs/benchmarks.md), so only the dictionary uses WebGPU there.
 */
export function clipDeviceFor(backend: BackendName, softwareAdapter: boolean): 'webgpu' | 'wasm' {
  return backend === 'webgpu' && !softwareAdapter ? 'webgpu' : 'wasm';
}

/** The WebGPU adapter in use, from one adapter request; null if there is none. */
export interface WebGpuAdapterSummary {
  /** "vendor / architecture / device / description (mode[, software fallback])". */
  description: string;
  /** A software fallback (e.g. SwiftShader): a CPU emulating a GPU. */
  software: boolean;
}

export async function describeWebGpuAdapter(): Promise<WebGpuAdapterSummary | null> {
  const adapter = await requestBestAdapter();
  if (adapter === null) return null;
  const { vendor, architecture, device, description, isFallbackAdapter } = adapter.info;
  const name = [vendor, architecture, device, description].filter((part) => part !== '').join(' / ');
  const mode = adapter.features.has('core-features-and-limits') ? 'core' : 'compatibility mode';
  return {
    description: `${name || 'unnamed adapter'} (${mode}${isFallbackAdapter ? ', software fallback' : ''})`,
    software: isFallbackAdapter,
  };
}
