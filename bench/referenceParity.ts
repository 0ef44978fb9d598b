/**
 * Checks that bench/reference_trainer.py (the PyTorch CPU reference of the training benchmark)
 * computes the same LUCID step as the tfjs core. Builds a seeded model with scratchConfig(128, 128)
 * and a benchmark batch (src/training/benchmark.ts), writes both with a dead-latent mask to a temp
 * folder as one safetensors file, and compares, term by term:
 *  1. the loss terms with that mask (so AuxK is not 0) and the gradient norm of every variable
 *     (decoder gradients projected as the trainer does);
 *  2. the loss terms of one trainer step from a fresh dead-latent counter;
 *  3. the loss terms after that step (Adam, projection and renormalisation), with the mask again;
 * and that the reference's own benchmark configuration equals scratchConfig(128, 128).
 * Exits non-zero when any value differs by more than 1e-3 relative, or the configurations differ.
 *
 * Run: npx tsx bench/referenceParity.ts
 * Env: PARITY_BACKEND ("wasm", or "cpu"), PARITY_PAIRS (16, as the benchmark), PARITY_SEED (1).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { toBatchTensors, disposeBatch } from '../src/lucid/batch';
import { latentCount } from '../src/lucid/config';
import { LOSS_TERM_NAMES, type LossTermName, lucidLoss } from '../src/lucid/losses';
import { type LucidModel, createLucid, disposeLucid, trainableVariables } from '../src/lucid/model';
import { type NamedArray, encodeSafetensors } from '../src/lucid/safetensors';
import { createTrainer, removeGradientParallelToDecoderDirections } from '../src/lucid/trainer';
import { BENCHMARK_SHAPE, benchmarkBatch } from '../src/training/benchmark';
import { scratchConfig } from '../src/training/scratchConfig';

const BACKEND = process.env.PARITY_BACKEND ?? 'wasm';
const PAIRS = Number(process.env.PARITY_PAIRS ?? 16);
const SEED = Number(process.env.PARITY_SEED ?? 1);
const RELATIVE_TOLERANCE = 1e-3;
/** Below this, two values count as equal whatever their ratio (both are float32 noise around 0). */
const ABSOLUTE_FLOOR = 1e-7;
/** Every third latent is marked dead, so AuxK has latents to work with in both modalities. */
const DEAD_EVERY = 3;

type Values = Record<string, number>;

interface ReferenceOutput {
  /** Fields where the reference's hand-written scratch_config differs from scratchConfig(128, 128). */
  configDifferences: string[];
  initial: Values;
  gradientNorms: Values;
  step: Values;
  afterStep: Values;
  dustbinCostAfterStep: number;
}

/** Tensor names as in the weights file (weightsIO.ts), keyed by the tfjs variable. */
function weightNames(model: LucidModel): Map<tf.Variable, string> {
  const names = new Map<tf.Variable, string>();
  for (const modality of ['image', 'text'] as const) {
    const p = model[modality];
    names.set(p.wEnc, `${modality}.W_enc`);
    names.set(p.bEnc, `${modality}.b_enc`);
    names.set(p.wDec, `${modality}.W_dec`);
    names.set(p.bPre, `${modality}.b_pre`);
  }
  names.set(model.dustbinCost, 'gcmt.dustbin_cost');
  return names;
}

async function lossValues(terms: Record<LossTermName, tf.Tensor>): Promise<Values> {
  const out: Values = {};
  for (const name of LOSS_TERM_NAMES) out[name] = (await terms[name].data())[0];
  return out;
}

function relativeDifference(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale < ABSOLUTE_FLOOR ? 0 : Math.abs(a - b) / scale;
}

await tf.setBackend(BACKEND);
await tf.ready();
const config = scratchConfig(BENCHMARK_SHAPE.d, BENCHMARK_SHAPE.d);
const model = createLucid(config, SEED);
const hostBatch = benchmarkBatch(PAIRS, SEED);
const batch = toBatchTensors(config, hostBatch);
const deadArray = Float32Array.from({ length: latentCount(config) }, (_, i) => (i % DEAD_EVERY === 0 ? 1 : 0));
const dead = tf.tensor1d(deadArray);
const names = weightNames(model);
const directory = mkdtempSync(join(tmpdir(), 'lucid-parity-'));

try {
  const tensors = new Map<string, NamedArray>();
  for (const variable of trainableVariables(model)) {
    tensors.set(names.get(variable)!, { shape: variable.shape, data: (await variable.data()) as Float32Array });
  }
  const captions = hostBatch.captions!;
  const np = hostBatch.grid[0] * hostBatch.grid[1];
  tensors.set('batch.patches', { shape: [PAIRS, np, config.dImage], data: hostBatch.patches });
  tensors.set('batch.tokens', { shape: [PAIRS, captions.length, config.dText], data: captions.tokens });
  tensors.set('batch.token_mask', { shape: [PAIRS, captions.length], data: captions.tokenMask });
  tensors.set('batch.align_mask', { shape: [PAIRS, captions.length], data: captions.alignMask });
  tensors.set('dead', { shape: [deadArray.length], data: deadArray });
  const metadata = { config: JSON.stringify(config), grid: JSON.stringify(hostBatch.grid) };
  writeFileSync(join(directory, 'parity.safetensors'), encodeSafetensors(tensors, metadata));

  // 1. Loss terms and projected gradient norms with the dead mask.
  let initial: Values = {};
  const gradientNorms: Values = {};
  {
    const kept = {} as Record<LossTermName, tf.Tensor>;
    const { grads } = tf.variableGrads(() => {
      const terms = lucidLoss(model, batch, dead);
      // variableGrads disposes everything but the returned scalar: keep the terms to read them.
      for (const name of LOSS_TERM_NAMES) kept[name] = tf.keep(terms[name]);
      return terms.total;
    }, trainableVariables(model));
    initial = await lossValues(kept);
    for (const variable of trainableVariables(model)) {
      const norm = tf.tidy(() => {
        let gradient = grads[variable.name];
        if (variable === model.image.wDec || variable === model.text.wDec) {
          gradient = removeGradientParallelToDecoderDirections(gradient as tf.Tensor2D, variable as tf.Tensor2D);
        }
        return tf.norm(gradient);
      });
      gradientNorms[names.get(variable)!] = (await norm.data())[0];
      norm.dispose();
    }
    tf.dispose([...Object.values(kept), ...Object.values(grads)]);
  }

  // 2. and 3. One trainer step from a fresh counter, then the terms again with the dead mask.
  const trainer = createTrainer(model);
  trainer.step(batch);
  const step = await trainer.readLosses();
  const afterTerms = lucidLoss(model, batch, dead);
  const afterStep = await lossValues(afterTerms);
  const dustbinCostAfterStep = (await model.dustbinCost.data())[0];
  tf.dispose(Object.values(afterTerms));
  trainer.dispose();

  const run = spawnSync('/usr/bin/python3', ['bench/reference_trainer.py', '--parity', directory], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`reference trainer failed (${run.status}): ${run.stderr}`);
  const reference = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ReferenceOutput;

  const rows: Record<string, { tfjs: number; pytorch: number; relativeDifference: number }> = {};
  const compare = (section: string, ours: Values, theirs: Values) => {
    for (const [name, value] of Object.entries(ours)) {
      rows[`${section} ${name}`] = {
        tfjs: value,
        pytorch: theirs[name],
        relativeDifference: relativeDifference(value, theirs[name]),
      };
    }
  };
  compare('loss', initial, reference.initial);
  compare('‖grad‖', gradientNorms, reference.gradientNorms);
  compare('step', step, reference.step);
  compare('after step', afterStep, reference.afterStep);
  compare('after step', { dustbinCost: dustbinCostAfterStep }, { dustbinCost: reference.dustbinCostAfterStep });

  console.log(
    `LUCID step, tfjs ${tf.getBackend()} vs PyTorch CPU reference: scratchConfig(128, 128), ` +
      `B=${PAIRS} pairs, ${hostBatch.grid[0]}×${hostBatch.grid[1]} patches, ${captions.length}-token captions, ` +
      `seed ${SEED}, latents i ≡ 0 (mod ${DEAD_EVERY}) dead for AuxK`,
  );
  console.table(rows);
  const failed = Object.entries(rows).filter(
    ([, row]) => !(row.relativeDifference <= RELATIVE_TOLERANCE) || !Number.isFinite(row.pytorch),
  );
  if (reference.configDifferences.length > 0) {
    console.error(
      `reference_trainer.py's scratch_config differs from scratchConfig in: ${reference.configDifferences.join(', ')}`,
    );
    process.exitCode = 1;
  }
  if (failed.length > 0) {
    console.error(`${failed.length} value(s) differ by more than ${RELATIVE_TOLERANCE} relative:`);
    for (const [name] of failed) console.error(`  ${name}`);
    process.exitCode = 1;
  } else {
    console.log(`all ${Object.keys(rows).length} values agree within ${RELATIVE_TOLERANCE} relative`);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
  dead.dispose();
  disposeBatch(batch);
  disposeLucid(model);
}
