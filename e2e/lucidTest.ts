/** Typed access from Playwright to the app's `window.__lucidTest` API (see src/testing/testApi.ts). */
import type { Page } from '@playwright/test';
import type { BackendName } from '../src/backend';
import type { ReferenceStepResult } from '../src/testing/testApi';

export function activeBackend(page: Page): Promise<string | undefined> {
  return page.evaluate(() => window.__lucidTest?.backend());
}

export function runReferenceStep(page: Page, backend: BackendName): Promise<ReferenceStepResult> {
  return page.evaluate(async (name) => {
    if (window.__lucidTest === undefined) throw new Error('window.__lucidTest is not installed');
    return window.__lucidTest.runReferenceStep(name);
  }, backend);
}

/**
 * Every WebGPU adapter the browser offers (core and compatibility mode), for the log;
 * the status line says which one the app computes on.
 */
export function webGpuAdapters(page: Page) {
  return page.evaluate(async () => {
    const adapters = [];
    for (const featureLevel of ['core', 'compatibility']) {
      const adapter = await navigator.gpu?.requestAdapter({ featureLevel });
      if (!adapter) continue;
      const { vendor, architecture, device, description, isFallbackAdapter } = adapter.info;
      adapters.push({ featureLevel, vendor, architecture, device, description, isFallbackAdapter });
    }
    return adapters;
  });
}
