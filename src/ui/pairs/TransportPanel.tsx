import { useEffect, useId, useRef, useState } from 'react';
import { errorMessage, useExplorerApi } from '../../app/explorerApi';
import { useAppStore } from '../../app/store';
import type { TransportView } from '../../explain/types';
import { formatPercent } from '../latents';
import { drawTransport } from './drawTransport';
import { isAligned } from './planLinks';
import { WordButtons } from './WordButtons';
import { WordHeatmap } from './WordHeatmap';
import './pairs.css';

/** Typing pauses this long before the plan is recomputed. */
const DEBOUNCE_MS = 400;

type PlanState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; view: TransportView; imageUrl: string }
  | { status: 'failed'; error: string };

/** Pick a loaded image, type a caption, see which patches each word is matched to (GCMT). */
export function TransportPanel() {
  const api = useExplorerApi();
  const images = useAppStore((state) => state.images);
  const family = useAppStore((state) => state.model.info?.family ?? 'clip');
  const analysed = images.filter((image) => image.analysis !== null);
  const [imageKey, setImageKey] = useState<number | null>(null);
  const [caption, setCaption] = useState('');
  const [plan, setPlan] = useState<PlanState>({ status: 'idle' });
  const [previewToken, setPreviewToken] = useState<number | null>(null);
  const [pinnedToken, setPinnedToken] = useState<number | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const selectId = useId();
  const image = analysed.find((candidate) => candidate.key === imageKey) ?? analysed[0];
  const imageId = image?.analysis?.imageId;
  const imageUrl = image?.url;

  useEffect(() => {
    if (api === null || imageId === undefined || imageUrl === undefined || caption.trim() === '') return;
    let current = true;
    const timer = setTimeout(() => {
      setPlan({ status: 'loading' });
      api.transport(imageId, caption).then(
        (view) => {
          if (!current) return;
          // A new caption renumbers its tokens: a word picked in the old one means nothing here.
          setPreviewToken(null);
          setPinnedToken(null);
          setPlan({ status: 'ready', view, imageUrl });
        },
        (error: unknown) => current && setPlan({ status: 'failed', error: errorMessage(error) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, imageId, imageUrl, caption]);

  // The word shown: the one under the pointer or focus, else the pinned one; never a word outside the alignment.
  const wanted = previewToken ?? pinnedToken;
  const activeToken = plan.status === 'ready' && wanted !== null && isAligned(plan.view, wanted) ? wanted : null;

  useEffect(() => {
    if (svg.current === null || plan.status !== 'ready') return;
    drawTransport(svg.current, {
      view: plan.view,
      imageUrl: plan.imageUrl,
      imageFit: family === 'clip' ? 'slice' : 'none',
      hoveredToken: activeToken,
      onHoverToken: setPreviewToken,
      onSelectToken: (token) => setPinnedToken((pinned) => (pinned === token ? null : token)),
    });
  }, [plan, activeToken, family]);

  if (analysed.length === 0) {
    return <p className="muted">Add an image in the Images tab, then type a caption here to see the alignment.</p>;
  }
  return (
    <div className="transport">
      <div className="transport-inputs">
        <span>
          {/* Labelled by id, not by nesting: a nested select's value would join its accessible name. */}
          <label htmlFor={selectId}>Image</label>{' '}
          <select id={selectId} value={image?.key} onChange={(event) => setImageKey(Number(event.target.value))}>
            {analysed.map((candidate) => (
              <option key={candidate.key} value={candidate.key}>
                {candidate.name}
              </option>
            ))}
          </select>
        </span>
        <label className="search">
          Caption{' '}
          <input
            type="text"
            value={caption}
            placeholder="a dog eating pizza"
            onChange={(event) => setCaption(event.target.value)}
          />
        </label>
      </div>
      {plan.status === 'loading' && <p className="muted">Computing the transport plan…</p>}
      {plan.status === 'failed' && <p className="error">Could not align: {plan.error}</p>}
      {plan.status === 'ready' && caption.trim() !== '' && (
        <>
          <p className="dustbin">
            Dustbin: {formatPercent(plan.view.dustbinShare.patches)} of the image&apos;s mass and{' '}
            {formatPercent(plan.view.dustbinShare.tokens)} of the caption&apos;s mass stay unmatched.{' '}
            <span className="muted">
              Hover, focus or click a word to see its patches; dimmed words are not aligned; grey bars are mass sent to
              the dustbin.
            </span>
          </p>
          <WordButtons
            view={plan.view}
            active={activeToken}
            pinned={pinnedToken}
            onPreview={setPreviewToken}
            onPin={setPinnedToken}
          />
          <div className="pairs-word-view">
            <WordHeatmap
              view={plan.view}
              imageUrl={plan.imageUrl}
              imageName={image?.name ?? 'the image'}
              imageFit={family === 'clip' ? 'cover' : 'fill'}
              token={activeToken}
            />
            <svg
              ref={svg}
              className="transport-plot"
              role="img"
              aria-label={`transport plan between ${image?.name ?? 'the image'} and "${caption}"`}
            />
          </div>
        </>
      )}
    </div>
  );
}
