/** Actions on what the user is looking at (plain functions; zustand's "no store actions"). */
import type { ExplorerState } from './explorerSlice';
import { useAppStore } from './store';
import type { Tab, UrlState } from './urlState';

function updateExplorer(update: Partial<ExplorerState>): void {
  useAppStore.setState((state) => ({ explorer: { ...state.explorer, ...update } }));
}

export function setTab(tab: Tab): void {
  updateExplorer({ tab });
}

/** Selects a latent everywhere: every image's heatmap and the Concepts tab's page follow it. */
export function selectLatent(latent: number | null): void {
  updateExplorer({ selectedLatent: latent });
}

export function setQuery(query: string): void {
  updateExplorer({ query });
}

export function setConceptSearch(conceptSearch: string): void {
  updateExplorer({ conceptSearch });
}

export function setHeatmapOpacity(opacity: number): void {
  updateExplorer({ heatmapOpacity: Math.min(1, Math.max(0, opacity)) });
}

export function applyUrlState(url: UrlState): void {
  updateExplorer({ tab: url.tab, selectedLatent: url.latent, query: url.query, conceptSearch: url.conceptSearch });
}

export function currentUrlState(state: ExplorerState): UrlState {
  return { tab: state.tab, latent: state.selectedLatent, query: state.query, conceptSearch: state.conceptSearch };
}
