import { useEffect } from 'react';
import { ComparisonPanel } from './ComparisonPanel';
import { FolderPicker } from './FolderPicker';
import { ModelFiles } from './ModelFiles';
import { ResumeOffer } from './ResumeOffer';
import { TrainCharts } from './TrainCharts';
import { TrainControls } from './TrainControls';
import { connect } from '../../app/trainActions';
import { useAppStore } from '../../app/store';
import { isRunning } from '../../app/trainSlice';
import './train.css';

const START_TEXT = {
  pretrained: 'Fine-tuning the pretrained Emoji-CLIP dictionary',
  scratch: 'Training a new dictionary sized to the encoder (no pretrained one is available)',
  imported: 'Fine-tuning the imported dictionary',
  checkpoint: 'Continuing from a checkpoint',
} as const;

/** The Train tab: fine-tune LUCID on a local folder, in a worker, with checkpoints and export. */
export function TrainView() {
  const phase = useAppStore((s) => s.train.phase);
  const start = useAppStore((s) => s.train.start);
  const notices = useAppStore((s) => s.train.notices);
  useEffect(() => {
    void connect();
  }, []);
  return (
    <div className="train-view">
      <h2>Fine-tune the dictionary on your images</h2>
      <p className="train-hint">
        Training runs in a background worker on WebGPU (WASM where WebGPU is missing); the page stays usable.
        Checkpoints are saved in this browser, so a reload can pick up where it stopped.
      </p>
      <ResumeOffer />
      <FolderPicker disabled={isRunning(phase)} />
      <TrainControls />
      {start && (
        <p className="train-start">
          {START_TEXT[start.kind]} ({start.latents} latents).
        </p>
      )}
      {notices.length > 0 && (
        <ul className="train-notices" aria-label="Training messages">
          {notices.map((notice) => (
            <li key={notice.id} className={`train-notice-${notice.level}`}>
              {notice.message}
            </li>
          ))}
        </ul>
      )}
      <TrainCharts />
      <ModelFiles />
      <ComparisonPanel />
    </div>
  );
}
