import { useEffect } from 'react';
import { useExplorerApi } from '../../app/explorerApi';
import { setQuery } from '../../app/selectionActions';
import { useAppStore } from '../../app/store';
import { analyzeQuery } from '../../app/textActions';
import { DictionaryGate } from '../common/DictionaryGate';
import { useDictionaryReady } from '../hooks';
import { ImageCard } from '../images/ImageCard';
import { NeuronList } from '../text/NeuronList';
import { TokenStrip } from '../text/TokenStrip';

/** Typing pauses this long before the text is analysed. */
const DEBOUNCE_MS = 250;

/** Text tab: the neurons a text fires, per token and overall; selecting one maps it on the images. */
export function TextView() {
  const api = useExplorerApi();
  const ready = useDictionaryReady();
  const query = useAppStore((state) => state.explorer.query);
  const text = useAppStore((state) => state.text);

  useEffect(() => {
    if (api === null || !ready) return;
    const timer = setTimeout(() => void analyzeQuery(api, query), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [api, ready, query]);

  return (
    <>
      <DictionaryGate>{null}</DictionaryGate>
      <label className="search">
        Find neurons{' '}
        <input
          type="search"
          value={query}
          placeholder="a dog on the beach"
          disabled={!ready}
          onChange={(event) => setQuery(event.target.value)}
        />
      </label>
      {text.status === 'loading' && <span className="muted"> analysing…</span>}
      {text.status === 'failed' && <p className="error">Could not analyse the text: {text.error}</p>}
      {text.analysis !== null && query !== '' && (
        <div className="text-results">
          <TokenStrip analysis={text.analysis} />
          <div className="text-columns">
            <NeuronList neurons={text.analysis.neurons} />
            <ImagesStrip />
          </div>
        </div>
      )}
    </>
  );
}

/** The loaded images, small, showing the selected neuron. */
function ImagesStrip() {
  const images = useAppStore((state) => state.images);
  return (
    <aside className="images-strip" aria-label="Selected neuron on your images">
      <h3>On your images</h3>
      {images.length === 0 && <p className="muted">Add images in the Images tab to see where a neuron fires.</p>}
      {images.map((image) => (
        <ImageCard key={image.key} image={image} compact />
      ))}
    </aside>
  );
}
