import type { ReactNode } from 'react';
import { setTab } from '../../app/selectionActions';
import { useAppStore } from '../../app/store';
import { useExplorerApi } from '../../app/explorerApi';

/**
 * Shows `children` once a dictionary is loaded; until then, why not (worker missing, loading,
 * failed, or a model without a pretrained dictionary — pointing to the Train tab).
 */
export function DictionaryGate({ children }: { children: ReactNode }) {
  const api = useExplorerApi();
  const status = useAppStore((state) => state.dictionary.status);
  const error = useAppStore((state) => state.dictionary.error ?? state.model.error);
  const modelStatus = useAppStore((state) => state.model.status);
  if (api === null) return <p className="notice">The explorer worker is not connected in this build.</p>;
  if (status === 'ready') return <>{children}</>;
  if (status === 'unavailable') {
    return (
      <p className="notice">
        This model has no pretrained LUCID dictionary. Open one from a folder (above), or fine-tune one in the{' '}
        <button type="button" className="link" onClick={() => setTab('train')}>
          Train tab
        </button>
        .
      </p>
    );
  }
  if (status === 'failed' || modelStatus === 'failed') {
    return <p className="notice error">Could not load the model or dictionary: {error}</p>;
  }
  return <p className="notice">Loading the model and its dictionary…</p>;
}
