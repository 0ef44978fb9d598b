import { useMemo, useState } from 'react';
import { useAppStore } from '../../app/store';
import type { ScoredLatent } from '../../explain/types';
import { LatentButton } from '../common/LatentButton';
import { PatchEvidence, TermEvidence } from '../common/Evidence';
import { useLatentIndex } from '../hooks';
import { rankNeurons } from '../ranking';

/**
 * The neurons a text fires: shared ones (which also fire on image patches, with their image
 * evidence) first, then text-only ones.
 */
export function NeuronList({ neurons }: { neurons: readonly ScoredLatent[] }) {
  const latents = useLatentIndex();
  const summary = useAppStore((state) => state.dictionary.summary);
  // A single SAE or a pair of them has no shared latents; an image SAE has no text latents at all.
  const noShared = summary !== null && summary.nShared === 0;
  const noText = noShared && summary.nTextPrivate === 0;
  const ranked = useMemo(() => rankNeurons(neurons, (id) => latents.get(id)?.kind ?? 'text'), [neurons, latents]);
  const shared = ranked.filter((neuron) => latents.get(neuron.id)?.kind === 'shared');
  const textOnly = ranked.filter((neuron) => latents.get(neuron.id)?.kind !== 'shared');
  return (
    <div className="neuron-list">
      <NeuronSection
        title="Shared with images"
        neurons={shared}
        empty={
          noShared
            ? 'None: this dictionary has no shared latents, so no text neuron is also an image neuron.'
            : 'None: this text fires no concept that images share.'
        }
      />
      <NeuronSection
        title="Text-only"
        neurons={textOnly}
        empty={noText ? 'None: this dictionary has no text latents (an image-only SAE).' : 'None.'}
      />
    </div>
  );
}

/** Neurons listed before "Show all". */
const FIRST_SHOWN = 8;

function NeuronSection({ title, neurons, empty }: { title: string; neurons: readonly ScoredLatent[]; empty: string }) {
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? neurons : neurons.slice(0, FIRST_SHOWN);
  return (
    <section aria-label={`${title} neurons`}>
      <h3>
        {title} <span className="muted">({neurons.length})</span>
      </h3>
      {neurons.length === 0 && <p className="muted">{empty}</p>}
      <ul>
        {shown.map((neuron) => (
          <NeuronItem key={neuron.id} neuron={neuron} />
        ))}
      </ul>
      {neurons.length > FIRST_SHOWN && (
        <button type="button" className="show-all" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show all ${neurons.length}`}
        </button>
      )}
    </section>
  );
}

function NeuronItem({ neuron }: { neuron: ScoredLatent }) {
  const latents = useLatentIndex();
  const info = latents.get(neuron.id);
  // A pair of SAEs: the image neuron matched to this text neuron after the fact maps it on the images.
  const matched = useAppStore((state) => state.dictionary.summary?.matching?.find((m) => m.text === neuron.id));
  return (
    <li className="neuron">
      <LatentButton id={neuron.id} info={info} score={neuron.score} showKind />
      {matched !== undefined && (
        <div className="matched-latent" title={`matched after the fact, score ${matched.score.toFixed(2)}`}>
          <span className="muted">matched image neuron:</span>
          <LatentButton id={matched.image} info={latents.get(matched.image)} />
        </div>
      )}
      {info !== undefined && (
        <div className="neuron-evidence">
          {info.kind === 'shared' && <PatchEvidence info={info} count={5} size={48} />}
          <TermEvidence info={info} count={5} />
        </div>
      )}
    </li>
  );
}
