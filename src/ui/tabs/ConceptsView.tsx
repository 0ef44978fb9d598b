import { useMemo, useState } from 'react';
import { setConceptSearch } from '../../app/selectionActions';
import { useAppStore } from '../../app/store';
import { ALL_CATEGORIES, type Category } from '../../interpret/categories';
import { DictionaryGate } from '../common/DictionaryGate';
import { CategoryFilter } from '../concepts/CategoryFilter';
import { ConceptList } from '../concepts/ConceptList';
import { ConceptMap } from '../concepts/ConceptMap';
import { categoryCounts, matchingLatents } from '../concepts/conceptFilter';
import { LatentPanel } from '../concepts/LatentPanel';
import { MatchList } from '../concepts/MatchList';
import { useInterpretation, useLatentIndex, useSelectedLatent } from '../hooks';

/** Concepts tab: the dictionary as a map of named concepts, with search, filter and latent pages. */
export function ConceptsView() {
  return (
    <DictionaryGate>
      <Concepts />
    </DictionaryGate>
  );
}

function Concepts() {
  const interpretation = useInterpretation();
  const latents = useLatentIndex();
  const selected = useSelectedLatent();
  // In the store, hence in the URL: a reload or a shared link keeps the search.
  const search = useAppStore((state) => state.explorer.conceptSearch);
  const [shown, setShown] = useState<ReadonlySet<Category>>(() => new Set(ALL_CATEGORIES));
  const all = useMemo(() => interpretation?.latents ?? [], [interpretation]);
  const matching = useMemo(() => matchingLatents(all, search, shown), [all, search, shown]);
  const counts = useMemo(() => categoryCounts(all), [all]);

  if (interpretation === null) {
    return <p className="notice">This dictionary has no interpretation file, so its latents have no names yet.</p>;
  }
  const toggle = (category: Category) =>
    setShown((before) => {
      const next = new Set(before);
      if (!next.delete(category)) next.add(category);
      return next;
    });
  const info = selected === null ? undefined : latents.get(selected);

  return (
    <div className="concepts">
      <div className="concepts-map">
        <div className="concepts-toolbar">
          <label className="search">
            Search concepts{' '}
            <input
              type="search"
              value={search}
              placeholder="label, synonym or term"
              onChange={(event) => setConceptSearch(event.target.value)}
            />
          </label>
          <CategoryFilter counts={counts} shown={shown} onToggle={toggle} />
        </div>
        <ConceptMap interpretation={interpretation} matching={matching} selected={selected} />
        {search.trim() !== '' && <MatchList latents={all} query={search} categories={shown} />}
        <ConceptList latents={all} matching={matching} />
      </div>
      {info !== undefined ? (
        <LatentPanel info={info} />
      ) : (
        <p className="muted latent-panel">Click a point (or focus the map and press Enter) to open its concept.</p>
      )}
    </div>
  );
}
