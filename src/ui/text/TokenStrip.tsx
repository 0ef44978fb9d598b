import type { TextAnalysis } from '../../explain/types';
import { selectLatent } from '../../app/selectionActions';
import { categoryColor } from '../palette';
import { useLatentIndex } from '../hooks';
import { formatScore, latentName } from '../latents';

/** Latents shown under each token. */
const PER_TOKEN = 3;

/** The text's tokens, each with its strongest latents; special tokens and punctuation are dimmed. */
export function TokenStrip({ analysis }: { analysis: TextAnalysis }) {
  const latents = useLatentIndex();
  return (
    <ol className="tokens" aria-label="Tokens and their strongest neurons">
      {analysis.tokens.map((token, index) => (
        <li key={index} className={analysis.contentMask[index] === 1 ? 'token' : 'token special'}>
          <span className="token-text">{token}</span>
          {analysis.contentMask[index] === 1 &&
            (analysis.perToken[index] ?? []).slice(0, PER_TOKEN).map((scored) => {
              const info = latents.get(scored.id);
              return (
                <button
                  key={scored.id}
                  type="button"
                  className="token-latent"
                  style={{ borderLeftColor: categoryColor(info?.category ?? null) }}
                  onClick={() => selectLatent(scored.id)}
                >
                  {latentName(info, scored.id)} <span className="score">{formatScore(scored.score)}</span>
                </button>
              );
            })}
        </li>
      ))}
    </ol>
  );
}
