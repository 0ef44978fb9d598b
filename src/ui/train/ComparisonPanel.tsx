import type { DictionaryComparison } from '../../training/api';
import { labelDisagreements } from './labelSources';
import { useAppStore } from '../../app/store';
import type { TrainState } from '../../app/trainSlice';

function fvu(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '—';
}

/** FVU on the user's images before and after, and the latents whose decoder direction moved most. */
export function ComparisonPanel() {
  const comparison = useAppStore((s) => s.train.comparison);
  const relabel = useAppStore((s) => s.train.relabel);
  if (!comparison) return null;
  const { before, after, changed, images, newlyActive, labelled } = comparison;
  return (
    <section className="train-comparison" aria-labelledby="train-comparison-heading">
      <h3 id="train-comparison-heading">Before and after, on your {images} images</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">measure</th>
            <th scope="col">before</th>
            <th scope="col">after</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">FVU image</th>
            <td>{fvu(before.fvuImage)}</td>
            <td>{fvu(after.fvuImage)}</td>
          </tr>
          <tr>
            <th scope="row">FVU text</th>
            <td>{fvu(before.fvuText)}</td>
            <td>{fvu(after.fvuText)}</td>
          </tr>
        </tbody>
      </table>
      <p>
        {newlyActive} latents fire on your images now that fired on none of them before.
        {!labelled && ' This dictionary has no interpretation, so latents have no old labels.'}
      </p>
      <table>
        <caption>Latents whose decoder direction moved most (1 − cos of old and new direction)</caption>
        <thead>
          <tr>
            <th scope="col">latent</th>
            <th scope="col">change</th>
            <th scope="col">label shipped with the starting dictionary</th>
          </tr>
        </thead>
        <tbody>
          {changed.map((latent) => (
            <tr key={latent.id}>
              <td>#{latent.id}</td>
              <td>{latent.change.toFixed(3)}</td>
              <td>{latent.oldLabel ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <RelabelResult relabel={relabel} moved={changed} />
    </section>
  );
}

/** The latents' new names: what relabelling on the user's images found. */
function RelabelResult({ relabel, moved }: { relabel: TrainState['relabel']; moved: DictionaryComparison['changed'] }) {
  if (relabel === null) return null;
  if (relabel.status === 'running') {
    return <p role="status">Relabelling the concepts on your images (the vocabulary is encoded once, then cached)…</p>;
  }
  if (relabel.status === 'failed') return <p className="train-error">Relabelling failed: {relabel.error}</p>;
  const { summary } = relabel;
  const disagreements = labelDisagreements(moved, summary.changed);
  return (
    <div className="train-relabel">
      <p role="status">
        Relabelled the concepts on {summary.images} of your images in {summary.seconds.toFixed(0)} s.{' '}
        {summary.compared
          ? `${summary.changedCount} latents are named differently from the starting dictionary, labelled the same way.`
          : 'There is no starting dictionary of the same size to compare the names with.'}{' '}
        Export, and “Use in explorer”, now carry these labels.
      </p>
      {summary.newLabels.length > 0 && (
        <p>
          New concepts: <span className="train-new-labels">{summary.newLabels.join(', ')}</span>
        </p>
      )}
      {summary.changed.length > 0 && (
        <table>
          <caption>Renamed latents, most-moved first</caption>
          <thead>
            <tr>
              <th scope="col">latent</th>
              <th scope="col">before training, named on your images</th>
              <th scope="col">after training, named on your images</th>
            </tr>
          </thead>
          <tbody>
            {summary.changed.map((latent) => (
              <tr key={latent.id}>
                <td>#{latent.id}</td>
                <td>{latent.before ?? '—'}</td>
                <td>{latent.after ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {disagreements.length > 0 && (
        <p className="train-hint">
          A label depends on the images it is measured on: named on your images, the starting dictionary already calls{' '}
          {disagreements.map((d) => `#${d.id} “${d.onYourImages ?? 'unnamed'}” (shipped as “${d.shipped}”)`).join(', ')}
          .
        </p>
      )}
    </div>
  );
}
