import * as tf from '@tensorflow/tfjs';
import { type HostPairBatch, type PairBatch, disposeBatch, toBatchTensors } from './batch';
import { latentCount, MODALITIES } from './config';
import { LOSS_TERM_NAMES, type LossTermName, lucidLoss } from './losses';
import { type LucidModel, setDecoderNormToUnitNorm, trainableVariables } from './model';

/** Loss terms of a step as plain numbers. */
export type LossValues = Record<LossTermName, number>;

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
  /** Frees the optimiser state and counters (not the model). */
  dispose(): void;
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

/** A trainer with Adam at the configuration's learning rate. */
export function createTrainer(model: LucidModel): Trainer {
  const optimizer = tf.train.adam(model.config.learningRate);
  const variables = trainableVariables(model);
  const decoderNames = new Set(MODALITIES.map((modality) => model[modality].wDec.name));
  const decoders = new Map(MODALITIES.map((modality) => [model[modality].wDec.name, model[modality].wDec]));
  const tokensSinceFired = tf.tidy(() => tf.variable(tf.zeros([latentCount(model.config)]), false));
  let lastLosses: tf.Tensor1D = tf.zeros([LOSS_TERM_NAMES.length]);
  let stepCount = 0;

  function stepOnTensors(batch: PairBatch): void {
    const losses = tf.tidy(() => {
      const dead = tokensSinceFired.greater(model.config.deadAfterTokens).toFloat() as tf.Tensor1D;
      let kept: tf.Tensor[] = [];
      const { grads } = tf.variableGrads(() => {
        const terms = lucidLoss(model, batch, dead);
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
        grads[name] = removeGradientParallelToDecoderDirections(grads[name] as tf.Tensor2D, decoders.get(name)!);
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
    stepCount++;
  }

  return {
    model,
    get stepCount() {
      return stepCount;
    },
    step(batch) {
      if (!isHostBatch(batch)) return stepOnTensors(batch);
      const tensors = toBatchTensors(model.config, batch);
      try {
        stepOnTensors(tensors);
      } finally {
        disposeBatch(tensors);
      }
    },
    async readLosses() {
      const values = await lastLosses.data();
      return Object.fromEntries(LOSS_TERM_NAMES.map((name, i) => [name, values[i]])) as LossValues;
    },
    async readTokensSinceFired() {
      return (await tokensSinceFired.data()) as Float32Array;
    },
    async readDeadFraction() {
      const counts = await tokensSinceFired.data();
      let dead = 0;
      for (const count of counts) if (count > model.config.deadAfterTokens) dead++;
      return dead / counts.length;
    },
    dispose() {
      optimizer.dispose();
      tokensSinceFired.dispose();
      lastLosses.dispose();
    },
  };
}
