import { useExplorerApi } from '../../app/explorerApi';
import { modelDevice, openPickedFolder } from '../../app/sessionActions';
import { setTab } from '../../app/selectionActions';
import { modelLabel } from '../../app/sessionSlice';
import { useAppStore } from '../../app/store';
import type { DictionarySummary } from '../../worker/api';
import { FolderInput } from '../common/FolderInput';

/** What a dictionary lacks, in words: a single SAE has one tower and no shared latents. */
function lacks(summary: DictionarySummary): string | null {
  const { nShared, nImagePrivate, nTextPrivate } = summary;
  if (nShared > 0) return null;
  if (nTextPrivate === 0) return 'an image-only SAE: texts fire no neurons, and there are no pairs to align';
  if (nImagePrivate === 0) return 'a text-only SAE: images get no concepts, and there are no pairs to align';
  const pair = 'an image SAE and a text SAE: no shared latents, so there is no Pairs plan';
  if (summary.matching === undefined) return pair;
  if (summary.matching === null) return `${pair}, and no matching.json (make one with lucid match)`;
  return `${pair}; ${summary.matching.length} text neurons matched to image neurons after the fact (matching.json)`;
}

/**
 * Which dictionary is in use, or why there is none, and "Open dictionary folder…" for another: LUCID's
 * own files, a LUCID export, or a SAELens or sparsify SAE (docs/interop.md), read here, never uploaded.
 */
export function DictionaryStatus() {
  const api = useExplorerApi();
  const dictionary = useAppStore((state) => state.dictionary);
  const model = useAppStore((state) => state.model);
  const loading = useAppStore((state) => state.switching?.status === 'loading');
  const backend = useAppStore((state) => state.compute.backend);
  const softwareAdapter = useAppStore((state) => state.compute.softwareAdapter);
  const modelFailed = model.status === 'failed';
  const { summary } = dictionary;
  const lack = summary === null ? null : lacks(summary);
  return (
    <p className="dictionary-status" data-testid="dictionary-status" data-dictionary={dictionary.status}>
      Dictionary:{' '}
      {dictionary.status === 'ready' && summary !== null && (
        <>
          <strong>{summary.source}</strong> — {summary.nShared} shared, {summary.nImagePrivate} image-only,{' '}
          {summary.nTextPrivate} text-only latents, k = {summary.k}
          {summary.interpretation === null && ' (no interpretation: latents are unnamed)'}
          {lack !== null && <span className="muted"> — {lack}</span>}
        </>
      )}
      {dictionary.status === 'loading' && 'loading…'}
      {dictionary.status === 'idle' && (modelFailed ? 'none — the model did not load' : 'waiting for the model…')}
      {dictionary.status === 'failed' && <span className="error">could not load: {dictionary.error}</span>}
      {dictionary.status === 'unavailable' && (
        <>
          none — {modelLabel(model)} has no pretrained dictionary. Open one from a folder, or fine-tune one in the{' '}
          <button type="button" className="link" onClick={() => setTab('train')}>
            Train tab
          </button>
          .
        </>
      )}{' '}
      <FolderInput
        label="Open dictionary folder…"
        title="LUCID (lucid.safetensors + lucid.config.json), a LUCID export, a SAELens folder (cfg.json + sae_weights.safetensors) or a sparsify folder (cfg.json + sae.safetensors); read here, never uploaded"
        disabled={api === null || loading || model.status !== 'ready'}
        onFolder={(files) =>
          api !== null && void openPickedFolder(api, 'dictionary', files, modelDevice(backend, softwareAdapter))
        }
      />
    </p>
  );
}
