import { useRef } from 'react';
import { DICTIONARY_FILES } from '../../explain/dictionary';
import { exportModel, importModel, sendToExplorer } from '../../app/trainActions';
import { useAppStore } from '../../app/store';
import { isRunning } from '../../app/trainSlice';

/** Export (download links), Import (two file inputs) and "Use in explorer". */
export function ModelFiles() {
  const links = useAppStore((s) => s.train.exportLinks);
  const message = useAppStore((s) => s.train.filesMessage);
  const phase = useAppStore((s) => s.train.phase);
  const busy = useAppStore((s) => s.train.busy);
  const finished = useAppStore((s) => s.train.finished);
  const weights = useRef<HTMLInputElement>(null);
  const config = useRef<HTMLInputElement>(null);
  const running = isRunning(phase);
  return (
    <section className="train-files" aria-labelledby="train-files-heading">
      <h3 id="train-files-heading">3. Keep the dictionary</h3>
      <div className="train-row">
        <button type="button" disabled={busy} onClick={() => void exportModel()}>
          Export
        </button>
        <button type="button" disabled={busy || running || !finished} onClick={() => void sendToExplorer()}>
          Use in explorer
        </button>
      </div>
      {links && (
        <p className="train-links">
          <a href={links.weights} download={DICTIONARY_FILES.weights}>
            {DICTIONARY_FILES.weights}
          </a>{' '}
          <a href={links.config} download={DICTIONARY_FILES.config}>
            {DICTIONARY_FILES.config}
          </a>
          {links.interpretation && (
            <>
              {' '}
              <a href={links.interpretation} download={DICTIONARY_FILES.interpretation}>
                {DICTIONARY_FILES.interpretation}
              </a>
            </>
          )}
        </p>
      )}
      <div className="train-row">
        <label className="train-file-label">
          Weights file ({DICTIONARY_FILES.weights})
          <input ref={weights} type="file" accept=".safetensors" />
        </label>
        <label className="train-file-label">
          Config file ({DICTIONARY_FILES.config})
          <input ref={config} type="file" accept=".json,application/json" />
        </label>
        <button
          type="button"
          disabled={busy || running}
          onClick={() => void importModel(weights.current?.files?.[0], config.current?.files?.[0])}
        >
          Import
        </button>
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'train-ok' : 'train-error'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
