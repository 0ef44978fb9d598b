import type { StateCreator } from 'zustand';
import type { TextAnalysis } from '../explain/types';

/** The analysis of the Text tab's query (the query itself lives in the explorer slice). */
export interface TextState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** The text `analysis` belongs to. */
  analysedQuery: string;
  analysis: TextAnalysis | null;
  error: string | null;
}

export interface TextSlice {
  text: TextState;
}

export const createTextSlice: StateCreator<TextSlice, [], [], TextSlice> = () => ({
  text: { status: 'idle', analysedQuery: '', analysis: null, error: null },
});
