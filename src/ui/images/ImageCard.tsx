import { useState } from 'react';
import { useExplorerApi } from '../../app/explorerApi';
import { removeImage } from '../../app/imageActions';
import type { ImageEntry } from '../../app/imagesSlice';
import { useAppStore } from '../../app/store';
import type { ImageAnalysis } from '../../explain/types';
import { LatentButton } from '../common/LatentButton';
import { patchPosition } from '../heatmap/patchKeys';
import { useLatentIndex, useSelectedLatent } from '../hooks';
import { latentName } from '../latents';
import { patchConcepts } from '../ranking';
import { HeatmapStage } from './HeatmapStage';
import { modelView, modelViewNotice, preprocessingOf } from './modelView';
import { waitingMessage } from './waitingMessage';

/** Concepts listed under an image. */
const TOP_CONCEPTS = 8;

/** One added image: its heatmap, and its top concepts or those of the patch under the pointer. */
export function ImageCard({ image, compact = false }: { image: ImageEntry; compact?: boolean }) {
  const api = useExplorerApi();
  return (
    <figure className={`image-card${compact ? ' compact' : ''}`}>
      <figcaption>
        <span className="file-name" title={image.name}>
          {image.name}
        </span>
        {!compact && api !== null && (
          <button
            type="button"
            className="remove"
            aria-label={`Remove ${image.name}`}
            onClick={() => void removeImage(api, image.key)}
          >
            ×
          </button>
        )}
      </figcaption>
      {(image.status === 'waiting' || image.status === 'analysing') && (
        // The file as given, until the model's view of it (with its heatmap) replaces it.
        <img className="pending-image" src={image.url} alt={image.name} draggable={false} />
      )}
      {image.status === 'waiting' && <WaitingNotice />}
      {image.status === 'analysing' && <p className="muted">Analysing…</p>}
      {image.status === 'failed' && (
        // The message names the file and the problem ("photo.png: not an image: it starts like text").
        <p className="error image-error">Not analysed: {image.error}</p>
      )}
      {image.analysis !== null && <AnalysedImage image={image} analysis={image.analysis} compact={compact} />}
    </figure>
  );
}

/** Why a waiting image is not analysed yet (the model or the dictionary is loading, or missing). */
function WaitingNotice() {
  const model = useAppStore((state) => state.model);
  const dictionary = useAppStore((state) => state.dictionary);
  return <p className="muted image-waiting">{waitingMessage(model, dictionary)}</p>;
}

/** Says what the model's preprocessing cut off (or squashed) of this image, if anything. */
function ModelViewNotice({ analysis }: { analysis: ImageAnalysis }) {
  const info = useAppStore((state) => state.model.info);
  if (info === null) return null;
  const notice = modelViewNotice(modelView(analysis.width, analysis.height, preprocessingOf(info)));
  return notice === null ? null : <p className="muted model-view-notice">{notice}</p>;
}

function AnalysedImage({ image, analysis, compact }: { image: ImageEntry; analysis: ImageAnalysis; compact: boolean }) {
  const latents = useLatentIndex();
  const selected = useSelectedLatent();
  const [hovered, setHovered] = useState<number | null>(null);
  const [pinned, setPinned] = useState<number | null>(null);
  const patch = hovered ?? pinned;
  const name = selected === null ? null : latentName(latents.get(selected), selected);

  const concepts = patch === null ? analysis.top.slice(0, TOP_CONCEPTS) : patchConcepts(analysis.patchLatents, patch);
  const [, cols] = analysis.grid;
  const cellLabel = (cell: number) => {
    const strongest = patchConcepts(analysis.patchLatents, cell)[0];
    const concept =
      strongest === undefined
        ? 'no active concept'
        : `strongest concept ${latentName(latents.get(strongest.id), strongest.id)}`;
    return `${patchPosition(cell, analysis.grid)}: ${concept}`;
  };
  return (
    <>
      <HeatmapStage
        image={image}
        analysis={analysis}
        latentName={name}
        patch={pinned}
        onPatchHover={compact ? undefined : setHovered}
        onPatchClick={compact ? undefined : (clicked) => setPinned(clicked === pinned ? null : clicked)}
        cellLabel={compact ? undefined : cellLabel}
      />
      {!compact && <ModelViewNotice analysis={analysis} />}
      {!compact && (
        <div className="concept-list">
          <h4>
            {patch === null
              ? 'Top concepts'
              : `Patch row ${Math.floor(patch / cols) + 1}, column ${(patch % cols) + 1}${pinned === patch ? ' (pinned)' : ''}`}
          </h4>
          {concepts.length === 0 && <p className="muted">No active concepts.</p>}
          <ul>
            {concepts.map((concept) => (
              <li key={concept.id}>
                <LatentButton id={concept.id} info={latents.get(concept.id)} score={concept.score} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
