/**
 * The run loop: one LUCID step per task (a `MessageChannel` yield between steps lets Pause, Stop and
 * Export in), losses read back only every `metricsEverySteps` steps and judged by the NaN guard,
 * until the run completes, is stopped or fails; then what it made becomes the session's outcome.
 */
import { disposeLucid } from '../lucid/model';
import { createTrainer } from '../lucid/trainer';
import type { MetricsPoint } from './api';
import { assembleBatch } from './batching';
import { DeviceLostError } from './deviceWatch';
import { nextBatch } from './encodeQueue';
import { appendCapped, historyUpTo } from './history';
import { observeLosses } from './nanGuard';
import { checkpoint, recoverOnWasm } from './persistence';
import { type ActiveRun, releaseTraining, restoreSnapshot, takeSnapshot } from './runState';
import { type SessionContext, nextTask } from './sessionContext';

/** Runs `r` to its end; every failure ends as a 'finished' event with the reason, never a rejection. */
export async function loop(session: SessionContext, r: ActiveRun): Promise<void> {
  session.setPhase(r, 'training');
  r.window = { start: performance.now(), steps: 0, encodeSeconds: 0 };
  try {
    while (r.step < r.settings.steps && !r.stopRequested) {
      if (r.paused) {
        await new Promise<void>((resolve) => (r.wake = resolve));
        r.window = { start: performance.now(), steps: 0, encodeSeconds: 0 };
        continue;
      }
      try {
        await trainOneStep(session, r);
      } catch (error) {
        // A lost device can make WebGPU calls fail before `lost` resolves: give it time to settle.
        if (!(error instanceof DeviceLostError)) await session.device.settle();
        if (!(error instanceof DeviceLostError) && !session.device.gone) throw error;
        await recoverOnWasm(session, r);
      }
      session.progress(r);
      await nextTask();
    }
    if (!r.dictionary) {
      if (!r.stopRequested) throw new Error('no image in the folder could be read');
      session.setPhase(r, 'idle');
      session.emit({ type: 'finished', step: 0, reason: 'stopped' });
      session.run = null;
      return;
    }
    if (r.lastReadStep !== r.step) await readBack(session, r);
    await checkpoint(session, r, r.step >= r.settings.steps);
    finish(session, r, r.step >= r.settings.steps ? 'completed' : 'stopped');
  } catch (error) {
    session.notice('error', `Training stopped: ${(error as Error).message}`);
    if (r.dictionary) finish(session, r, 'failed');
    else {
      session.setPhase(r, 'failed');
      session.emit({ type: 'finished', step: r.step, reason: 'failed' });
      session.run = null;
    }
  }
}

async function trainOneStep(session: SessionContext, r: ActiveRun): Promise<void> {
  if (session.device.gone) throw new DeviceLostError();
  const planned = await nextBatch(session, r);
  if (!planned) {
    if (!r.stopRequested) r.stopRequested = true;
    return;
  }
  r.trainer!.step(assembleBatch(r.examples, planned, r.grid, r.dictionary!.norm));
  r.step++;
  r.window.steps++;
  if (r.step % r.settings.metricsEverySteps === 0 || r.step === r.settings.steps) await readBack(session, r);
}

/** Reads the latest losses back, lets the guard judge them, and checkpoints when due. */
async function readBack(session: SessionContext, r: ActiveRun): Promise<void> {
  const trainer = r.trainer!;
  const losses = await session.device.guarded(trainer.readLosses());
  const deadFraction = await session.device.guarded(trainer.readDeadFraction());
  const now = performance.now();
  if (r.window.start !== null && r.window.steps > 0) {
    r.stepRate.observe(r.window.steps, Math.max(0, (now - r.window.start) / 1000 - r.window.encodeSeconds));
  }
  r.window = { start: now, steps: 0, encodeSeconds: 0 };
  r.lastReadStep = r.step;
  const decision = observeLosses(r.guard, r.step, losses);
  r.guard = decision.state;
  if (decision.action === 'accept') {
    takeSnapshot(r);
    const point: MetricsPoint = { ...losses, step: r.step, deadFraction, learningRate: r.guard.learningRate };
    r.history = appendCapped(r.history, point);
    session.emit({ type: 'metrics', point });
    if (r.step - r.lastCheckpointStep >= r.settings.checkpointEverySteps) await checkpoint(session, r, false);
    return;
  }
  const badStep = r.step;
  restoreSnapshot(r);
  r.step = r.guard.lastGoodStep;
  r.lastReadStep = r.step;
  r.history = historyUpTo(r.history, r.step);
  if (decision.action === 'abort') {
    throw new Error(
      `training diverged: ${decision.badTerms.join(', ')} stayed non-finite after ${r.guard.consecutiveRejections} ` +
        `rejections; the weights of step ${r.step} are kept`,
    );
  }
  // A new optimiser at the lower rate: Adam's moments may hold the non-finite values too.
  trainer.dispose();
  r.dictionary!.model.config = { ...r.dictionary!.model.config, learningRate: r.guard.learningRate };
  r.trainer = createTrainer(r.dictionary!.model);
  session.notice(
    'warning',
    `Step ${badStep} gave non-finite ${decision.badTerms.join(', ')}: those steps were rejected, the weights of ` +
      `step ${r.step} restored and the learning rate halved to ${r.guard.learningRate.toExponential(2)}.`,
  );
}

/** Ends the run: its dictionary, images and read-backs become the session's outcome. */
function finish(session: SessionContext, r: ActiveRun, reason: 'completed' | 'stopped' | 'failed'): void {
  releaseTraining(r);
  const previous = session.outcome;
  if (previous && previous.dictionary.model !== r.dictionary!.model) disposeLucid(previous.dictionary.model);
  session.outcome = {
    dictionary: r.dictionary!,
    start: r.start,
    baseline: r.baseline,
    interpretation: r.interpretation,
    examples: r.examples,
    grid: r.grid,
    history: r.history,
    captions: Object.fromEntries(r.images.map((image) => [image.path, image.caption])),
    relabelled: null,
  };
  session.setPhase(r, reason === 'failed' ? 'failed' : 'finished');
  session.emit({ type: 'finished', step: r.step, reason });
  session.run = null;
}
