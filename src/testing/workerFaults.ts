/** Faults the e2e build's workers can be asked to suffer (src/testing/*Worker.ts). */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { activeBackend } from '../backend';

/**
 * Destroys the WebGPU device tfjs computes on, as a driver reset would.
 * @param what what runs on it, for the error when tfjs is on another backend ("training")
 */
export function loseWebGpuDevice(what: string): void {
  if (activeBackend() !== 'webgpu') throw new Error(`${what} runs on ${activeBackend()}, not WebGPU`);
  (tf.backend() as WebGPUBackend).device.destroy();
}

/** Throws an error no handler catches, as a bug in the worker would (the page restarts it). */
export function crashSoon(worker: string): void {
  setTimeout(() => {
    throw new Error(`simulated crash of the ${worker} worker`);
  });
}
