/**
 * What `npm run bench` (bench/run.ts) and `npm run bench:scale` (bench/scale/run.ts) share: building
 * the app with its test hooks, serving it with `vite preview`, Chromium through playwright-core,
 * heap probes for a page and for the bench worker (CDP), medians and number formatting.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { type Browser, type CDPSession, chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../e2e/chromium';

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** `vite build --mode e2e` (test hooks included) into `dist`. */
export function buildApp(dist: string): void {
  const build = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--mode', 'e2e', '--logLevel', 'warn'],
    { stdio: 'inherit', env: { ...process.env, LUCID_DIST: dist } },
  );
  if (build.status !== 0) throw new Error('vite build failed');
}

/**
 * `vite preview` of `dist` on `port`, with vite.config.ts or the Vite config file `config`; vite itself,
 * not through npx: killing npx would leave its child serving the port.
 */
export function startPreview(dist: string, port: number, config?: string): ChildProcess {
  const args = ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort'];
  return spawn(process.execPath, config ? [...args, '--config', config] : args, {
    stdio: 'ignore',
    env: { ...process.env, LUCID_PORT: String(port), LUCID_DIST: dist },
  });
}

export async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not start`);
}

export function launch(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

/** JS heap in use, ArrayBuffers (and so WASM memories) included, of one page or worker. */
export interface HeapProbe {
  read(): Promise<number>;
  /** A full garbage collection first (so that `read` counts what is kept, not what is waiting to be freed). */
  collectGarbage?(): Promise<void>;
}

export function pageHeap(session: CDPSession): HeapProbe {
  return {
    async read() {
      const usage = (await session.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
      return usage.usedSize + (usage.backingStorageSize ?? 0);
    },
  };
}

/** The bench worker's heap, through the browser's CDP session (Playwright gives workers none). */
export async function workerHeap(browser: Browser): Promise<HeapProbe> {
  const session = await browser.newBrowserCDPSession();
  const { targetInfos } = await session.send('Target.getTargets');
  const target = targetInfos.find((info) => info.type === 'worker' && info.url.includes('bench.worker'));
  if (target === undefined) throw new Error('bench worker target not found');
  const { sessionId } = await session.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let nextId = 1;
  const pending = new Map<number, (value: number) => void>();
  session.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message) as {
      id?: number;
      result?: { usedSize?: number; backingStorageSize?: number };
    };
    if (message.id !== undefined && message.result) {
      pending.get(message.id)?.((message.result.usedSize ?? 0) + (message.result.backingStorageSize ?? 0));
      pending.delete(message.id);
    }
  });
  const call = (method: string) => {
    const id = nextId++;
    const reply = new Promise<number>((resolve) => pending.set(id, resolve));
    void session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    return reply;
  };
  return {
    read: () => call('Runtime.getHeapUsage'),
    async collectGarbage() {
      await call('HeapProfiler.collectGarbage');
    },
  };
}

export function format(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && magnitude < 0.01) return value.toExponential(1);
  if (magnitude < 10) return value.toFixed(2);
  if (magnitude < 1000) return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

/** The images (e2e/fixtures/images) and texts both benchmarks time, taken in turn. */
export const FIXTURES = [
  'dog.png',
  'cat.png',
  'scene_dog_pizza.png',
  'car_twemoji.png',
  'pizza.png',
  'scene_cat_car_apple.png',
];
export const TEXTS = [
  'a dog',
  'a slice of pizza',
  'a red car on the road',
  'cat',
  'an apple and a cat',
  'smiling face',
];
