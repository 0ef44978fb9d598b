import { discardCheckpoint, resumeFromCheckpoint } from '../../app/trainActions';
import { useAppStore } from '../../app/store';
import { isRunning } from '../../app/trainSlice';

/** After a reload or a crash: offers to continue the interrupted run from its last checkpoint. */
export function ResumeOffer() {
  const resumable = useAppStore((s) => s.train.resumable);
  const phase = useAppStore((s) => s.train.phase);
  const folder = useAppStore((s) => s.train.folder);
  const busy = useAppStore((s) => s.train.busy);
  if (!resumable || isRunning(phase)) return null;
  const needsFolder = !resumable.activationsCached && !folder;
  return (
    <section className="train-resume" aria-labelledby="train-resume-heading">
      <h3 id="train-resume-heading">An interrupted run can be resumed</h3>
      <p>
        Checkpoint at step {resumable.step} of {resumable.totalSteps}, saved{' '}
        {new Date(resumable.savedAt).toLocaleString()} ({resumable.images} images).
        {needsFolder && ' Some images are not cached any more: choose the same folder first to include them.'}
      </p>
      <div className="train-row">
        <button type="button" disabled={busy} onClick={() => void resumeFromCheckpoint()}>
          Resume from checkpoint
        </button>
        <button type="button" disabled={busy} onClick={() => void discardCheckpoint()}>
          Discard checkpoint
        </button>
      </div>
    </section>
  );
}
