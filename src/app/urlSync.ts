/**
 * Keeps the URL hash and the store in step: reload restores the view, the back button returns to
 * the previous tab or selection. The hash format is in `urlState.ts`.
 */
import { applyUrlState, currentUrlState } from './selectionActions';
import { useAppStore } from './store';
import { isNavigation, parseUrlState, serializeUrlState } from './urlState';

/** Reads the hash into the store, then follows both ways. Returns a function that stops following. */
export function bindUrlState(): () => void {
  applyUrlState(parseUrlState(window.location.hash));
  let written = currentUrlState(useAppStore.getState().explorer);

  const unsubscribe = useAppStore.subscribe((state) => {
    const next = currentUrlState(state.explorer);
    const hash = serializeUrlState(next);
    if (hash === serializeUrlState(written)) return;
    // Typing a query replaces the entry; a new tab or selection gets its own, for the back button.
    if (isNavigation(written, next)) window.history.pushState(null, '', hash);
    else window.history.replaceState(null, '', hash);
    written = next;
  });

  const onNavigate = () => {
    const url = parseUrlState(window.location.hash);
    written = url;
    applyUrlState(url);
  };
  window.addEventListener('popstate', onNavigate);
  window.addEventListener('hashchange', onNavigate);
  return () => {
    unsubscribe();
    window.removeEventListener('popstate', onNavigate);
    window.removeEventListener('hashchange', onNavigate);
  };
}
