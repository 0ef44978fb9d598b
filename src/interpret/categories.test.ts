import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  CATEGORY_ANCHORS,
  LEXNAME_CATEGORY,
  LEXNAMES,
  categoryOfLexname,
  isCategory,
  isLexname,
} from './categories';

describe('the lexicographer-file table', () => {
  it("maps all 45 of WordNet's lexicographer files, each to one of the five categories", () => {
    expect(LEXNAMES).toHaveLength(45);
    expect(Object.keys(LEXNAME_CATEGORY).sort()).toEqual([...LEXNAMES].sort());
    for (const lexname of LEXNAMES) expect(CATEGORIES).toContain(categoryOfLexname(lexname));
  });

  it('makes every verb file an action except the stative verbs', () => {
    const verbs = LEXNAMES.filter((l) => l.startsWith('verb.'));
    expect(verbs.filter((l) => LEXNAME_CATEGORY[l] !== 'action')).toEqual(['verb.stative']);
  });

  it('makes every adjective and adverb file an attribute', () => {
    for (const lexname of LEXNAMES.filter((l) => l.startsWith('adj.') || l.startsWith('adv.'))) {
      expect(LEXNAME_CATEGORY[lexname]).toBe('attribute');
    }
  });

  it('anchors only noun synsets, each to a real category', () => {
    for (const anchor of CATEGORY_ANCHORS) {
      expect(anchor.lexname.startsWith('noun.')).toBe(true);
      expect(CATEGORIES).toContain(anchor.category);
    }
  });

  it('recognises names', () => {
    expect(isLexname('noun.animal')).toBe(true);
    expect(isLexname('noun.animals')).toBe(false);
    expect(isCategory('unknown')).toBe(true);
    expect(isCategory('thing')).toBe(false);
  });
});
