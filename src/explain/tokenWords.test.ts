import { describe, expect, it } from 'vitest';
import { tokenWords } from './interpretDictionary';

describe('tokenWords', () => {
  it('joins WordPiece pieces into their word and blanks special tokens', () => {
    expect(tokenWords(['[BOS]', 'a', 'cat', '##fish', '##es', 'face', '[EOS]'])).toEqual([
      '',
      'a',
      'catfishes',
      'catfishes',
      'catfishes',
      'face',
      '',
    ]);
  });

  it('keeps a piece after a special token as its own word', () => {
    expect(tokenWords(['[BOS]', '##x', 'dog'])).toEqual(['', '##x', 'dog']);
  });
});
