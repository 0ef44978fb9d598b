import {
  BACKEND_ORDER,
  describeWebGpuAdapter,
  initBackend,
  type BackendName,
  webGpuAdapterIsSoftware,
} from '../backend';
import { setCompute } from './store';

/** Reads an optional `?backend=webgpu|wasm|cpu` override from the page URL. */
export function backendFromUrl(search: string): BackendName | undefined {
  const requested = new URLSearchParams(search).get('backend');
  return BACKEND_ORDER.find((name) => name === requested);
}

/** Chooses the compute backend and records the outcome in the store. */
export async function startCompute(preferred?: BackendName): Promise<void> {
  try {
    const choice = await initBackend(preferred);
    const adapter = choice.backend === 'webgpu' ? await describeWebGpuAdapter() : null;
    const softwareAdapter = choice.backend === 'webgpu' && (await webGpuAdapterIsSoftware());
    setCompute({ status: 'ready', ...choice, adapter, softwareAdapter });
  } catch (error) {
    setCompute({ status: 'failed', reason: String(error) });
  }
}
