/**
 * `npm run bench:scale`: `npm run bench`'s measurements at CLIP ViT-B/16 size with a 16,384-latent
 * dictionary (issue 13), printed as a table, written to bench/results-scale.json, and summed up in
 * one JSON line, the last line on stdout.
 *
 * At bench time, in a temporary folder (bench/scale/assets.ts): a seeded random ViT-B/16-shaped
 * CLIP and a randomly initialised dictionary (tools/bench-model/make_model.py), activation shards
 * of BENCH_SHARD_PAIRS synthetic pairs (tools/bench-model/extract.ts) and training batches cut
 * from them. The app is built with its test hooks into dist-bench-scale/ (BENCH_SKIP_BUILD=1
 * reuses it), the model and the data are linked into it, `vite preview` serves it on port 4232 and
 * playwright-core drives /usr/bin/chromium, as bench/run.ts does. All the timing runs in the page's
 * `window.__lucidBench` (src/bench/), on the explorer worker's own functions.
 *
 * Rows: image → heatmap and text → neurons (first run after the worker's warm-up, and the median
 * of BENCH_REPEATS more), SAE encode of BENCH_ROWS random rows against a plain tf.matMul of the same
 * shape (same upload and read-back; first run and median of BENCH_REPEATS), the worker's memory
 * while it holds up to BENCH_MEMORY_IMAGES images analysed from recorded activations (the shard's
 * patches in turn, not 1,000 vision-tower runs), and training throughput of the tfjs trainer
 * against bench/scale/reference_scale.py (PyTorch CPU) on the same batches, BENCH_TRAIN_REPEATS
 * timings taken in turn, median.
 *
 * Env: BENCH_BACKENDS ("wasm"; "webgpu,wasm" adds WebGPU, slow on a software adapter),
 * BENCH_REPEATS (3), BENCH_ROWS (784 = 4 images of 196 patches), BENCH_MEMORY_IMAGES (1000),
 * BENCH_MEMORY_CHUNK (50 images between heap readings), BENCH_MEMORY_LIMIT_MIB (3072: the memory
 * run stops holding images when the worker's heap passes it, so a dense layout cannot crash the
 * tab), BENCH_SHARD_PAIRS (200), BENCH_TRAIN_PAIRS (2; 8 fits tfjs' WASM memory since 2026-12-03), BENCH_TRAIN_STEPS (2), BENCH_TRAIN_WARMUP (1),
 * BENCH_TRAIN_REPEATS (3), BENCH_TRAIN ("wasm"), BENCH_SCALE_DIR (keep and reuse the model, shards
 * and batches there instead of a fresh temporary folder), BENCH_SKIP_BUILD, CHROMIUM_PATH,
 * BENCH_STAGES ("latencies,isolation,memory,training"; e.g. "training" times only that; "isolation"
 * repeats the latencies on a page served without COOP / COEP), BENCH_TRAIN_ADAM ("js"
 * times Adam's JavaScript pass instead of its WebAssembly SIMD kernel), BENCH_OUT (where the
 * JSON goes: bench/results-scale.json for a full run; a partial run writes none unless given).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type {
  BenchBackend,
  BenchLoad,
  BenchSource,
  HeldImages,
  ImageToHeatmap,
  SaeThroughputRun,
  TextToNeurons,
  TrainStepProfile,
} from '../../src/bench/api';
import type { BenchmarkResult } from '../../src/training/api';
import { latentCount } from '../../src/lucid/config';
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
} from '../harness';
import { MODEL_ID, SERVED_DATA, type ScaleAssets, makeAssets, serveAssets, unserveAssets } from './assets';

const PORT = 4232;
/** The `isolation` stage's server: the same build, served without COOP / COEP (bench/scale/unisolated.config.ts). */
const UNISOLATED_PORT = 4233;
const UNISOLATED_CONFIG = 'bench/scale/unisolated.config.ts';
/** The column of the `isolation` stage: WASM on a page that is not cross-origin isolated (one thread). */
const UNISOLATED = 'wasm, not isolated';
const DIST = 'dist-bench-scale';
const numberEnv = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'wasm').split(',') as BenchBackend[];
const REPEATS = numberEnv('BENCH_REPEATS', 3);
const ROWS = numberEnv('BENCH_ROWS', 784);
/** Rows the plain-JavaScript encode runs on (it would take minutes on all): its time is scaled to ROWS. */
const PLAIN_JS_ROWS = 16;
const MEMORY_IMAGES = numberEnv('BENCH_MEMORY_IMAGES', 1000);
const MEMORY_CHUNK = numberEnv('BENCH_MEMORY_CHUNK', 50);
const MEMORY_LIMIT_BYTES = numberEnv('BENCH_MEMORY_LIMIT_MIB', 3072) * 2 ** 20;
const SHARD_PAIRS = numberEnv('BENCH_SHARD_PAIRS', 200);
const TRAIN_PAIRS = numberEnv('BENCH_TRAIN_PAIRS', 2);
const TRAIN_STEPS = numberEnv('BENCH_TRAIN_STEPS', 2);
const TRAIN_WARMUP = numberEnv('BENCH_TRAIN_WARMUP', 1);
const TRAIN_REPEATS = numberEnv('BENCH_TRAIN_REPEATS', 3);
const TRAIN_BACKENDS = (process.env.BENCH_TRAIN ?? 'wasm').split(',') as BenchBackend[];
/** `BENCH_TRAIN_ADAM=js` times training with Adam's JavaScript pass instead of its SIMD kernel. */
const ADAM_KERNEL = process.env.BENCH_TRAIN_ADAM !== 'js';
/** `BENCH_TRAIN_HELPERS=0` times training without the host helper threads (src/lucid/hostThreads.ts). */
const HOST_HELPERS = process.env.BENCH_TRAIN_HELPERS !== '0';
/**
 * `BENCH_TRAIN_DEAD_AFTER=N` trains with deadAfterTokens = N on both sides (1: every latent that did not
 * fire in the warm-up step is dead in the timed ones, so they compute AuxK).
 */
const DEAD_AFTER = process.env.BENCH_TRAIN_DEAD_AFTER === undefined ? null : Number(process.env.BENCH_TRAIN_DEAD_AFTER);
/** `BENCH_TRAIN_PROFILE=1` profiles one more step of each browser timing and prints its kernels to stderr. */
const PROFILE = process.env.BENCH_TRAIN_PROFILE === '1';
/** Which stages run (`latencies,isolation,memory,training`, all by default); a partial run writes `BENCH_OUT` only. */
const STAGES = new Set((process.env.BENCH_STAGES ?? 'latencies,isolation,memory,training').split(','));
const PARTIAL = ['latencies', 'memory', 'training'].some((name) => !STAGES.has(name));
const OUT = process.env.BENCH_OUT ?? (PARTIAL ? null : 'bench/results-scale.json');
const TRAIN_BATCHES = 2;
const SOURCE: BenchSource = { modelId: MODEL_ID, dictionaryBase: `/dictionaries/${MODEL_ID}/`, interpretation: false };
const MiB = 2 ** 20;

interface Measured {
  cold: number | null;
  warm: number | null;
}
/** Measurements by row, then by column: a backend, or UNISOLATED. */
type Results = Record<string, Record<string, Measured>>;

function set(results: Results, name: string, column: string, cold: number | null, warm: number | null) {
  results[name] ??= {};
  results[name][column] = { cold, warm };
}

/** A fresh page of the app on `port`, once its own (embedded) model and dictionary are loaded, so it is idle. */
async function openApp(browser: Browser, port = PORT): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  await page.goto(`http://localhost:${port}/?backend=wasm`);
  await page.waitForSelector('[data-testid="dictionary-status"][data-dictionary="ready"]', { timeout: 120_000 });
  return page;
}

async function load(page: Page, backend: BenchBackend, clipDevice?: BenchBackend): Promise<BenchLoad> {
  return page.evaluate(([name, clip, source]) => window.__lucidBench!.load(name, clip, source), [
    backend,
    clipDevice,
    SOURCE,
  ] as const);
}

/** First run and median of the later ones. */
const split = <T>(runs: T[], pick: (run: T) => number) => [pick(runs[0]), median(runs.slice(1).map(pick))] as const;

/**
 * Image → heatmap, text → neurons and SAE throughput, in one page (loading the model takes ~30 s a
 * page), into column `column`: the app served on `port`.
 */
async function latencies(
  browser: Browser,
  backend: BenchBackend,
  results: Results,
  record: Record<string, unknown>,
  port = PORT,
  column: string = backend,
) {
  console.error(`bench:scale: ${column}: loading the model, then image → heatmap, text → neurons, SAE throughput`);
  const page = await openApp(browser, port);
  const loaded = await load(page, backend);
  record[`${column}.load`] = loaded;
  set(results, 'bench worker: model load + warm-up (ms)', column, loaded.modelMs, null);
  set(results, 'bench worker: dictionary load + warm-up (ms)', column, loaded.dictionaryMs, null);
  set(results, '  WASM threads: ONNX Runtime', column, loaded.onnxThreads, null);
  set(results, '  WASM threads: tfjs', column, loaded.tfjsThreads, null);
  const images: ImageToHeatmap[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    const url = `/${SERVED_DATA}/fixtures/${FIXTURES[i % FIXTURES.length]}`;
    images.push(await page.evaluate((u) => window.__lucidBench!.imageToHeatmap(u), url));
  }
  const texts: TextToNeurons[] = [];
  for (let i = 0; i <= REPEATS; i++)
    texts.push(await page.evaluate((t) => window.__lucidBench!.textToNeurons(t), TEXTS[i % TEXTS.length]));
  record[`${column}.images`] = images;
  record[`${column}.texts`] = texts;
  set(results, 'image → heatmap, total (ms)', column, ...split(images, (r) => r.totalMs));
  set(results, '  decode (ms)', column, ...split(images, (r) => r.decodeMs));
  set(results, '  CLIP vision encoder (ms)', column, ...split(images, (r) => r.encoderMs));
  set(results, '  SAE encode (ms)', column, ...split(images, (r) => r.saeMs));
  set(results, '  heatmap column + render (ms)', column, ...split(images, (r) => r.columnMs + r.renderMs));
  set(results, 'text → neurons, total (ms)', column, ...split(texts, (r) => r.totalMs));
  set(results, '  CLIP text encoder (ms)', column, ...split(texts, (r) => r.encoderMs));
  set(results, '  SAE encode, text (ms)', column, ...split(texts, (r) => r.saeMs));

  const runs: (SaeThroughputRun & { maxAbsDifference: number })[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    runs.push(
      await page.evaluate(([rows, plain]) => window.__lucidBench!.saeThroughput(rows, plain), [ROWS, PLAIN_JS_ROWS]),
    );
  }
  record[`${column}.throughput`] = runs;
  const rate = (ms: number) => (ROWS * 1000) / ms;
  set(results, `SAE encode, ${ROWS} rows (tokens/s)`, column, ...split(runs, (r) => rate(r.encodeMs)));
  set(results, '  plain tfjs matMul, same size (tokens/s)', column, ...split(runs, (r) => rate(r.matMulMs)));
  set(results, '  encode ÷ matMul speed', column, ...split(runs, (r) => r.matMulMs / r.encodeMs));
  set(
    results,
    `  plain JavaScript, ${PLAIN_JS_ROWS} rows timed (tokens/s)`,
    column,
    ...split(runs, (r) => rate(r.plainJsMs)),
  );
  const worst = Math.max(...runs.map((r) => r.maxAbsDifference));
  set(results, `  max |encode − plain JS| on ${PLAIN_JS_ROWS} rows`, column, worst, null);
  await page.context().close();
}

/**
 * Holds images from recorded activations in chunks, reading the worker's heap (after a full GC)
 * between chunks, until MEMORY_IMAGES are held or the heap passes MEMORY_LIMIT_BYTES.
 */
async function memory(browser: Browser, backend: BenchBackend, results: Results, record: Record<string, unknown>) {
  const page = await openApp(browser);
  await load(page, backend, 'wasm');
  const probe = await workerHeap(browser);
  const pageProbe = pageHeap(await page.context().newCDPSession(page));
  const settled = async () => {
    await probe.collectGarbage?.();
    return probe.read();
  };
  const shardUrl = `/${SERVED_DATA}/shard.safetensors`;
  // Parse the shard (and let the SAE path allocate what it keeps between images) before the baseline.
  await page.evaluate((url) => window.__lucidBench!.holdRecorded(url, 1), shardUrl);
  await page.evaluate(() => window.__lucidBench!.releaseHeld());
  const baseline = await settled();
  const chunks: (HeldImages & { workerHeap: number })[] = [];
  let peak = baseline;
  let held: HeldImages = { images: 0, keptBytes: 0, totalMs: 0 };
  let stopped = 'all images held';
  while (held.images < MEMORY_IMAGES) {
    const count = Math.min(MEMORY_CHUNK, MEMORY_IMAGES - held.images);
    held = await page.evaluate(([url, n]) => window.__lucidBench!.holdRecorded(url, n), [shardUrl, count] as const);
    const heap = await settled();
    peak = Math.max(peak, heap);
    chunks.push({ ...held, workerHeap: heap });
    console.error(`bench:scale: ${held.images} images held, worker heap ${format(heap / MiB)} MiB`);
    if (heap > MEMORY_LIMIT_BYTES) {
      stopped = `stopped: worker heap ${format(heap / MiB)} MiB passed the ${format(MEMORY_LIMIT_BYTES / MiB)} MiB limit`;
      break;
    }
  }
  const pagePeak = await pageProbe.read();
  const images = held.images;
  const perImage = images > 0 ? (peak - baseline) / images : null;
  const msPerImage = chunks.reduce((sum, chunk) => sum + chunk.totalMs, 0) / Math.max(1, images);
  record[`${backend}.memory`] = { baseline, peak, pagePeak, chunks, stopped, shardPairs: assets.shardPairs };
  set(results, `images held (of ${MEMORY_IMAGES}; ${stopped})`, backend, null, images);
  set(results, '  worker heap, all held (MiB)', backend, null, peak / MiB);
  set(results, '  worker heap per image held (MiB)', backend, null, perImage === null ? null : perImage / MiB);
  set(results, '  typed arrays kept per image (MiB)', backend, null, images > 0 ? held.keptBytes / images / MiB : null);
  set(results, '  SAE analysis + storage per image (ms)', backend, null, msPerImage);
  await page.context().close();
  return { images, perImageMiB: perImage === null ? null : perImage / MiB };
}

/** Warm-up and timed steps of one training timing. */
interface Steps {
  warmup: number;
  steps: number;
}

/** The configuration both sides train with: the dictionary's, with BENCH_TRAIN_DEAD_AFTER applied. */
function trainConfig() {
  return DEAD_AFTER === null ? assets.config : { ...assets.config, deadAfterTokens: DEAD_AFTER };
}

/** trainConfig() as a file for the reference. */
function trainConfigFile(): string {
  const file = join(assets.root, 'batches', DEAD_AFTER === null ? 'config.json' : `config-dead-${DEAD_AFTER}.json`);
  if (DEAD_AFTER !== null) writeFileSync(file, JSON.stringify(trainConfig()));
  return file;
}

/** The PyTorch reference on the same batches, or why there is none (never throws). */
function referenceTraining({ warmup, steps }: Steps): BenchmarkResult | string {
  const run = spawnSync(
    '/usr/bin/python3',
    [
      'bench/scale/reference_scale.py',
      '--config',
      trainConfigFile(),
      '--batches',
      ...assets.batchFiles,
      '--warmup',
      String(warmup),
      '--steps',
      String(steps),
    ],
    { encoding: 'utf8', timeout: 900_000 },
  );
  if (run.status !== 0) return `reference failed: ${(run.stderr || String(run.error)).trim().split('\n').at(-1)}`;
  try {
    return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as BenchmarkResult;
  } catch {
    return 'reference failed: its last line is not JSON';
  }
}

const byRate = (runs: BenchmarkResult[]) =>
  [...runs].sort((a, b) => a.patchTokensPerSecond - b.patchTokensPerSecond)[Math.floor(runs.length / 2)];

function printProfile(profile: TrainStepProfile) {
  const ms = (value: number) => value.toFixed(0);
  console.error(`bench:scale: profiled step ${ms(profile.wallMs)} ms wall, ${ms(profile.kernelMs)} ms in kernels`);
  for (const [name, time] of profile.byName.slice(0, 15)) console.error(`  ${name} ${ms(time)}`);
  for (const kernel of profile.slowest)
    console.error(
      `  ${ms(kernel.ms)} ${kernel.name} ${JSON.stringify(kernel.inputShapes)} -> ${JSON.stringify(kernel.outputShapes)}`,
    );
}

/** One browser timing in a fresh page (a fresh worker and WASM memory), or why it failed. */
async function browserTraining(browser: Browser, backend: BenchBackend, { warmup, steps }: Steps) {
  const page = await openApp(browser);
  const batchUrls = assets.batchFiles.map((_, i) => `/${SERVED_DATA}/batch-${i}.safetensors`);
  const request = {
    backend,
    config: trainConfig(),
    batchUrls,
    warmupSteps: warmup,
    steps,
    adamKernel: ADAM_KERNEL,
    hostHelpers: HOST_HELPERS,
    profile: PROFILE,
  };
  try {
    const { profile, ...result } = await page.evaluate((r) => window.__lucidBench!.trainThroughput(r), request);
    if (profile) printProfile(profile);
    return result;
  } catch (error) {
    return String(error).split('\n')[0];
  } finally {
    await page.context().close();
  }
}

/**
 * tfjs and PyTorch in turn (browser, reference, browser, …), TRAIN_REPEATS each; medians. A browser
 * timing that fails (at this size tfjs' WASM memory, 4 GiB at most, can run out after the first
 * step) is retried once as a single step without warm-up, and the reference then runs the same.
 */
async function training(browser: Browser, results: Results, record: Record<string, unknown>) {
  const warm: Steps = { warmup: TRAIN_WARMUP, steps: TRAIN_STEPS };
  const single: Steps = { warmup: 0, steps: 1 };
  const timings = new Map<BenchBackend, BenchmarkResult[]>();
  const references: BenchmarkResult[] = [];
  const failures: string[] = [];
  let used = warm;
  let problem: string | null = null;
  for (let repeat = 0; repeat < TRAIN_REPEATS; repeat++) {
    console.error(`bench:scale: training, repeat ${repeat + 1} of ${TRAIN_REPEATS}`);
    for (const backend of TRAIN_BACKENDS) {
      let result = await browserTraining(browser, backend, used);
      if (typeof result === 'string' && used === warm) {
        failures.push(`${backend}, ${warm.warmup} warm-up + ${warm.steps} steps: ${result}`);
        used = single;
        result = await browserTraining(browser, backend, used);
      }
      if (typeof result === 'string')
        failures.push(`${backend}, ${used.warmup} warm-up + ${used.steps} steps: ${result}`);
      else timings.set(backend, [...(timings.get(backend) ?? []), result]);
    }
    if (problem === null) {
      const reference = referenceTraining(used);
      if (typeof reference === 'string') problem = reference;
      else references.push(reference);
    }
  }
  record.training = Object.fromEntries(timings);
  record.trainingFailures = failures;
  record.trainingSteps = used;
  record.trainingReference = problem ?? references;
  const reference = problem === null ? byRate(references) : null;
  for (const [backend, runs] of timings) {
    const run = byRate(runs);
    set(results, `training, ${run.configuration} (patch tokens/s)`, backend, null, run.patchTokensPerSecond);
    set(results, '  ms per step', backend, null, run.msPerStep);
    if (reference) {
      const ratio = run.patchTokensPerSecond / reference.patchTokensPerSecond;
      set(results, '  ÷ PyTorch CPU reference', backend, null, ratio);
    }
  }
  const steps = `${used.steps} step${used.steps === 1 ? '' : 's'} after ${used.warmup} warm-up`;
  let note = reference
    ? `PyTorch CPU reference (${reference.backend}): ${reference.patchTokensPerSecond.toFixed(0)} patch tokens/s ` +
      `(${reference.msPerStep.toFixed(0)} ms/step), the median of ${references.length} runs of ${steps}, ` +
      `as is each browser figure`
    : (problem ?? '');
  if (failures.length > 0) note = `${note}\nbrowser training failed ${failures.length}×; first: ${failures[0]}`;
  return { wasm: timings.get('wasm') ? byRate(timings.get('wasm')!) : null, reference, note };
}

function table(results: Results, columns: string[]): string {
  const header = ['measurement', ...columns.flatMap((c) => [`${c} first`, `${c} warm`])];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const [name, row] of Object.entries(results)) {
    const cells = columns.flatMap((c) => [format(row[c]?.cold), format(row[c]?.warm)]);
    lines.push(`| ${name.replace(/^ {2}/, '  ↳ ')} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const started = Date.now();
const keep = process.env.BENCH_SCALE_DIR;
const root = keep ?? mkdtempSync(join(tmpdir(), 'lucid-scale-'));
const assets: ScaleAssets = await makeAssets(root, SHARD_PAIRS, TRAIN_BATCHES, TRAIN_PAIRS);
if (process.env.BENCH_SKIP_BUILD !== '1') buildApp(DIST);
serveAssets(assets, DIST, 'e2e/fixtures/images');
const server = startPreview(DIST, PORT);
// The same build without the cross-origin isolation headers, for the `isolation` stage.
const unisolatedServer = STAGES.has('isolation') ? startPreview(DIST, UNISOLATED_PORT, UNISOLATED_CONFIG) : null;
const results: Results = {};
const record: Record<string, unknown> = { assets: { ...assets, config: assets.config } };
const settings = {
  backends: BACKENDS,
  repeats: REPEATS,
  rows: ROWS,
  plainJsRows: PLAIN_JS_ROWS,
  memoryImages: MEMORY_IMAGES,
  memoryChunk: MEMORY_CHUNK,
  memoryLimitMiB: MEMORY_LIMIT_BYTES / MiB,
  shardPairs: SHARD_PAIRS,
  trainPairs: TRAIN_PAIRS,
  trainSteps: TRAIN_STEPS,
  trainWarmup: TRAIN_WARMUP,
  trainRepeats: TRAIN_REPEATS,
  trainBackends: TRAIN_BACKENDS,
  stages: [...STAGES],
  adamKernel: ADAM_KERNEL,
  hostHelpers: HOST_HELPERS,
  trainDeadAfter: DEAD_AFTER,
};
console.error(`bench:scale settings: ${JSON.stringify(settings)}`);
let held: Awaited<ReturnType<typeof memory>> | undefined;
let trained: Awaited<ReturnType<typeof training>> | undefined;
const failed: string[] = [];
try {
  await waitForServer(`http://localhost:${PORT}/`);
  if (unisolatedServer) await waitForServer(`http://localhost:${UNISOLATED_PORT}/`);
  const browser = await launch();
  // A stage that fails is reported and the others still run (their numbers may depend on unfinished work).
  const stage = async <T>(name: string, measure: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await measure();
    } catch (error) {
      const message = String(error).split('\n')[0];
      console.error(`bench:scale: ${name} failed: ${message}`);
      failed.push(`${name}: ${message}`);
      return undefined;
    }
  };
  if (STAGES.has('latencies'))
    for (const backend of BACKENDS)
      await stage(`${backend} latencies`, () => latencies(browser, backend, results, record));
  if (STAGES.has('isolation'))
    await stage('isolation', () => latencies(browser, 'wasm', results, record, UNISOLATED_PORT, UNISOLATED));
  if (STAGES.has('memory'))
    held = await stage('memory', () =>
      memory(browser, BACKENDS.includes('wasm') ? 'wasm' : BACKENDS[0], results, record),
    );
  if (STAGES.has('training')) trained = await stage('training', () => training(browser, results, record));
  await browser.close();
} finally {
  server.kill();
  unisolatedServer?.kill();
  unserveAssets(DIST);
  if (keep === undefined) rmSync(root, { recursive: true, force: true });
}

const seconds = Math.round((Date.now() - started) / 1000);
const config = assets.config;
const first = BACKENDS[0];
const warm = (row: string) => results[row]?.[first]?.warm ?? null;
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; CLIP towers on ${BACKENDS.map((b) => `${b}: ${(record[`${b}.load`] as BenchLoad | undefined)?.onnxDevice}`).join(', ')}`;
const output = [
  `LUCID Explorer benchmark at scale — ${MODEL_ID} (seeded random CLIP ViT-B/16 shape: 224 px, 14×14 patches, ` +
    `width 768 / 512, 12 + 12 layers) + a random ${latentCount(config)}-latent dictionary (k = ${config.k})`,
  `${machine}; first = first run after the worker's warm-up, warm = median of ${REPEATS} later runs; ` +
    `memory from ${assets.shardPairs} recorded images' activations; ${seconds} s`,
  `settings: ${JSON.stringify(settings)}`,
  '',
  table(results, STAGES.has('isolation') ? [...BACKENDS, UNISOLATED] : BACKENDS),
  '',
  trained?.note ?? '',
  ...failed.map((failure) => `failed: ${failure}`),
].join('\n');
console.log(output);
if (OUT !== null)
  writeFileSync(
    OUT,
    `${JSON.stringify({ date: new Date().toISOString(), machine, settings, seconds, results, runs: record, referenceNote: trained?.note, failed }, null, 2)}\n`,
  );
console.log(
  JSON.stringify({
    saeEncodeTokensPerSecond: warm(`SAE encode, ${ROWS} rows (tokens/s)`),
    matMulTokensPerSecond: warm('  plain tfjs matMul, same size (tokens/s)'),
    trainPatchTokensPerSecond: trained?.wasm?.patchTokensPerSecond ?? null,
    torchPatchTokensPerSecond: trained?.reference?.patchTokensPerSecond ?? null,
    imagesHeld: held?.images ?? null,
    workerMiBPerImage: held?.perImageMiB ?? null,
    imageToHeatmapWarmMs: warm('image → heatmap, total (ms)'),
    imageToHeatmapColdMs: results['image → heatmap, total (ms)']?.[first]?.cold ?? null,
    encoderWarmMs: warm('  CLIP vision encoder (ms)'),
    textToNeuronsWarmMs: warm('text → neurons, total (ms)'),
    backend: first,
    seconds,
  }),
);
