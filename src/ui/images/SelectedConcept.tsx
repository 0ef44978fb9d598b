import { setHeatmapOpacity } from '../../app/selectionActions';
import { useAppStore } from '../../app/store';
import { CategoryChip, KindBadge } from '../common/CategoryChip';
import { HeatmapScale } from '../heatmap/HeatmapScale';
import { useHeatmapMax, useLatentIndex, useSelectedLatent } from '../hooks';
import { latentName } from '../latents';

/** The concept every heatmap shows, its colour key, and the overlay opacity. */
export function SelectedConcept() {
  const latent = useSelectedLatent();
  const latents = useLatentIndex();
  const max = useHeatmapMax(latent);
  const opacity = useAppStore((state) => state.explorer.heatmapOpacity);
  const info = latent === null ? undefined : latents.get(latent);
  return (
    <div className="selected-concept">
      {latent === null ? (
        <span className="muted">No concept selected: add an image or pick a concept.</span>
      ) : (
        <span>
          Heatmap of <strong>{latentName(info, latent)}</strong> <span className="muted">#{latent}</span>{' '}
          <CategoryChip category={info?.category ?? null} /> {info !== undefined && <KindBadge kind={info.kind} />}
          {info?.kind === 'text' && <span className="muted"> — a text-only neuron never fires on images</span>}
        </span>
      )}
      <HeatmapScale max={max} />
      <label className="opacity">
        Heatmap opacity{' '}
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={opacity}
          onChange={(event) => setHeatmapOpacity(Number(event.target.value))}
        />
      </label>
    </div>
  );
}
