import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { rewriteFactory, rewriteLoader } from './tfjsWasmThreads';

const require = createRequire(import.meta.url);
const loader = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js'), 'utf8');
const factory = readFileSync(
  require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'),
  'utf8',
);

describe('tfjs WASM threads without blob: (the build plugin)', () => {
  it('rewrites the installed loader to same-origin script URLs and leaves no blob: behind', () => {
    const out = rewriteLoader(loader, 'assets/worker-1.js', 'assets/factory-2.js');
    expect(loader).toContain('URL.createObjectURL(blob)');
    expect(out).not.toContain('URL.createObjectURL(blob)');
    expect(out).not.toContain('new Blob(');
    expect(out).toContain('((name) => new URL(name, import.meta.url).href)("./worker-1.js")');
    expect(out).toContain('factoryConfig.mainScriptUrlOrBlob = ((name) => new URL(name, import.meta.url).href)("./factory-2.js")');
    // Everything else is untouched.
    expect(out.length).toBeLessThan(loader.length);
    expect(out.split('\n').length).toBeLessThan(loader.split('\n').length);
    expect(out.slice(0, loader.indexOf('factoryConfig.locateFile'))).toBe(loader.slice(0, loader.indexOf('factoryConfig.locateFile')));
  });

  it('doubles the core count the factory reports, once', () => {
    const out = rewriteFactory(factory);
    expect(out).toContain('return 2 * navigator["hardwareConcurrency"]}');
    expect(out.length).toBe(factory.length + 4);
  });

  it('fails the build on a loader or factory it does not recognise', () => {
    expect(() => rewriteLoader(loader.replace("type: 'text/javascript'", "type: 'module'"), 'a', 'b')).toThrow(
      /no longer has the blob: loader/,
    );
    expect(() => rewriteFactory(factory.replace('navigator["hardwareConcurrency"]', 'navigator.cores'))).toThrow(
      /no longer reads navigator.hardwareConcurrency once/,
    );
  });
});
