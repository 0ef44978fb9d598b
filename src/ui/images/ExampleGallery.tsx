import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { errorMessage, useExplorerApi } from '../../app/explorerApi';
import { addImages } from '../../app/imageActions';
import { useAppStore } from '../../app/store';
import { atlasTileView } from '../atlas/atlasGeometry';
import { useAtlasUrl } from '../hooks';
import { cropTile } from './cropTile';
import { parseReferenceIndex, pickExamples, type Example, type ReferenceIndex } from './exampleGallery';

/** Side of a thumbnail, in CSS px. */
const THUMBNAIL_PX = 56;

/**
 * Examples to try at once: held-out reference images of the loaded dictionary (never its test
 * split), each added with one click through the same path as "Add images". Hidden when the
 * dictionary ships no atlas or no `reference.json`.
 */
export function ExampleGallery() {
  const api = useExplorerApi();
  const base = useAppStore((state) => state.dictionary.base);
  const atlasUrl = useAtlasUrl();
  const reference = useReferenceIndex(atlasUrl === null ? null : base);
  const examples = useMemo(() => (reference === null ? [] : pickExamples(reference)), [reference]);
  const [error, setError] = useState<string | null>(null);
  if (atlasUrl === null || reference === null || examples.length === 0) return null;

  const add = async (example: Example) => {
    if (api === null) return;
    setError(null);
    try {
      await addImages(api, [await cropTile(atlasUrl, reference, example.image, example.name)]);
    } catch (cause) {
      setError(`Could not add ${example.name}: ${errorMessage(cause)}`);
    }
  };
  return (
    <section className="example-gallery" aria-labelledby="examples-heading">
      <h3 id="examples-heading">Or try an example</h3>
      <ul aria-label="Example images">
        {examples.map((example) => (
          <li key={example.image}>
            <button
              type="button"
              className="example-button"
              disabled={api === null}
              aria-label={`Add example: ${example.caption}`}
              title={example.caption}
              onClick={() => void add(example)}
            >
              <span
                className="example-thumbnail"
                aria-hidden="true"
                style={thumbnailStyle(atlasUrl, reference, example.image)}
              />
            </button>
          </li>
        ))}
      </ul>
      <p className="muted">
        Held-out reference images of this dictionary: single emoji of different kinds, and scenes.
      </p>
      {error !== null && <p className="error">{error}</p>}
    </section>
  );
}

/** The dictionary's `reference.json`, or null while it loads, when it is missing or malformed. */
function useReferenceIndex(base: string | null): ReferenceIndex | null {
  const [loaded, setLoaded] = useState<{ base: string; reference: ReferenceIndex | null } | null>(null);
  useEffect(() => {
    if (base === null) return;
    let current = true;
    fetch(`${base}/reference.json`)
      .then((response) => (response.ok ? response.json() : null))
      .then(
        (json: unknown) => current && setLoaded({ base, reference: parseReferenceIndex(json) }),
        () => current && setLoaded({ base, reference: null }),
      );
    return () => {
      current = false;
    };
  }, [base]);
  return loaded !== null && loaded.base === base ? loaded.reference : null;
}

/** The tile as a CSS background of the atlas, as the evidence tiles show it. */
function thumbnailStyle(atlasUrl: string, reference: ReferenceIndex, image: number): CSSProperties {
  const view = atlasTileView({ ...reference, grid: [1, 1] }, image, 0, THUMBNAIL_PX);
  return {
    width: THUMBNAIL_PX,
    height: THUMBNAIL_PX,
    backgroundImage: `url("${atlasUrl}")`,
    backgroundPosition: view.backgroundPosition,
    backgroundSize: `${reference.columns * reference.tile * view.scale}px auto`,
  };
}
