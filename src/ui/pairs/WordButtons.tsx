import type { KeyboardEvent } from 'react';
import type { TransportView } from '../../explain/types';
import { formatPercent } from '../latents';
import { isAligned, tokenDustbinShare } from './planLinks';
import { wordAfterKey } from './wordKeys';

interface WordButtonsProps {
  view: TransportView;
  /** The word shown on the image (hovered, focused or pinned), or null. */
  active: number | null;
  /** The word pinned by a click (or Enter / Space), or null. */
  pinned: number | null;
  onPreview: (token: number | null) => void;
  onPin: (token: number | null) => void;
}

/**
 * The caption's words as buttons: hovering or focusing one previews where its mass went, a click
 * (Enter or Space from the keyboard, as for any button) pins it until clicked again. Words that take
 * no part in the alignment are dimmed and say so; they are left out of the Tab order, since there
 * is nothing to show for them. The arrow keys, Home and End also move between the aligned words.
 */
export function WordButtons({ view, active, pinned, onPreview, onPin }: WordButtonsProps) {
  const onKeyDown = (event: KeyboardEvent<HTMLOListElement>) => {
    const from = Number((event.target as HTMLElement).closest<HTMLElement>('[data-token]')?.dataset.token);
    if (!Number.isInteger(from)) return;
    const next = wordAfterKey(view.contentMask, from, event.key);
    if (next === null) return;
    event.preventDefault();
    // Focusing the word previews it, as Tab does.
    event.currentTarget.querySelector<HTMLElement>(`[data-token="${next}"]`)?.focus();
  };
  return (
    <ol className="pairs-words" aria-label="Words of the caption" onKeyDown={onKeyDown}>
      {view.tokens.map((text, token) => (
        <li key={token}>
          {isAligned(view, token) ? (
            <button
              type="button"
              className={`pairs-word${token === active ? ' active' : ''}`}
              data-token={token}
              aria-pressed={token === pinned}
              onMouseEnter={() => onPreview(token)}
              onMouseLeave={() => onPreview(null)}
              onFocus={() => onPreview(token)}
              onBlur={() => onPreview(null)}
              onClick={() => onPin(token === pinned ? null : token)}
            >
              <span className="token-text">{text}</span>{' '}
              <span className="pairs-word-dustbin">{formatPercent(tokenDustbinShare(view, token))} to dustbin</span>
            </button>
          ) : (
            <NotAlignedWord text={text} />
          )}
        </li>
      ))}
    </ol>
  );
}

/** A function word, special token or punctuation: shown for the caption's sake, not transported. */
function NotAlignedWord({ text }: { text: string }) {
  return (
    <button
      type="button"
      className="pairs-word not-aligned"
      aria-disabled="true"
      tabIndex={-1}
      aria-label={`${text}: not aligned`}
      title={`“${text}” is not aligned: function words, special tokens and punctuation take no part in the transport`}
    >
      <span className="token-text">{text}</span>
    </button>
  );
}
