/**
 * A small typed API on `window` for the e2e tests: only what the UI cannot show.
 * Modelled on tldraw's e2e helpers.
 */
import { activeBackend, describeWebGpuAdapter, switchBackend, type BackendName } from './backend';
import { setCompute } from './app/store';

export interface ReferenceStepResult {
  /** The tfjs backend the step actually ran on. */
  backend: string;
  /** Total LUCID loss after one deterministic training step. */
  loss: number;
  /** The named terms the loss is made of. */
  terms: Record<string, number>;
}

export interface LucidTestApi {
  /** The tfjs backend in use now. */
  backend(): string;
  /** Switches tfjs to `backend` and runs the LUCID core's fixed-seed reference step there. */
  runReferenceStep(backend: BackendName): Promise<ReferenceStepResult>;
}

declare global {
  interface Window {
    __lucidTest?: LucidTestApi;
  }
}

export function installTestApi(): void {
  window.__lucidTest = {
    backend: activeBackend,
    async runReferenceStep(backend) {
      const choice = await switchBackend(backend);
      const adapter = backend === 'webgpu' ? await describeWebGpuAdapter() : null;
      setCompute({ status: 'ready', ...choice, adapter });
      // Loaded on demand: the reference step is only needed by tests.
      const { runReferenceStep } = await import('./lucid/selfTest');
      const { loss, terms } = await runReferenceStep();
      return { backend: activeBackend(), loss, terms };
    },
  };
}
