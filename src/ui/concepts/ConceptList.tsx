import { useMemo, useState } from 'react';
import type { LatentInfo } from '../../explain/types';
import { LatentButton } from '../common/LatentButton';
import { conceptName } from './conceptFilter';

interface ConceptListProps {
  latents: readonly LatentInfo[];
  /** Ids passing the search and the category filter, as on the map. */
  matching: ReadonlySet<number>;
}

/**
 * The map's points as a plain list, alphabetical, for screen readers and anyone who prefers a
 * list: the same concepts the map shows as matching, each opened with a click or Enter. Rendered
 * only while open, since it can hold every latent of the dictionary.
 */
export function ConceptList({ latents, matching }: ConceptListProps) {
  const [open, setOpen] = useState(false);
  const shown = useMemo(
    () =>
      latents
        .filter((info) => matching.has(info.id))
        .sort((a, b) => conceptName(a).localeCompare(conceptName(b)) || a.id - b.id),
    [latents, matching],
  );
  return (
    <details className="concept-list-alternative" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>The map as a list ({shown.length} concepts)</summary>
      {open && (
        <ul className="match-list" aria-label="Concepts on the map">
          {shown.map((info) => (
            <li key={info.id}>
              <LatentButton id={info.id} info={info} showKind />
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
