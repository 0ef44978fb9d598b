/**
 * `npm start` serves the production build (scripts/start.ts): built when missing, with the same
 * headers as `vite preview` (vite.config.ts: the Content Security Policy and the cross-origin
 * isolation headers, so the page is `crossOriginIsolated`), without Vite's dev client or the e2e
 * test hooks, and the page never reloads by itself (the dev server's dependency optimiser did,
 * losing dropped images).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { CROSS_ORIGIN_ISOLATION_HEADERS, PREVIEW_HEADERS, PREVIEW_PORT } from '../vite.config';

const INSTALL = 'npm install --no-audit --no-fund && ';
/** Beside the e2e server, so both run at once. */
const PORT = PREVIEW_PORT + 1;
const APP_URL = `http://localhost:${PORT}/`;
/** Longer than the dev server took to reload the page by itself (about 9 s after it opened). */
const WATCH_MS = 15_000;

/** package.json's `start` after its `npm install`, which a test should not run. */
function startCommand(): string {
  const start: string = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start;
  expect(start.startsWith(INSTALL)).toBe(true);
  return start.slice(INSTALL.length);
}

/** Runs the start command as npm would (node_modules/.bin on the PATH), building into `outDir`. */
function start(outDir: string): { server: ChildProcess; log: () => string } {
  let log = '';
  const server = spawn(startCommand(), {
    shell: true,
    // Its own process group, so that stopping it stops vite too.
    detached: true,
    env: {
      ...process.env,
      PATH: `${resolve('node_modules/.bin')}:${process.env.PATH}`,
      LUCID_PORT: String(PORT),
      LUCID_DIST: outDir,
    },
  });
  server.stdout?.on('data', (chunk) => (log += chunk));
  server.stderr?.on('data', (chunk) => (log += chunk));
  return { server, log: () => log };
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((done) => server.once('exit', done));
  process.kill(-server.pid!, 'SIGTERM');
  await exited;
}

async function serving(server: ChildProcess, log: () => string): Promise<Response> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the start command exited (${server.exitCode}):\n${log()}`);
    try {
      return await fetch(APP_URL);
    } catch {
      await new Promise((done) => setTimeout(done, 1000));
    }
  }
  throw new Error(`nothing answered on ${APP_URL}:\n${log()}`);
}

test('npm start builds once, serves the build with the preview headers, and the page does not reload', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const outDir = mkdtempSync(join(tmpdir(), 'lucid-start-'));
  try {
    const first = start(outDir);
    try {
      const response = await serving(first.server, first.log);
      expect(first.log()).toContain('Building');
      expect(response.status).toBe(200);
      for (const [name, value] of Object.entries(PREVIEW_HEADERS)) expect(response.headers.get(name)).toBe(value);
      expect(Object.keys(CROSS_ORIGIN_ISOLATION_HEADERS).every((name) => response.headers.has(name))).toBe(true);
      const html = await response.text();
      expect(html).not.toContain('/@vite/client');
      expect(html).toContain('http-equiv="Content-Security-Policy"');

      let navigations = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations++;
      });
      await page.goto(APP_URL);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await expect(page.getByTestId('dictionary-status')).toHaveAttribute('data-dictionary', 'ready', {
        timeout: 120_000,
      });
      // Lives only as long as this document: a reload would drop it.
      await page.evaluate(() => Object.assign(window, { startSpecMarker: true }));
      await page.waitForTimeout(WATCH_MS);
      expect(navigations).toBe(1);
      expect(await page.evaluate(() => 'startSpecMarker' in window)).toBe(true);
      expect(await page.evaluate(() => '__lucidTest' in window)).toBe(false);
    } finally {
      await stop(first.server);
    }

    // Nothing changed since: served as built.
    const builtAt = statSync(join(outDir, 'index.html')).mtimeMs;
    const second = start(outDir);
    try {
      expect((await serving(second.server, second.log)).status).toBe(200);
      expect(second.log()).toContain('not rebuilt');
      expect(statSync(join(outDir, 'index.html')).mtimeMs).toBe(builtAt);
    } finally {
      await stop(second.server);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
