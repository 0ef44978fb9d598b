import * as tf from '@tensorflow/tfjs';
import { adamKernelFor } from './adamKernel';
import { type WasmInternals, wasmHeapOffset, wasmHeapView, wasmMemory } from './hostTensors';
import { runSplit } from './hostThreads';

/** The parts of tfjs' AdamOptimizer (tfjs-core 4.22, adam_optimizer.js) that its update reads and writes. */
interface AdamInternals {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/** The WebAssembly SIMD kernel on tfjs' WASM memory, where it can be built (adamKernel.ts). */
export function wasmAdamKernel() {
  const memory = wasmMemory();
  return memory ? adamKernelFor(memory) : null;
}

/** Whether leanAdam uses the SIMD kernel where it can (tests turn it off to compare with the JavaScript pass). */
export const adamKernelSwitch = { enabled: true };

const f32 = Math.fround;

/** Adam's constants of one update, as the float32 scalars tfjs' ops would use. */
interface AdamConstants {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** −lr / (1 − β1ᵗ): the learning rate and the first moment's bias correction. */
  step: number;
  /** 1 / (1 − β2ᵗ): the second moment's bias correction. */
  inverseCorrection2: number;
  epsilon: number;
}

/**
 * Adam's update of one variable in one pass over its weights, moments and gradient (the moments in
 * place, the weights into `updated`, see {@link LeanAdamOptimizer}): tfjs' formula computed in double
 * precision, with the learning rate and bias corrections folded into two constants, and stored as
 * float32. Each stored value is within a float32 rounding or two of what tfjs' eleven float32 ops give
 * (leanAdam.test.ts). Rounding every op to float32 as well (Math.fround) made the pass 2.4× slower;
 * the folded constants (two divisions fewer an element) made it ~25 % faster.
 */
function adamOnePass(
  value: Float32Array,
  updated: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  c: AdamConstants,
): void {
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, step, inverseCorrection2, epsilon } = c;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = m[i] * beta1 + gi * oneMinusBeta1;
    const vi = v[i] * beta2 + gi * gi * oneMinusBeta2;
    m[i] = mi;
    v[i] = vi;
    updated[i] = value[i] + (step * mi) / (Math.sqrt(vi * inverseCorrection2) + epsilon);
  }
}

/**
 * tfjs' Adam, with two changes. Each variable is updated on its own: tfjs runs the whole update in one
 * tidy, so the eleven temporaries of every variable's update live until the last variable is done; at
 * ViT-B/16 size (four [768|512, 16,384] matrices) that added 1.7 GB to a training step's peak, which
 * tfjs' 4 GiB WASM heap could not spare. And on the WASM backend each variable is updated in one pass
 * over tfjs' memory: by a WebAssembly SIMD kernel (adamKernel.ts; 42 M weights: ~0.1 s in Node), with
 * the JavaScript {@link adamOnePass} for a remainder of fewer than four floats or where the kernel cannot
 * be built (0.27-0.33 s), instead of 0.4-1.1 s of tfjs ops. Elsewhere, or where a moment shares its
 * memory with another tensor, tfjs' ops run in a tidy of their own. The same moments, names and iteration count (so `getWeights`/`setWeights` and checkpoints are
 * unchanged); trained weights equal `tf.train.adam`'s to float32 rounding (leanAdam.test.ts).
 */
export class LeanAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const adam = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, adam.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, adam.accBeta2);
      // On tfjs' WASM backend the update is one pass over its heap instead of eleven ops, each of which
      // allocated and wrote a tensor of the variable's size (at ViT-B/16 size, 42 M weights).
      const onWasm = tf.getBackend() === 'wasm';
      const kernel = onWasm && adamKernelSwitch.enabled ? wasmAdamKernel() : null;
      const constants = onWasm
        ? {
            beta1: f32(adam.beta1),
            beta2: f32(adam.beta2),
            oneMinusBeta1: f32(1 - adam.beta1),
            oneMinusBeta2: f32(1 - adam.beta2),
            step: f32(-adam.learningRate) / oneMinusAccBeta1.dataSync()[0],
            inverseCorrection2: 1 / oneMinusAccBeta2.dataSync()[0],
            epsilon: f32(adam.epsilon),
          }
        : null;
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        adam.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        adam.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        if (constants) {
          const offsets = [
            wasmHeapOffset(value, false),
            wasmHeapOffset(adam.accumulatedFirstMoment[i]!.variable, true),
            wasmHeapOffset(adam.accumulatedSecondMoment[i]!.variable, true),
            wasmHeapOffset(gradient, false),
          ];
          if (offsets.every((offset) => offset !== null)) {
            // The weights go to a new tensor, not over the old: tfjs' WASM matMul keeps its weights packed
            // per tensor (XNNPACK operators cached by data id), so a weight changed in place would be
            // multiplied as it was. The moments are only read here.
            const backend = tf.backend() as unknown as WasmInternals;
            const updated = tf.engine().makeTensorFromTensorInfo(backend.makeOutput(value.shape, 'float32'));
            const [w, m, v, g] = offsets as number[];
            const out = wasmHeapOffset(updated, true)!;
            const c = constants;
            // The kernel takes whole groups of four floats; the JavaScript pass the rest (and everything
            // where the kernel could not be built).
            const grouped = kernel ? value.size - (value.size % 4) : 0;
            if (grouped > 0) {
              // Split across the host helper threads where there are any (hostThreads.ts).
              const folded = [
                c.beta1,
                c.beta2,
                c.oneMinusBeta1,
                c.oneMinusBeta2,
                c.step,
                c.inverseCorrection2,
                c.epsilon,
              ];
              runSplit(
                wasmMemory()!,
                { adam: kernel, gradient: null },
                'adam',
                [w, out, m, v, g, ...folded],
                grouped,
                4,
              );
            }
            if (grouped < value.size) {
              const view = (offset: number) => wasmHeapView(offset + grouped * 4, value.size - grouped);
              adamOnePass(view(w), view(out), view(m), view(v), view(g), c);
            }
            value.assign(updated);
            updated.dispose();
            return;
          }
        }
        tf.tidy(() => {
          const firstMoment = adam.accumulatedFirstMoment[i]!.variable;
          const secondMoment = adam.accumulatedSecondMoment[i]!.variable;
          const newFirstMoment = tf.add(tf.mul(firstMoment, adam.beta1), tf.mul(gradient, 1 - adam.beta1));
          const newSecondMoment = tf.add(tf.mul(secondMoment, adam.beta2), tf.mul(tf.square(gradient), 1 - adam.beta2));
          const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
          const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
          firstMoment.assign(newFirstMoment);
          secondMoment.assign(newSecondMoment);
          const step = tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), adam.epsilon));
          value.assign(tf.add(tf.mul(step, -adam.learningRate), value));
        });
      });
      adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
      adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
    });
    adam.incrementIterations();
  }
}

/** Adam with tfjs' defaults (β1 0.9, β2 0.999, ε from the backend), as `tf.train.adam(learningRate)`. */
export function leanAdam(learningRate: number): LeanAdamOptimizer {
  return new LeanAdamOptimizer(learningRate, 0.9, 0.999);
}
