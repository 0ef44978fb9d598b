import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

/**
 * What the e2e build adds (src/testing, src/bench/hooks.ts): the globals it installs and the names
 * of the hooks its workers expose. Property names survive minification.
 */
const HOOK_STRINGS = [
  '__lucidTest',
  '__lucidBench',
  'explorerFaults',
  'testSampleCodes',
  'testLoseDevice',
  'testPoisonWeights',
  'testFailNextCheckpointWithQuota',
  'testBackend',
  'testCrash',
  'testBenchmark',
  'simulated crash',
];
/** Chunks only the hooks load. */
const HOOK_CHUNKS = [/^selfTest-/, /^bench\.worker-/];

const outDirs: string[] = [];

/** Builds the app in `mode` into a temporary folder; returns every emitted JS file's name and text. */
async function builtScripts(mode: string): Promise<Map<string, string>> {
  const outDir = mkdtempSync(join(tmpdir(), `lucid-${mode}-`));
  outDirs.push(outDir);
  await build({ mode, logLevel: 'warn', build: { outDir, emptyOutDir: true, copyPublicDir: false } });
  const assets = join(outDir, 'assets');
  const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
  return new Map(scripts.map((name) => [name, readFileSync(join(assets, name), 'utf8')]));
}

/** `hook` → the files that contain it. */
function hooksFound(scripts: Map<string, string>): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const hook of HOOK_STRINGS) {
    const files = [...scripts].filter(([, text]) => text.includes(hook)).map(([name]) => name);
    if (files.length > 0) found[hook] = files;
  }
  return found;
}

afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

// Two full builds on two cores: about a minute together.
describe('the production bundle', { timeout: 300_000 }, () => {
  it('contains no test hook, in the page or in either worker', async () => {
    const scripts = await builtScripts('production');
    expect(hooksFound(scripts)).toEqual({});
    expect([...scripts.keys()].filter((name) => HOOK_CHUNKS.some((chunk) => chunk.test(name)))).toEqual([]);
  });

  // The control: the same search finds every hook where they are built in, so an empty result
  // above means they are absent, not that the search cannot see them.
  it('differs from the e2e build, which has every hook', async () => {
    const scripts = await builtScripts('e2e');
    expect(Object.keys(hooksFound(scripts)).sort()).toEqual([...HOOK_STRINGS].sort());
    for (const chunk of HOOK_CHUNKS) expect([...scripts.keys()].some((name) => chunk.test(name))).toBe(true);
  });
});
