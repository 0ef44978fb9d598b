import { errorMessage, type ExplorerPort } from './explorerApi';
import { useAppStore } from './store';
import type { TextState } from './textSlice';

function setText(update: Partial<TextState>): void {
  useAppStore.setState((state) => ({ text: { ...state.text, ...update } }));
}

/** Counts requests, so an answer to an older query never replaces a newer one. */
let textRequest = 0;

/** Analyses the Text tab's query in the worker; the previous result stays on screen meanwhile. */
export async function analyzeQuery(api: ExplorerPort, query: string): Promise<void> {
  const request = ++textRequest;
  if (query.trim() === '') {
    setText({ status: 'idle', analysedQuery: '', analysis: null, error: null });
    return;
  }
  setText({ status: 'loading' });
  try {
    const analysis = await api.analyzeText(query);
    if (request === textRequest) setText({ status: 'ready', analysedQuery: query, analysis, error: null });
  } catch (error) {
    if (request === textRequest) setText({ status: 'failed', error: errorMessage(error) });
  }
}
