/**
 * The shareable part of the explorer state — the open tab, the selected latent, the text query and
 * the Concepts search — as a URL hash (`#tab=concepts&latent=12&q=dog&search=fur`), like
 * tensorflow/playground's state table. The hash never reaches a server.
 * Pure: no `window` here, so it is tested in Node; `urlSync.ts` binds it to the page.
 */

export const TABS = ['images', 'text', 'pairs', 'concepts', 'train'] as const;
export type Tab = (typeof TABS)[number];

export interface UrlState {
  tab: Tab;
  /** Selected latent id, or null for none. */
  latent: number | null;
  /** Text query of the Text tab ('' for none). */
  query: string;
  /** Search of the Concepts tab ('' for none). */
  conceptSearch: string;
}

export const DEFAULT_URL_STATE: UrlState = { tab: 'images', latent: null, query: '', conceptSearch: '' };

function isTab(value: string | null): value is Tab {
  return TABS.some((tab) => tab === value);
}

/** Reads a hash (with or without the leading '#'); unknown or malformed fields fall back to defaults. */
export function parseUrlState(hash: string): UrlState {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const tab = params.get('tab');
  const latentText = params.get('latent');
  const latent = latentText !== null && /^\d+$/.test(latentText) ? Number(latentText) : null;
  return {
    tab: isTab(tab) ? tab : DEFAULT_URL_STATE.tab,
    latent: latent !== null && Number.isSafeInteger(latent) ? latent : null,
    query: params.get('q') ?? '',
    conceptSearch: params.get('search') ?? '',
  };
}

/** Writes the state as a hash, '#'-prefixed; fields at their default are left out (the tab always stays). */
export function serializeUrlState(state: UrlState): string {
  const params = new URLSearchParams({ tab: state.tab });
  if (state.latent !== null) params.set('latent', String(state.latent));
  if (state.query !== '') params.set('q', state.query);
  if (state.conceptSearch !== '') params.set('search', state.conceptSearch);
  return `#${params.toString()}`;
}

/**
 * Whether going from `before` to `after` deserves its own history entry: a new tab or a new
 * selection does (the back button returns to it); typing a query or a search only replaces the entry.
 */
export function isNavigation(before: UrlState, after: UrlState): boolean {
  return before.tab !== after.tab || before.latent !== after.latent;
}
