import { useExplorerApi } from '../../app/explorerApi';
import { clearSession } from '../../app/keptSession';
import { useAppStore } from '../../app/store';

/**
 * Whether the images are kept for the next visit (in this browser only), what the last visit brought
 * back, and "Clear session", which forgets the images and the typed texts.
 */
export function KeptSession() {
  const api = useExplorerApi();
  const kept = useAppStore((state) => state.kept);
  const count = useAppStore((state) => state.images.length);
  if (api === null || kept.status === 'off') return null;
  return (
    <p className="kept-session muted" data-testid="kept-session" data-kept={kept.status}>
      {kept.status === 'restoring' && 'Bringing back the images of your last visit… '}
      {kept.status !== 'restoring' &&
        kept.restored > 0 &&
        `Brought back ${kept.restored} image${kept.restored === 1 ? '' : 's'} from your last visit. `}
      {kept.status === 'failed' ? (
        <span className="error">{kept.error} </span>
      ) : (
        count > 0 && 'Your images are kept in this browser for your next visit; nothing is uploaded. '
      )}
      {(count > 0 || kept.restored > 0) && (
        <button type="button" onClick={() => void clearSession(api)}>
          Clear session
        </button>
      )}
    </p>
  );
}
