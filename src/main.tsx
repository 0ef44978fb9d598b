import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { backendFromUrl, startCompute } from './app/startCompute';
import { useAppStore } from './app/store';
import { bindUrlState } from './app/urlSync';
import { explorer } from './worker/client';
import { installTestApi } from './testing/testApi';
import './app/app.css';

const rootElement = document.getElementById('root');
if (rootElement === null) throw new Error('index.html has no #root element');

// The e2e build (`vite build --mode e2e`: `npm run test:e2e`, `npm run bench`) adds the page hooks
// the tests and the benchmark drive; `MODE` is replaced at build time, so the production bundle has
// neither the branch nor the modules it calls (src/testing/noTestHooks.test.ts checks).
if (import.meta.env.MODE === 'e2e') {
  // Before anything else: tests call it as soon as the page has loaded.
  installTestApi();
  // Loaded, not imported: a static import would put the bench worker in every build. The benchmark
  // waits for the app to be ready before it calls it.
  void import('./bench/hooks').then(({ installBenchApi }) => installBenchApi());
}
void startCompute(backendFromUrl(window.location.search));
// Before the first render, so a shared or reloaded URL opens on its tab and selection.
bindUrlState();

// The model worker; everything heavy runs there.
const explorerApi = explorer();
explorerApi.onFault((workerFault) => useAppStore.setState({ workerFault }));

createRoot(rootElement).render(
  <StrictMode>
    <App api={explorerApi} />
  </StrictMode>,
);
