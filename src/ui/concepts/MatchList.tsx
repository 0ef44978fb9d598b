import { useMemo } from 'react';
import { selectLatent } from '../../app/selectionActions';
import { useAppStore } from '../../app/store';
import type { LatentInfo } from '../../explain/types';
import type { Category } from '../../interpret/categories';
import { CategoryChip, KindBadge } from '../common/CategoryChip';
import { formatPercent } from '../latents';
import type { LatentMatch } from '../ranking';
import { searchConcepts } from './conceptFilter';

/** Matching concepts listed under the map (the keyboard path to any point). */
const LIST_LIMIT = 30;

interface MatchListProps {
  latents: readonly LatentInfo[];
  query: string;
  categories: ReadonlySet<Category>;
}

/**
 * The search's matches, best evidence first (`rankMatches`), or a sentence saying there are none:
 * an empty list would look like a search that has not run yet.
 */
export function MatchList({ latents, query, categories }: MatchListProps) {
  const { shown, hidden } = useMemo(() => searchConcepts(latents, query, categories), [latents, query, categories]);
  const quoted = `“${query.trim()}”`;
  if (shown.length === 0) {
    return (
      <p className="muted" role="status">
        {hidden === 0
          ? `No concept matches ${quoted}.`
          : `No concept in the chosen categories matches ${quoted} (${hidden} in hidden categories).`}
      </p>
    );
  }
  return (
    <ul className="match-list" aria-label="Matching concepts">
      {shown.slice(0, LIST_LIMIT).map(({ info, match }) => (
        <li key={info.id}>
          <MatchButton info={info} match={match} />
        </li>
      ))}
      {shown.length > LIST_LIMIT && <li className="muted">and {shown.length - LIST_LIMIT} more…</li>}
    </ul>
  );
}

/** What matched, when it is not the label itself: the synonym or top term. */
function matchReason(match: LatentMatch): string | null {
  if (match.field === 'synonym') return `synonym “${match.text}”`;
  if (match.field === 'term') return `top term “${match.text}”`;
  return null;
}

/**
 * One match: its label (or "unnamed #id"), the label's confidence, why it matched; clicking opens it.
 * Not `LatentButton`, which names unnamed latents differently and shows no confidence.
 */
function MatchButton({ info, match }: { info: LatentInfo; match: LatentMatch }) {
  const selected = useAppStore((state) => state.explorer.selectedLatent === info.id);
  const reason = matchReason(match);
  return (
    <button
      type="button"
      className={`latent-button${selected ? ' selected' : ''}`}
      aria-pressed={selected}
      // The row is narrow in the two-column list; the tooltip keeps what it may cut off.
      title={[`${info.label ?? 'unnamed'} #${info.id}`, reason, `label confidence ${formatPercent(info.confidence)}`]
        .filter((part) => part !== null)
        .join(', ')}
      onClick={() => selectLatent(info.id)}
    >
      <span className="latent-label">
        {info.label ?? 'unnamed'} <span className="latent-id">#{info.id}</span>
        {reason !== null && <span className="latent-id"> · {reason}</span>}
      </span>
      <span className="latent-meta">
        <CategoryChip category={info.category} />
        <KindBadge kind={info.kind} />
        <span className="latent-id" title="label confidence">
          {formatPercent(info.confidence)}
        </span>
      </span>
    </button>
  );
}
