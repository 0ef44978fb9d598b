/**
 * Adam's update as a WebAssembly SIMD kernel that runs on tfjs' own WASM memory (leanAdam.ts). Four
 * weights at a time in float32, instead of JavaScript's one at a time in double: on 42 M weights it is
 * several times faster than the JavaScript pass (docs/benchmarks.md). Written by hand because nothing
 * else does this: tfjs has no fused optimiser kernel, and a WebAssembly module that shares tfjs' memory
 * must be built for it. It is ~270 bytes, assembled below from its instructions (no build tool): the
 * module imports the memory (shared in tfjs' threaded build, not in the others) and exports one function,
 *
 *     adam(value, updated, m, v, g, bytes, β1, β2, 1 − β1, 1 − β2, −lr / (1 − β1ᵗ), 1 / (1 − β2ᵗ), ε)
 *
 * which for each float32 at byte offsets [0, bytes) of the five arrays does
 *
 *     m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  updated ← value + (−lr / (1 − β1ᵗ)) m / (√(v / (1 − β2ᵗ)) + ε).
 *
 * `bytes` must be a multiple of 16 (four floats); leanAdam.ts leaves other sizes to its JavaScript pass.
 */

import {
  F32,
  I32,
  V128,
  add,
  div,
  get,
  i32Add,
  MODULE_HEADER,
  importedMemory,
  isShared,
  leb,
  load,
  mul,
  name,
  section,
  set,
  splat,
  sqrt,
  store,
} from './wasmAssembly';

/** The kernel bound to one WebAssembly memory. */
export type AdamKernel = (
  value: number,
  updated: number,
  m: number,
  v: number,
  g: number,
  bytes: number,
  beta1: number,
  beta2: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  step: number,
  inverseCorrection2: number,
  epsilon: number,
) => void;

// Locals: the 13 parameters, then i, g, m, v and the seven splatted constants.
const [VALUE, UPDATED, M, V, G, BYTES] = [0, 1, 2, 3, 4, 5];
const [I, GV, MV, VV] = [13, 14, 15, 16];
const SPLAT = (param: number) => 17 + (param - 6); // params 6..12 → locals 17..23
const [B1, B2, OMB1, OMB2, STEP, INV2, EPS] = [6, 7, 8, 9, 10, 11, 12].map(SPLAT);
const at = (base: number) => [...get(base), ...get(I), ...i32Add];

const body = [
  ...leb(2),
  ...leb(1),
  I32,
  ...leb(10),
  V128,
  ...[6, 7, 8, 9, 10, 11, 12].flatMap((param) => [...get(param), ...splat, ...set(SPLAT(param))]),
  0x02,
  0x40, // block
  0x03,
  0x40, // loop
  ...get(I),
  ...get(BYTES),
  0x4f, // i32.ge_u
  0x0d,
  1, // br_if out of the block
  ...at(G),
  ...load,
  ...set(GV),
  ...at(M),
  ...load,
  ...get(B1),
  ...mul,
  ...get(GV),
  ...get(OMB1),
  ...mul,
  ...add,
  ...set(MV),
  ...at(V),
  ...load,
  ...get(B2),
  ...mul,
  ...get(GV),
  ...get(GV),
  ...mul,
  ...get(OMB2),
  ...mul,
  ...add,
  ...set(VV),
  ...at(M),
  ...get(MV),
  ...store,
  ...at(V),
  ...get(VV),
  ...store,
  ...at(UPDATED),
  ...at(VALUE),
  ...load,
  ...get(STEP),
  ...get(MV),
  ...mul,
  ...get(VV),
  ...get(INV2),
  ...mul,
  ...sqrt,
  ...get(EPS),
  ...add,
  ...div,
  ...add,
  ...store,
  ...get(I),
  0x41,
  16, // i32.const 16
  ...i32Add,
  ...set(I),
  0x0c,
  0, // br to the loop
  0x0b, // end loop
  0x0b, // end block
  0x0b, // end function
];

/** The module's bytes, for a shared (tfjs' threaded build) or an unshared memory. */
export function adamModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    ...MODULE_HEADER,
    ...section(1, [...leb(1), 0x60, ...leb(13), ...Array(6).fill(I32), ...Array(7).fill(F32), ...leb(0)]),
    ...importedMemory(shared),
    ...section(3, [...leb(1), ...leb(0)]),
    ...section(7, [...leb(1), ...name('adam'), 0x00, ...leb(0)]),
    ...section(10, [...leb(1), ...leb(body.length), ...body]),
  ]);
}

const kernels = new WeakMap<WebAssembly.Memory, AdamKernel | null>();

/**
 * The kernel for `memory`, compiled once per memory; null where WebAssembly SIMD is missing or the
 * module cannot be built (the caller then uses its JavaScript pass).
 */
export function adamKernelFor(memory: WebAssembly.Memory): AdamKernel | null {
  if (kernels.has(memory)) return kernels.get(memory)!;
  let kernel: AdamKernel | null;
  try {
    const module = new WebAssembly.Module(adamModuleBytes(isShared(memory)));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    kernel = instance.exports.adam as AdamKernel;
  } catch {
    kernel = null;
  }
  kernels.set(memory, kernel);
  return kernel;
}
