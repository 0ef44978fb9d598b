/**
 * Helper threads for the trainer's host passes (hostOps.ts: Adam's update, W_enc's transpose, the
 * decoder's projection and renorm). tfjs' WASM threads work only inside its kernels; between them the
 * training worker's host passes ran on one core while the others idled. Where tfjs' memory is shared
 * (its threaded build, on a cross-origin isolated page) and the caller is a worker (it may block), up to
 * three helper workers bind the same kernels to the same memory, and `runSplit` cuts a pass into parts:
 * the caller runs the first, each helper one of the rest, and the caller waits for them
 * (`Atomics.wait`). Anywhere else — Node, the page itself, an unshared memory, one core — or before the
 * helpers have started, the whole pass runs on the caller, with the same result bit for bit (hostOps.ts).
 *
 * The helpers are started on the first pass that could use them (or by `hostHelpersReady`) and are
 * ready once the caller has yielded to its event loop for a few milliseconds; passes until then run on
 * the caller. Written by hand: tfjs offers no way to run code on its threads,
 * and a worker pool library would post messages, which a synchronous training step cannot wait for.
 */
import { adamModuleBytes } from './adamKernel';
import { gradientModuleBytes } from './gradientKernel';
import { HOST_OP_NAMES, HOST_OPS, type HostKernels, type HostOpName } from './hostOps';
import { isShared } from './wasmAssembly';

// A helper's control block: Int32 slots, then its arguments as Float64 (offsets and f32 constants are exact).
const [REQUEST, DONE, READY, FAILED, OP, FROM, TO, ARGC] = [0, 1, 2, 3, 4, 5, 6, 7];
const CONTROL_INTS = 8;
const MAX_ARGS = 16;
const CONTROL_BYTES = CONTROL_INTS * 4 + MAX_ARGS * 8;
/** At most this many helpers: the passes are memory-bound, and tfjs' own threads need cores too. */
const MAX_HELPERS = 3;
/** How long the caller waits for a helper's part before it gives the helpers up (ms). */
const HELPER_TIMEOUT_MS = 60_000;

interface Control {
  ints: Int32Array;
  args: Float64Array;
}

function controlOf(buffer: SharedArrayBuffer): Control {
  return { ints: new Int32Array(buffer, 0, CONTROL_INTS), args: new Float64Array(buffer, CONTROL_INTS * 4, MAX_ARGS) };
}

/** What a helper is sent once: the memory, the two kernel modules and its control block. */
export interface HelperStart {
  memory: WebAssembly.Memory;
  adamModule: WebAssembly.Module;
  gradientModule: WebAssembly.Module;
  control: SharedArrayBuffer;
}

/** A helper's whole life (hostHelper.worker.ts): bind the kernels, say so, then run parts as they come. */
export function runHelper(start: HelperStart): never {
  const env = { env: { memory: start.memory } };
  const kernels: HostKernels = {
    adam: new WebAssembly.Instance(start.adamModule, env).exports.adam as HostKernels['adam'],
    gradient: new WebAssembly.Instance(start.gradientModule, env).exports as unknown as HostKernels['gradient'],
  };
  const { ints, args } = controlOf(start.control);
  Atomics.store(ints, READY, 1);
  let seen = 0;
  for (;;) {
    Atomics.wait(ints, REQUEST, seen);
    seen = Atomics.load(ints, REQUEST);
    try {
      HOST_OPS[HOST_OP_NAMES[ints[OP]]](kernels, Array.from(args.subarray(0, ints[ARGC])), ints[FROM], ints[TO]);
    } catch {
      Atomics.store(ints, FAILED, 1);
    }
    Atomics.store(ints, DONE, seen);
    Atomics.notify(ints, DONE);
  }
}

interface Pool {
  controls: Control[];
  workers: Worker[];
  broken: boolean;
}

const pools = new WeakMap<WebAssembly.Memory, Pool | null>();

/**
 * Whether `runSplit` may use helpers, and the smallest part worth handing one, in floats of work
 * (tests lower it to split small passes).
 */
export const hostThreadSwitch = { enabled: true, minPartFloats: 1 << 15 };

/** Helpers can share `memory` and the caller may block: a worker on a cross-origin isolated page. */
function helpersPossible(memory: WebAssembly.Memory): boolean {
  return (
    isShared(memory) &&
    typeof Worker !== 'undefined' &&
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' &&
    (globalThis.navigator?.hardwareConcurrency ?? 1) > 1
  );
}

function startPool(memory: WebAssembly.Memory): Pool {
  const count = Math.min(MAX_HELPERS, (globalThis.navigator?.hardwareConcurrency ?? 1) - 1);
  const adamModule = new WebAssembly.Module(adamModuleBytes(true));
  const gradientModule = new WebAssembly.Module(gradientModuleBytes(true));
  const pool: Pool = { controls: [], workers: [], broken: false };
  for (let i = 0; i < count; i++) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const worker = new Worker(new URL('./hostHelper.worker.ts', import.meta.url), {
      type: 'module',
      name: `lucid-host-helper-${i}`,
    });
    worker.onerror = () => {
      pool.broken = true;
    };
    worker.postMessage({ memory, adamModule, gradientModule, control } satisfies HelperStart);
    pool.controls.push(controlOf(control));
    pool.workers.push(worker);
  }
  return pool;
}

function poolFor(memory: WebAssembly.Memory): Pool | null {
  if (!pools.has(memory)) {
    let pool: Pool | null;
    try {
      pool = helpersPossible(memory) ? startPool(memory) : null;
    } catch {
      pool = null;
    }
    pools.set(memory, pool);
  }
  return pools.get(memory)!;
}

/**
 * Starts the helpers for `memory` (where they can run) and resolves with how many are ready, once all
 * are or after `timeoutMs`. A worker's nested workers start only while it runs its event loop, so a
 * caller that then steps without yielding (a benchmark) waits here first; the app's run loop yields
 * between steps, and its helpers join within its first steps.
 */
export async function hostHelpersReady(memory: WebAssembly.Memory, timeoutMs = 5_000): Promise<number> {
  const pool = hostThreadSwitch.enabled ? poolFor(memory) : null;
  if (!pool) return 0;
  const deadline = performance.now() + timeoutMs;
  while (readyHelpers(memory) < pool.controls.length && !pool.broken && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 5));
  return readyHelpers(memory);
}

/** Helpers bound to `memory` and ready now (0 where there are none yet, or none can be). */
export function readyHelpers(memory: WebAssembly.Memory): number {
  const pool = hostThreadSwitch.enabled ? poolFor(memory) : null;
  if (!pool || pool.broken) return 0;
  return pool.controls.filter((control) => Atomics.load(control.ints, READY) === 1).length;
}

/**
 * Runs `HOST_OPS[op]` over [0, total) — on the caller alone, or cut at multiples of `align` into a part
 * for the caller and one for each ready helper, each part at least `hostThreadSwitch.minPartFloats` of
 * work (a unit of the op is `unitFloats` floats: a row's width for the row ops).
 * Throws where a helper failed or did not answer (its part may be half done); the helpers are not used again.
 */
export function runSplit(
  memory: WebAssembly.Memory,
  kernels: HostKernels,
  op: HostOpName,
  args: number[],
  total: number,
  align = 1,
  unitFloats = 1,
): void {
  const pool = hostThreadSwitch.enabled ? poolFor(memory) : null;
  const helpers =
    pool && !pool.broken ? pool.controls.filter((control) => Atomics.load(control.ints, READY) === 1) : [];
  const parts = Math.min(
    helpers.length + 1,
    Math.floor((total * unitFloats) / Math.max(1, hostThreadSwitch.minPartFloats)),
    Math.floor(total / align),
  );
  if (parts <= 1 || args.length > MAX_ARGS) {
    HOST_OPS[op](kernels, args, 0, total);
    return;
  }
  const bounds = Array.from({ length: parts + 1 }, (_, i) =>
    i === parts ? total : Math.floor((total * i) / parts / align) * align,
  );
  const requests = helpers.slice(0, parts - 1).map((control, i) => {
    control.args.set(args);
    Atomics.store(control.ints, OP, HOST_OP_NAMES.indexOf(op));
    Atomics.store(control.ints, ARGC, args.length);
    Atomics.store(control.ints, FROM, bounds[i + 1]);
    Atomics.store(control.ints, TO, bounds[i + 2]);
    const request = Atomics.add(control.ints, REQUEST, 1) + 1;
    Atomics.notify(control.ints, REQUEST);
    return request;
  });
  HOST_OPS[op](kernels, args, bounds[0], bounds[1]);
  let failure: string | null = null;
  requests.forEach((request, i) => {
    const { ints } = helpers[i];
    const deadline = performance.now() + HELPER_TIMEOUT_MS;
    let done = Atomics.load(ints, DONE);
    while (done !== request && performance.now() < deadline) {
      Atomics.wait(ints, DONE, done, Math.max(1, deadline - performance.now()));
      done = Atomics.load(ints, DONE);
    }
    if (done !== request) failure ??= `did not finish its part of ${op} within ${HELPER_TIMEOUT_MS / 1000} s`;
    else if (Atomics.load(ints, FAILED)) failure ??= `failed in its part of ${op}`;
  });
  if (failure !== null) {
    pool!.broken = true;
    for (const worker of pool!.workers) worker.terminate();
    throw new Error(`a training helper thread ${failure}; the step's result is incomplete`);
  }
}
