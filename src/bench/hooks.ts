/**
 * `window.__lucidBench`, the page side of `npm run bench` (bench/run.ts) and `npm run bench:scale`
 * (bench/scale/run.ts): one bench worker per page
 * (started on first use), and the heatmap drawn with the Images view's own renderer.
 */
import { type Remote, wrap } from 'comlink';
import { drawHeatmap } from '../ui/heatmap/drawHeatmap';
import { heatmapMax } from '../ui/heatmap/heatmapColors';
import type { BenchWorkerApi } from './api';

/** The Images view's default overlay opacity does not change the cost; any value in (0, 1] does. */
const OPACITY = 0.75;

let worker: Remote<BenchWorkerApi> | undefined;

function benchWorker(): Remote<BenchWorkerApi> {
  worker ??= wrap<BenchWorkerApi>(new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' }));
  return worker;
}

export function installBenchApi(): void {
  const canvas = document.createElement('canvas');
  window.__lucidBench = {
    load: (backend, clipDevice, source) => benchWorker().load(backend, clipDevice, source),
    async imageToHeatmap(url) {
      const blob = await (await fetch(url)).blob();
      const started = performance.now();
      const result = await benchWorker().imageToColumn(blob, url);
      const rendering = performance.now();
      drawHeatmap(canvas, result.values, result.grid, heatmapMax([result.values]), OPACITY);
      const finished = performance.now();
      const { decodeMs, encoderMs, saeMs, columnMs } = result;
      return { decodeMs, encoderMs, saeMs, columnMs, renderMs: finished - rendering, totalMs: finished - started };
    },
    async textToNeurons(text) {
      const started = performance.now();
      const result = await benchWorker().textToNeurons(text);
      return { ...result, totalMs: performance.now() - started };
    },
    saeThroughput: (rows, plainJsRows) => benchWorker().saeThroughput(rows, plainJsRows),
    async encodeFolder(urls) {
      // Fetched here, like File handles a folder picker gives the page; the worker reads them.
      const files = await Promise.all(urls.map(async (url) => (await fetch(url)).blob()));
      return benchWorker().encodeFolder(files);
    },
    holdRecorded: (shardUrl, count) => benchWorker().holdRecorded(shardUrl, count),
    releaseHeld: () => benchWorker().releaseHeld(),
    trainThroughput: (request) => benchWorker().trainThroughput(request),
  };
}
