import type { LatentInfo } from '../../explain/types';
import { useAtlasUrl, useInterpretation } from '../hooks';
import { AtlasTile } from './AtlasTile';

/** A latent's image evidence: its top patches in the reference images. */
export function PatchEvidence({ info, count, size = 56 }: { info: LatentInfo; count: number; size?: number }) {
  const interpretation = useInterpretation();
  const atlasUrl = useAtlasUrl();
  if (interpretation === null || atlasUrl === null) return null;
  const patches = info.topPatches.slice(0, count);
  if (patches.length === 0) return <p className="muted">No image evidence: never fires on reference patches.</p>;
  return (
    <div className="evidence">
      {patches.map((top) => (
        <AtlasTile
          key={`${top.image}:${top.patch}`}
          atlasUrl={atlasUrl}
          reference={interpretation.reference}
          image={top.image}
          patch={top.patch}
          size={size}
        />
      ))}
    </div>
  );
}

/** A latent's text evidence: its top vocabulary terms with bars scaled to the first. */
export function TermEvidence({ info, count }: { info: LatentInfo; count: number }) {
  const terms = info.topTerms.slice(0, count);
  if (terms.length === 0) return <p className="muted">No text evidence: fires on no vocabulary term.</p>;
  const top = terms[0][1];
  return (
    <ol className="terms">
      {terms.map(([term, value]) => (
        <li key={term}>
          <span className="term">{term}</span>
          <span className="term-bar" style={{ width: `${top > 0 ? (value / top) * 100 : 0}%` }} />
        </li>
      ))}
    </ol>
  );
}
