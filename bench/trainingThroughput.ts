/**
 * Training throughput (image patch rows per second) of the LUCID trainer in headless Chromium, on
 * tfjs WebGPU and WASM, for one configuration (src/training/benchmark.ts: Emoji-CLIP's sizes, B=16
 * pairs, m=384); and, with BENCH_REFERENCE=1, the same configuration trained by the PyTorch CPU
 * reference (bench/reference_trainer.py), as a ratio measured in this one run.
 *
 * Run: npx vite build && npx tsx bench/trainingThroughput.ts
 * Env: BENCH_STEPS (default 5), BENCH_PAIRS (16), BENCH_BACKENDS ("wasm,webgpu"), LUCID_WEBGPU=lavapipe,
 *      CHROMIUM_PATH, BENCH_REFERENCE=1 (needs /usr/bin/python3 with torch).
 * The app must expose `window.__lucidTest.training` (src/training/testHooks.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { BenchmarkResult } from '../src/training/api';
import type { TrainingTestApi } from '../src/training/testHooks';

const PORT = 4188;
const STEPS = Number(process.env.BENCH_STEPS ?? 5);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 16);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'wasm,webgpu').split(',') as ('wasm' | 'webgpu')[];
const lavapipe = process.env.LUCID_WEBGPU === 'lavapipe';

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not start`);
}

const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
const results: (BenchmarkResult & { runtime: string })[] = [];
try {
  await waitForServer(`http://localhost:${PORT}/`);
  const args = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu'];
  if (lavapipe) {
    args.push('--use-gl=angle', '--use-angle=vulkan', '--use-vulkan=native', '--ignore-gpu-blocklist');
    args.push('--use-webgpu-adapter=opengles');
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args,
    ...(lavapipe
      ? {
          ignoreDefaultArgs: ['--use-angle=swiftshader-webgl', '--enable-unsafe-swiftshader'],
          env: { ...process.env, VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json' },
        }
      : {}),
  });
  const page = await browser.newPage();
  await page.goto(`http://localhost:${PORT}/`);
  for (const backend of BACKENDS) {
    const result = await page.evaluate(
      ([name, steps, pairs]) =>
        (window as unknown as { __lucidTest: { training: TrainingTestApi } }).__lucidTest.training.benchmark(
          name,
          steps,
          pairs,
        ),
      [backend, STEPS, PAIRS] as const,
    );
    results.push({
      ...result,
      runtime: `Chromium tfjs ${result.backend}${backend === 'webgpu' && lavapipe ? ' (lavapipe)' : ''}`,
    });
  }
  await browser.close();
} finally {
  server.kill();
}

if (process.env.BENCH_REFERENCE === '1') {
  const run = spawnSync(
    '/usr/bin/python3',
    ['bench/reference_trainer.py', '--steps', String(STEPS), '--pairs', String(PAIRS)],
    {
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`reference trainer failed: ${run.stderr}`);
  const reference = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as BenchmarkResult;
  results.push({ ...reference, runtime: 'PyTorch CPU reference' });
}

console.log(`LUCID training throughput, ${results[0]?.configuration}; ${STEPS} timed steps after 3 warm-up steps`);
const fastest = Math.max(...results.map((r) => r.patchTokensPerSecond));
console.table(
  Object.fromEntries(
    results.map((r) => [
      r.runtime,
      {
        msPerStep: Number(r.msPerStep.toFixed(1)),
        patchTokensPerSecond: Math.round(r.patchTokensPerSecond),
        relativeToFastest: Number((r.patchTokensPerSecond / fastest).toFixed(3)),
      },
    ]),
  ),
);
