/**
 * Decode cost in one training step, dense against sparse, on tfjs' WASM backend in Node: the
 * forward x̂ = z · W_dec and its backward (gradients w.r.t. the pre-activations and W_dec), once as
 * a dense [n, m] · [m, d] product of Top-K codes and once through src/lucid/sparseDecode.ts.
 * Repeats are interleaved (dense, sparse, dense, …); the median of each is printed.
 * Run: npx tsx bench/sparseDecode.ts   (BENCH_REPEATS, default 5)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { matMul, topKDense } from '../src/lucid/encode';
import { sparseDecode, topKCodes } from '../src/lucid/sparseDecode';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const SHAPES = (process.env.BENCH_SHAPES ?? '2304x128x384x16,2304x128x384x64,1000x128x768x16,2048x768x16384x64')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number, number, number]);

type Path = 'dense' | 'sparse';

function decodeStep(path: Path, pre: tf.Tensor2D, wDec: tf.Variable, target: tf.Tensor2D, k: number): number {
  const start = performance.now();
  tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const p = pre as tf.Tensor2D;
      const xHat =
        path === 'dense'
          ? matMul(topKDense(p, k), wDec as tf.Tensor2D)
          : (() => {
              const codes = topKCodes(p, k);
              return sparseDecode(codes.values, codes.indices, wDec as tf.Tensor2D);
            })();
      return tf.sum(tf.square(tf.sub(xHat, target))) as tf.Scalar;
    }, [wDec, pre as tf.Variable]);
    tf.keep(value);
    const all = [value, ...Object.values(grads)];
    (all[1] as tf.Tensor).dataSync();
    (all[2] as tf.Tensor).dataSync();
    value.dispose();
  });
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await tf.setBackend('wasm');
await tf.ready();
const rows: Record<string, Record<string, number>> = {};
for (const [n, d, m, k] of SHAPES) {
  const pre = tf.variable(tf.relu(tf.randomNormal([n, m])), true, `pre${n}_${m}`) as tf.Variable;
  const wDec = tf.variable(tf.randomNormal([m, d]), true, `w${n}_${m}`);
  const target = tf.randomNormal([n, d]) as tf.Tensor2D;
  decodeStep('dense', pre as unknown as tf.Tensor2D, wDec, target, k);
  decodeStep('sparse', pre as unknown as tf.Tensor2D, wDec, target, k);
  const times: Record<Path, number[]> = { dense: [], sparse: [] };
  for (let r = 0; r < REPEATS; r++) {
    for (const path of ['dense', 'sparse'] as const) {
      times[path].push(decodeStep(path, pre as unknown as tf.Tensor2D, wDec, target, k));
    }
  }
  const dense = median(times.dense);
  const sparse = median(times.sparse);
  rows[`n=${n} d=${d} m=${m} k=${k}`] = {
    denseMs: Number(dense.toFixed(1)),
    sparseMs: Number(sparse.toFixed(1)),
    speedup: Number((dense / sparse).toFixed(2)),
  };
  console.log(JSON.stringify(rows));
  tf.dispose([pre, wDec, target]);
}
console.log(`Decode forward + backward, WASM in Node, median of ${REPEATS} interleaved repeats`);
console.table(rows);
