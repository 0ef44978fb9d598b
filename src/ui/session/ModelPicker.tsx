import { useId, useState } from 'react';
import { useExplorerApi } from '../../app/explorerApi';
import { progressSummary } from '../../app/progress';
import { modelDevice, switchModel } from '../../app/sessionActions';
import { useAppStore } from '../../app/store';
import { findCatalogEntry, MODEL_CATALOG } from '../../clip/catalog';

function formatMb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * The model in use and the choice of another. Picking a hub model shows its download size first;
 * nothing is fetched until "Load model" is pressed.
 */
export function ModelPicker() {
  const api = useExplorerApi();
  const model = useAppStore((state) => state.model);
  const backend = useAppStore((state) => state.compute.backend);
  const softwareAdapter = useAppStore((state) => state.compute.softwareAdapter);
  const [choice, setChoice] = useState(model.id);
  const selectId = useId();
  const entry = findCatalogEntry(choice);
  const { loaded, total, fraction } = progressSummary(model.progress);
  const loading = model.status === 'loading';
  const downloading = loading && findCatalogEntry(model.id)?.source === 'hub';

  return (
    <div className="model-picker">
      <label htmlFor={selectId}>Model</label>
      <select id={selectId} value={choice} onChange={(event) => setChoice(event.target.value)} disabled={loading}>
        {MODEL_CATALOG.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
      {entry?.source === 'hub' && (
        <span className="muted">
          ≈{entry.downloadMb} MB download{entry.hasPretrainedDictionary ? '' : ', no pretrained dictionary'}
        </span>
      )}
      {choice !== model.id && (
        <button
          type="button"
          disabled={api === null || loading}
          onClick={() => api !== null && void switchModel(api, choice, modelDevice(backend, softwareAdapter))}
        >
          Load model
        </button>
      )}
      <span className="model-state">
        {choice !== model.id && `in use: ${findCatalogEntry(model.id)?.label ?? model.id}, `}
        {model.status === 'ready' && model.info !== null && (
          <>
            ready on {model.info.device}, {model.info.grid[0]}×{model.info.grid[1]} patches
          </>
        )}
        {loading && !downloading && 'loading…'}
        {model.status === 'failed' && <span className="error">failed: {model.error}</span>}
      </span>
      {downloading && (
        <div className="download">
          <progress aria-label="Model download" max={1} value={fraction ?? undefined} />
          <span className="muted">
            {' '}
            {total > 0 ? `${formatMb(loaded)} of ${formatMb(total)}` : 'starting download…'}
          </span>
        </div>
      )}
    </div>
  );
}
