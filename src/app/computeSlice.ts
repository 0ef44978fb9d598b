import type { StateCreator } from 'zustand';
import type { BackendName } from '../backend';

/** Which tfjs backend does the numerical work, and why. */
export interface ComputeState {
  status: 'initialising' | 'ready' | 'failed';
  /** Null until `initBackend` has chosen one. */
  backend: BackendName | null;
  /** Why this backend (or why initialisation failed). */
  reason: string;
  /** WebGPU adapter description, when there is one. */
  adapter: string | null;
  /** True when that adapter is a software fallback (SwiftShader): a CPU emulating a GPU. */
  softwareAdapter: boolean;
}

export interface ComputeSlice {
  compute: ComputeState;
}

export const createComputeSlice: StateCreator<ComputeSlice, [], [], ComputeSlice> = () => ({
  compute: {
    status: 'initialising',
    backend: null,
    reason: 'choosing a backend…',
    adapter: null,
    softwareAdapter: false,
  },
});
