/**
 * Arrow keys on the caption's words: they skip the words that take no part in the alignment (which
 * are out of the Tab order too), and stop at the ends. Pure.
 */

/**
 * The aligned word focused after `key` on word `from` (a 0/1 mask of aligned tokens), or null when
 * the key is not a move or there is no aligned word that way.
 */
export function wordAfterKey(contentMask: ArrayLike<number>, from: number, key: string): number | null {
  const aligned: number[] = [];
  for (let token = 0; token < contentMask.length; token++) if (contentMask[token] === 1) aligned.push(token);
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return aligned.find((token) => token > from) ?? null;
    case 'ArrowLeft':
    case 'ArrowUp':
      return aligned.findLast((token) => token < from) ?? null;
    case 'Home':
      return aligned[0] ?? null;
    case 'End':
      return aligned.at(-1) ?? null;
    default:
      return null;
  }
}
