/**
 * A few WebAssembly encodings for the hand-assembled kernels that run on tfjs' WASM memory
 * (adamKernel.ts, gradientKernel.ts): sizes, sections, the opcodes they use, the imported memory. No
 * build tool: each kernel lists its instructions and these helpers make the module's bytes.
 */

/** Unsigned LEB128, as WebAssembly encodes sizes and indices. */
export function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

export const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
export const name = (text: string) => [...leb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

// Value types and opcodes (WebAssembly 2.0 with fixed-width SIMD).
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export const get = (local: number) => [0x20, local];
export const set = (local: number) => [0x21, local];
/** i32.const of a value in [0, 64) (one byte of signed LEB128). */
export const i32Const = (value: number) => {
  if (!Number.isInteger(value) || value < 0 || value >= 64) throw new Error(`i32Const: ${value} needs more bytes`);
  return [0x41, value];
};
export const simd = (op: number) => [0xfd, ...leb(op)];
export const load = [...simd(0x00), 0x00, 0x00]; // v128.load, alignment 1, offset 0
export const store = [...simd(0x0b), 0x00, 0x00]; // v128.store
export const f32Load = [0x2a, 0x00, 0x00]; // f32.load, alignment 1, offset 0
export const splat = simd(0x13); // f32x4.splat
/** f32x4.extract_lane. */
export const extractLane = (lane: number) => [...simd(0x1f), lane];
/** f32x4.replace_lane. */
export const replaceLane = (lane: number) => [...simd(0x20), lane];
export const sqrt = simd(0xe3);
export const add = simd(0xe4);
export const mul = simd(0xe6);
export const div = simd(0xe7);
export const i32Add = [0x6a];
export const f32Add = [0x92];
export const i32Mul = [0x6c];
export const i32GeU = [0x4f];

/** The import section of a module that imports `env.memory`, shared (tfjs' threaded build) or not. */
export function importedMemory(shared: boolean): number[] {
  // Shared memories must declare a maximum; 65,536 pages (4 GiB) admits any wasm32 memory.
  const limits = shared ? [0x03, ...leb(0), ...leb(65536)] : [0x00, ...leb(0)];
  return section(2, [...leb(1), ...name('env'), ...name('memory'), 0x02, ...limits]);
}

/** The 8-byte header every module starts with. */
export const MODULE_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Whether a memory is shared (tfjs' threaded build). */
export function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}
