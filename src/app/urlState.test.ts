import { describe, expect, it } from 'vitest';
import { DEFAULT_URL_STATE, isNavigation, parseUrlState, serializeUrlState } from './urlState';

describe('URL state', () => {
  it('reads tab, latent and query from the hash', () => {
    expect(parseUrlState('#tab=text&latent=12&q=dog')).toEqual({
      tab: 'text',
      latent: 12,
      query: 'dog',
      conceptSearch: '',
    });
  });

  it('falls back to the defaults for an empty hash', () => {
    expect(parseUrlState('')).toEqual(DEFAULT_URL_STATE);
    expect(parseUrlState('#')).toEqual(DEFAULT_URL_STATE);
  });

  it('ignores an unknown tab and a malformed latent', () => {
    expect(parseUrlState('#tab=admin&latent=-3')).toEqual(DEFAULT_URL_STATE);
    expect(parseUrlState('#latent=1.5').latent).toBeNull();
    expect(parseUrlState('#latent=abc').latent).toBeNull();
    expect(parseUrlState('#latent=99999999999999999999').latent).toBeNull();
  });

  it('reads the Concepts search', () => {
    expect(parseUrlState('#tab=concepts&search=fur').conceptSearch).toBe('fur');
  });

  it('round-trips queries and searches with spaces, ampersands and non-ASCII text', () => {
    const state = { tab: 'concepts' as const, latent: 0, query: 'a dog & a café #1', conceptSearch: 'q=1&tab=text' };
    expect(parseUrlState(serializeUrlState(state))).toEqual(state);
  });

  it('leaves default fields out of the hash', () => {
    expect(serializeUrlState(DEFAULT_URL_STATE)).toBe('#tab=images');
    expect(serializeUrlState({ tab: 'pairs', latent: 7, query: '', conceptSearch: '' })).toBe('#tab=pairs&latent=7');
    expect(serializeUrlState({ ...DEFAULT_URL_STATE, tab: 'concepts', conceptSearch: 'fur' })).toBe(
      '#tab=concepts&search=fur',
    );
  });

  it('makes a history entry for a tab or selection change, not for typing', () => {
    const base = { tab: 'text' as const, latent: 3, query: 'do', conceptSearch: '' };
    expect(isNavigation(base, { ...base, query: 'dog' })).toBe(false);
    expect(isNavigation(base, { ...base, conceptSearch: 'fur' })).toBe(false);
    expect(isNavigation(base, { ...base, latent: 4 })).toBe(true);
    expect(isNavigation(base, { ...base, tab: 'images' })).toBe(true);
  });
});
