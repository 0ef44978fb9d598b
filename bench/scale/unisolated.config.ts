/**
 * The app's Vite config with `vite preview` sending its Content Security Policy but not the
 * cross-origin isolation headers: `npm run bench:scale` serves the same build a second time with it
 * (stage `isolation`), so the page is not `crossOriginIsolated` and ONNX Runtime and tfjs run their
 * WASM on one thread — the "before" of multi-threaded WASM, measured in the same run as the "after".
 */
import { type ConfigEnv, type UserConfig, defineConfig } from 'vite';
import app, { CROSS_ORIGIN_ISOLATION_HEADERS, PREVIEW_HEADERS } from '../../vite.config';

const withoutIsolation = Object.fromEntries(
  Object.entries(PREVIEW_HEADERS).filter(([name]) => !(name in CROSS_ORIGIN_ISOLATION_HEADERS)),
);

export default defineConfig((env: ConfigEnv): UserConfig => {
  const config = (app as (env: ConfigEnv) => UserConfig)(env);
  return { ...config, preview: { ...config.preview, headers: withoutIsolation } };
});
