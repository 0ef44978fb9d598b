import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { backendFromUrl, startCompute } from './app/startCompute';
import { installTestApi } from './testApi';
import './app/app.css';

const rootElement = document.getElementById('root');
if (rootElement === null) throw new Error('index.html has no #root element');

installTestApi();
void startCompute(backendFromUrl(window.location.search));

createRoot(rootElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
