/**
 * `npm run bench`: the explorer's latency, throughput and memory in headless Chromium, on WebGPU
 * and WASM, cold (first run after page load: shader compiles and WASM start-up included) and warm
 * (median of the later runs), printed as one markdown table and written to bench/results.json.
 *
 * It builds the app with its test hooks into dist-bench/ (`LUCID_DIST=dist-bench vite build
 * --mode e2e`; BENCH_SKIP_BUILD=1 reuses an existing build), serves it with `vite preview` on port
 * 4231, and drives /usr/bin/chromium with playwright-core. Each backend gets fresh pages, so every "cold" is a real first run: one page for
 * the latencies, one for the SAE throughput, one for the 200-image folder. The measurements run in
 * the page's `window.__lucidBench` (src/bench/), which calls the explorer worker's own functions.
 *
 * Env: BENCH_BACKENDS ("webgpu,wasm"), BENCH_REPEATS (warm runs, 5), BENCH_ROWS (SAE throughput
 * rows, 2304 = 16 images of 144 patches), BENCH_FOLDER_IMAGES (200), BENCH_TRAIN_STEPS (5), BENCH_TRAIN_REPEATS (3),
 * BENCH_PAIRS (8), BENCH_TRAIN ("wasm" on SwiftShader, "wasm,webgpu" on lavapipe: a SwiftShader
 * training step takes ~45 s), LUCID_WEBGPU=lavapipe, CHROMIUM_PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type {
  BenchBackend,
  BenchLoad,
  FolderMemory,
  ImageToHeatmap,
  SaeThroughputRun,
  TextToNeurons,
} from '../src/bench/api';
import type { BenchmarkResult } from '../src/training/api';
import { useLavapipe as lavapipe } from '../e2e/chromium';
import {
  FIXTURES,
  TEXTS,
  buildApp,
  format,
  launch,
  median,
  pageHeap,
  startPreview,
  waitForServer,
  workerHeap,
} from './harness';
import { makeImageFolder } from './images';

const PORT = 4231;
const DIST = 'dist-bench';
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'webgpu,wasm').split(',') as BenchBackend[];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const ROWS = Number(process.env.BENCH_ROWS ?? 2304);
const FOLDER_IMAGES = Number(process.env.BENCH_FOLDER_IMAGES ?? 200);
const TRAIN_STEPS = Number(process.env.BENCH_TRAIN_STEPS ?? 5);
/** Timings of training per backend and of the reference; the median is reported. */
const TRAIN_REPEATS = Number(process.env.BENCH_TRAIN_REPEATS ?? 3);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 8);
const TRAIN_BACKENDS = (process.env.BENCH_TRAIN ?? (lavapipe ? 'wasm,webgpu' : 'wasm')).split(',');
const FOLDER_ROUTE = '/__bench/folder/';
const FIXTURE_DIR = 'e2e/fixtures/images';

/** Cold and warm value of one measurement; null where it was not measured. */
interface Measured {
  cold: number | null;
  warm: number | null;
}

type Results = Record<string, Partial<Record<BenchBackend, Measured>>>;

/** A fresh page of the app on `backend`, once its own model and dictionary are loaded (so it is idle). */
async function openApp(browser: Browser, backend: BenchBackend): Promise<{ page: Page; appReadyMs: number }> {
  const context = await browser.newContext();
  // Fixtures and the generated folder are served to the page by Playwright, not by the app.
  await context.route('**/__bench/fixtures/*', (route) =>
    route.fulfill({ body: readFileSync(join(FIXTURE_DIR, basename(new URL(route.request().url()).pathname))) }),
  );
  await context.route(`**${FOLDER_ROUTE}*`, (route) =>
    route.fulfill({ body: readFileSync(join(folder.dir, basename(new URL(route.request().url()).pathname))) }),
  );
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  const started = Date.now();
  await page.goto(`http://localhost:${PORT}/?backend=${backend}`);
  await page.waitForSelector('[data-testid="dictionary-status"][data-dictionary="ready"]', { timeout: 120_000 });
  return { page, appReadyMs: Date.now() - started };
}

/** Loads the bench worker; the CLIP towers go where the app puts them unless `clipDevice` says. */
async function load(page: Page, backend: BenchBackend, clipDevice?: BenchBackend): Promise<BenchLoad> {
  return page.evaluate(([name, clip]) => window.__lucidBench!.load(name, clip), [backend, clipDevice] as const);
}

async function latencies(browser: Browser, backend: BenchBackend, results: Results, record: Record<string, unknown>) {
  const { page, appReadyMs } = await openApp(browser, backend);
  const loaded = await load(page, backend);
  record[`${backend}.load`] = { ...loaded, appReadyMs };
  set(results, 'app: page load → dictionary ready (ms)', backend, appReadyMs, null);
  set(results, 'bench worker: model load (ms)', backend, loaded.modelMs, null);
  set(results, 'bench worker: dictionary load (ms)', backend, loaded.dictionaryMs, null);
  const images: ImageToHeatmap[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    const url = `/__bench/fixtures/${FIXTURES[i % FIXTURES.length]}`;
    images.push(await page.evaluate((u) => window.__lucidBench!.imageToHeatmap(u), url));
  }
  const texts: TextToNeurons[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    texts.push(await page.evaluate((t) => window.__lucidBench!.textToNeurons(t), TEXTS[i % TEXTS.length]));
  }
  record[`${backend}.images`] = images;
  record[`${backend}.texts`] = texts;
  const split = <T>(runs: T[], pick: (run: T) => number) => [pick(runs[0]), median(runs.slice(1).map(pick))] as const;
  set(results, 'image → heatmap, total (ms)', backend, ...split(images, (r) => r.totalMs));
  set(results, '  decode (ms)', backend, ...split(images, (r) => r.decodeMs));
  set(results, '  CLIP vision encoder (ms)', backend, ...split(images, (r) => r.encoderMs));
  set(results, '  SAE encode (ms)', backend, ...split(images, (r) => r.saeMs));
  set(results, '  heatmap column + render (ms)', backend, ...split(images, (r) => r.columnMs + r.renderMs));
  set(results, '  SAE share of total (%)', backend, ...split(images, (r) => (100 * r.saeMs) / r.totalMs));
  set(results, 'text → neurons, total (ms)', backend, ...split(texts, (r) => r.totalMs));
  set(results, '  CLIP text encoder (ms)', backend, ...split(texts, (r) => r.encoderMs));
  set(results, '  SAE encode (ms)', backend, ...split(texts, (r) => r.saeMs), 'text');
  await page.context().close();
}

async function throughput(browser: Browser, backend: BenchBackend, results: Results, record: Record<string, unknown>) {
  const { page } = await openApp(browser, backend);
  await load(page, backend);
  const runs: (SaeThroughputRun & { maxAbsDifference: number })[] = [];
  for (let i = 0; i <= REPEATS; i++)
    runs.push(await page.evaluate((rows) => window.__lucidBench!.saeThroughput(rows), ROWS));
  record[`${backend}.throughput`] = runs;
  const rate = (ms: number) => (ROWS * 1000) / ms;
  const cold = runs[0];
  const warm = {
    encodeMs: median(runs.slice(1).map((r) => r.encodeMs)),
    matMulMs: median(runs.slice(1).map((r) => r.matMulMs)),
    plainJsMs: median(runs.slice(1).map((r) => r.plainJsMs)),
  };
  set(results, `SAE encode, ${ROWS} rows (tokens/s)`, backend, rate(cold.encodeMs), rate(warm.encodeMs));
  set(results, '  plain tfjs matMul, same size (tokens/s)', backend, rate(cold.matMulMs), rate(warm.matMulMs));
  const share = (r: { encodeMs: number; matMulMs: number }) => 100 * Math.max(0, 1 - r.matMulMs / r.encodeMs);
  set(results, '  share of encode that is not the matMul (%)', backend, share(cold), share(warm));
  set(results, '  plain-JavaScript loop (tokens/s)', backend, rate(cold.plainJsMs), rate(warm.plainJsMs));
  set(results, '  encode speed ÷ plain JS', backend, cold.plainJsMs / cold.encodeMs, warm.plainJsMs / warm.encodeMs);
  set(
    results,
    '  max |encode − plain JS| (pre-activations)',
    backend,
    Math.max(...runs.map((r) => r.maxAbsDifference)),
    null,
  );
  await page.context().close();
}

async function memory(
  browser: Browser,
  backend: BenchBackend,
  folder: string[],
  results: Results,
  record: Record<string, unknown>,
) {
  const { page } = await openApp(browser, backend);
  // The CLIP towers on WASM, as the Train tab's folder encode runs them (SwiftShader would take ~3 s
  // an image); the LUCID dictionary on `backend`.
  await load(page, backend, 'wasm');
  const probes = [pageHeap(await page.context().newCDPSession(page)), await workerHeap(browser)];
  const peaks = [0, 0];
  const sample = async () => {
    const values = await Promise.all(probes.map((probe) => probe.read()));
    values.forEach((value, i) => (peaks[i] = Math.max(peaks[i], value)));
  };
  await sample();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const urls = folder.map((name) => FOLDER_ROUTE + name);
  const result: FolderMemory = await page.evaluate((u) => window.__lucidBench!.encodeFolder(u), urls);
  sampling = false;
  await sampler;
  await sample();
  record[`${backend}.memory`] = { ...result, pageHeapPeak: peaks[0], workerHeapPeak: peaks[1] };
  const mb = (bytes: number | null) => (bytes === null ? null : bytes / 2 ** 20);
  const label = `${result.images} images (${result.failed} failed)`;
  set(results, `peak memory, folder of ${label}: worker JS heap (MiB)`, backend, null, mb(peaks[1]));
  set(results, '  page JS heap (MiB)', backend, null, mb(peaks[0]));
  set(results, '  tfjs tensors (MiB)', backend, null, mb(result.tensorBytesPeak));
  set(results, '  tfjs GPU buffers allocated, pool included (MiB)', backend, null, mb(result.gpuBytesAllocatedPeak));
  set(results, '  codes kept by the worker (MiB)', backend, null, mb(result.keptCodesBytes));
  set(results, '  time per image (ms)', backend, null, result.totalMs / Math.max(1, result.images));
  await page.context().close();
}

/**
 * Training throughput of each backend and of the PyTorch reference, each the median of
 * TRAIN_REPEATS timings taken in turn (browser, reference, browser, …), so that load from other
 * processes falls on both sides alike.
 */
async function training(browser: Browser, results: Results, record: Record<string, unknown>) {
  const { page } = await openApp(browser, 'wasm');
  const timings = new Map<string, BenchmarkResult[]>();
  const references: BenchmarkResult[] = [];
  let referenceProblem: string | null = null;
  for (let repeat = 0; repeat < TRAIN_REPEATS; repeat++) {
    for (const backend of TRAIN_BACKENDS) {
      const result = await page.evaluate(
        ([name, steps, pairs]) => window.__lucidTest!.training.benchmark(name as BenchBackend, steps, pairs),
        [backend, TRAIN_STEPS, PAIRS] as const,
      );
      timings.set(backend, [...(timings.get(backend) ?? []), result]);
    }
    if (referenceProblem === null) {
      const reference = referenceTraining();
      if (typeof reference === 'string') referenceProblem = reference;
      else references.push(reference);
    }
  }
  await page.context().close();
  const median = (runs: BenchmarkResult[]) =>
    [...runs].sort((a, b) => a.patchTokensPerSecond - b.patchTokensPerSecond)[Math.floor(runs.length / 2)];
  const runs = [...timings.values()].map(median);
  for (const run of runs) {
    set(
      results,
      `training, ${run.configuration} (patch tokens/s)`,
      run.backend as BenchBackend,
      null,
      run.patchTokensPerSecond,
    );
  }
  record.training = Object.fromEntries(timings);
  record.trainingReference = referenceProblem ?? references;
  const label = 'training ÷ PyTorch CPU reference';
  if (referenceProblem !== null) {
    results[label] = {};
    referenceNote = referenceProblem;
    return;
  }
  const reference = median(references);
  referenceNote =
    `PyTorch CPU reference (${reference.backend}): ${reference.patchTokensPerSecond.toFixed(0)} patch tokens/s ` +
    `(${reference.msPerStep.toFixed(0)} ms/step), the median of ${references.length} runs of ${TRAIN_STEPS} steps, ` +
    `as is each browser figure`;
  for (const run of runs) {
    set(results, label, run.backend as BenchBackend, null, run.patchTokensPerSecond / reference.patchTokensPerSecond);
  }
}

let referenceNote = '';

/** The PyTorch CPU reference's result, or why there is none (never throws). */
function referenceTraining(): BenchmarkResult | string {
  if (!existsSync('bench/reference_trainer.py')) return 'reference missing (bench/reference_trainer.py not found)';
  const run = spawnSync(
    '/usr/bin/python3',
    ['bench/reference_trainer.py', '--steps', String(TRAIN_STEPS), '--pairs', String(PAIRS)],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (run.status !== 0) return `reference failed: ${(run.stderr || String(run.error)).trim().split('\n').at(-1)}`;
  try {
    return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as BenchmarkResult;
  } catch {
    return 'reference failed: its last line is not JSON';
  }
}

function set(
  results: Results,
  name: string,
  backend: BenchBackend,
  cold: number | null,
  warm: number | null,
  key = '',
) {
  const row = key ? `${name} ` : name;
  // Two rows may share a label (e.g. "SAE encode" under image and text); a trailing space keeps them apart.
  results[row] ??= {};
  results[row][backend] = { cold, warm };
}

function table(results: Results): string {
  const header = ['measurement', ...BACKENDS.flatMap((b) => [`${b} cold`, `${b} warm`])];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const [name, row] of Object.entries(results)) {
    const cells = BACKENDS.flatMap((b) => [format(row[b]?.cold), format(row[b]?.warm)]);
    lines.push(`| ${name.trimEnd().replace(/^ {2}/, '  ↳ ')} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

if (process.env.BENCH_SKIP_BUILD !== '1') buildApp(DIST);
const server = startPreview(DIST, PORT);
const folder = makeImageFolder(FOLDER_IMAGES);
const results: Results = {};
const record: Record<string, unknown> = {};
const started = Date.now();
try {
  await waitForServer(`http://localhost:${PORT}/`);
  const browser = await launch();
  for (const backend of BACKENDS) {
    await latencies(browser, backend, results, record);
    await throughput(browser, backend, results, record);
  }
  for (const backend of BACKENDS) await memory(browser, backend, folder.files, results, record);
  await training(browser, results, record);
  await browser.close();
} finally {
  server.kill();
  rmSync(folder.dir, { recursive: true, force: true });
}

const adapter = (record[`webgpu.load`] as BenchLoad | undefined)?.adapter ?? 'none';
const clipOn = BACKENDS.map((b) => `${b} column: ${(record[`${b}.load`] as BenchLoad | undefined)?.onnxDevice}`);
const machine =
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; WebGPU adapter: ${adapter}; ` +
  `CLIP towers on (as the app chooses) ${clipOn.join(', ')}`;
const output = [
  `LUCID Explorer benchmark — Emoji-CLIP (public/models/emoji-clip) + dictionary public/dictionaries/emoji-clip`,
  `${machine}; cold = first run in a fresh page, warm = median of ${REPEATS} later runs; ${Math.round((Date.now() - started) / 1000)} s`,
  '',
  table(results),
  '',
  referenceNote,
].join('\n');
console.log(output);
writeFileSync(
  'bench/results.json',
  `${JSON.stringify({ date: new Date().toISOString(), machine, lavapipe, results, runs: record, referenceNote }, null, 2)}\n`,
);
