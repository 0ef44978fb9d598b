import { describe, expect, it } from 'vitest';
import { isFunctionToken, isFunctionWord } from './functionWords';

describe('function words', () => {
  it('marks articles and conjunctions but not nouns', () => {
    expect(isFunctionWord('The')).toBe(true);
    expect(isFunctionWord('and')).toBe(true);
    expect(isFunctionWord('dog')).toBe(false);
  });

  it('does not mark a piece of a longer word ("a" + "##nt")', () => {
    const tokens = ['[CLS]', 'a', '##nt', 'and', 'a', 'dog', '[SEP]'];
    expect(tokens.map((_, i) => isFunctionToken(tokens, i))).toEqual([false, false, false, true, true, false, false]);
  });

  it('reads BPE and SentencePiece markers', () => {
    expect(isFunctionToken(['the</w>', 'cat</w>'], 0)).toBe(true);
    expect(isFunctionToken(['▁of', '▁cats'], 0)).toBe(true);
  });
});
