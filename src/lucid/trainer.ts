import * as tf from '@tensorflow/tfjs';
import { type HostPairBatch, type PairBatch, disposeBatch, toBatchTensors } from './batch';
import { latentCount, MODALITIES } from './config';
import { LOSS_TERM_NAMES, type LossTermName, lucidLoss } from './losses';
import { hostProjectOutDecoderDirections } from './hostDecoder';
import { type LucidModel, setDecoderNormToUnitNorm, trainableVariables } from './model';
import { leanAdam } from './leanAdam';
import type { DecodePath } from './sparseDecode';

/** Loss terms of a step as plain numbers. */
export type LossValues = Record<LossTermName, number>;

/**
 * What a resumed run needs besides the weights to continue as if never interrupted: Adam's step and
 * moments, and the dead-latent counters. Plain arrays, so it can be stored (IndexedDB) as it is.
 */
export interface TrainerState {
  steps: number;
  adamIterations: number;
  tokensSinceFired: Float32Array;
  /** Adam's first then second moments, in the order Adam created them ([] before the first step). */
  moments: { name: string; shape: number[]; values: Float32Array }[];
}

/** Trains a LUCID model in place; owns its optimiser state and dead-latent counters. */
export interface Trainer {
  readonly model: LucidModel;
  /** Steps taken so far. */
  readonly stepCount: number;
  /**
   * One optimisation step on a batch. Nothing is read back from the device: call
   * {@link Trainer.readLosses} every few steps (GAN Lab's VIS_INTERVAL pattern).
   */
  step(batch: PairBatch | HostPairBatch): void;
  /** The loss terms of the latest step. */
  readLosses(): Promise<LossValues>;
  /** Tokens since each latent last fired, in either modality [m]. */
  readTokensSinceFired(): Promise<Float32Array>;
  /** Share of latents silent for more than `deadAfterTokens` tokens. */
  readDeadFraction(): Promise<number>;
  /** A copy of the optimiser state and counters, for a checkpoint. */
  readState(): Promise<TrainerState>;
  /**
   * Continues from a state read from a trainer of a model with the same configuration. Only on a
   * fresh trainer (before its first step); throws on moments that do not fit the model.
   */
  restoreState(state: TrainerState): Promise<void>;
  /** Frees the optimiser state and counters (not the model). */
  dispose(): void;
}

function largest(values: ArrayLike<number>): number {
  let most = 0;
  for (let i = 0; i < values.length; i++) most = Math.max(most, values[i]);
  return most;
}

function isHostBatch(batch: PairBatch | HostPairBatch): batch is HostPairBatch {
  return batch.patches instanceof Float32Array;
}

/**
 * Removes from each decoder row's gradient its component along that row, so that Adam moves the
 * row along the unit sphere it is renormalised to (openai/sparse_autoencoder, `unit_norm_decoder_grad_adjustment_`).
 */
export function removeGradientParallelToDecoderDirections(gradient: tf.Tensor2D, decoder: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const parallel = tf.sum(tf.mul(gradient, decoder), 1, true);
    return tf.sub(gradient, tf.mul(parallel, decoder));
  });
}

/** Choices that change how fast a step runs, never what it computes. */
export interface TrainerOptions {
  /** How Top-K codes are decoded (src/lucid/sparseDecode.ts); 'auto' picks the faster by shape. */
  decodePath?: DecodePath;
}

/** A trainer with Adam at the configuration's learning rate. */
export function createTrainer(model: LucidModel, options: TrainerOptions = {}): Trainer {
  const decodePath = options.decodePath ?? 'auto';
  // tfjs' Adam with a tidy per variable: the same updates, without holding every variable's temporaries at once.
  const optimizer = leanAdam(model.config.learningRate);
  const variables = trainableVariables(model);
  const decoderNames = new Set(MODALITIES.map((modality) => model[modality].wDec.name));
  const decoders = new Map(MODALITIES.map((modality) => [model[modality].wDec.name, model[modality].wDec]));
  const tokensSinceFired = tf.tidy(() => tf.variable(tf.zeros([latentCount(model.config)]), false));
  let lastLosses: tf.Tensor1D = tf.zeros([LOSS_TERM_NAMES.length]);
  let stepCount = 0;
  // An upper bound, kept on the host, of the largest tokens-since-fired counter: it grows by each step's
  // tokens and is lowered to the true maximum whenever the counters are read. While it is at most
  // deadAfterTokens no latent can be dead and AuxK, whose loss and gradients are then exactly 0, is
  // skipped: at ViT-B/16 size its dense [n, m] · [m, d] products are half a step's arithmetic.
  let counterBound = 0;

  /** The counters, lowering the bound to their maximum plus what steps taken since the read added. */
  async function readCounters(): Promise<Float32Array> {
    const boundAtRead = counterBound;
    const counts = (await tokensSinceFired.data()) as Float32Array;
    counterBound = Math.min(counterBound, largest(counts) + (counterBound - boundAtRead));
    return counts;
  }

  function stepOnTensors(batch: PairBatch, tokenBound: number): void {
    const losses = tf.tidy(() => {
      const dead =
        counterBound > Math.fround(model.config.deadAfterTokens)
          ? (tokensSinceFired.greater(model.config.deadAfterTokens).toFloat() as tf.Tensor1D)
          : null;
      let kept: tf.Tensor[] = [];
      const { grads } = tf.variableGrads(() => {
        const terms = lucidLoss(model, batch, dead, decodePath);
        // variableGrads disposes everything but the returned scalar; keep what the step reports.
        kept = [tf.stack(LOSS_TERM_NAMES.map((name) => terms[name])), terms.fired, terms.tokenCount].map((t) =>
          tf.keep(t),
        );
        return terms.total;
      }, variables);
      // An image-only batch gives no gradient to the text side: leave those variables untouched.
      for (const name of Object.keys(grads)) if (!grads[name]) delete grads[name];
      for (const name of decoderNames) {
        if (!grads[name]) continue;
        const gradient = grads[name] as tf.Tensor2D;
        grads[name] =
          hostProjectOutDecoderDirections(gradient, decoders.get(name)!) ??
          removeGradientParallelToDecoderDirections(gradient, decoders.get(name)!);
      }
      optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
      const [lossVector, fired, tokenCount] = kept;
      tokensSinceFired.assign(tf.where(fired.greater(0), tf.zerosLike(fired), tokensSinceFired.add(tokenCount)));
      // Kept tensors belong to no scope: free them here; the loss vector outlives the step.
      tf.dispose([fired, tokenCount]);
      return lossVector;
    });
    setDecoderNormToUnitNorm(model);
    lastLosses.dispose();
    lastLosses = losses as tf.Tensor1D;
    // Each float32 addition to a counter rounds by at most 2^-24 of the sum: grow the bound by that too.
    counterBound = (counterBound + tokenBound) * (1 + 2 ** -23);
    stepCount++;
  }

  return {
    model,
    get stepCount() {
      return stepCount;
    },
    step(batch) {
      if (!isHostBatch(batch)) {
        // At most every patch and every caption position counts.
        const [pairs, patches] = batch.patches.shape;
        return stepOnTensors(batch, pairs * (patches + (batch.captions?.tokens.shape[1] ?? 0)));
      }
      const tensors = toBatchTensors(model.config, batch);
      let tokens = batch.pairs * batch.grid[0] * batch.grid[1];
      for (const real of batch.captions?.tokenMask ?? []) tokens += real;
      try {
        stepOnTensors(tensors, tokens);
      } finally {
        disposeBatch(tensors);
      }
    },
    async readLosses() {
      const values = await lastLosses.data();
      return Object.fromEntries(LOSS_TERM_NAMES.map((name, i) => [name, values[i]])) as LossValues;
    },
    async readTokensSinceFired() {
      return readCounters();
    },
    async readDeadFraction() {
      const counts = await readCounters();
      let dead = 0;
      for (const count of counts) if (count > model.config.deadAfterTokens) dead++;
      return dead / counts.length;
    },
    async readState() {
      const [iterations, ...moments] = await optimizer.getWeights();
      const adamIterations = (await iterations.tensor.data())[0];
      iterations.tensor.dispose();
      return {
        steps: stepCount,
        adamIterations,
        tokensSinceFired: (await readCounters()).slice(),
        moments: await Promise.all(
          moments.map(async ({ name, tensor }) => ({
            name,
            shape: tensor.shape.slice(),
            values: (await tensor.data()).slice() as Float32Array,
          })),
        ),
      };
    },
    async restoreState(state) {
      if (stepCount !== 0) throw new Error('restoreState needs a trainer that has not stepped yet');
      const m = latentCount(model.config);
      if (state.tokensSinceFired.length !== m) {
        throw new Error(`trainer state is for ${state.tokensSinceFired.length} latents, the model has ${m}`);
      }
      // Adam creates moments in the order of the gradients it receives: variables in
      // trainableVariables order, the first `n` of them (an image-only run never has text moments).
      const shapes = variables.map((variable) => variable.shape.join('×'));
      const half = state.moments.length / 2;
      state.moments.forEach((moment, i) => {
        if (moment.shape.join('×') !== shapes[i % half]) {
          throw new Error(
            `trainer state moment ${moment.name} is ${moment.shape.join('×')}, expected ${shapes[i % half]}`,
          );
        }
      });
      const weights = [
        { name: 'iter', tensor: tf.scalar(state.adamIterations, 'int32') },
        ...state.moments.map(({ name, shape, values }) => ({ name, tensor: tf.tensor(values, shape) })),
      ];
      try {
        await optimizer.setWeights(weights);
      } finally {
        tf.dispose(weights.map((w) => w.tensor));
      }
      tokensSinceFired.assign(tf.tensor1d(state.tokensSinceFired));
      counterBound = largest(state.tokensSinceFired);
      stepCount = state.steps;
    },
    dispose() {
      optimizer.dispose();
      tokensSinceFired.dispose();
      lastLosses.dispose();
    },
  };
}
