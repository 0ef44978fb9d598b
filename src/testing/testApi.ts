/**
 * A small typed API on `window` for the e2e tests: only what the UI cannot show.
 * Modelled on tldraw's e2e helpers. Installed only by the e2e build (`vite build --mode e2e`,
 * src/main.tsx); a test checks that the production bundle has none of it (src/testing/noTestHooks.test.ts).
 */
import { type Remote, wrap } from 'comlink';
import { activeBackend, describeWebGpuAdapter, switchBackend, tfjsWasmThreadCount, type BackendName } from '../backend';
import { heatmapKey } from '../app/imagesSlice';
import { setCompute, useAppStore } from '../app/store';
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { explorer, onExplorerWorkerStarted } from '../worker/client';
import type { EncoderInfo, ImageActivations } from '../clip/encoder';
import type { ExplorerWorkerHooks } from './explorerWorker';
import { type TrainingTestApi, trainingTestApi } from './trainingHooks';

export interface ReferenceStepResult {
  /** The tfjs backend the step actually ran on. */
  backend: string;
  /** Total LUCID loss after one deterministic training step. */
  loss: number;
  /** The named terms the loss is made of. */
  terms: Record<string, number>;
}

/** Activations as plain arrays, so they survive Playwright's serialisation. */
export interface PlainImageActivations {
  grid: [number, number];
  width: number;
  patches: number[];
  embedding: number[];
}

/** A heatmap as the Images view shows it, reduced to what a test can check. */
export interface ShownHeatmap {
  image: string;
  latent: number;
  grid: [number, number];
  /** Index of the hottest patch, row-major. */
  peak: number;
}

export interface LucidTestApi {
  /** The training worker's test hooks. */
  training: TrainingTestApi;
  /** The heatmaps of the selected concept currently shown on the loaded images. */
  shownHeatmaps(): ShownHeatmap[];
  /** Every analysed image on the page, with the id the explorer knows it by. */
  loadedImages(): { name: string; imageId: number }[];
  /** The explorer worker itself (same instance the views use), for checks the UI cannot show. */
  explorer(): ReturnType<typeof explorer>;
  /** Faults of the explorer worker running now (the page's client then restarts it). */
  explorerFaults: {
    /** Destroys its WebGPU device, as a driver reset would. */
    loseDevice(): Promise<void>;
    /** Makes an error escape it, as a bug would. */
    crash(): Promise<void>;
  };
  /** The CLIP model in the worker (loads on first use). */
  clip: {
    load(device: 'webgpu' | 'wasm'): Promise<EncoderInfo>;
    encodePixels(pixels: number[]): Promise<PlainImageActivations>;
    encodeImageUrl(url: string): Promise<PlainImageActivations>;
    encodeText(text: string): Promise<{ tokens: string[]; width: number; hidden: number[]; contentMask: number[] }>;
  };
  /** The tfjs backend in use now. */
  backend(): string;
  /** Threads of tfjs' WASM backend on the page, when it is the active backend (else null). */
  tfjsThreads(): number | null;
  /** Switches tfjs to `backend` and runs the LUCID core's fixed-seed reference step there. */
  runReferenceStep(backend: BackendName): Promise<ReferenceStepResult>;
}

declare global {
  interface Window {
    __lucidTest?: LucidTestApi;
  }
}

function plainImage(a: ImageActivations): PlainImageActivations {
  return { grid: a.grid, width: a.width, patches: Array.from(a.patches), embedding: Array.from(a.embedding) };
}

/** Installs `window.__lucidTest`; call before the first `explorer()`, so its worker is seen starting. */
export function installTestApi(): void {
  let explorerWorker: Remote<ExplorerWorkerHooks> | null = null;
  // A second comlink handle on the same worker: replies are matched by id, so both coexist.
  onExplorerWorkerStarted((worker) => (explorerWorker = wrap<ExplorerWorkerHooks>(worker)));
  const currentExplorerWorker = (): Remote<ExplorerWorkerHooks> => {
    if (!explorerWorker) throw new Error('the explorer worker has not started');
    return explorerWorker;
  };
  window.__lucidTest = {
    training: trainingTestApi(),
    explorer,
    explorerFaults: {
      loseDevice: () => currentExplorerWorker().testLoseDevice(),
      crash: () => currentExplorerWorker().testCrash(),
    },
    loadedImages() {
      return useAppStore
        .getState()
        .images.flatMap((image) => (image.analysis ? [{ name: image.name, imageId: image.analysis.imageId }] : []));
    },
    shownHeatmaps() {
      const state = useAppStore.getState();
      const latent = state.explorer.selectedLatent;
      if (latent === null) return [];
      return state.images.flatMap((image) => {
        const entry = image.analysis ? state.heatmaps[heatmapKey(image.analysis.imageId, latent)] : undefined;
        if (entry?.status !== 'ready') return [];
        const { values, grid } = entry.heatmap;
        const peak = values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
        return [{ image: image.name, latent, grid, peak }];
      });
    },
    clip: {
      load: (device) => explorer().loadModel(EMBEDDED_MODEL_ID, device, { allowRemote: false }),
      encodePixels: async (pixels) => plainImage(await explorer().encodePixels(Float32Array.from(pixels))),
      async encodeImageUrl(url) {
        const blob = await (await fetch(url)).blob();
        return plainImage(await explorer().encodeImageFile(blob, url.split('/').pop() ?? url));
      },
      async encodeText(text) {
        const t = await explorer().encodeText(text);
        return {
          tokens: t.tokens,
          width: t.width,
          hidden: Array.from(t.hidden),
          contentMask: Array.from(t.contentMask),
        };
      },
    },
    backend: activeBackend,
    tfjsThreads: tfjsWasmThreadCount,
    async runReferenceStep(backend) {
      const choice = await switchBackend(backend);
      const adapter = backend === 'webgpu' ? await describeWebGpuAdapter() : null;
      setCompute({
        status: 'ready',
        ...choice,
        adapter: adapter?.description ?? null,
        softwareAdapter: !!adapter?.software,
      });
      // Loaded on demand: the reference step is only needed by tests.
      const { runReferenceStep } = await import('../lucid/selfTest');
      const { loss, terms } = await runReferenceStep();
      return { backend: activeBackend(), loss, terms };
    },
  };
}
