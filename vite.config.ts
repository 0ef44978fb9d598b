/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';

/**
 * Port of `vite preview` used by the Playwright e2e tests. `LUCID_PORT` and `LUCID_DIST` let two
 * checkouts (or two people on one machine) build and test side by side without sharing a server.
 */
export const PREVIEW_PORT = Number(process.env.LUCID_PORT ?? 4173);
const OUT_DIR = process.env.LUCID_DIST ?? 'dist';

export default defineConfig({
  plugins: [
    react(),
    // ONNX Runtime's WASM binaries, served by the app itself (transformers.js would use a CDN).
    viteStaticCopy({
      targets: [
        {
          src: 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.{mjs,wasm}',
          dest: 'ort',
          rename: { stripBase: true },
        },
      ],
    }),
  ],
  worker: { format: 'es' },
  // tfjs with its WebGPU, WebGL and WASM backends is ~1.5 MB minified by itself.
  build: { chunkSizeWarningLimit: 2000, outDir: OUT_DIR },
  preview: { port: PREVIEW_PORT, strictPort: true },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
