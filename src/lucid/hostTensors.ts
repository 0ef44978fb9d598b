import * as tf from '@tensorflow/tfjs';

/**
 * Host (JavaScript) access to tensor values for the steps that tfjs has no kernel for (leanAdam's
 * one-pass update, the sparse encoder's selection and gradients): on tfjs' WASM backend a view of its
 * heap (no copy), on the others a read-back and an upload.
 */

/** The parts of tfjs-backend-wasm 4.22's BackendWasm that host passes read. */
export interface WasmInternals {
  /** The Emscripten module: its memory is `wasmMemory` in the threaded build, `asm.memory` in the others. */
  wasm: { HEAPU8: Uint8Array; wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  refCount(dataId: object): number;
}

/**
 * Where a float32 or int32 tensor's values start in tfjs' WASM heap (bytes); null on another backend,
 * or, for values to write, when another tensor shares the memory (writing would change that tensor too).
 */
export function wasmHeapOffset(tensor: tf.Tensor, writable: boolean): number | null {
  if (tf.getBackend() !== 'wasm' || (tensor.dtype !== 'float32' && tensor.dtype !== 'int32')) return null;
  const backend = tf.backend() as unknown as WasmInternals;
  const offset = backend.dataIdMap.get(tensor.dataId)?.memoryOffset;
  if (offset == null || (writable && backend.refCount(tensor.dataId) !== 1)) return null;
  return offset;
}

/**
 * `size` floats of tfjs' WASM heap from byte `offset` (no copy). Any tfjs allocation may grow the heap
 * and detach the views taken before it: take views after the last allocation of a pass.
 */
export function wasmHeapView(offset: number, size: number): Float32Array {
  return new Float32Array((tf.backend() as unknown as WasmInternals).wasm.HEAPU8.buffer, offset, size);
}

/** As {@link wasmHeapView}, for int32 values. */
function wasmHeapInts(offset: number, size: number): Int32Array {
  return new Int32Array((tf.backend() as unknown as WasmInternals).wasm.HEAPU8.buffer, offset, size);
}

/** A float32 tensor's values to read on the host: a heap view on WASM (valid until the next allocation), else a copy. */
export function hostFloats(tensor: tf.Tensor): Float32Array {
  const offset = wasmHeapOffset(tensor, false);
  return offset === null ? (tensor.dataSync() as Float32Array) : wasmHeapView(offset, tensor.size);
}

/** An int32 tensor's values to read on the host, as {@link hostFloats}. */
export function hostInts(tensor: tf.Tensor): Int32Array {
  const offset = wasmHeapOffset(tensor, false);
  return offset === null ? Int32Array.from(tensor.dataSync()) : wasmHeapInts(offset, tensor.size);
}

/**
 * New float32 tensors whose values host code writes: `fill` receives one array per shape (on WASM
 * views of the new tensors' uninitialised heap memory, taken after all of them are allocated; elsewhere
 * zeroed arrays that are then uploaded) and must write every value. `fill` may read views it takes
 * itself (hostFloats) but must not allocate tensors.
 */
export function hostOutputs(shapes: number[][], fill: (outputs: Float32Array[]) => void): tf.Tensor[] {
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  if (tf.getBackend() !== 'wasm') {
    const arrays = shapes.map((shape) => new Float32Array(size(shape)));
    fill(arrays);
    return arrays.map((array, i) => tf.tensor(array, shapes[i], 'float32'));
  }
  const tensors = uninitialisedWasmTensors(shapes);
  fill(tensors.map((tensor) => wasmHeapView(wasmHeapOffset(tensor, true)!, tensor.size)));
  return tensors;
}

/** tfjs' WASM memory, when the backend is WASM. */
export function wasmMemory(): WebAssembly.Memory | null {
  if (tf.getBackend() !== 'wasm') return null;
  const { wasm } = tf.backend() as unknown as WasmInternals;
  const memory = wasm.wasmMemory ?? wasm.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** New float32 tensors of uninitialised WASM heap memory (WASM backend only): the caller writes every value. */
export function uninitialisedWasmTensors(shapes: number[][]): tf.Tensor[] {
  const backend = tf.backend() as unknown as WasmInternals;
  return shapes.map((shape) => tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32')));
}
