import { useId, useState } from 'react';
import { useExplorerApi } from '../../app/explorerApi';
import { progressSummary } from '../../app/progress';
import { dismissSwitchFailure, modelDevice, openPickedFolder, switchModel } from '../../app/sessionActions';
import { modelLabel } from '../../app/sessionSlice';
import { useAppStore } from '../../app/store';
import { findCatalogEntry, MODEL_CATALOG } from '../../clip/catalog';
import { MODEL_FOLDER_FILES } from '../../clip/modelFolder';
import { FolderInput } from '../common/FolderInput';

function formatMb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * The model in use and the choice of another. Picking a hub model shows its download size first;
 * nothing is fetched until "Load model" is pressed. The model in use keeps working while another
 * loads, and after it failed to (the notice says why). "Open model folder…" runs a model from a folder
 * on this machine (read in the worker, never uploaded).
 */
export function ModelPicker() {
  const api = useExplorerApi();
  const model = useAppStore((state) => state.model);
  const switching = useAppStore((state) => state.switching);
  const backend = useAppStore((state) => state.compute.backend);
  const softwareAdapter = useAppStore((state) => state.compute.softwareAdapter);
  // What the menu shows: null follows the model in use (a folder's model, once opened, is not in the catalogue).
  const [picked, setPicked] = useState<string | null>(null);
  const choice = picked ?? model.id;
  const selectId = useId();
  const device = modelDevice(backend, softwareAdapter);
  const entry = findCatalogEntry(choice);
  const { loaded, total, fraction } = progressSummary(switching?.progress ?? {});
  const loading = switching?.status === 'loading';
  const loadingModel = loading && switching.modelId !== null;
  const downloading = loadingModel && findCatalogEntry(switching.modelId ?? '')?.source === 'hub';
  const inUse = modelLabel(model);
  const fromFolder = findCatalogEntry(model.id) === undefined && model.status === 'ready';

  return (
    <div className="model-picker">
      <label htmlFor={selectId}>Model</label>
      <select id={selectId} value={choice} onChange={(event) => setPicked(event.target.value)} disabled={loading}>
        {MODEL_CATALOG.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
        {fromFolder && <option value={model.id}>{inUse} (your folder)</option>}
      </select>
      <FolderInput
        label="Open model folder…"
        title={`A CLIP or SigLIP folder in the transformers.js layout (${MODEL_FOLDER_FILES.join(', ')}); read here, never uploaded`}
        disabled={api === null || loading}
        onFolder={(files) => {
          if (api === null) return;
          setPicked(null);
          void openPickedFolder(api, 'model', files, device);
        }}
      />
      {entry?.source === 'hub' && (
        <span className="muted">
          ≈{entry.downloadMb} MB download{entry.hasPretrainedDictionary ? '' : ', no pretrained dictionary'}
        </span>
      )}
      {choice !== model.id && (
        <button
          type="button"
          disabled={api === null || loading}
          onClick={() => api !== null && void switchModel(api, choice, device)}
        >
          Load model
        </button>
      )}
      <span className="model-state">
        {choice !== model.id && model.status === 'ready' && `in use: ${inUse}, `}
        {model.status === 'ready' && model.info !== null && (
          <>
            ready on {model.info.device}, {model.info.grid[0]}×{model.info.grid[1]} patches
          </>
        )}
        {loadingModel && !downloading && (model.status === 'ready' ? `; loading ${switching.target}…` : 'loading…')}
        {model.status === 'failed' && <span className="error">failed: {model.error}</span>}
      </span>
      {switching?.status === 'failed' && switching.failure !== null && model.status === 'ready' && (
        <p
          role="alert"
          className="error switch-failure"
          data-testid="switch-failure"
          data-reason={switching.failure.reason}
        >
          Could not switch to {switching.target}: {switching.failure.message}. Still using {inUse} with its dictionary;
          your images keep their analyses.{' '}
          <button type="button" className="link" onClick={dismissSwitchFailure}>
            Dismiss
          </button>
        </p>
      )}
      {downloading && (
        <div className="download">
          <progress aria-label="Model download" max={1} value={fraction ?? undefined} />
          {model.status === 'ready' && <span className="muted"> {switching?.target}:</span>}
          <span className="muted">
            {' '}
            {total > 0 ? `${formatMb(loaded)} of ${formatMb(total)}` : 'starting download…'}
          </span>
        </div>
      )}
    </div>
  );
}
