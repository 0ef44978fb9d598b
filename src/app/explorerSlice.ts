import type { StateCreator } from 'zustand';
import type { Tab } from './urlState';

/** What the user is looking at: the tab, the selected concept, the text query and the Concepts search (all in the URL). */
export interface ExplorerState {
  tab: Tab;
  /** The latent whose heatmap every image shows and whose page the Concepts tab opens. */
  selectedLatent: number | null;
  query: string;
  /** The Concepts tab's search ('' for none). */
  conceptSearch: string;
  /** Opacity of heatmap overlays, in [0, 1]. */
  heatmapOpacity: number;
}

export interface ExplorerSlice {
  explorer: ExplorerState;
}

export const createExplorerSlice: StateCreator<ExplorerSlice, [], [], ExplorerSlice> = () => ({
  explorer: { tab: 'images', selectedLatent: null, query: '', conceptSearch: '', heatmapOpacity: 0.65 },
});
