/**
 * How the e2e tests and `npm run bench` start Chromium: the system browser (never a downloaded
 * one; override with CHROMIUM_PATH), headless and offline. `--enable-unsafe-webgpu` gives WebGPU
 * on machines without a GPU through SwiftShader (slow but correct).
 *
 * `LUCID_WEBGPU=lavapipe` runs WebGPU on Mesa's lavapipe (CPU Vulkan, several times faster than
 * SwiftShader) instead: needs `mesa-vulkan-drivers`; the app then picks lavapipe's
 * compatibility-mode adapter over the SwiftShader fallback (see requestBestAdapter).
 */
import type { LaunchOptions } from 'playwright-core';

export const useLavapipe = process.env.LUCID_WEBGPU === 'lavapipe';

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LAVAPIPE_ARGS = [
  '--use-gl=angle',
  '--use-angle=vulkan',
  '--use-vulkan=native',
  '--ignore-gpu-blocklist',
  '--use-webgpu-adapter=opengles',
];

export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!useLavapipe) return { executablePath, args: CHROMIUM_ARGS };
  return {
    executablePath,
    args: [...CHROMIUM_ARGS, ...LAVAPIPE_ARGS],
    ignoreDefaultArgs: ['--use-angle=swiftshader-webgl', '--enable-unsafe-swiftshader'],
    env: { ...process.env, VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json' } as Record<string, string>,
  };
}
