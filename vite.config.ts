/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { type Plugin, defineConfig } from 'vite';
import { tfjsWasmThreads } from './tools/vite/tfjsWasmThreads';

/**
 * Port of `vite preview` (`npm start`, and the Playwright e2e tests). `LUCID_PORT` and `LUCID_DIST`
 * let two checkouts (or two people on one machine) build and test side by side without sharing a server.
 */
export const PREVIEW_PORT = Number(process.env.LUCID_PORT ?? 4173);

/**
 * Where a build goes and what `vite preview` serves: the product in dist/, the e2e build
 * (`--mode e2e`, with the test hooks of src/testing) in dist-e2e/, so one never serves as the other.
 */
export function outDirFor(mode: string): string {
  return process.env.LUCID_DIST ?? (mode === 'e2e' ? 'dist-e2e' : 'dist');
}

/**
 * The Content Security Policy of the built app (docs/security.md says why each directive). The
 * hub hosts are only contacted when the user picks a hub model: huggingface.co answers model files
 * with redirects to its CDNs (cdn-lfs*.huggingface.co, cas-bridge.xethub.hf.co).
 */
const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  // ONNX Runtime and the tfjs WASM backend compile WebAssembly; no eval, no inline scripts.
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'", 'https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'],
  // Dropped images are shown from blob: URLs of the user's own files.
  'img-src': ["'self'", 'blob:', 'data:'],
  'style-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** Directives browsers ignore in a <meta> policy; they only work as a response header. */
const HEADER_ONLY_POLICY: Record<string, string[]> = { 'frame-ancestors': ["'none'"] };

function serializePolicy(policy: Record<string, string[]>): string {
  return Object.entries(policy)
    .map(([directive, sources]) => [directive, ...sources].join(' '))
    .join('; ');
}

/**
 * Adds the policy as a <meta> to the built index.html only: the dev server's HMR client and React
 * Refresh inject inline scripts and styles that a strict policy would block.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'lucid-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: serializePolicy(CONTENT_SECURITY_POLICY) },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * Cross-origin isolation (`crossOriginIsolated`), which gives the page and its workers
 * `SharedArrayBuffer` and so ONNX Runtime its WASM threads (docs/security.md). `require-corp` rather
 * than `credentialless`: every browser with threads supports it (Safari has no `credentialless`),
 * and the app loads nothing cross-origin without CORS — its own files are same-origin and the hub is
 * reached with CORS `fetch`es, which COEP lets through. Unlike CSP, these work only as headers.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The headers `vite preview` sends with every file, the one static server of the built app (`npm start`
 * and the e2e tests). As a header the policy also covers the workers (a <meta> binds only the
 * document) and can forbid framing. A dedicated worker takes its COEP from its own script's
 * response, so the isolation headers go on every file too.
 */
export const PREVIEW_HEADERS: Record<string, string> = {
  'Content-Security-Policy': serializePolicy({ ...CONTENT_SECURITY_POLICY, ...HEADER_ONLY_POLICY }),
  ...CROSS_ORIGIN_ISOLATION_HEADERS,
};

export default defineConfig(({ command, mode }) => ({
  plugins: [react(), contentSecurityPolicy(), tfjsWasmThreads()],
  worker: { format: 'es' as const, plugins: () => [tfjsWasmThreads()] },
  // Whether tfjs' WASM loader was rewritten to start its threads without `blob:` (src/backend.ts).
  define: { __LUCID_TFJS_WASM_THREADS__: JSON.stringify(command === 'build') },
  // tfjs with its WebGPU, WebGL and WASM backends is ~1.5 MB minified by itself.
  build: { chunkSizeWarningLimit: 2000, outDir: outDirFor(mode) },
  preview: { port: PREVIEW_PORT, strictPort: true, headers: PREVIEW_HEADERS },
  test: {
    include: ['src/**/*.test.ts', 'tools/vite/**/*.test.ts'],
    environment: 'node',
  },
}));
