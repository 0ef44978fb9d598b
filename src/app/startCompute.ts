import { describeWebGpuAdapter, initBackend, type BackendName } from '../backend';
import { setCompute } from './store';

export { backendFromUrl } from '../backend';

/** Chooses the compute backend and records the outcome in the store. */
export async function startCompute(preferred?: BackendName): Promise<void> {
  try {
    const choice = await initBackend(preferred);
    const adapter = choice.backend === 'webgpu' ? await describeWebGpuAdapter() : null;
    setCompute({
      status: 'ready',
      ...choice,
      adapter: adapter?.description ?? null,
      softwareAdapter: !!adapter?.software,
    });
  } catch (error) {
    setCompute({ status: 'failed', reason: String(error) });
  }
}
