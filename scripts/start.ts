/**
 * `npm start`: builds the app when its build is missing or older than its sources, then serves it
 * with `vite preview`, the server the e2e tests run against, with the same port and headers (the
 * Content Security Policy, vite.config.ts). Not the dev server: on a first run its dependency
 * optimiser reloads the page by itself, and what the user had dropped is lost (`npm run dev` is
 * the dev server). e2e/start.spec.ts runs this script as package.json's `start` does.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { outDirFor } from '../vite.config';

/** What a build is made from: a change to any of these after the build makes it stale. */
const SOURCES = [
  'src',
  'public',
  'index.html',
  'vite.config.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.app.json',
];
const MODE = 'production';

/** Latest modification time (ms) under `path`; folders count too, since deleting a file changes its folder. */
function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stats.mtimeMs);
}

function isStale(outDir: string): boolean {
  const built = join(outDir, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((source) => newestChange(source) > builtAt);
}

const outDir = outDirFor(MODE);
if (isStale(outDir)) {
  console.log(`Building the app into ${outDir}/ …`);
  await build({ mode: MODE, logLevel: 'warn' });
} else {
  console.log(`${outDir}/ is up to date with the sources: not rebuilt.`);
}
const server = await preview({ mode: MODE });
server.printUrls();
