/**
 * Watching tfjs's WebGPU device from the training worker: a lost device (a driver reset, the GPU
 * taken away) must not hang a read-back forever — a read on a destroyed device never settles.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { activeBackend } from '../backend';

/** How long a failed WebGPU call waits for the device's `lost` promise before counting as a bug. */
const DEVICE_LOSS_SETTLE_MS = 3000;

export class DeviceLostError extends Error {
  constructor() {
    super('the WebGPU device was lost');
  }
}

export interface DeviceWatch {
  /** Watches the device of the backend active now (none unless it is WebGPU). */
  watch(): void;
  /** True once the watched device reported its loss. */
  readonly gone: boolean;
  /** Awaits `promise`, failing with DeviceLostError as soon as the device goes away meanwhile. */
  guarded<T>(promise: Promise<T>): Promise<T>;
  /** Waits (at most a few seconds) for a device that may be going away to report it. */
  settle(): Promise<void>;
}

export function createDeviceWatch(): DeviceWatch {
  let lost: Promise<never> | null = null;
  let gone = false;
  return {
    watch() {
      lost = null;
      gone = false;
      if (activeBackend() !== 'webgpu') return;
      const device = (tf.backend() as WebGPUBackend).device;
      lost = device.lost.then(() => {
        gone = true;
        throw new DeviceLostError();
      });
      // Observed here so an unawaited rejection is never reported as unhandled.
      lost.catch(() => undefined);
    },
    get gone() {
      return gone;
    },
    guarded(promise) {
      return lost ? Promise.race([promise, lost]) : promise;
    },
    async settle() {
      if (!lost || gone) return;
      const timer = new Promise<void>((resolve) => setTimeout(resolve, DEVICE_LOSS_SETTLE_MS));
      await Promise.race([lost.catch(() => undefined), timer]);
    },
  };
}
