import { formatSecondsLeft } from '../../training/timeLeft';
import { pauseTraining, startTraining, stopTraining, unpauseTraining, updateSettings } from '../../app/trainActions';
import { useAppStore } from '../../app/store';
import { isRunning } from '../../app/trainSlice';

function NumberSetting({
  label,
  value,
  min,
  max,
  disabled,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  disabled: boolean;
  onChange: (value: number) => void;
}) {
  return (
    <label className="train-setting">
      {label}
      <input
        type="number"
        min={min}
        max={max}
        value={value}
        disabled={disabled}
        onChange={(event) => {
          const next = Math.round(Number(event.currentTarget.value));
          if (Number.isFinite(next)) onChange(Math.min(max, Math.max(min, next)));
        }}
      />
    </label>
  );
}

/** Settings, Start / Pause / Resume / Stop, the progress bar and the live status line. */
export function TrainControls() {
  const phase = useAppStore((s) => s.train.phase);
  const settings = useAppStore((s) => s.train.settings);
  const progress = useAppStore((s) => s.train.progress);
  const metrics = useAppStore((s) => s.train.metrics);
  const folder = useAppStore((s) => s.train.folder);
  const busy = useAppStore((s) => s.train.busy);
  const lastCheckpoint = useAppStore((s) => s.train.lastCheckpoint);
  const running = isRunning(phase);
  const latest = metrics.at(-1);
  const step = progress?.step ?? 0;
  const totalSteps = progress?.totalSteps ?? settings.steps;
  const encoded = progress ? `${progress.imagesEncoded} of ${progress.imagesTotal} images encoded` : '';
  // Encoding and steps share one bar: each image encoded and each step count as one unit of work.
  const units = progress ? progress.imagesTotal + progress.totalSteps : 1;
  const done = progress ? progress.imagesEncoded + progress.step : 0;
  const timeLeft = running && progress ? formatSecondsLeft(progress.secondsLeft) : '';
  const status = [
    `Step ${step} of ${totalSteps}`,
    latest ? `loss ${latest.total.toFixed(4)}` : 'loss not read yet',
    phase,
    progress?.backend ? `on ${progress.backend}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <section className="train-controls" aria-labelledby="train-controls-heading">
      <h3 id="train-controls-heading">2. Train</h3>
      <div className="train-row">
        <NumberSetting
          label="Steps"
          value={settings.steps}
          min={1}
          max={100_000}
          disabled={running}
          onChange={(steps) => updateSettings({ steps })}
        />
        <NumberSetting
          label="Batch size"
          value={settings.batchSize}
          min={1}
          max={256}
          disabled={running}
          onChange={(batchSize) => updateSettings({ batchSize })}
        />
        <NumberSetting
          label="Checkpoint interval"
          value={settings.checkpointEverySteps}
          min={1}
          max={100_000}
          disabled={running}
          onChange={(checkpointEverySteps) => updateSettings({ checkpointEverySteps })}
        />
      </div>
      <div className="train-row">
        <button type="button" disabled={running || busy || !folder} onClick={() => void startTraining()}>
          Start
        </button>
        <button type="button" disabled={phase !== 'training'} onClick={() => void pauseTraining()}>
          Pause
        </button>
        <button type="button" disabled={phase !== 'paused'} onClick={() => void unpauseTraining()}>
          Resume
        </button>
        <button type="button" disabled={!running || phase === 'stopping'} onClick={() => void stopTraining()}>
          Stop
        </button>
      </div>
      <div
        className="train-progress"
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={units}
        aria-valuenow={done}
        aria-valuetext={`step ${step} of ${totalSteps}; ${encoded}${timeLeft ? `; ${timeLeft}` : ''}`}
      >
        <div className="train-progress-fill" style={{ width: `${(100 * done) / units}%` }} />
      </div>
      <p className="train-progress-text">
        {encoded && <span>{encoded}</span>} <span>{`Step ${step} of ${totalSteps}`}</span>{' '}
        {timeLeft && <span>{timeLeft}</span>}
      </p>
      <p role="status" aria-live="polite" aria-label="Training status" className="train-status">
        {status}
      </p>
      {lastCheckpoint && (
        <p className="train-hint">
          Last checkpoint: step {lastCheckpoint.step}, saved {new Date(lastCheckpoint.savedAt).toLocaleTimeString()}.
        </p>
      )}
    </section>
  );
}
