import { setTab } from '../../app/selectionActions';
import { useAppStore } from '../../app/store';
import { findCatalogEntry } from '../../clip/catalog';

/** Which dictionary is in use, or why there is none. */
export function DictionaryStatus() {
  const dictionary = useAppStore((state) => state.dictionary);
  const modelId = useAppStore((state) => state.model.id);
  const modelFailed = useAppStore((state) => state.model.status === 'failed');
  const modelLabel = findCatalogEntry(modelId)?.label ?? modelId;
  const { summary } = dictionary;
  return (
    <p className="dictionary-status" data-testid="dictionary-status" data-dictionary={dictionary.status}>
      Dictionary:{' '}
      {dictionary.status === 'ready' && summary !== null && (
        <>
          <strong>{summary.source}</strong> — {summary.nShared} shared, {summary.nImagePrivate} image-only,{' '}
          {summary.nTextPrivate} text-only latents, k = {summary.k}
          {summary.interpretation === null && ' (no interpretation: latents are unnamed)'}
        </>
      )}
      {dictionary.status === 'loading' && 'loading…'}
      {dictionary.status === 'idle' && (modelFailed ? 'none — the model did not load' : 'waiting for the model…')}
      {dictionary.status === 'failed' && <span className="error">could not load: {dictionary.error}</span>}
      {dictionary.status === 'unavailable' && (
        <>
          none — {modelLabel} has no pretrained dictionary. Fine-tune one in the{' '}
          <button type="button" className="link" onClick={() => setTab('train')}>
            Train tab
          </button>
          .
        </>
      )}
    </p>
  );
}
