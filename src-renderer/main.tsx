// Renderer entry: API client (IPC in Electron, WebSocket in a browser), stores, i18n, React.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client.ts';
import { App } from './App.tsx';
import { initI18n } from './i18n/index.ts';
import { setClient } from './store/client.ts';
import { connectStores } from './store/events.ts';
import { parseHash, useUi } from './store/ui.ts';
import './styles/theme.css';

const client = createApiClient();
setClient(client);
connectStores(client);

window.addEventListener('hashchange', () => useUi.getState().setRoute(parseHash(window.location.hash)));

const { language, theme } = useUi.getState();
document.documentElement.dataset.theme = theme;
await initI18n(language);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
