import { useMemo, useState } from 'react';
import { CategoryChip } from '../common/CategoryChip';
import { PatchEvidence, TermEvidence } from '../common/Evidence';
import { LatentButton } from '../common/LatentButton';
import { useInterpretation, useLatentIndex, useSelectedLatent } from '../hooks';
import { formatPercent } from '../latents';
import { sharedConcepts } from '../ranking';

/** Shared concepts listed at once. */
const LIMIT = 24;

/** Shared latents with their image evidence (top patches) beside their text evidence (top terms). */
export function SharedConcepts() {
  const interpretation = useInterpretation();
  const latents = useLatentIndex();
  const selected = useSelectedLatent();
  const [filter, setFilter] = useState('');
  const rows = useMemo(() => {
    const found = sharedConcepts(interpretation?.latents ?? [], filter, LIMIT);
    const pinned = selected === null ? undefined : latents.get(selected);
    // The selected concept leads, if it is shared and not already listed.
    return pinned?.kind === 'shared' && !found.includes(pinned) && filter === '' ? [pinned, ...found] : found;
  }, [interpretation, latents, selected, filter]);

  return (
    <section aria-labelledby="shared-heading">
      <h3 id="shared-heading">Shared concepts: what images and words agree on</h3>
      <label className="search">
        Filter shared concepts{' '}
        <input type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
      </label>
      {rows.length === 0 && <p className="muted">No shared concept matches.</p>}
      <table className="pairs-table">
        <thead>
          <tr>
            <th scope="col">Concept</th>
            <th scope="col">Image evidence</th>
            <th scope="col">Text evidence</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((info) => (
            <tr key={info.id}>
              <th scope="row">
                <LatentButton id={info.id} info={info} />
                <span className="muted rates">
                  fires on {formatPercent(info.imageRate)} of patches, {formatPercent(info.textRate)} of tokens
                </span>
                <CategoryChip category={info.category} />
              </th>
              <td>
                <PatchEvidence info={info} count={6} size={56} />
              </td>
              <td>
                <TermEvidence info={info} count={6} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
