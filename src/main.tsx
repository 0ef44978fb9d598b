import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { backendFromUrl, startCompute } from './app/startCompute';
import { useAppStore } from './app/store';
import { bindUrlState } from './app/urlSync';
import { explorer } from './worker/client';
import { installTestApi } from './testApi';
import { installBenchApi } from './bench/hooks';
import './app/app.css';

const rootElement = document.getElementById('root');
if (rootElement === null) throw new Error('index.html has no #root element');

installTestApi();
installBenchApi();
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
