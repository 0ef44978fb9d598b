/**
 * A helper thread of the trainer's host passes (hostThreads.ts): waits for its one start message, then
 * runs parts of passes over tfjs' shared WASM memory for as long as the worker that started it lives.
 */
import { type HelperStart, runHelper } from './hostThreads';

self.onmessage = (event: MessageEvent<HelperStart>) => {
  self.onmessage = null;
  runHelper(event.data);
};
