import { useEffect, useRef } from 'react';
import { setTab } from '../../app/selectionActions';
import type { LatentInfo } from '../../explain/types';
import { CategoryChip, KindBadge } from '../common/CategoryChip';
import { PatchEvidence, TermEvidence } from '../common/Evidence';
import { formatPercent } from '../latents';
import { conceptName } from './conceptFilter';
import { drawHistogram } from './drawHistogram';

/** The page of one latent: what it is called, where it fires, how strongly and how often. */
export function LatentPanel({ info }: { info: LatentInfo }) {
  const histogram = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (histogram.current !== null) drawHistogram(histogram.current, info.histogram);
  }, [info]);
  return (
    <article className="latent-panel" aria-labelledby="latent-heading">
      <h3 id="latent-heading">
        {info.label ?? 'unnamed'} <span className="muted">#{info.id}</span>
      </h3>
      <p>
        <CategoryChip category={info.category} /> <KindBadge kind={info.kind} />{' '}
        <span className="muted">
          {info.label === null
            ? `too little evidence for a name (confidence ${formatPercent(info.confidence)})`
            : `label confidence ${formatPercent(info.confidence)}`}
        </span>
      </p>
      {(info.synonyms?.length ?? 0) > 0 && <p className="muted">Also found by: {info.synonyms?.join(', ')}</p>}
      <dl className="rates">
        <dt>Fires on image patches</dt>
        <dd>{formatPercent(info.imageRate)}</dd>
        <dt>Fires on text tokens</dt>
        <dd>{formatPercent(info.textRate)}</dd>
      </dl>
      <h4>Top terms</h4>
      <TermEvidence info={info} count={10} />
      <h4>Top patches</h4>
      <PatchEvidence info={info} count={8} size={64} />
      <h4>Activation histogram</h4>
      <svg
        ref={histogram}
        className="histogram"
        role="img"
        aria-label={`activation histogram of ${conceptName(info)}`}
      />
      <p className="legend-inline">
        <span className="swatch image" /> image patches <span className="swatch text" /> text tokens
      </p>
      <button type="button" onClick={() => setTab('images')}>
        Show on my images
      </button>
    </article>
  );
}
