/**
 * WebAssembly SIMD kernels on tfjs' WASM memory, four floats at a time instead of JavaScript's one,
 * for the trainer's sparse path: the encoder's gradient and W_enc's transpose (sparseEncode.ts), the
 * sparse decode, the decoder gradient's projection and the row renorm (hostDecoder.ts). At ViT-B/16 size
 * the encoder gradient's host pass took ~200 ms in JavaScript and ~70 ms with them (Node, one thread).
 * Hand-assembled for the reason adamKernel.ts gives (nothing else builds a module on tfjs' own memory);
 * ~470 bytes. Exports
 *
 *     axpy(y, x, bytes, a):        y[i] += a · x[i] for the floats at byte offsets [0, bytes) of y and x
 *     dot(x, y, bytes):            Σ x[i] · y[i] (four partial sums in float32, then added)
 *     scale(y, x, bytes, a):       y[i] = a · x[i]
 *     transposeBlock(dst, src, rows, srcStride, dstStride, width):
 *         for r < rows, q < width: dst[r · dstStride + 4q] = src[q · srcStride + 4r]   (bytes; floats)
 *
 * `bytes` and `width` must be multiples of 16 bytes and of 4 floats.
 */
import {
  F32,
  I32,
  MODULE_HEADER,
  V128,
  add,
  extractLane,
  f32Add,
  f32Load,
  get,
  i32Add,
  i32Const,
  i32GeU,
  i32Mul,
  importedMemory,
  isShared,
  leb,
  load,
  mul,
  name,
  replaceLane,
  section,
  set,
  splat,
  store,
} from './wasmAssembly';

/** The kernels bound to one WebAssembly memory (byte offsets into it). */
export interface GradientKernels {
  axpy(y: number, x: number, bytes: number, a: number): void;
  dot(x: number, y: number, bytes: number): number;
  scale(y: number, x: number, bytes: number, a: number): void;
  transposeBlock(dst: number, src: number, rows: number, srcStride: number, dstStride: number, width: number): void;
}

const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const breakIf = (depth: number) => [0x0d, depth];
const branch = (depth: number) => [0x0c, depth];
const inc = (local: number, by: number[]) => [...get(local), ...by, ...i32Add, ...set(local)];

// axpy and scale: params y, x, bytes, a; locals i, a4.
const [Y, X, BYTES, A, I, A4] = [0, 1, 2, 3, 4, 5];

/** y[i] = a · x[i] (scale) or y[i] += a · x[i] (axpy): params y, x, bytes, a; locals i, a4. */
const scaledBody = (accumulate: boolean) => [
  ...leb(2),
  ...leb(1),
  I32,
  ...leb(1),
  V128,
  ...get(A),
  ...splat,
  ...set(A4),
  ...BLOCK,
  ...LOOP,
  ...get(I),
  ...get(BYTES),
  ...i32GeU,
  ...breakIf(1),
  ...get(Y),
  ...get(I),
  ...i32Add,
  ...(accumulate ? [...get(Y), ...get(I), ...i32Add, ...load] : []),
  ...get(X),
  ...get(I),
  ...i32Add,
  ...load,
  ...get(A4),
  ...mul,
  ...(accumulate ? add : []),
  ...store,
  ...inc(I, i32Const(16)),
  ...branch(0),
  ...END,
  ...END,
  ...END,
];

// dot: params x, y, bytes; locals i, sum (v128); returns f32.
const [DX, DY, DBYTES, DI, SUM] = [0, 1, 2, 3, 4];
const dotBody = [
  ...leb(2),
  ...leb(1),
  I32,
  ...leb(1),
  V128,
  ...BLOCK,
  ...LOOP,
  ...get(DI),
  ...get(DBYTES),
  ...i32GeU,
  ...breakIf(1),
  ...get(SUM),
  ...get(DX),
  ...get(DI),
  ...i32Add,
  ...load,
  ...get(DY),
  ...get(DI),
  ...i32Add,
  ...load,
  ...mul,
  ...add,
  ...set(SUM),
  ...inc(DI, i32Const(16)),
  ...branch(0),
  ...END,
  ...END,
  ...get(SUM),
  ...extractLane(0),
  ...get(SUM),
  ...extractLane(1),
  ...f32Add,
  ...get(SUM),
  ...extractLane(2),
  ...get(SUM),
  ...extractLane(3),
  ...f32Add,
  ...f32Add,
  ...END,
];

// transposeBlock: params dst, src, rows, srcStride, dstStride, width; locals r, q, s, t, and strides 2·, 3·, 4·srcStride.
const [DST, SRC, ROWS, SSTRIDE, DSTRIDE, WIDTH, R, Q, S, T, S2, S3, S4] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const lane = (offset: number[]) => [...get(S), ...offset, ...i32Add, ...f32Load];
const transposeBody = [
  ...leb(1),
  ...leb(7),
  I32,
  ...get(SSTRIDE),
  ...i32Const(2),
  ...i32Mul,
  ...set(S2),
  ...get(SSTRIDE),
  ...i32Const(3),
  ...i32Mul,
  ...set(S3),
  ...get(SSTRIDE),
  ...i32Const(4),
  ...i32Mul,
  ...set(S4),
  ...BLOCK,
  ...LOOP,
  ...get(R),
  ...get(ROWS),
  ...i32GeU,
  ...breakIf(1),
  // s = src + 4r, t = dst + r · dstStride, q = 0
  ...get(SRC),
  ...get(R),
  ...i32Const(4),
  ...i32Mul,
  ...i32Add,
  ...set(S),
  ...get(DST),
  ...get(R),
  ...get(DSTRIDE),
  ...i32Mul,
  ...i32Add,
  ...set(T),
  ...i32Const(0),
  ...set(Q),
  ...BLOCK,
  ...LOOP,
  ...get(Q),
  ...get(WIDTH),
  ...i32GeU,
  ...breakIf(1),
  ...get(T),
  ...get(S),
  ...f32Load,
  ...splat,
  ...lane(get(SSTRIDE)),
  ...replaceLane(1),
  ...lane(get(S2)),
  ...replaceLane(2),
  ...lane(get(S3)),
  ...replaceLane(3),
  ...store,
  ...inc(S, get(S4)),
  ...inc(T, i32Const(16)),
  ...inc(Q, i32Const(4)),
  ...branch(0),
  ...END,
  ...END,
  ...inc(R, i32Const(1)),
  ...branch(0),
  ...END,
  ...END,
  ...END,
];

/** The module's bytes, for a shared (tfjs' threaded build) or an unshared memory. */
export function gradientModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const types = [
    ...leb(3),
    ...[0x60, ...leb(4), I32, I32, I32, F32, ...leb(0)],
    ...[0x60, ...leb(6), ...Array(6).fill(I32), ...leb(0)],
    ...[0x60, ...leb(3), I32, I32, I32, ...leb(1), F32],
  ];
  const bodies = [scaledBody(true), transposeBody, dotBody, scaledBody(false)];
  return new Uint8Array([
    ...MODULE_HEADER,
    ...section(1, types),
    ...importedMemory(shared),
    // Functions: axpy (type 0), transposeBlock (1), dot (2), scale (0).
    ...section(3, [...leb(4), ...leb(0), ...leb(1), ...leb(2), ...leb(0)]),
    ...section(7, [
      ...leb(4),
      ...['axpy', 'transposeBlock', 'dot', 'scale'].flatMap((exported, i) => [...name(exported), 0x00, ...leb(i)]),
    ]),
    ...section(10, [...leb(bodies.length), ...bodies.flatMap((body) => [...leb(body.length), ...body])]),
  ]);
}

const compiled = new WeakMap<WebAssembly.Memory, GradientKernels | null>();

/** The kernels for `memory`, compiled once per memory; null where WebAssembly SIMD is missing. */
export function gradientKernelsFor(memory: WebAssembly.Memory): GradientKernels | null {
  if (compiled.has(memory)) return compiled.get(memory)!;
  let kernels: GradientKernels | null;
  try {
    const module = new WebAssembly.Module(gradientModuleBytes(isShared(memory)));
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GradientKernels;
  } catch {
    kernels = null;
  }
  compiled.set(memory, kernels);
  return kernels;
}
