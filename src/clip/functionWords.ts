/**
 * Function words: the one list that keeps articles, conjunctions, prepositions, auxiliaries,
 * pronouns, the caption templates' filler ("emoji", "picture", "icon") and the scene captions'
 * position words out of alignment (the GCMT transport, the Pairs view) and out of evaluation
 * phrases (METHOD.md, "Inputs"). A patch has nothing to match "and" or "the" with; left in,
 * such words take transport mass from the nouns and become latents that fire on every caption.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  // articles and determiners
  'a',
  'an',
  'the',
  'this',
  'that',
  'these',
  'those',
  'some',
  'any',
  'each',
  'every',
  'no',
  // conjunctions
  'and',
  'or',
  'but',
  'nor',
  'so',
  'yet',
  'if',
  'than',
  'as',
  // prepositions
  'of',
  'on',
  'in',
  'at',
  'to',
  'for',
  'with',
  'from',
  'by',
  'into',
  'onto',
  'over',
  'under',
  'above',
  'below',
  'near',
  'next',
  'beside',
  'between',
  'behind',
  'about',
  'off',
  'up',
  'down',
  // auxiliaries and copulas
  'is',
  'are',
  'was',
  'were',
  'be',
  'been',
  'being',
  'am',
  'has',
  'have',
  'had',
  'do',
  'does',
  'did',
  'can',
  'could',
  'will',
  'would',
  'shall',
  'should',
  'may',
  'might',
  'must',
  // pronouns
  'it',
  'its',
  'he',
  'she',
  'they',
  'them',
  'his',
  'her',
  'their',
  'we',
  'you',
  'i',
  'me',
  'my',
  'our',
  'your',
  'there',
  'here',
  'what',
  'which',
  'who',
  // caption templates and scene positions (tools/emoji-clip/captions.py)
  'emoji',
  'picture',
  'icon',
  'image',
  'photo',
  'cartoon',
  'left',
  'right',
]);

/** The word a tokenizer piece spells, without WordPiece / BPE / SentencePiece markers, lower case. */
export function pieceText(token: string): string {
  return token
    .replace(/^##/, '')
    .replace(/<\/w>$/, '')
    .replace(/^[▁Ġ]/, '')
    .toLowerCase();
}

/** Whether a piece continues the previous token's word (WordPiece "##…"). */
function continuesWord(token: string | undefined): boolean {
  return token?.startsWith('##') === true;
}

/**
 * Whether token i of a tokenized text is a function word: a whole word (not a piece of a longer
 * word such as "a" + "##nt") that is in FUNCTION_WORDS.
 */
export function isFunctionToken(tokens: readonly string[], i: number): boolean {
  if (continuesWord(tokens[i]) || continuesWord(tokens[i + 1])) return false;
  return FUNCTION_WORDS.has(pieceText(tokens[i]));
}

/** Whether a plain word (from a label, tag or caption) is a function word. */
export function isFunctionWord(word: string): boolean {
  return FUNCTION_WORDS.has(word.toLowerCase());
}
