/**
 * How long a training run has left, from measured rates (pure: no clock, no DOM).
 * Encoding and optimisation are timed separately because they overlap in the first epoch
 * (images are encoded chunk by chunk between steps) and run at very different speeds.
 */

/** An exponential moving average of seconds per unit (per image, or per step). */
export interface RateTracker {
  /** Seconds per unit, or null before the first observation. */
  readonly secondsPerUnit: number | null;
  /** Records that `units` units took `seconds`; ignores empty or negative observations. */
  observe(units: number, seconds: number): void;
}

/**
 * @param smoothing weight of the newest observation in (0, 1]; 1 keeps only the latest
 */
export function createRateTracker(smoothing = 0.3): RateTracker {
  let rate: number | null = null;
  return {
    get secondsPerUnit() {
      return rate;
    },
    observe(units, seconds) {
      if (!(units > 0) || !(seconds >= 0) || !Number.isFinite(seconds)) return;
      const latest = seconds / units;
      rate = rate === null ? latest : smoothing * latest + (1 - smoothing) * rate;
    },
  };
}

export interface RunProgress {
  imagesEncoded: number;
  imagesTotal: number;
  step: number;
  totalSteps: number;
}

/**
 * Seconds left: remaining images × seconds per image + remaining steps × seconds per step.
 * Null while a rate that is still needed is unknown (the UI then says "estimating").
 */
export function estimateSecondsLeft(
  progress: RunProgress,
  secondsPerImage: number | null,
  secondsPerStep: number | null,
): number | null {
  const imagesLeft = Math.max(0, progress.imagesTotal - progress.imagesEncoded);
  const stepsLeft = Math.max(0, progress.totalSteps - progress.step);
  if (imagesLeft > 0 && secondsPerImage === null) return null;
  if (stepsLeft > 0 && secondsPerStep === null) return null;
  // Steps can end the run before every image is encoded; then encoding time is capped by the steps.
  return imagesLeft * (secondsPerImage ?? 0) + stepsLeft * (secondsPerStep ?? 0);
}

/** "about 3 min left", "about 40 s left", "less than 5 s left", "estimating…". */
export function formatSecondsLeft(seconds: number | null): string {
  if (seconds === null) return 'estimating time left…';
  if (seconds < 5) return 'less than 5 s left';
  if (seconds < 90) return `about ${Math.round(seconds / 5) * 5} s left`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}
