import { selectLatent } from '../../app/selectionActions';
import { useAppStore } from '../../app/store';
import type { LatentInfo } from '../../explain/types';
import { formatScore, latentName } from '../latents';
import { CategoryChip, KindBadge } from './CategoryChip';

interface LatentButtonProps {
  id: number;
  info: LatentInfo | undefined;
  /** Activation or ranking score shown at the right, if any. */
  score?: number;
  showKind?: boolean;
}

/** One latent in a list: label, category and score; clicking selects it everywhere. */
export function LatentButton({ id, info, score, showKind = false }: LatentButtonProps) {
  const selected = useAppStore((state) => state.explorer.selectedLatent === id);
  return (
    <button
      type="button"
      className={`latent-button${selected ? ' selected' : ''}`}
      aria-pressed={selected}
      onClick={() => selectLatent(id)}
    >
      <span className="latent-label">
        {latentName(info, id)} <span className="latent-id">#{id}</span>
      </span>
      <span className="latent-meta">
        <CategoryChip category={info?.category ?? null} />
        {showKind && info !== undefined && <KindBadge kind={info.kind} />}
        {score !== undefined && <span className="score">{formatScore(score)}</span>}
      </span>
    </button>
  );
}
